package nl.schakel.validation;

import org.w3c.dom.Document;

import java.util.List;
import java.util.Map;

/**
 * What validation decided about one message.
 *
 * @param type   the document type, when the root element was recognised
 * @param fields the routing fields (messageId, sender, receiver, ...), codes only
 * @param xml    the document as XML to forward (the bytes received, or XML made from JSON)
 * @param errors every problem found; empty when accepted
 * @param sha256 hex SHA-256 of the bytes received, or null when they were not read whole
 * @param document the parsed document of {@code xml} when accepted, so later steps need not parse it again
 * @param large  when the body was too large to hold in memory: the file it was read from, which an
 *               accepted message is forwarded from and a rejected one kept as (then {@code xml} is null)
 */
public record Verdict(DocumentType type, Map<String, String> fields, byte[] xml, List<ValidationError> errors, String sha256,
                      Document document, LargeBody large) {

    /** Rejected without reading a byte: the gateway would not open what it was given. */
    public static Verdict unread(ValidationError error) {
        return new Verdict(null, Map.of(), null, List.of(error), null, null, null);
    }

    public boolean accepted() {
        return errors.isEmpty();
    }

    public String field(String name) {
        return fields.get(name);
    }

    /**
     * This verdict with one more error, so rejected, and without the field the error is about (a
     * field the gateway cannot keep is neither routed, recorded nor repeated in the receipt).
     */
    public Verdict rejectedWith(ValidationError error, String withoutField) {
        Map<String, String> kept = new java.util.LinkedHashMap<>(fields);
        kept.remove(withoutField);
        List<ValidationError> all = new java.util.ArrayList<>(errors);
        all.add(error);
        return new Verdict(type, java.util.Collections.unmodifiableMap(kept), null, List.copyOf(all), sha256, null, large);
    }
}
