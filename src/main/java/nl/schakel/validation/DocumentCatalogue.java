package nl.schakel.validation;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.namespace.NamespaceContext;
import javax.xml.namespace.QName;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The document types the gateway accepts, keyed by root element and namespace, read from a
 * catalogue file (schemas/catalogue.yaml). Schemas and rule sets are compiled once here.
 */
public final class DocumentCatalogue {
    private final Map<QName, DocumentType> byRoot;
    private final java.util.Set<String> namespaces;

    private DocumentCatalogue(Map<QName, DocumentType> byRoot, java.util.Set<String> namespaces) {
        this.byRoot = byRoot;
        this.namespaces = namespaces;
    }

    /** Reads the catalogue at {@code location}; schema and rule paths resolve against it. */
    public static DocumentCatalogue load(URL location) throws IOException {
        return load(location, Map.of(), skipped -> { });
    }

    /**
     * Reads the catalogue at {@code location}. A {@code ${name}} in a schema or rules path is replaced by
     * {@code variables.get(name)} (an absolute path or URL; otherwise it resolves against the catalogue).
     * An entry marked {@code optional} whose schema is not there is left out and named to {@code skipped}:
     * the gateway then does not accept that document type.
     */
    public static DocumentCatalogue load(URL location, Map<String, String> variables, java.util.function.Consumer<String> skipped) throws IOException {
        return load(List.of(location), variables, skipped);
    }

    /**
     * Reads the catalogue files at {@code locations} in turn, the shipped one first and then an
     * operator's extensions (another version of a standard: README, "OSO dossiers"), as one catalogue.
     */
    public static DocumentCatalogue load(List<URL> locations, Map<String, String> variables, java.util.function.Consumer<String> skipped)
            throws IOException {
        Map<QName, DocumentType> types = new LinkedHashMap<>();
        java.util.Set<String> namespaces = new java.util.HashSet<>();
        for (URL location : locations) {
            addEntries(location, variables, skipped, types, namespaces);
        }
        return new DocumentCatalogue(types, java.util.Set.copyOf(namespaces));
    }

    private static void addEntries(URL location, Map<String, String> variables, java.util.function.Consumer<String> skipped,
                                   Map<QName, DocumentType> types, java.util.Set<String> namespaces) throws IOException {
        CatalogueFile file;
        try (InputStream in = location.openStream()) {
            file = JsonMapper.builder(new YAMLFactory())
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build()
                    .readValue(in, CatalogueFile.class);
        }
        for (Entry e : file.documentTypes) {
            QName root = new QName(e.namespace, e.root);
            if (e.optional && unsetVariable(e.schema, variables)) {
                skipped.accept(e.id + " (" + e.schema + ": the folder is not configured)");
                continue;
            }
            URL schemaUrl = resolve(location, e.schema, variables, e.id);
            if (e.optional && !readable(schemaUrl)) {
                skipped.accept(e.id + " (its schema " + schemaUrl + " is not there)");
                continue;
            }
            collectNamespaces(schemaUrl, namespaces, new java.util.HashSet<>());
            RuleSet rules = e.rules == null ? null : RuleSet.compile(resolve(location, e.rules, variables, e.id), e.id);
            Class<?> model = null;
            if (e.model != null) {
                try {
                    model = Class.forName(e.model);
                } catch (ClassNotFoundException ex) {
                    throw new IllegalArgumentException("catalogue entry " + e.id + ": model class " + e.model + " not found", ex);
                }
            }
            DocumentType type = new DocumentType(e.id, e.messageType == null ? "message" : e.messageType, root, compileSchema(schemaUrl, e.id), rules,
                    namespaceContext(e.namespaces), Map.copyOf(e.fields), model, choice(e.standard, DocumentType.V1, e.id, "standard"),
                    e.mapping, "channel".equals(choice(e.receiverFrom, "document", e.id, "receiverFrom", "document", "channel")),
                    "content".equals(choice(e.messageIdFrom, "document", e.id, "messageIdFrom", "document", "content")));
            if (type.receiverFromChannel() && !type.messageIdFromContent() && !e.fields.containsKey("messageId")) {
                throw new IllegalArgumentException("catalogue entry " + e.id + ": no messageId field and no messageIdFrom: content");
            }
            if (e.mapping != null && !DocumentType.MAPPINGS.getOrDefault(e.mapping, "").equals(e.namespace)) {
                throw new IllegalArgumentException("catalogue entry " + e.id + ": the mapping " + e.mapping + " is not one for namespace " + e.namespace
                        + "; built in: " + DocumentType.MAPPINGS);
            }
            if (types.put(root, type) != null) {
                throw new IllegalArgumentException("catalogue lists root element " + root + " twice");
            }
        }
    }

