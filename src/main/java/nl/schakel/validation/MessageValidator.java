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
import nl.schakel.directory.Directory;
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
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathExpression;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static nl.schakel.validation.ValidationError.Stage.PARSE;
import static nl.schakel.validation.ValidationError.Stage.SCHEMA;

/**
 * Validates a received message in stages, each with precise errors:
 * 1. safe reading (size, text, encoding, well-formedness, no DOCTYPE, bounded nesting),
 * 2. the XML Schema of the document type the root element names,
 * 3. the document type's business rules (Schematron), when the schema is satisfied,
 * 4. context rules from the gateway's own state (channel owner, directory, agreements).
 * JSON is read into the generated model and validated as the XML it stands for.
 */
public final class MessageValidator {
    private final DocumentCatalogue catalogue;
    private final ContextRules context;
    private final int maxBytes;
    private final XmlReader xml;
    private final Spool spool;
    private final ObjectMapper json;
    private final Map<Class<?>, JAXBContext> jaxb = new ConcurrentHashMap<>();
    // factories are looked up once: with Saxon on the classpath (Schematron), a per-message lookup
    // of TransformerFactory costs about 12 ms and of XPathFactory about 0.2 ms (measured)
    private static final ThreadLocal<Transformer> SERIALISERS = ThreadLocal.withInitial(MessageValidator::newSerialiser);
    private final ThreadLocal<Map<String, Map<String, XPathExpression>>> compiledFields = ThreadLocal.withInitial(java.util.HashMap::new);
    /** The longest routing field (a message id, a code) the gateway reads, as the MessageId type of the schemas. */
    public static final int MAX_ID_LENGTH = 64;
    /** A routing field is a code: letters, digits, '.', '_' and '-', starting with a letter or digit (the schemas' MessageId). */
    private static final java.util.regex.Pattern CODE = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-]*");
    /** Fields the gateway cannot do without when a document type declares them: the id it claims, the transfer an answer is about. */
    private static final java.util.Set<String> REQUIRED_FIELDS = java.util.Set.of("messageId", "refersTo");

    public MessageValidator(DocumentCatalogue catalogue, Directory directory, int maxBytes, int maxDepth) {
        this(catalogue, directory, DeliveredTransfers.NONE, maxBytes, maxDepth, Spool.none());
    }

    public MessageValidator(DocumentCatalogue catalogue, Directory directory, DeliveredTransfers delivered, int maxBytes, int maxDepth,
                            Spool spool) {
        this.catalogue = catalogue;
        this.context = new ContextRules(directory, delivered);
        this.maxBytes = maxBytes;
        this.spool = spool;
        this.xml = new XmlReader(catalogue, maxDepth);
        this.json = Json.mapper(maxBytes, maxDepth);
    }

    /** Reads at most the size limit from {@code in} and validates it; {@code channelOwner} may be null. */
    public Verdict validate(InputStream in, String channelOwner) throws IOException {
        return validate(in, channelOwner, bytes -> { });
    }

    /**
     * As {@link #validate(InputStream, String)}, handing the bytes read to {@code received} when they
     * are held in memory. A body over the spool threshold goes to a spool file instead: the verdict's
     * {@link Verdict#large()} names it, and the caller deletes it when done.
     */
    public Verdict validate(InputStream in, String channelOwner, java.util.function.Consumer<byte[]> received) throws IOException {
        byte[] head = in.readNBytes((int) Math.min((long) spool.thresholdBytes() + 1, (long) maxBytes + 1));
        if (head.length > maxBytes) {
            return tooLarge(null);
        }
        if (head.length <= spool.thresholdBytes()) {
            received.accept(head);
            return validate(head, channelOwner);
        }
        Path file = spool.newFile(".body");
        try {
            MessageDigest digest = sha256();
            long total = head.length;
            try (OutputStream out = Files.newOutputStream(file)) {
                out.write(head);
                digest.update(head);
                byte[] chunk = new byte[65536];
                int n;
                while ((n = in.read(chunk)) > 0) {
                    total += n;
                    if (total > maxBytes) {
                        out.close();
                        Files.deleteIfExists(file);
                        return tooLarge(null);
                    }
                    out.write(chunk, 0, n);
                    digest.update(chunk, 0, n);
                }
            }
            return validateLarge(file, HexFormat.of().formatHex(digest.digest()), head, channelOwner, received);
        } catch (IOException | RuntimeException | Error e) {
            // the caller learns of the file only from a verdict: without one, it is ours to delete
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** The verdict on a body its channel knows to be over the size limit without reading it. */
    public Verdict tooLarge() {
        return tooLarge(null);
    }

    /** {@code sha256} is null when the body was not read whole. */
    private Verdict tooLarge(String sha256) {
        return rejected(null, Map.of(), sha256, List.of(ValidationError.at(PARSE, "PARSE-TOO-LARGE",
                "The message is larger than the limit of " + maxBytes + " bytes.")));
    }

    /**
     * A body over the spool threshold, validated from its spool file; {@code head} is its beginning.
     * A body that is not XML (JSON) is read into memory, validated one at a time like a large XML
     * body, and its spool file deleted; its bytes go to {@code received} only when it is rejected.
     */
    private Verdict validateLarge(Path file, String sha256, byte[] head, String channelOwner,
                                  java.util.function.Consumer<byte[]> received) throws IOException {
        int first = firstSignificant(head);
        try {
            if (first < 0 || looksBinary(head) || head[first] != '<') {
                return spool.exclusively(() -> {
                    byte[] bytes = Files.readAllBytes(file);
                    Files.delete(file);
                    Verdict verdict = validate(bytes, channelOwner);
                    if (!verdict.accepted()) {
                        received.accept(bytes);
                    }
                    return verdict;
                });
            }
            XmlReader.Result read = spool.exclusively(() -> {
                try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 65536)) {
                    return xml.read(in, true);
                }
            });
            return judge(read.type(), read.document(), null, new LargeBody(file, read.elided()), read.schemaErrors(), channelOwner, sha256);
        } catch (RejectedInput e) {
            return rejected(null, readBefore(e.messageId()), sha256, List.of(e.error()), new LargeBody(file, List.of()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to validate a large message", e);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    public Verdict validate(byte[] bytes, String channelOwner) {
        String sha256 = sha256(bytes);
        if (bytes.length > maxBytes) {
            return tooLarge(sha256);
        }
        int first = firstSignificant(bytes);
        if (first < 0) {
            return rejected(null, Map.of(), sha256, List.of(ValidationError.at(PARSE, "PARSE-EMPTY", "The message is empty.")));
        }
        if (looksBinary(bytes)) {
            return rejected(null, Map.of(), sha256, List.of(ValidationError.at(PARSE, "PARSE-NOT-TEXT",
                    "The message is binary data, not an XML or JSON document in UTF-8.")));
        }
        try {
            if (bytes[first] == '<') {
                return fromXml(bytes, channelOwner, sha256);
            }
            if (bytes[first] == '{') {
                return fromJson(bytes, channelOwner, sha256);
            }
            return rejected(null, Map.of(), sha256, List.of(ValidationError.at(PARSE, "PARSE-UNKNOWN-FORMAT",
                    "The message is neither XML (starting with '<') nor JSON (starting with '{').")));
        } catch (RejectedInput e) {
            return rejected(null, readBefore(e.messageId()), sha256, List.of(e.error()));
        }
    }

    /** The fields of a document that could not be read to the end: its message id, when it was read whole before the stop and is one. */
    private static Map<String, String> readBefore(String messageId) {
        String id = messageId == null ? "" : messageId.trim();
        return id.length() <= MAX_ID_LENGTH && CODE.matcher(id).matches() ? Map.of("messageId", id) : Map.of();
    }

    private Verdict fromXml(byte[] bytes, String channelOwner, String sha256) throws RejectedInput {
        XmlReader.Result read = xml.read(bytes);
        return judge(read.type(), read.document(), bytes, null, read.schemaErrors(), channelOwner, sha256);
    }

    private Verdict fromJson(byte[] bytes, String channelOwner, String sha256) throws RejectedInput {
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
            return rejected(null, readBefore(scan.messageId()), sha256, scan.errors());
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
        return judge(type, document, serialise(document), null, schemaErrors, channelOwner, sha256);
    }

    private Verdict judge(DocumentType type, Document document, byte[] xmlBytes, LargeBody large, List<ValidationError> schemaErrors,
                          String channelOwner, String sha256) {
        List<ValidationError> errors = new ArrayList<>(schemaErrors);
        if (errors.isEmpty() && type.rules() != null) {
            errors.addAll(type.rules().check(document));
        }
        Map<String, String> fields = new LinkedHashMap<>();
        errors.addAll(readFields(type, document, fields));
        errors.addAll(context.check(fields, channelOwner));
        return errors.isEmpty() ? new Verdict(type, fields, xmlBytes, List.of(), sha256, document, large)
                : rejected(type, fields, sha256, errors, large);
    }

    private static Verdict rejected(DocumentType type, Map<String, String> fields, String sha256, List<ValidationError> errors) {
        return rejected(type, fields, sha256, errors, null);
    }

    /** {@code large} is the spool file of a large body, kept for the quarantine; null otherwise. */
    private static Verdict rejected(DocumentType type, Map<String, String> fields, String sha256, List<ValidationError> errors,
                                    LargeBody large) {
        return new Verdict(type, fields, null, List.copyOf(errors), sha256, null, large);
    }

    /**
     * The routing fields by XPath, into {@code fields}. A field the document lacks is left out; one that
     * is not a code, or is longer than {@link #MAX_ID_LENGTH}, is left out with an error naming the
     * field (never its value): the gateway does not route, record or repeat what it cannot read as a
     * code. A message id or refersTo the type declares must be readable.
     */
    private List<ValidationError> readFields(DocumentType type, Document document, Map<String, String> fields) {
        List<ValidationError> errors = new ArrayList<>();
        for (Map.Entry<String, XPathExpression> f : compiledFields.get().computeIfAbsent(type.id(), id -> compileFields(type)).entrySet()) {
            String value;
            try {
                value = f.getValue().evaluate(document).trim();
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
        XPath xpath = XPathFactory.newDefaultInstance().newXPath();
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

    private Document toDocument(DocumentType type, Object model) {
        try {
            Document document = newDocument();
            Marshaller marshaller = jaxb.computeIfAbsent(type.model(), MessageValidator::context).createMarshaller();
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

    private static int firstSignificant(byte[] bytes) {
        int i = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
        for (; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Control bytes other than tab, CR and LF in the first 8 KB mean binary data. */
    private static boolean looksBinary(byte[] bytes) {
        int end = Math.min(bytes.length, 8192);
        for (int i = 0; i < end; i++) {
            int b = bytes[i] & 0xFF;
            if (b < 0x20 && b != '\t' && b != '\r' && b != '\n') {
                return true;
            }
        }
        return false;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

}
