package nl.schakel.validation;

import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the XML Schema validator's messages into messages that never quote a value from the
 * document: the validator's own texts for value errors repeat the offending value, which may be
 * a name or a birth date. Messages about structure (element and attribute names) are kept, with
 * only the namespaces of the catalogue named: a namespace is an attribute value of the document.
 * xsi:type is an attribute value too: its errors (cvc-elt.4.x, cvc-type.1) get texts of their own.
 */
final class XsdMessages {
    private static final Set<String> STRUCTURAL = Set.of(
            "cvc-complex-type.2.1", "cvc-complex-type.2.2", "cvc-complex-type.2.3",
            "cvc-complex-type.2.4.a", "cvc-complex-type.2.4.b", "cvc-complex-type.2.4.c",
            "cvc-complex-type.2.4.d", "cvc-complex-type.2.4.e", "cvc-complex-type.2.4.f",
            "cvc-complex-type.3.2.1", "cvc-complex-type.3.2.2", "cvc-complex-type.4",
            "cvc-elt.1.a", "cvc-elt.1.b", "cvc-elt.2", "cvc-elt.3.1", "cvc-type.2");
    private static final Pattern NAMESPACE = Pattern.compile("\"([^\"]*)\":");

    private static final Map<String, String> VALUE_TEXTS = Map.ofEntries(
            Map.entry("cvc-pattern-valid", "The value does not match the pattern of its type."),
            Map.entry("cvc-enumeration-valid", "The value is not one of the codes allowed here."),
            Map.entry("cvc-datatype-valid.1.2.1", "The value is not valid for its data type (for example a date must be yyyy-mm-dd)."),
            Map.entry("cvc-datatype-valid.1.2.3", "The value is not valid for its data type."),
            Map.entry("cvc-length-valid", "The value does not have the required length."),
            Map.entry("cvc-minLength-valid", "The value is shorter than allowed."),
            Map.entry("cvc-maxLength-valid", "The value is longer than allowed."),
            Map.entry("cvc-minInclusive-valid", "The value is below the minimum allowed."),
            Map.entry("cvc-maxInclusive-valid", "The value is above the maximum allowed."),
            Map.entry("cvc-minExclusive-valid", "The value is below the minimum allowed."),
            Map.entry("cvc-maxExclusive-valid", "The value is above the maximum allowed."),
            Map.entry("cvc-totalDigits-valid", "The value has more digits than allowed."),
            Map.entry("cvc-fractionDigits-valid", "The value has more decimals than allowed."),
            Map.entry("cvc-type.3.1.3", "The value of this element is not valid for its type."),
            Map.entry("cvc-attribute.3", "The value of this attribute is not valid for its type."),
            Map.entry("cvc-identity-constraint.4.1", "A value that must be unique here appears more than once."),
            Map.entry("cvc-elt.5.2.2.2.2", "The value differs from the fixed value of this element."),
            Map.entry("cvc-elt.4.1", "The xsi:type attribute of this element is not a valid qualified name."),
            Map.entry("cvc-elt.4.2", "The xsi:type attribute of this element names no type the schema defines."),
            Map.entry("cvc-elt.4.3", "The xsi:type attribute of this element names a type not derived from the element's type."),
            Map.entry("cvc-type.1", "The type this element names is not defined in the schema."));

    private XsdMessages() {
    }

    /** The validator's key, e.g. cvc-pattern-valid, from its message. */
    static String key(String validatorMessage) {
        if (validatorMessage == null) {
            return "unknown";
        }
        int colon = validatorMessage.indexOf(':');
        String key = colon > 0 ? validatorMessage.substring(0, colon) : "unknown";
        return key.matches("[A-Za-z0-9.\\-]{1,60}") ? key : "unknown";
    }

    static String message(String key, String validatorMessage, Predicate<String> knownNamespace) {
        if (STRUCTURAL.contains(key)) {
            String text = NAMESPACE.matcher(validatorMessage.substring(key.length() + 1).trim())
                    .replaceAll(m -> knownNamespace.test(m.group(1)) ? Matcher.quoteReplacement(m.group()) : "\"...\":");
            return text.length() > 600 ? text.substring(0, 600) + "..." : text;
        }
        return VALUE_TEXTS.getOrDefault(key, "The content does not conform to the schema (" + key + ").");
    }
}