    private static URL resolve(URL catalogue, String path, Map<String, String> variables, String id) throws java.net.MalformedURLException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{([\\w.-]+)}").matcher(path);
        StringBuilder resolved = new StringBuilder();
        while (m.find()) {
            String value = variables.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("catalogue entry " + id + ": " + path + " names ${" + m.group(1) + "}, which is not set");
            }
            m.appendReplacement(resolved, java.util.regex.Matcher.quoteReplacement(value));
        }
        m.appendTail(resolved);
        String text = resolved.toString();
        // a variable may hold a plain folder path: made a file URL, not resolved against a classpath catalogue
        if (!text.equals(path) && !text.matches("^[a-z][a-z0-9+.-]*:.*")) {
            return java.nio.file.Path.of(text).toAbsolutePath().normalize().toUri().toURL();
        }
        return new URL(catalogue, text);
    }

    private static boolean unsetVariable(String path, Map<String, String> variables) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{([\\w.-]+)}").matcher(path);
        while (m.find()) {
            String value = variables.get(m.group(1));
            if (value == null || value.isBlank()) {
                return true;
            }
        }
        return false;
    }

    private static boolean readable(URL url) {
        try (InputStream in = url.openStream()) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String choice(String value, String absent, String id, String key, String... allowed) {
        if (value == null) {
            return absent;
        }
        if (allowed.length > 0 && !java.util.Arrays.asList(allowed).contains(value)) {
            throw new IllegalArgumentException("catalogue entry " + id + ": " + key + " is " + value + ", expected one of " + java.util.Arrays.toString(allowed));
        }
        return value;
    }

    /** The target namespaces of a schema and of the schemas it imports or includes. */
    private static void collectNamespaces(URL schema, java.util.Set<String> namespaces, java.util.Set<String> seen) throws IOException {
        if (!seen.add(schema.toExternalForm())) {
            return;
        }
        List<URL> next = new ArrayList<>();
        try (InputStream in = schema.openStream()) {
            SafeXml.saxParsers().newSAXParser().parse(in, new org.xml.sax.helpers.DefaultHandler() {
                @Override
                public void startElement(String uri, String localName, String qName, org.xml.sax.Attributes atts) throws SAXException {
                    if (!XMLConstants.W3C_XML_SCHEMA_NS_URI.equals(uri)) {
                        return;
                    }
                    if ("schema".equals(localName) && atts.getValue("targetNamespace") != null) {
                        namespaces.add(atts.getValue("targetNamespace"));
                    } else if (("import".equals(localName) || "include".equals(localName)) && atts.getValue("schemaLocation") != null) {
                        try {
                            next.add(new URL(schema, atts.getValue("schemaLocation")));
                        } catch (java.net.MalformedURLException e) {
                            throw new SAXException(e);
                        }
                    }
                }
            });
        } catch (SAXException | javax.xml.parsers.ParserConfigurationException e) {
            throw new IllegalArgumentException("schema " + schema + " cannot be read: " + e.getMessage(), e);
        }
        for (URL url : next) {
            collectNamespaces(url, namespaces, seen);
        }
    }

    static Schema compileSchema(URL schemaUrl, String id) {
        try {
            SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            // imports of the catalogue's own schemas only: no network, no DTDs
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "file,jar");
            return factory.newSchema(new StreamSource(schemaUrl.toExternalForm()));
        } catch (SAXException e) {
            throw new IllegalArgumentException("catalogue entry " + id + ": schema " + schemaUrl + " does not compile: " + e.getMessage(), e);
        }
    }

    /** Whether a namespace is the target namespace of one of the catalogue's schemas. */
    public boolean knowsNamespace(String namespace) {
        return namespaces.contains(namespace);
    }

    public Optional<DocumentType> byRoot(QName root) {
        return Optional.ofNullable(byRoot.get(root));
    }

    /** The document type whose root element has this local name and a model class (JSON names no namespace). */
    public Optional<DocumentType> byJsonRoot(String localName) {
        return byRoot.values().stream().filter(t -> t.hasModel() && t.root().getLocalPart().equals(localName)).findFirst();
    }

    public Collection<DocumentType> all() {
        return byRoot.values();
    }

    /** The ids of the dossier types: the documents a receiver picks up (acknowledgements and follow-ups are never picked up). */
    public java.util.List<String> dossierTypeIds() {
        return all().stream().filter(t -> "dossier".equals(t.messageType())).map(DocumentType::id).toList();
    }

    private static NamespaceContext namespaceContext(Map<String, String> prefixes) {
        Map<String, String> copy = Map.copyOf(prefixes);
        return new NamespaceContext() {
            @Override
            public String getNamespaceURI(String prefix) {
                return copy.getOrDefault(prefix, XMLConstants.NULL_NS_URI);
            }

            @Override
            public String getPrefix(String uri) {
                return copy.entrySet().stream().filter(e -> e.getValue().equals(uri)).map(Map.Entry::getKey).findFirst().orElse(null);
            }

            @Override
            public Iterator<String> getPrefixes(String uri) {
                return copy.entrySet().stream().filter(e -> e.getValue().equals(uri)).map(Map.Entry::getKey).iterator();
            }
        };
    }

    static final class CatalogueFile {
        @JsonProperty public List<Entry> documentTypes = new ArrayList<>();
    }

    static final class Entry {
        @JsonProperty public String id;
        @JsonProperty public String messageType;
        @JsonProperty public String namespace;
        @JsonProperty public String root;
        @JsonProperty public String schema;
        @JsonProperty public String rules;
        @JsonProperty public String model;
        @JsonProperty public Map<String, String> namespaces = Map.of();
        @JsonProperty public Map<String, String> fields = Map.of();
        /** Left out (with a warning) when its schema is not there, e.g. a standard's XSD the operator has not installed. */
        @JsonProperty public boolean optional;
        /** The standard the document follows: v1 (Schakel's own) or another, e.g. oso; receivers of that format get it as sent. */
        @JsonProperty public String standard;
        /** The built-in mapping to Schakel v1 for receivers that read v1 or JSON, e.g. oso-2019. */
        @JsonProperty public String mapping;
        /** document (default): the document names its receiver; channel: the channel does (folder, property, parameter). */
        @JsonProperty public String receiverFrom;
        /** document (default): a field names the message id; content: derived from the document's bytes and its receiver. */
        @JsonProperty public String messageIdFrom;
    }
}
