package nl.schakel.validation;

import net.sf.saxon.xpath.XPathEvaluator;
import net.sf.saxon.xpath.XPathFactoryImpl;
import org.w3c.dom.Document;

import javax.xml.xpath.XPathExpression;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathConstants;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The routing-fields stage: the message id, sender, receiver and the other fields a document type
 * declares (schemas/catalogue.yaml), read by XPath. Each must be a code the gateway can route, record
 * and repeat; it never repeats a value it cannot read as one.
 */
final class RoutingFields {
    /** The longest routing field (a message id, a code) the gateway reads, as the MessageId type of the schemas. */
    static final int MAX_ID_LENGTH = 64;
    /** A routing field is a code: letters, digits, '.', '_' and '-', starting with a letter or digit (the schemas' MessageId). */
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-]*");
    /** Fields the gateway cannot do without when a document type declares them: the id it claims, the transfer an answer is about. */
    private static final Set<String> REQUIRED_FIELDS = Set.of("messageId", "refersTo");

    /**
     * Saxon's XPath, not the JDK's: the JDK's copies the whole DOM into its own tree on every
     * evaluation (six times a document), Saxon's reads the DOM where it stands.
     */
    private static final XPathFactoryImpl XPATHS = new XPathFactoryImpl();

    private final ThreadLocal<Map<String, Map<String, XPathExpression>>> compiled = ThreadLocal.withInitial(HashMap::new);

    /** The fields of a document that could not be read to the end: its message id, when it was read whole before the stop and is one. */
    static Map<String, String> readBefore(String messageId) {
        String id = messageId == null ? "" : messageId.trim();
        return id.length() <= MAX_ID_LENGTH && CODE.matcher(id).matches() ? Map.of("messageId", id) : Map.of();
    }

    /**
     * The routing fields by XPath, into {@code fields}. A field the document lacks is left out; one that
     * is not a code, or is longer than {@link #MAX_ID_LENGTH}, is left out with an error naming the
     * field (never its value): the gateway does not route, record or repeat what it cannot read as a
     * code. A message id or refersTo the type declares must be readable.
     */
    List<ValidationError> read(DocumentType type, Document document, Map<String, String> fields) {
        List<ValidationError> errors = new ArrayList<>();
        for (Map.Entry<String, XPathExpression> f : compiled.get().computeIfAbsent(type.id(), id -> compileFields(type)).entrySet()) {
            String value;
            try {
                value = ((String) f.getValue().evaluate(document, XPathConstants.STRING)).trim();
            } catch (XPathExpressionException e) {
                throw new IllegalStateException("catalogue entry " + type.id() + ": field " + f.getKey() + " could not be evaluated", e);
            }
            if (value.isEmpty() && !REQUIRED_FIELDS.contains(f.getKey())) {
                continue;
            }
            if (!CODE.matcher(value).matches()) {
                errors.add(ValidationError.atPath(ValidationError.Stage.CONTEXT, "CTX-FIELD-UNREADABLE",
                        "The gateway cannot read the " + f.getKey() + " of this document as a code (letters, digits, '.', '_' and '-').",
                        f.getKey()));
            } else if (value.length() > MAX_ID_LENGTH) {
                errors.add(ValidationError.atPath(ValidationError.Stage.CONTEXT, "CTX-FIELD-TOO-LONG",
                        "The " + f.getKey() + " of this document is longer than " + MAX_ID_LENGTH + " characters.", f.getKey()));
            } else {
                fields.put(f.getKey(), value);
            }
        }
        return errors;
    }

    /** The field XPaths of a type, compiled once per thread (a compiled expression is not thread-safe). */
    private static Map<String, XPathExpression> compileFields(DocumentType type) {
        XPathEvaluator xpath = (XPathEvaluator) XPATHS.newXPath();
        // XPath 1.0's rules, as the catalogue's XPaths are written: the string of several nodes is the first one's
        xpath.getStaticContext().setBackwardsCompatibilityMode(true);
        xpath.setNamespaceContext(type.namespaces());
        Map<String, XPathExpression> compiled = new LinkedHashMap<>();
        for (Map.Entry<String, String> f : type.fieldPaths().entrySet()) {
            try {
                compiled.put(f.getKey(), xpath.compile(f.getValue()));
            } catch (XPathExpressionException e) {
                throw new IllegalStateException("catalogue entry " + type.id() + ": field " + f.getKey() + " has a bad XPath", e);
            }
        }
        return compiled;
    }
}
