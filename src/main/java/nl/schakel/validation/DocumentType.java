package nl.schakel.validation;

import javax.xml.namespace.NamespaceContext;
import javax.xml.namespace.QName;
import javax.xml.validation.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A document type of the catalogue: the message type receivers see, its root element, compiled schema, optional rules,
 * the XPaths of the fields the gateway routes on, and the generated model class (for JSON).
 */
public record DocumentType(String id, String messageType, QName root, Schema schema, RuleSet rules,
                           NamespaceContext namespaces, Map<String, String> fieldPaths, Class<?> model, String standard, String mapping,
                           boolean receiverFromChannel, boolean messageIdFromContent) {
    /** Schakel's own standard. */
    public static final String V1 = "v1";
    /** The mappings to and from v1 the gateway has built in, with the namespace each reads. */
    public static final Map<String, String> MAPPINGS = Map.of("oso-2019", "http://www.edustandaard.nl/oso_gegevensset/2019/dossier");
    private static final Pattern CHILD_PATH = Pattern.compile("(/([A-Za-z_][\\w.\\-]*:)?[A-Za-z_][\\w.\\-]*)+");

    /** Whether this type is Schakel v1. */
    public boolean isV1() {
        return V1.equals(standard);
    }

    public boolean hasModel() {
        return model != null;
    }

    /**
     * The elements of a field's XPath when it is a plain path of child steps from the root
     * ({@code /d:transferDossier/d:messageId}); empty for any other XPath. Lets a reader pick the
     * field up while it streams, before the document is complete (or when it never is).
     */
    public Optional<List<QName>> childPath(String field) {
        String xpath = fieldPaths.get(field);
        if (xpath == null || !CHILD_PATH.matcher(xpath).matches()) {
            return Optional.empty();
        }
        List<QName> steps = new ArrayList<>();
        for (String step : xpath.substring(1).split("/")) {
            int colon = step.indexOf(':');
            steps.add(colon < 0 ? new QName(step) : new QName(namespaces.getNamespaceURI(step.substring(0, colon)), step.substring(colon + 1)));
        }
        return Optional.of(List.copyOf(steps));
    }
}
