package nl.schakel.oso;

import nl.schakel.validation.DocumentCatalogue;
import nl.schakel.validation.MessageValidator;
import nl.schakel.validation.SafeXml;
import nl.schakel.validation.Verdict;
import org.w3c.dom.Document;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathExpressionException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The published OSO example dossiers (../shared/oso, never copied into the project) for the
 * gateway's tests: each with the placeholder school 00YY00 replaced by a demo school, and the
 * checks that a mapped dossier holds the source's values field by field.
 */
public final class OsoExamples {
    public static final Path OSO = Path.of(System.getProperty("schakel.oso-dir", "../shared/oso"));
    public static final String NS = "http://www.edustandaard.nl/oso_gegevensset/2019/dossier";
    /** Values of the examples' pupil, parents and school that must never leave a dossier: names, numbers, addresses. */
    public static final List<String> PERSONAL_VALUES = List.of("Björn", "Berg", "Daan", "2003-03-17", "17-03-2003", "246263738", "003389261",
            "LN094837", "Hoofdstraat", "Adelaarslaan", "Apeldoorn", "Downing", "Pieter", "Zwieten", "0235257739", "leerling@leerling.nl");
    private static volatile Schema osoSchema;
    private static volatile MessageValidator v1Validator;

    private OsoExamples() {
    }

    /** Every example dossier; fails (never skips) when the reference files are not beside the project. */
    public static List<Path> all() throws IOException {
        Path examples = OSO.resolve("examples");
        assertThat(examples).as("the OSO reference files (" + examples.toAbsolutePath() + ")").isDirectory();
        try (Stream<Path> files = Files.list(examples)) {
            List<Path> all = files.filter(f -> f.getFileName().toString().endsWith(".xml")).sorted().toList();
            assertThat(all).hasSize(8);
            return all;
        }
    }

    /** The example with its placeholder school 00YY00 (current school and history) replaced by {@code code}. */
    public static byte[] from(Path example, String code) throws IOException {
        return Files.readString(example, StandardCharsets.UTF_8)
                .replace("<brincode>00YY</brincode>", "<brincode>" + code.substring(0, 4) + "</brincode>")
                .replace("<vestigingscode>00</vestigingscode>", "<vestigingscode>" + code.substring(4) + "</vestigingscode>")
                .getBytes(StandardCharsets.UTF_8);
    }

    public static Document parse(byte[] xml) throws Exception {
        return SafeXml.documentBuilders().newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }

