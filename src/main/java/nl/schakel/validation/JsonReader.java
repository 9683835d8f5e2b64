package nl.schakel.validation;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Marshaller;
import org.w3c.dom.Document;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import javax.xml.validation.Validator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static nl.schakel.validation.ValidationError.Stage.PARSE;
import static nl.schakel.validation.ValidationError.Stage.SCHEMA;

/**
 * The reading stage for JSON: one streaming pass ({@link JsonScan}: duplicate keys, characters XML
 * forbids, the message id), then the generated model of the document type the root property names,
 * written as the XML it stands for and checked against that type's XML Schema.
 */
final class JsonReader {
    // looked up once: with Saxon on the classpath (Schematron), a per-message lookup of TransformerFactory costs about 12 ms
    private static final ThreadLocal<Transformer> SERIALISERS = ThreadLocal.withInitial(JsonReader::newSerialiser);
    private final DocumentCatalogue catalogue;
    private final ObjectMapper json;
    private final Map<Class<?>, JAXBContext> jaxb = new ConcurrentHashMap<>();

    /**
     * What was read: the type, its document as XML (DOM and bytes) and its schema errors; or, when the
     * JSON could not be taken as a document, the errors of that ({@code readErrors}) and the message id if read.
     */
    record Result(DocumentType type, Document document, byte[] xml, List<ValidationError> schemaErrors,
                  List<ValidationError> readErrors, String messageId) {
    }

    JsonReader(DocumentCatalogue catalogue, int maxBytes, int maxDepth) {
        this.catalogue = catalogue;
        this.json = Json.mapper(maxBytes, maxDepth);
    }

