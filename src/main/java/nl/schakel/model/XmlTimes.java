package nl.schakel.model;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/** Conversions between XML Schema date types and java.time, used by the generated model. */
public final class XmlTimes {
    private XmlTimes() {
    }

    public static LocalDate parseDate(String value) {
        String v = value.trim();
        // xs:date may carry a time zone; the calendar date is what the exchange means
        return LocalDate.parse(v.length() > 10 ? v.substring(0, 10) : v);
    }

    public static String printDate(LocalDate value) {
        return value.toString();
    }

    public static OffsetDateTime parseDateTime(String value) {
        return OffsetDateTime.parse(value.trim(), DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    public static String printDateTime(OffsetDateTime value) {
        return value.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }
}
