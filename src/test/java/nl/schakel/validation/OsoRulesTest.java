package nl.schakel.validation;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * Schakel's own business rules for an OSO gegevensset 2019.1 dossier (schemas/oso/oso-dossier-2019.sch),
 * run against the standard's published example dossiers, which are read from beside the project and
 * never copied into it. Each broken dossier is an example with one edit; where the edit keeps the dossier
 * schema-valid the test says so, to show the rule catches what the XSD cannot.
 */
class OsoRulesTest {
    static final Path OSO = Path.of(System.getProperty("schakel.oso-dir", "../shared/oso"));
    static final String NS = "http://www.edustandaard.nl/oso_gegevensset/2019/dossier";
    static final List<String> EXAMPLES = List.of(
            "Voorbeelddossier_OV_BB_full.xml", "Voorbeelddossier_OV_BB_opt_out.xml",
            "Voorbeelddossier_OV_POPO_full.xml", "Voorbeelddossier_OV_POPO_opt_out.xml",
            "Voorbeelddossier_OV_POVO_full.xml", "Voorbeelddossier_OV_POVO_opt_out.xml",
            "Voorbeelddossier_OV_VOVO_full.xml", "Voorbeelddossier_OV_VOVO_opt_out.xml");
    static final String BB_FULL = "Voorbeelddossier_OV_BB_full.xml";
    static final String BB_OPT_OUT = "Voorbeelddossier_OV_BB_opt_out.xml";
    static final String POPO_FULL = "Voorbeelddossier_OV_POPO_full.xml";
    static final String VOVO_FULL = "Voorbeelddossier_OV_VOVO_full.xml";

    static RuleSet rules;
    static Schema xsd;

    @BeforeAll
    static void load() throws Exception {
        // the reference files are required: without them this test fails rather than passing vacuously
        assertThat(OSO.resolve("OSO_gegevensset_2019.1.xsd"))
                .as("OSO reference files beside the project (set -Dschakel.oso-dir)").isReadable();
        for (String example : EXAMPLES) {
            assertThat(OSO.resolve("examples").resolve(example)).isReadable();
        }
        rules = RuleSet.compile(Path.of("schemas/oso/oso-dossier-2019.sch").toUri().toURL(), "oso-dossier-2019");
        SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        xsd = factory.newSchema(OSO.resolve("OSO_gegevensset_2019.1.xsd").toFile());
    }

    // ---- the examples ----