    /** The message id the gateway derives for these bytes to this receiver: the catalogue entry's id and 128 bits of SHA-256. */
    public static String derivedMessageId(byte[] dossier, String receiver) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        String content = HexFormat.of().formatHex(sha.digest(dossier));
        return "oso-dossier-2019-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest((receiver + ":" + content).getBytes(StandardCharsets.US_ASCII))).substring(0, 32);
    }

    public static String messageIdOf(Document v1) throws XPathExpressionException {
        return text(v1, "/d:transferDossier/d:messageId");
    }

    /** Valid against the v1 XSD and rules, as the gateway checks a dossier it receives. */
    public static void assertValidV1(byte[] xml) throws Exception {
        if (v1Validator == null) {
            v1Validator = MessageValidator.offline(DocumentCatalogue.load(Path.of("schemas/catalogue.yaml").toUri().toURL(),
                    Map.of("standards", OSO.toAbsolutePath().toString()), s -> { }), null, 20 << 20, 100);
        }
        Verdict verdict = v1Validator.validate(xml, null);
        // valid against the XSD and every rule; only a sender may not write derivedFrom, the gateway does
        assertThat(verdict.errors()).as("a mapped dossier is valid v1").extracting(nl.schakel.validation.ValidationError::code)
                .containsExactly("CTX-DERIVED-FROM-BY-SENDER");
        assertThat(verdict.type().id()).isEqualTo("transfer-dossier-v1");
    }

    /** Valid against the OSO 2019.1 XSD. */
    public static void assertValidOso(byte[] xml) throws Exception {
        if (osoSchema == null) {
            SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            osoSchema = factory.newSchema(new StreamSource(OSO.resolve("OSO_gegevensset_2019.1.xsd").toFile()));
        }
        osoSchema.newValidator().validate(new StreamSource(new ByteArrayInputStream(xml)));
    }

    /** Text that leaves the gateway outside a dossier (a receipt, a log line) holds none of the examples' personal values. */
    public static void assertNoPersonalValues(String text) {
        for (String value : PERSONAL_VALUES) {
            assertThat(text).as("personal value").doesNotContain(value);
        }
    }

    /** The v1 dossier mapped from an OSO dossier holds the source's values, field by field (docs/OSO-MAPPING.md). */
    public static void assertMapped(Document oso, byte[] v1Bytes, String sender, String receiver) throws Exception {
        Document v1 = parse(v1Bytes);
        assertThat(text(v1, "/d:transferDossier/d:sender/c:code")).isEqualTo(sender);
        assertThat(text(v1, "/d:transferDossier/d:receiver/c:code")).isEqualTo(receiver);
        assertThat(text(oso, "concat(/o:dossier/o:huidigeschool/o:brincode, /o:dossier/o:huidigeschool/o:vestigingscode)")).isEqualTo(sender);
        String pupil = "/o:dossier/o:huidigeschool/o:leerling";
        assertThat(text(v1, "/d:transferDossier/d:pupil/d:familyName")).isEqualTo(text(oso, pupil + "/o:achternaam"));
        assertThat(text(v1, "/d:transferDossier/d:pupil/d:familyNamePrefix")).isEqualTo(text(oso, pupil + "/o:voorvoegsel"));
        assertThat(text(v1, "/d:transferDossier/d:pupil/d:birthDate")).isEqualTo(text(oso, pupil + "/o:geboortedatum"));
        List<String> givenNames = texts(oso, pupil + "/o:voornaam");
        assertThat(text(v1, "/d:transferDossier/d:pupil/d:givenNames")).isEqualTo(String.join(" ", givenNames));
        String bsn = text(oso, pupil + "/o:bsn");
        String pgn = bsn.isEmpty() ? text(oso, pupil + "/o:onderwijsnummer") : bsn;
        assertThat(text(v1, "/d:transferDossier/d:pupil/d:pgn")).isEqualTo(pgn.matches("[0-9]{9}") ? pgn : "");
        // the school history, period by period
        List<String> years = texts(oso, pupil + "/o:schoolloopbaanlijst/o:schoolloopbaan/o:schooljaar");
        assertThat(texts(v1, "/d:transferDossier/d:schoolHistory/d:period/d:schoolYear")).isEqualTo(years);
        assertThat(texts(v1, "/d:transferDossier/d:schoolHistory/d:period/d:from"))
                .isEqualTo(texts(oso, pupil + "/o:schoolloopbaanlijst/o:schoolloopbaan/o:begindatum"));
        // every category not delivered is named in derivedFrom, and none of its data is in the copy
        List<String> categories = new ArrayList<>();
        NodeList statuses = (NodeList) xpath().evaluate("/o:dossier/o:metadata/o:categorie_uitlevering/*", oso, XPathConstants.NODESET);
        for (int i = 0; i < statuses.getLength(); i++) {
            String status = statuses.item(i).getTextContent().trim();
            if (status.equals("OPT-UIT") || status.equals("VERBODEN")) {
                categories.add(statuses.item(i).getLocalName().substring("cat_".length()));
            }
        }
        assertThat(texts(v1, "/d:transferDossier/d:derivedFrom/d:category/d:name")).containsExactlyInAnyOrderElementsOf(categories);
        OsoToV1Test.assertNoDataOfExcludedCategories(oso, v1Bytes, v1);
    }

    /** The OSO dossier mapped from a v1 dossier holds the source's values, field by field. */
    public static void assertMappedToOso(Document v1, Document oso) throws Exception {
        String pupil = "/o:dossier/o:huidigeschool/o:leerling";
        assertThat(text(oso, "concat(/o:dossier/o:huidigeschool/o:brincode, /o:dossier/o:huidigeschool/o:vestigingscode)"))
                .isEqualTo(text(v1, "/d:transferDossier/d:sender/c:code"));
        assertThat(text(oso, pupil + "/o:achternaam")).isEqualTo(text(v1, "/d:transferDossier/d:pupil/d:familyName"));
        assertThat(text(oso, pupil + "/o:geboortedatum")).isEqualTo(text(v1, "/d:transferDossier/d:pupil/d:birthDate"));
        assertThat(String.join(" ", texts(oso, pupil + "/o:voornaam"))).isEqualTo(text(v1, "/d:transferDossier/d:pupil/d:givenNames"));
        String pgn = text(v1, "/d:transferDossier/d:pupil/d:pgn");
        if (!pgn.isEmpty()) {
            assertThat(text(oso, pupil + "/o:bsn") + text(oso, pupil + "/o:onderwijsnummer")).isEqualTo(pgn);
        }
    }

    public static String text(Document doc, String xpath) throws XPathExpressionException {
        return xpath().evaluate(xpath, doc).trim();
    }

    public static List<String> texts(Document doc, String xpath) throws XPathExpressionException {
        NodeList nodes = (NodeList) xpath().evaluate(xpath, doc, XPathConstants.NODESET);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            values.add(nodes.item(i).getTextContent().trim());
        }
        return values;
    }

    public static int count(Document doc, String xpath) throws XPathExpressionException {
        return ((Number) xpath().evaluate("count(" + xpath + ")", doc, XPathConstants.NUMBER)).intValue();
    }

    public static Node node(Document doc, String xpath) throws XPathExpressionException {
        return (Node) xpath().evaluate(xpath, doc, XPathConstants.NODE);
    }

    static XPath xpath() {
        return OsoFixtures.xpath();
    }
}
