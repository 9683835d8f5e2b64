package nl.schakel.validation;

import org.w3c.dom.Document;
import org.w3c.dom.TypeInfo;
import org.xml.sax.Attributes;
import org.xml.sax.ContentHandler;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;
import org.xml.sax.helpers.DefaultHandler;
import org.xml.sax.helpers.XMLFilterImpl;

import javax.xml.XMLConstants;
import javax.xml.namespace.QName;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.transform.TransformerConfigurationException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMResult;
import javax.xml.transform.sax.SAXTransformerFactory;
import javax.xml.transform.sax.TransformerHandler;
import javax.xml.validation.Schema;
import javax.xml.validation.TypeInfoProvider;
import javax.xml.validation.ValidatorHandler;
import java.io.ByteArrayInputStream;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.HashMap;

import static nl.schakel.validation.ValidationError.Stage.PARSE;
import static nl.schakel.validation.ValidationError.Stage.SCHEMA;

/**
 * Reads XML in one pass: a hardened SAX parser (no DOCTYPE, no external entities, bounded
 * nesting) feeds the XML Schema validator of the document type chosen by the root element,
 * which feeds a DOM for the rules stage. Schema errors carry line, column and element path.
 */
final class XmlReader {
    private static final String BASE64 = "base64Binary";
    private final DocumentCatalogue catalogue;
    private final int maxDepth;
    private final SAXParserFactory parsers;
    // a SAX parser costs a little to create and may be reused after reset(): one per thread
    private final ThreadLocal<SAXParser> threadParser = new ThreadLocal<>();
    // a schema's validator, kept per thread like the parser (making one costs more than validating 8 KB);
    // the keys are the catalogue's schemas, loaded once
    private final ThreadLocal<Map<Schema, ValidatorHandler>> threadValidators = ThreadLocal.withInitial(HashMap::new);
    private final SAXTransformerFactory transformers;

    XmlReader(DocumentCatalogue catalogue, int maxDepth) {
        this.catalogue = catalogue;
        this.maxDepth = maxDepth;
        parsers = SafeXml.saxParsers();
        try {
            transformers = (SAXTransformerFactory) TransformerFactory.newInstance();
            transformers.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            transformers.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            transformers.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
        } catch (TransformerConfigurationException e) {
            throw new IllegalStateException("the XML parser cannot be hardened", e);
        }
    }

    /** A base64 element longer than this many characters is left out of the DOM when reading with elision. */
    static final int ELIDE_OVER_CHARS = 64 * 1024;

    /** The outcome of reading: the document type, the DOM (when well-formed), schema errors and elided elements. */
    record Result(DocumentType type, Document document, List<ValidationError> schemaErrors, List<LargeBody.Elision> elided) {
    }

    Result read(byte[] bytes) throws RejectedInput {
        return read(new ByteArrayInputStream(bytes), false);
    }