    static Stream<String> examples() {
        return EXAMPLES.stream();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void every_published_example_is_schema_valid_and_passes_every_rule(String example) throws Exception {
        Document dossier = example(example);
        assertSchemaValid(dossier);
        assertThat(rules.check(dossier)).isEmpty();
    }

    // ---- dates of the pupil ----

    @Test
    void a_dossier_dated_before_the_pupils_birth_breaks_transfer_before_birth() throws Exception {
        Document dossier = example(BB_OPT_OUT);
        set(dossier, "datum", "2002-12-31");
        assertOnly(dossier, "OSO-TRANSFER-BEFORE-BIRTH", true);
    }

    @Test
    void a_last_school_day_before_the_pupils_birth_breaks_transfer_before_birth() throws Exception {
        Document dossier = example(BB_OPT_OUT);
        remove(dossier, "datuminschrijving"); // so that uitschrijving-before-inschrijving does not fire as well
        set(dossier, "datumuitschrijving", "2003-03-16");
        assertOnly(dossier, "OSO-TRANSFER-BEFORE-BIRTH", true);
    }

    @Test
    void with_only_a_birth_month_a_dossier_dated_in_that_month_passes_and_one_dated_before_it_does_not() throws Exception {
        Document inMonth = example(BB_OPT_OUT);
        replaceBirthDateByMonth(inMonth);
        set(inMonth, "datum", "2003-03-01");
        assertSchemaValid(inMonth);
        assertThat(rules.check(inMonth)).isEmpty();

        Document before = example(BB_OPT_OUT);
        replaceBirthDateByMonth(before);
        set(before, "datum", "2003-02-28");
        assertOnly(before, "OSO-TRANSFER-BEFORE-BIRTH", true);
    }

    @Test
    void a_last_school_day_before_the_first_breaks_uitschrijving_before_inschrijving() throws Exception {
        Document dossier = example(BB_OPT_OUT);
        set(dossier, "datumuitschrijving", "2005-01-03");
        assertOnly(dossier, "OSO-UITSCHRIJVING-BEFORE-INSCHRIJVING", true);
    }

    @Test
    void a_gba_birth_date_with_day_and_month_swapped_breaks_gba_birth_date_mismatch() throws Exception {
        Document dossier = example(BB_OPT_OUT);
        set(dossier, "gbageboortedatum", "03-17-2003");
        assertOnly(dossier, "OSO-GBA-BIRTH-DATE-MISMATCH", true);
    }

    // ---- the sending school ----

    @ParameterizedTest
    @CsvSource({"brincode", "vestigingscode"})
    void a_sending_school_without_its_code_breaks_no_sending_school(String missing) throws Exception {
        Document dossier = example(BB_OPT_OUT);
        remove(dossier, missing);
        // the XSD requires both as well, so this dossier is checked by the rules alone, as the rules would run without the XSD
        assertOnly(dossier, "OSO-NO-SENDING-SCHOOL", false);
    }

    @ParameterizedTest
    @CsvSource({"brincode, 0YY0", "brincode, 00yy", "brincode, 00YYY", "vestigingscode, 0A", "vestigingscode, 000"})
    void a_malformed_institution_code_breaks_sending_school_code(String element, String value) throws Exception {
        Document dossier = example(BB_OPT_OUT);
        set(dossier, element, value);
        assertOnly(dossier, "OSO-SENDING-SCHOOL-CODE", false);
    }

    // ---- selective delivery ----

    static Stream<Arguments> categoriesWithData() {
        return Stream.of(
                Arguments.of("cat_ouderinzage", VOVO_FULL),
                Arguments.of("cat_oudersverzorgers", VOVO_FULL),
                Arguments.of("cat_vve", BB_FULL),
                Arguments.of("cat_schoolloopbaan", VOVO_FULL),
                Arguments.of("cat_overstapadvies", VOVO_FULL),
                Arguments.of("cat_onderwijsondersteuning", VOVO_FULL),
                Arguments.of("cat_verzuim", VOVO_FULL),
                Arguments.of("cat_eindtoetsbo", VOVO_FULL),
                Arguments.of("cat_toetsresultaten", VOVO_FULL),
                Arguments.of("cat_handelingsplannen", VOVO_FULL),
                Arguments.of("cat_cijferlijsten", VOVO_FULL),
                Arguments.of("cat_vombo", VOVO_FULL),
                Arguments.of("cat_bijlagedocs", VOVO_FULL));
    }

    @ParameterizedTest
    @MethodSource("categoriesWithData")
    void a_category_opted_out_that_still_holds_data_breaks_opted_out_category_holds_data(String category, String example) throws Exception {
        Document dossier = example(example);
        set(dossier, category, "OPT-UIT");
        List<ValidationError> errors = assertOnly(dossier, "OSO-OPTED-OUT-CATEGORY-HOLDS-DATA", true);
        assertThat(errors.get(0).message()).contains(category);
    }

    @Test
    void a_forbidden_category_that_holds_data_breaks_opted_out_category_holds_data() throws Exception {
        Document dossier = example(BB_FULL);
        set(dossier, "cat_verzuim", "VERBODEN");
        assertOnly(dossier, "OSO-OPTED-OUT-CATEGORY-HOLDS-DATA", true);
    }

    @Test
    void handelingsplannen_are_their_own_category_inside_onderwijsondersteuning() throws Exception {
        // onderwijsondersteuning opted out, handelingsplannen delivered: only the handelingsplan stays
        Document dossier = example(VOVO_FULL);
        set(dossier, "cat_onderwijsondersteuning", "OPT-UIT");
        Element support = first(dossier, "onderwijsondersteuning");
        for (Node child = support.getFirstChild(); child != null; ) {
            Node next = child.getNextSibling();
            if (!(child instanceof Element e && e.getLocalName().equals("handelingsplan"))) {
                support.removeChild(child);
            }
            child = next;
        }
        assertSchemaValid(dossier);
        assertThat(rules.check(dossier)).isEmpty();
    }

    // ---- periods and school years ----

    @ParameterizedTest
    @CsvSource({
            // example, block, end element, an end date before that block's start in the example
            "Voorbeelddossier_OV_BB_full.xml, schoolloopbaan, einddatum, 2007-03-16",
            "Voorbeelddossier_OV_BB_full.xml, vroegschools, vroegschoolseinddatum, 2005-07-31",
            "Voorbeelddossier_OV_BB_full.xml, handelingsplan, einddatum, 2013-12-31",
            "Voorbeelddossier_OV_BB_full.xml, opp, opp_einddatum, 2015-05-03",
            "Voorbeelddossier_OV_BB_full.xml, tlv, tlveinddatum, 2016-04-03",
            "Voorbeelddossier_OV_BB_full.xml, arrangement_pao, arrangement_einddatum, 2015-01-27",
            "Voorbeelddossier_OV_VOVO_full.xml, lwoo, lwoo_einddatum, 2015-07-31",
            "Voorbeelddossier_OV_VOVO_full.xml, stage, einddatum, 2013-03-10"})
    void a_period_that_ends_before_it_starts_breaks_period_end_before_start(String example, String block, String end, String date) throws Exception {
        Document dossier = example(example);
        Element endDate = child(first(dossier, block), end);
        endDate.setTextContent(date);
        List<ValidationError> errors = assertOnly(dossier, "OSO-PERIOD-END-BEFORE-START", true);
        assertThat(errors.get(0).message()).contains(block);
    }

    @Test
    void a_school_year_of_non_consecutive_years_breaks_school_year_not_consecutive() throws Exception {
        Document dossier = example(BB_FULL);
        first(dossier, "schooljaar").setTextContent("2006-2008");
        assertOnly(dossier, "OSO-SCHOOL-YEAR-NOT-CONSECUTIVE", true);
    }

    // ---- consistency between fields ----

    @Test
    void a_motivation_for_a_revised_advice_without_the_revised_advice_breaks_revision_motive_without_revised_advice() throws Exception {
        Document dossier = example(BB_FULL);
        Element advice = first(dossier, "overstapadvies");
        Element motive = dossier.createElementNS(NS, "motivatie_herzienadvies");
        motive.setTextContent("Foutherstel");
        advice.insertBefore(motive, child(advice, "profiel"));
        assertOnly(dossier, "OSO-REVISION-MOTIVE-WITHOUT-REVISED-ADVICE", true);

        Element revised = dossier.createElementNS(NS, "herzienadvies");
        revised.setTextContent("60");
        advice.insertBefore(revised, motive);
        assertSchemaValid(dossier);
        assertThat(rules.check(dossier)).isEmpty();
    }

    @Test
    void a_death_date_for_a_verzorger_not_marked_deceased_breaks_death_date_without_deceased() throws Exception {
        Document dossier = example(POPO_FULL);
        Element guardian = (Element) first(dossier, "overlijdensdatum").getParentNode();
        child(guardian, "overleden").setTextContent("false");
        assertOnly(dossier, "OSO-DEATH-DATE-WITHOUT-DECEASED", true);
    }

    @Test
    void an_inspection_date_when_parents_did_not_inspect_breaks_inzage_date_without_inzage() throws Exception {
        Document dossier = example(POPO_FULL);
        child(first(dossier, "inzage"), "inzage").setTextContent("false");
        assertOnly(dossier, "OSO-INZAGE-DATE-WITHOUT-INZAGE", true);
    }

    @ParameterizedTest
    @CsvSource({"report.exe", "opp", "scan.tiff", "rapport.pdf.zip"})
    void an_attachment_of_a_file_type_outside_the_standards_list_breaks_attachment_file_type(String name) throws Exception {
        Document dossier = example(BB_FULL);
        first(dossier, "bestandsnaam").setTextContent(name);
        assertOnly(dossier, "OSO-ATTACHMENT-FILE-TYPE", true);
    }

    @ParameterizedTest
    @CsvSource({"RAPPORT.PDF", "foto.jpeg", "verslag.odt", "cijfers.ods", "plan.docx", "overzicht.pptx"})
    void attachments_of_the_allowed_types_pass_in_any_case(String name) throws Exception {
        Document dossier = example(BB_FULL);
        first(dossier, "bestandsnaam").setTextContent(name);
        assertThat(rules.check(dossier)).isEmpty();
    }

    // ---- privacy of the messages ----

    @Test
    void messages_carry_no_value_from_the_dossier() throws Exception {
        Document dossier = example(POPO_FULL);
        Element pupil = first(dossier, "leerling");
        List<String> secrets = new ArrayList<>();
        for (String field : List.of("voornaam", "achternaam", "roepnaam", "geboortedatum", "bsn", "leerlingid", "datumuitschrijving")) {
            secrets.add(child(pupil, field).getTextContent().trim());
        }
        secrets.add(first(dossier, "gbageboortedatum").getTextContent().trim());
        // break as many rules as possible at once, with values of the pupil's own
        set(dossier, "datum", "2002-01-01");
        set(dossier, "datumuitschrijving", "2004-12-31");
        set(dossier, "gbageboortedatum", "03-17-2003");
        set(dossier, "brincode", "0YY0");
        set(dossier, "cat_vve", "VERBODEN");
        set(dossier, "cat_verzuim", "OPT-UIT");
        first(dossier, "schooljaar").setTextContent("2006-2008");
        child(first(dossier, "handelingsplan"), "einddatum").setTextContent("2013-12-31");
        child(first(dossier, "inzage"), "inzage").setTextContent("false");
        child((Element) first(dossier, "overlijdensdatum").getParentNode(), "overleden").setTextContent("false");
        first(dossier, "bestandsnaam").setTextContent("Berg.exe");
        secrets.addAll(List.of("2002-01-01", "20020101", "2004-12-31", "20041231", "03-17-2003", "0YY0", "2006-2008", "2013-12-31", "Berg.exe"));

        List<ValidationError> errors = rules.check(dossier);
        assertThat(errors).extracting(ValidationError::code).contains(
                "OSO-TRANSFER-BEFORE-BIRTH", "OSO-UITSCHRIJVING-BEFORE-INSCHRIJVING", "OSO-GBA-BIRTH-DATE-MISMATCH",
                "OSO-SENDING-SCHOOL-CODE", "OSO-OPTED-OUT-CATEGORY-HOLDS-DATA", "OSO-SCHOOL-YEAR-NOT-CONSECUTIVE",
                "OSO-PERIOD-END-BEFORE-START", "OSO-INZAGE-DATE-WITHOUT-INZAGE", "OSO-DEATH-DATE-WITHOUT-DECEASED",
                "OSO-ATTACHMENT-FILE-TYPE");
        for (ValidationError error : errors) {
            for (String secret : secrets) {
                assertThat(error.message()).as(error.code()).doesNotContain(secret);
            }
        }
    }

    // ---- helpers ----

    /** Exactly one error, with this code; optionally the dossier is still valid against the standard's XSD. */
    private static List<ValidationError> assertOnly(Document dossier, String code, boolean schemaValid) throws Exception {
        if (schemaValid) {
            assertSchemaValid(dossier);
        }
        List<ValidationError> errors = rules.check(dossier);
        assertThat(errors).extracting(ValidationError::code).containsExactly(code);
        assertThat(errors.get(0).stage()).isEqualTo(ValidationError.Stage.RULES);
        return errors;
    }

    private static void assertSchemaValid(Document dossier) {
        assertThatCode(() -> xsd.newValidator().validate(new DOMSource(dossier))).doesNotThrowAnyException();
    }

    private static Document example(String name) throws IOException, SAXException, javax.xml.parsers.ParserConfigurationException {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(Files.newInputStream(OSO.resolve("examples").resolve(name)));
    }

    private static Element first(Document dossier, String localName) {
        Node node = dossier.getElementsByTagNameNS(NS, localName).item(0);
        assertThat(node).as("example holds a " + localName).isNotNull();
        return (Element) node;
    }

    private static Element child(Element parent, String localName) {
        for (Node c = parent.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element e && localName.equals(e.getLocalName())) {
                return e;
            }
        }
        throw new AssertionError(parent.getLocalName() + " has no " + localName);
    }

    private static void set(Document dossier, String localName, String value) {
        first(dossier, localName).setTextContent(value);
    }

    private static void remove(Document dossier, String localName) {
        Element e = first(dossier, localName);
        e.getParentNode().removeChild(e);
    }

    private static void replaceBirthDateByMonth(Document dossier) {
        edit(dossier, "geboortedatum", birth -> {
            Element month = dossier.createElementNS(NS, "geboortemaand");
            month.setTextContent(birth.getTextContent().substring(0, 7));
            birth.getParentNode().replaceChild(month, birth);
        });
    }

    private static void edit(Document dossier, String localName, Consumer<Element> change) {
        change.accept(first(dossier, localName));
    }
}
