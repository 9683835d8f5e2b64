package nl.schakel.oso;

import com.helger.schematron.pure.SchematronResourcePure;
import com.helger.schematron.svrl.AbstractSVRLMessage;
import com.helger.schematron.svrl.SVRLHelper;
import nl.schakel.oso.OsoMapping.Party;
import org.w3c.dom.Document;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

import javax.xml.XMLConstants;
import javax.xml.namespace.NamespaceContext;
import javax.xml.transform.dom.DOMSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The OSO reference files (read from ../shared/oso, never copied), the v1 and OSO validators and XPath helpers. */
final class OsoFixtures {
    static final Path OSO_DIR = Path.of(System.getProperty("schakel.oso-dir", "../shared/oso"));
    static final Path V1_EXAMPLES = Path.of("schemas/examples");
    static final Party ISK = new Party("30AA00", "ISK", "ISK De Waalbrug (demo)");
    static final Party LYCEUM = new Party("30AB00", "VO", "Lyceum Over de Brug (demo)");
    static final OffsetDateTime MAPPED_AT = OffsetDateTime.parse("2026-11-20T10:15:00+01:00");
    static final OsoMapping MAPPING = new OsoMapping();

    private static final Map<String, String> PREFIXES = Map.of(
            "o", OsoMapping.OSO_2019_NAMESPACE,
            "d", "urn:schakel:transfer-dossier:1",
            "c", "urn:schakel:common:1",
            "ll", "urn:schakel:learning-lines:1",
            "sn", "urn:schakel:support-needs:1");

    private static Schema v1Schema;
    private static Schema osoSchema;

    private OsoFixtures() {
    }

    /** Every example dossier of the standard; fails (does not skip) when the folder is missing or empty. */
    static Stream<Path> osoExamples() throws IOException {
        Path examples = OSO_DIR.resolve("examples");
        if (!Files.isDirectory(examples)) {
            throw new IllegalStateException("the OSO reference files are missing: " + examples.toAbsolutePath()
                    + " (set -Dschakel.oso-dir)");
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(examples)) {
            files = list.filter(p -> p.toString().endsWith(".xml")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("no OSO example dossiers in " + examples.toAbsolutePath());
        }
        return files.stream();
    }

    /** The v1 example transfer dossiers (schemas/examples/*.xml). */
    static Stream<Path> v1Examples() throws IOException {
        try (Stream<Path> list = Files.list(V1_EXAMPLES)) {
            return list.filter(p -> Files.isRegularFile(p) && p.toString().endsWith(".xml")).sorted().toList().stream();
        }
    }

    static Document read(Path file) {
        try {
            return OsoMapping.parse(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] toV1(Document oso) {
        return MAPPING.toV1(oso, "OSO-2026-0001", ISK, LYCEUM, MAPPED_AT);
    }

    /** XSD errors and failed Schematron asserts (by id) of a v1 transfer dossier; empty when it is valid. */
    static synchronized List<String> v1Errors(byte[] xml) {
        try {
            if (v1Schema == null) {
                v1Schema = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                        .newSchema(Path.of("schemas/transfer-dossier-v1.xsd").toFile());
            }
            Document doc = OsoMapping.parse(xml);
            List<String> errors = xsdErrors(v1Schema, doc);
            if (!errors.isEmpty()) {
                return errors;
            }
            SchematronResourcePure rules = SchematronResourcePure.fromFile(Path.of("schemas/transfer-dossier-v1.sch").toFile());
            for (AbstractSVRLMessage m : SVRLHelper.getAllFailedAssertionsAndSuccessfulReports(
                    rules.applySchematronValidationToSVRL(doc, "schemas/transfer-dossier-v1.sch"))) {
                errors.add(m.getID());
            }
            return errors;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** XSD errors of an OSO dossier against the standard's XSD. */
    static synchronized List<String> osoErrors(byte[] xml) {
        try {
            if (osoSchema == null) {
                osoSchema = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                        .newSchema(OSO_DIR.resolve("OSO_gegevensset_2019.1.xsd").toFile());
            }
            return xsdErrors(osoSchema, OsoMapping.parse(xml));
        } catch (SAXException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> xsdErrors(Schema schema, Document doc) {
        List<String> errors = new ArrayList<>();
        Validator validator = schema.newValidator();
        validator.setErrorHandler(new DefaultHandler() {
            @Override
            public void error(SAXParseException e) {
                errors.add(e.getMessage());
            }

            @Override
            public void fatalError(SAXParseException e) {
                errors.add(e.getMessage());
            }
        });
        try {
            validator.validate(new DOMSource(doc));
        } catch (SAXException | IOException e) {
            errors.add(e.getMessage());
        }
        return errors;
    }

    static XPath xpath() {
        XPath xpath = XPathFactory.newInstance().newXPath();
        xpath.setNamespaceContext(new NamespaceContext() {
            @Override
            public String getNamespaceURI(String prefix) {
                return PREFIXES.getOrDefault(prefix, XMLConstants.NULL_NS_URI);
            }

            @Override
            public String getPrefix(String uri) {
                return null;
            }

            @Override
            public Iterator<String> getPrefixes(String uri) {
                return null;
            }
        });
        return xpath;
    }

    static String value(Object doc, String path) {
        try {
            return ((String) xpath().evaluate(path, doc, XPathConstants.STRING)).trim();
        } catch (XPathExpressionException e) {
            throw new IllegalArgumentException(path, e);
        }
    }

    static List<String> values(Object doc, String path) {
        try {
            NodeList nodes = (NodeList) xpath().evaluate(path, doc, XPathConstants.NODESET);
            List<String> found = new ArrayList<>();
            for (int i = 0; i < nodes.getLength(); i++) {
                found.add(nodes.item(i).getTextContent().trim());
            }
            return found;
        } catch (XPathExpressionException e) {
            throw new IllegalArgumentException(path, e);
        }
    }

    static List<Node> nodes(Object doc, String path) {
        try {
            NodeList nodes = (NodeList) xpath().evaluate(path, doc, XPathConstants.NODESET);
            List<Node> found = new ArrayList<>();
            for (int i = 0; i < nodes.getLength(); i++) {
                found.add(nodes.item(i));
            }
            return found;
        } catch (XPathExpressionException e) {
            throw new IllegalArgumentException(path, e);
        }
    }
}
