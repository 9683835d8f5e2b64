package nl.schakel.validation;

import javax.xml.namespace.NamespaceContext;
import javax.xml.namespace.QName;
import javax.xml.validation.Schema;
import java.util.Map;

/**
 * A document type of the catalogue: the message type receivers see, its root element, compiled schema, optional rules,
 * the XPaths of the fields the gateway routes on, and the generated model class (for JSON).
 */
public record DocumentType(String id, String messageType, QName root, Schema schema, RuleSet rules,
                           NamespaceContext namespaces, Map<String, String> fieldPaths, Class<?> model) {

    public boolean hasModel() {
        return model != null;
    }
}