    Result read(byte[] bytes) throws RejectedInput {
        JsonScan scan = new JsonScan();
        try (JsonParser parser = json.createParser(bytes)) {
            scan.run(parser, root -> catalogue.byJsonRoot(root).flatMap(t -> t.childPath("messageId"))
                    .map(steps -> steps.stream().map(javax.xml.namespace.QName::getLocalPart).toList()).orElse(List.of()));
        } catch (JsonProcessingException e) {
            throw new RejectedInput(jsonError(e), scan.messageId());
        } catch (IOException e) {
            throw new RejectedInput(ValidationError.at(PARSE, "PARSE-UNREADABLE", "The JSON message could not be read."), scan.messageId());
        }
        if (!scan.errors().isEmpty()) {
            return new Result(null, null, null, List.of(), scan.errors(), scan.messageId());
        }
        DocumentType type;
        Object model;
        try (JsonParser parser = json.createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_OBJECT || parser.nextToken() != JsonToken.FIELD_NAME) {
                throw new RejectedInput(ValidationError.at(PARSE, "JSON-NO-ROOT",
                        "A JSON message is an object with one property named after the document's root element, e.g. {\"transferDossier\": {...}}."),
                        scan.messageId());
            }
            String root = parser.currentName();
            type = catalogue.byJsonRoot(root).orElseThrow(() -> new RejectedInput(ValidationError.atPath(SCHEMA, "DOC-UNKNOWN-TYPE",
                    "The root property '" + safeName(root) + "' is not a document type the gateway accepts as JSON.", "/" + safeName(root)),
                    scan.messageId()));
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                // null would map to no model at all, and a scalar or array is no document either
                throw new RejectedInput(ValidationError.atPath(PARSE, "JSON-NO-ROOT",
                        "The value of the root property is an object holding the document, e.g. {\"transferDossier\": {...}}.", "/" + safeName(root)),
                        scan.messageId());
            }
            model = json.readerFor(type.model()).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readValue(parser);
            if (parser.nextToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw new RejectedInput(ValidationError.at(PARSE, "JSON-NO-ROOT",
                        "A JSON message has exactly one root property, the document's root element."), scan.messageId());
            }
        } catch (JsonProcessingException e) {
            throw new RejectedInput(jsonError(e), scan.messageId());
        } catch (IOException e) {
            throw new RejectedInput(ValidationError.at(PARSE, "PARSE-UNREADABLE", "The JSON message could not be read."), scan.messageId());
        }
        Document document = toDocument(type, model);
        List<ValidationError> schemaErrors = validateDom(type, document);
        return new Result(type, document, serialise(document), schemaErrors, List.of(), scan.messageId());
    }

    private Document toDocument(DocumentType type, Object model) {
        try {
            Document document = newDocument();
            Marshaller marshaller = jaxb.computeIfAbsent(type.model(), JsonReader::context).createMarshaller();
            marshaller.marshal(model, document);
            return document;
        } catch (JAXBException e) {
            throw new IllegalStateException("the model of " + type.id() + " cannot be written as XML", e);
        }
    }

    private List<ValidationError> validateDom(DocumentType type, Document document) {
        List<ValidationError> errors = new ArrayList<>();
        Validator validator = type.schema().newValidator();
        validator.setErrorHandler(new ErrorHandler() {
            @Override
            public void warning(SAXParseException e) {
                // not an error
            }

            @Override
            public void error(SAXParseException e) {
                String key = XsdMessages.key(e.getMessage());
                errors.add(ValidationError.atPath(SCHEMA, "XSD-" + key, XsdMessages.message(key, e.getMessage(), catalogue::knowsNamespace), pathOf(currentNode(validator))));
            }

            @Override
            public void fatalError(SAXParseException e) {
                error(e);
            }
        });
        try {
            validator.validate(new DOMSource(document));
        } catch (SAXException | IOException e) {
            throw new IllegalStateException("validation of " + type.id() + " stopped", e);
        }
        return errors;
    }

    private static Node currentNode(Validator validator) {
        try {
            return (Node) validator.getProperty("http://apache.org/xml/properties/dom/current-element-node");
        } catch (SAXException e) {
            return null;
        }
    }

    private static String pathOf(Node node) {
        if (node == null) {
            return null;
        }
        StringBuilder path = new StringBuilder();
        for (Node n = node; n != null && n.getNodeType() == Node.ELEMENT_NODE; n = n.getParentNode()) {
            path.insert(0, "/" + n.getLocalName());
        }
        return path.toString();
    }

    private static ValidationError jsonError(JsonProcessingException e) {
        Integer line = e.getLocation() == null || e.getLocation().getLineNr() < 1 ? null : e.getLocation().getLineNr();
        Integer column = e.getLocation() == null || e.getLocation().getColumnNr() < 1 ? null : e.getLocation().getColumnNr();
        if (e instanceof StreamConstraintsException) {
            String text = String.valueOf(e.getOriginalMessage());
            boolean depth = text.contains("nesting depth");
            return new ValidationError(PARSE, depth ? "PARSE-TOO-DEEP" : "PARSE-TOO-LARGE",
                    depth ? "The JSON is nested deeper than allowed." : "A JSON value is longer than allowed.", line, column, null);
        }
        if (e instanceof JsonParseException) {
            return new ValidationError(PARSE, "JSON-MALFORMED", "The message is not well-formed JSON.", line, column, null);
        }
        if (e instanceof UnrecognizedPropertyException u) {
            return new ValidationError(SCHEMA, "JSON-UNKNOWN-PROPERTY", "The property '" + safeName(u.getPropertyName())
                    + "' is not part of the document type.", line, column, jsonPath(u));
        }
        if (e instanceof JsonMappingException m) {
            return new ValidationError(SCHEMA, "JSON-INVALID-VALUE",
                    "A value cannot be read as the type the document type requires here.", line, column, jsonPath(m));
        }
        return new ValidationError(PARSE, "JSON-MALFORMED", "The message is not well-formed JSON.", line, column, null);
    }

    private static String jsonPath(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            path.append('/').append(r.getFieldName() != null ? safeName(r.getFieldName()) : String.valueOf(r.getIndex()));
        }
        return path.toString();
    }

    /** A property name as sent, if it looks like a name; otherwise it is not repeated. */
    static String safeName(String name) {
        return name != null && name.matches("[A-Za-z][A-Za-z0-9_]{0,60}") ? name : "?";
    }

    private static JAXBContext context(Class<?> model) {
        try {
            return JAXBContext.newInstance(model);
        } catch (JAXBException e) {
            throw new IllegalStateException("no JAXB context for " + model.getName(), e);
        }
    }

    private static Document newDocument() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            return f.newDocumentBuilder().newDocument();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] serialise(Document document) {
        try {
            Transformer t = SERIALISERS.get();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            t.transform(new DOMSource(document), new StreamResult(out));
            return out.toByteArray();
        } catch (TransformerException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Transformer newSerialiser() {
        try {
            Transformer t = TransformerFactory.newDefaultInstance().newTransformer();
            t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            t.setOutputProperty(OutputKeys.INDENT, "yes");
            return t;
        } catch (javax.xml.transform.TransformerConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }
}