    /**
     * Reads a document in one pass. A {@code large} body comes from a spool file: the DOM gets a token
     * instead of the content of any base64 element longer than {@link #ELIDE_OVER_CHARS} (the schema
     * still checks that content, the DOM stays small), and a read error is the gateway's, not the
     * sender's.
     */
    Result read(InputStream input, boolean large) throws RejectedInput {
        Pipeline pipeline = new Pipeline(large);
        SAXParser parser = threadParser.get();
        // taken from the thread while in use: after a failed read it is not used again
        threadParser.remove();
        try {
            if (parser == null) {
                parser = parsers.newSAXParser();
            }
            XMLReader reader = parser.getXMLReader();
            reader.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            reader.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            reader.setContentHandler(pipeline);
            reader.setErrorHandler(pipeline);
            reader.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entities are not allowed");
            });
            reader.parse(new InputSource(input));
            // kept for this thread's next document only after a clean read
            parser.reset();
            threadParser.set(parser);
            // not after a large body: the validator keeps a text buffer as long as the longest element it checked
            if (pipeline.validator != null && !large) {
                pipeline.validator.setContentHandler(null);
                pipeline.validator.setErrorHandler(null);
                threadValidators.get().put(pipeline.type.schema(), pipeline.validator);
            }
        } catch (StopReading stop) {
            throw new RejectedInput(stop.error, pipeline.messageId);
        } catch (SAXParseException e) {
            throw new RejectedInput(parseError(e), pipeline.messageId);
        } catch (CharConversionException e) {
            throw new RejectedInput(ValidationError.at(PARSE, "PARSE-INVALID-ENCODING",
                    "The bytes are not valid in the document's character encoding (UTF-8 unless declared otherwise)."), pipeline.messageId);
        } catch (java.io.UnsupportedEncodingException e) {
            // the document's declaration names an encoding this Java does not have: the sender's error, also when read from a spool file
            throw new RejectedInput(ValidationError.at(PARSE, "PARSE-INVALID-ENCODING",
                    "The document declares a character encoding the gateway cannot read (send UTF-8)."), pipeline.messageId);
        } catch (SAXException e) {
            throw new RejectedInput(ValidationError.at(PARSE, "PARSE-MALFORMED", "The document is not well-formed XML."), pipeline.messageId);
        } catch (IOException e) {
            if (large) {
                throw new java.io.UncheckedIOException("a spooled message could not be read", e);
            }
            throw new RejectedInput(ValidationError.at(PARSE, "PARSE-UNREADABLE", "The document could not be read."), pipeline.messageId);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
        return new Result(pipeline.type, (Document) pipeline.dom.getNode(), pipeline.schemaErrors,
                pipeline.elision == null ? List.of() : List.copyOf(pipeline.elision.elided));
    }

    private static ValidationError parseError(SAXParseException e) {
        String text = e.getMessage() == null ? "" : e.getMessage();
        String code;
        String message;
        if (text.contains("DOCTYPE")) {
            code = "PARSE-DOCTYPE-FORBIDDEN";
            message = "A DOCTYPE declaration is not allowed: documents may not declare entities or refer to external files.";
        } else if (e.getException() instanceof CharConversionException || text.contains("Invalid byte") || text.contains("byte UTF-8 sequence")) {
            code = "PARSE-INVALID-ENCODING";
            message = "The bytes are not valid in the document's character encoding (UTF-8 unless declared otherwise).";
        } else if (text.contains("Premature end of file")) {
            code = "PARSE-MALFORMED";
            message = "The document ends before its root element is complete.";
        } else {
            code = "PARSE-MALFORMED";
            String said = withoutQuotes(text);
            message = "The document is not well-formed XML: " + (said.length() > 300 ? said.substring(0, 300) + "..." : said);
        }
        return new ValidationError(PARSE, code, message, positive(e.getLineNumber()), positive(e.getColumnNumber()), null);
    }

    /**
     * The parser's explanation without what it quotes from the document: it quotes names, and where
     * markup is broken those run into the text beside them (a lost '>' makes a value part of an
     * element name), so nothing quoted is repeated. Quoted punctuation ("&gt;", '=') is kept.
     */
    static String withoutQuotes(String text) {
        return QUOTED.matcher(text).replaceAll(m -> m.group().chars().anyMatch(Character::isLetterOrDigit)
                ? (m.group().charAt(0) == '"' ? "\"...\"" : "'...'") : java.util.regex.Matcher.quoteReplacement(m.group()));
    }

    private static final java.util.regex.Pattern QUOTED = java.util.regex.Pattern.compile("\"[^\"]*\"|'[^'\\s]*'");

    /** Whether a character may appear in an XML 1.0 document (surrogates are checked in pairs by the caller). */
    static boolean allowedInXml10(char c) {
        return c >= 0x20 ? c != 0xFFFE && c != 0xFFFF : c == '\t' || c == '\n' || c == '\r';
    }

    /** The index of the first character XML 1.0 forbids (controls, U+FFFE, U+FFFF, an unpaired surrogate), or -1. */
    static int firstForbidden(char[] ch, int start, int length) {
        int end = start + length;
        for (int i = start; i < end; i++) {
            char c = ch[i];
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < end && Character.isLowSurrogate(ch[i + 1])) {
                    i++;
                    continue;
                }
                return i;
            }
            if (Character.isLowSurrogate(c) || !allowedInXml10(c)) {
                return i;
            }
        }
        return -1;
    }

    private static Integer positive(int n) {
        return n > 0 ? n : null;
    }

    /** Stops the parse with an error of our own (unknown document type, nesting too deep). */
    private static final class StopReading extends SAXException {
        private final transient ValidationError error;

        StopReading(ValidationError error) {
            super(error.code());
            this.error = error;
        }
    }

    /** Picks the schema on the root element, tracks the path, and forwards to validator and DOM. */
    private final class Pipeline extends DefaultHandler {
        private final List<ValidationError> schemaErrors = new ArrayList<>();
        private final Deque<String> path = new ArrayDeque<>();
        private final List<String[]> pendingPrefixes = new ArrayList<>();
        private final DOMResult dom = new DOMResult();
        private final boolean elide;
        private Locator locator;
        private ValidatorHandler validator;
        private Elision elision;
        private DocumentType type;
        // XML 1.1 allows control characters as references; XML 1.0 receivers cannot read them
        private boolean xml11;
        // the message id, picked up as it streams by: a receipt names it even if the document breaks off later
        private List<QName> idPath = List.of();
        private int idMatched;
        private StringBuilder idText;
        private boolean idDone;
        private String messageId;

        Pipeline(boolean elide) {
            this.elide = elide;
        }

        @Override
        public void setDocumentLocator(Locator locator) {
            this.locator = locator;
        }

        @Override
        public void startPrefixMapping(String prefix, String uri) throws SAXException {
            if (validator == null) {
                pendingPrefixes.add(new String[] {prefix, uri});
            } else {
                validator.startPrefixMapping(prefix, uri);
            }
        }

        @Override
        public void endPrefixMapping(String prefix) throws SAXException {
            validator.endPrefixMapping(prefix);
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes atts) throws SAXException {
            if (validator == null) {
                start(new QName(uri, localName));
            }
            path.addLast(localName);
            if (path.size() > maxDepth) {
                throw new StopReading(new ValidationError(PARSE, "PARSE-TOO-DEEP",
                        "Elements are nested deeper than " + maxDepth + " levels.", positive(locator.getLineNumber()),
                        positive(locator.getColumnNumber()), currentPath()));
            }
            if (xml11) {
                for (int i = 0; i < atts.getLength(); i++) {
                    String value = atts.getValue(i);
                    refuseForbidden(value.toCharArray(), 0, value.length());
                }
            }
            trackMessageId(uri, localName);
            validator.startElement(uri, localName, qName, atts);
        }

        private void trackMessageId(String uri, String localName) {
            int depth = path.size();
            if (idText != null) {
                // an element inside the message id: not a plain id
                idText = null;
                idDone = true;
            }
            if (!idDone && idMatched == depth - 1 && depth <= idPath.size() && idPath.get(depth - 1).equals(new QName(uri, localName))) {
                idMatched = depth;
                if (depth == idPath.size()) {
                    idText = new StringBuilder();
                }
            }
        }

        private void refuseForbidden(char[] ch, int start, int length) throws StopReading {
            for (int i = start; i < start + length; i++) {
                // surrogates come in pairs here: the parser refuses unpaired ones, in XML 1.1 too
                if (!allowedInXml10(ch[i]) && !Character.isSurrogate(ch[i])) {
                    throw new StopReading(new ValidationError(PARSE, "PARSE-FORBIDDEN-CHARACTER",
                            "The document holds a character XML 1.0 does not allow (a control character other than tab, CR and LF, "
                                    + "written as a character reference in XML 1.1); receivers cannot read it.",
                            positive(locator.getLineNumber()), positive(locator.getColumnNumber()), currentPath()));
                }
            }
        }

        private void start(QName root) throws SAXException {
            // the namespace is an attribute value of the document: named only when it is one the gateway knows
            type = catalogue.byRoot(root).orElseThrow(() -> new StopReading(new ValidationError(SCHEMA, "DOC-UNKNOWN-TYPE",
                    "The root element " + root.getLocalPart() + (catalogue.knowsNamespace(root.getNamespaceURI()) ? " in namespace " + root.getNamespaceURI() : "")
                            + " is not a document type the gateway accepts.", positive(locator.getLineNumber()),
                    positive(locator.getColumnNumber()), "/" + root.getLocalPart())));
            xml11 = locator instanceof org.xml.sax.ext.Locator2 l2 && "1.1".equals(l2.getXMLVersion());
            idPath = type.childPath("messageId").orElse(List.of());
            TransformerHandler domBuilder;
            try {
                domBuilder = transformers.newTransformerHandler();
            } catch (TransformerConfigurationException e) {
                throw new SAXException(e);
            }
            domBuilder.setResult(dom);
            // taken from the thread while in use, as the parser is
            validator = threadValidators.get().remove(type.schema());
            if (validator == null) {
                validator = type.schema().newValidatorHandler();
            }
            validator.setErrorHandler(new SchemaErrors());
            if (elide) {
                elision = new Elision(domBuilder, validator.getTypeInfoProvider());
                validator.setContentHandler(elision);
            } else {
                validator.setContentHandler(domBuilder);
            }
            validator.setDocumentLocator(locator);
            validator.startDocument();
            for (String[] p : pendingPrefixes) {
                validator.startPrefixMapping(p[0], p[1]);
            }
        }

        @Override
        public void endElement(String uri, String localName, String qName) throws SAXException {
            int depth = path.size();
            if (idText != null && depth == idPath.size()) {
                messageId = idText.toString();
                idText = null;
                idDone = true;
            }
            if (idMatched == depth) {
                idMatched = depth - 1;
            }
            validator.endElement(uri, localName, qName);
            path.removeLast();
        }

        @Override
        public void characters(char[] ch, int start, int length) throws SAXException {
            if (xml11) {
                refuseForbidden(ch, start, length);
            }
            if (idText != null) {
                // longer than any id: kept no further than needed to tell
                idText.append(ch, start, Math.min(length, Math.max(0, RoutingFields.MAX_ID_LENGTH + 1 - idText.length())));
            }
            validator.characters(ch, start, length);
        }

        @Override
        public void ignorableWhitespace(char[] ch, int start, int length) throws SAXException {
            validator.ignorableWhitespace(ch, start, length);
        }

        @Override
        public void processingInstruction(String target, String data) throws SAXException {
            if (validator != null) {
                validator.processingInstruction(target, data);
            }
        }

        @Override
        public void endDocument() throws SAXException {
            if (validator != null) {
                validator.endDocument();
            }
        }

        @Override
        public void warning(SAXParseException e) {
            // parser warnings do not make a document invalid
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }

        private String currentPath() {
            return "/" + String.join("/", path);
        }

        /** Collects every schema error, with the path of the element being validated. */
        private final class SchemaErrors implements ErrorHandler {
            @Override
            public void warning(SAXParseException e) {
                // not an error
            }

            @Override
            public void error(SAXParseException e) {
                String key = XsdMessages.key(e.getMessage());
                schemaErrors.add(new ValidationError(SCHEMA, "XSD-" + key, XsdMessages.message(key, e.getMessage(), catalogue::knowsNamespace),
                        positive(e.getLineNumber()), positive(e.getColumnNumber()), currentPath()));
            }

            @Override
            public void fatalError(SAXParseException e) throws SAXException {
                error(e);
                throw new StopReading(schemaErrors.get(schemaErrors.size() - 1));
            }
        }
    }

    /**
     * Between the schema validator and the DOM builder: passes everything on, except the content of
     * a base64 element longer than {@link #ELIDE_OVER_CHARS}, for which the DOM gets a token.
     */
    private static final class Elision extends XMLFilterImpl {
        private static final String TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        private static final SecureRandom RANDOM = new SecureRandom();
        private final TypeInfoProvider types;
        private final List<LargeBody.Elision> elided = new ArrayList<>();
        private final StringBuilder pending = new StringBuilder();
        private int elements;
        private int candidate;
        private boolean eliding;

        Elision(ContentHandler next, TypeInfoProvider types) {
            setContentHandler(next);
            this.types = types;
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes atts) throws SAXException {
            flush();
            // an element inside a base64 element (a schema error) ends any elision
            eliding = false;
            elements++;
            TypeInfo type = types.getElementTypeInfo();
            candidate = type != null && (BASE64.equals(type.getTypeName()) && XMLConstants.W3C_XML_SCHEMA_NS_URI.equals(type.getTypeNamespace())
                    || type.isDerivedFrom(XMLConstants.W3C_XML_SCHEMA_NS_URI, BASE64, TypeInfo.DERIVATION_RESTRICTION)) ? elements : 0;
            super.startElement(uri, localName, qName, atts);
        }

        @Override
        public void characters(char[] ch, int start, int length) throws SAXException {
            if (candidate == 0) {
                super.characters(ch, start, length);
            } else if (!eliding) {
                pending.append(ch, start, length);
                if (pending.length() > ELIDE_OVER_CHARS) {
                    eliding = true;
                    pending.setLength(0);
                    pending.trimToSize();
                }
            }
        }

        @Override
        public void endElement(String uri, String localName, String qName) throws SAXException {
            if (candidate != 0 && eliding) {
                String token = token();
                elided.add(new LargeBody.Elision(candidate, token));
                super.characters(token.toCharArray(), 0, token.length());
                eliding = false;
            }
            flush();
            candidate = 0;
            super.endElement(uri, localName, qName);
        }

        private void flush() throws SAXException {
            if (pending.length() > 0) {
                char[] text = new char[pending.length()];
                pending.getChars(0, text.length, text, 0);
                pending.setLength(0);
                super.characters(text, 0, text.length);
            }
        }

        /** 32 characters of the base64 alphabet: decodes to 24 bytes and encodes back to itself. */
        private static String token() {
            StringBuilder token = new StringBuilder("schakelElided");
            while (token.length() < 32) {
                token.append(TOKEN_ALPHABET.charAt(RANDOM.nextInt(TOKEN_ALPHABET.length())));
            }
            return token.toString();
        }
    }
}
