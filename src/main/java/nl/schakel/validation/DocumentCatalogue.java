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
        CatalogueFile file;
        try (InputStream in = location.openStream()) {
            file = JsonMapper.builder(new YAMLFactory())
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build()
                    .readValue(in, CatalogueFile.class);
        }
        Map<QName, DocumentType> types = new LinkedHashMap<>();
        java.util.Set<String> namespaces = new java.util.HashSet<>();
        for (Entry e : file.documentTypes) {
            QName root = new QName(e.namespace, e.root);
            URL schemaUrl = new URL(location, e.schema);
            collectNamespaces(schemaUrl, namespaces, new java.util.HashSet<>());
            RuleSet rules = e.rules == null ? null : RuleSet.compile(new URL(location, e.rules), e.id);
            Class<?> model = null;
            if (e.model != null) {
                try {
                    model = Class.forName(e.model);
                } catch (ClassNotFoundException ex) {
                    throw new IllegalArgumentException("catalogue entry " + e.id + ": model class " + e.model + " not found", ex);
                }
            }
            DocumentType type = new DocumentType(e.id, e.messageType == null ? "message" : e.messageType, root, compileSchema(schemaUrl, e.id), rules,
                    namespaceContext(e.namespaces), Map.copyOf(e.fields), model);
            if (types.put(root, type) != null) {
                throw new IllegalArgumentException("catalogue lists root element " + root + " twice");
            }
        }
        return new DocumentCatalogue(types, java.util.Set.copyOf(namespaces));
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
    }
}
