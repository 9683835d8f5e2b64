package nl.schakel.validation;

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
 */
public record Verdict(DocumentType type, Map<String, String> fields, byte[] xml, List<ValidationError> errors, String sha256) {

    public boolean accepted() {
        return errors.isEmpty();
    }

    public String field(String name) {
        return fields.get(name);
    }
}
