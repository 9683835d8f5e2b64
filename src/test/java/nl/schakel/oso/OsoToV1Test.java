package nl.schakel.oso;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static nl.schakel.oso.OsoFixtures.ISK;
import static nl.schakel.oso.OsoFixtures.LYCEUM;
import static nl.schakel.oso.OsoFixtures.MAPPED_AT;
import static nl.schakel.oso.OsoFixtures.OSO_DIR;
import static nl.schakel.oso.OsoFixtures.nodes;
import static nl.schakel.oso.OsoFixtures.osoErrors;
import static nl.schakel.oso.OsoFixtures.read;
import static nl.schakel.oso.OsoFixtures.toV1;
import static nl.schakel.oso.OsoFixtures.v1Errors;
import static nl.schakel.oso.OsoFixtures.value;
import static nl.schakel.oso.OsoFixtures.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OsoToV1Test {
    static final String O = OsoMapping.OSO_2019_NAMESPACE;
    static final String L = "/o:dossier/o:huidigeschool/o:leerling";

    @Test
    void the_oso_reference_files_are_read_from_the_shared_folder_and_not_copied_into_the_project() throws Exception {
        assertThat(OsoFixtures.osoExamples()).hasSize(8);
        assertThat(OSO_DIR.resolve("OSO_gegevensset_2019.1.xsd")).isRegularFile();
        try (var files = Files.walk(Path.of("."))) {
            assertThat(files.filter(p -> !p.startsWith("./target") && p.getFileName().toString().startsWith("Voorbeelddossier")))
                    .isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("nl.schakel.oso.OsoFixtures#osoExamples")
    void every_oso_example_is_itself_valid_against_the_oso_xsd(Path example) throws Exception {
        assertThat(osoErrors(Files.readAllBytes(example))).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("nl.schakel.oso.OsoFixtures#osoExamples")
    void every_oso_example_maps_to_a_v1_dossier_valid_against_the_schema_and_the_rules(Path example) {
        byte[] v1 = toV1(read(example));
        assertThat(v1Errors(v1)).as(new String(v1, StandardCharsets.UTF_8)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("nl.schakel.oso.OsoFixtures#osoExamples")
    void pupil_parties_and_transition_equal_the_source(Path example) {
        Document oso = read(example);
        Document v1 = OsoMapping.parse(toV1(oso));
        String p = "/d:transferDossier/d:pupil/d:";

        assertThat(value(v1, p + "givenNames")).isEqualTo(String.join(" ", values(oso, L + "/o:voornaam")));
        assertThat(value(v1, p + "familyNamePrefix")).isEqualTo(value(oso, L + "/o:voorvoegsel"));
        assertThat(value(v1, p + "familyName")).isEqualTo(value(oso, L + "/o:achternaam")).isNotEmpty();
        assertThat(value(v1, p + "birthDate")).isEqualTo(value(oso, L + "/o:geboortedatum")).isNotEmpty();
        assertThat(value(v1, p + "pgn")).isEqualTo(value(oso, L + "/o:bsn | " + L + "/o:onderwijsnummer")).hasSize(9);
        assertThat(value(v1, "/d:transferDossier/d:created")).isEqualTo("2026-11-20T10:15:00+01:00");
        assertThat(value(v1, "/d:transferDossier/d:messageId")).isEqualTo("OSO-2026-0001");
        assertThat(value(v1, "/d:transferDossier/d:sender/c:code")).isEqualTo("30AA00");
        assertThat(value(v1, "/d:transferDossier/d:sender/c:name")).isEqualTo("ISK De Waalbrug (demo)");
        assertThat(value(v1, "/d:transferDossier/d:receiver/c:kind")).isEqualTo("VO");
        assertThat(value(v1, "/d:transferDossier/d:transition/d:kind")).isEqualTo("ISK_TO_VO");
        assertThat(value(v1, "/d:transferDossier/d:derivedFrom/d:standard")).isEqualTo("OSO");
        assertThat(value(v1, "/d:transferDossier/d:derivedFrom/d:version")).isEqualTo("2019.1");
    }

    @ParameterizedTest
    @MethodSource("nl.schakel.oso.OsoFixtures#osoExamples")
    void school_history_and_placement_equal_the_source(Path example) {
        Document oso = read(example);
        Document v1 = OsoMapping.parse(toV1(oso));
        List<Node> periods = nodes(oso, L + "/o:schoolloopbaanlijst/o:schoolloopbaan");
        List<Node> mapped = nodes(v1, "/d:transferDossier/d:schoolHistory/d:period");

        assertThat(mapped).hasSameSizeAs(periods);
        for (int i = 0; i < periods.size(); i++) {
            Node s = periods.get(i);
            Node m = mapped.get(i);
            assertThat(value(m, "d:schoolYear")).isEqualTo(value(s, "o:schooljaar"));
            assertThat(value(m, "d:institution")).isEqualTo(value(s, "o:brincode") + value(s, "o:vestigingscode"));
            assertThat(value(m, "d:group")).isEqualTo(value(s, "o:groepscode"));
            assertThat(value(m, "d:yearGroup")).isEqualTo(value(s, "o:jaargroep"));
            assertThat(value(m, "d:from")).isEqualTo(value(s, "o:begindatum"));
            assertThat(value(m, "d:to")).isEqualTo(value(s, "o:einddatum"));
        }

        String placement = "/d:transferDossier/d:currentPlacement/c:";
        if (periods.isEmpty()) {
            // no group known (schoolloopbaan opted out): no placement, and its date listed as not carried
            assertThat(nodes(v1, "/d:transferDossier/d:currentPlacement")).isEmpty();
            assertThat(notCarried(v1)).containsEntry("huidigeschool/leerling/startdatumhuidigonderwijs", "NOT_REPRESENTABLE");
        } else {
            String lastGroup = value(oso, "(" + L + "/o:schoolloopbaanlijst/o:schoolloopbaan)[last()]/o:groepscode");
            assertThat(value(v1, placement + "group")).isEqualTo(lastGroup);
            assertThat(value(v1, placement + "since")).isEqualTo(value(oso, L + "/o:startdatumhuidigonderwijs"));
            assertThat(value(v1, placement + "institutionKind")).isEqualTo("ISK");
        }
    }

    @ParameterizedTest
    @MethodSource("nl.schakel.oso.OsoFixtures#osoExamples")
    void end_test_reference_levels_equal_the_source(Path example) {
        Document oso = read(example);
        Document v1 = OsoMapping.parse(toV1(oso));
        String result = L + "/o:eindtoets_basisonderwijs/o:eindtoetsresultaat";
        String[][] lines = {{"8000", "dutchLanguage"}, {"8001", "arithmetic"}};
        for (String[] line : lines) {
            String osoLevel = value(oso, result + "/o:onderdelen/o:onderdeel[o:onderdeelcode='" + line[0] + "']/o:ond_referentieniveau");
            String ll = "/d:transferDossier/d:learningLines/ll:" + line[1];
            if (osoLevel.isEmpty()) {
                assertThat(nodes(v1, ll)).as(line[1]).isEmpty();
                continue;
            }
            assertThat(value(v1, ll + "/ll:level")).isEqualTo(OsoToV1.referenceLevel(osoLevel)).isNotEmpty();
            assertThat(value(v1, ll + "/ll:assessment/ll:instrument")).isEqualTo("EINDTOETS-" + value(oso, result + "/o:toetssoort"));
            assertThat(value(v1, ll + "/ll:assessment/ll:assessedOn")).isEqualTo(value(oso, result + "/o:datum_afname"));
        }
        // the full examples hold Rekenen 04 (2F): the check above must have had something to compare
        if (example.getFileName().toString().endsWith("_full.xml")) {
            assertThat(value(v1, "/d:transferDossier/d:learningLines/ll:arithmetic/ll:level")).isEqualTo("2F");
        }
    }

    @ParameterizedTest
    @MethodSource("nl.schakel.oso.OsoFixtures#osoExamples")
    void support_needs_equal_the_source_with_the_consent_it_records(Path example) {
        Document oso = read(example);
        Document v1 = OsoMapping.parse(toV1(oso));
        String oo = L + "/o:onderwijsondersteuning";
        String needs = "/d:transferDossier/d:supportNeeds/sn:need";

        List<Node> diagnoses = nodes(oso, oo + "/o:diagnose");
        List<Node> mappedDiagnoses = nodes(v1, needs + "[starts-with(sn:description, 'Diagnose')]");
        assertThat(mappedDiagnoses).hasSameSizeAs(diagnoses);
        for (int i = 0; i < diagnoses.size(); i++) {
            Node source = diagnoses.get(i);
            Node need = mappedDiagnoses.get(i);
            for (String code : values(source, "o:code")) {
                assertThat(value(need, "sn:description")).contains(code);
            }
            assertThat(value(need, "sn:description")).contains(value(source, "o:naam")).contains(value(source, "o:datum"));
            assertThat(value(need, "sn:category"))
                    .isEqualTo(values(source, "o:code").stream().anyMatch(c -> c.startsWith("F")) ? "PSYCHOLOGICAL" : "MEDICAL");
            assertThat(value(need, "sn:sharingBasis/sn:consentDate")).isEqualTo(value(oso, "/o:dossier/o:inzage/o:inzagedatum"));
            assertThat(value(need, "sn:sharingBasis/sn:consentGivenBy")).isEqualTo("PARENTS"); // the pupils were under 16 then
        }
        assertThat(value(oso, "/o:dossier/o:inzage/o:toestemming")).isIn("Ja", "");

        assertThat(values(v1, needs + "[starts-with(sn:description, 'Handelingsplan')]/sn:description"))
                .hasSameSizeAs(nodes(oso, oo + "/o:handelingsplan"))
                .allSatisfy(d -> assertThat(d).contains(value(oso, oo + "/o:handelingsplan/o:isgerichtop")));
        assertThat(nodes(v1, needs + "[starts-with(sn:description, 'Toelaatbaarheidsverklaring')][sn:intensity='EXTRA']"))
                .hasSameSizeAs(nodes(oso, oo + "/o:tlv"));
        assertThat(nodes(v1, needs + "[starts-with(sn:description, 'Ontwikkelingsperspectief')][sn:intensity='EXTRA']"))
                .hasSameSizeAs(nodes(oso, oo + "/o:opp"));
        assertThat(values(v1, needs + "[starts-with(sn:description, 'Arrangement passend')]/sn:description"))
                .hasSameSizeAs(nodes(oso, oo + "/o:arrangement_pao"))
                .allSatisfy(d -> assertThat(d).contains(value(oso, oo + "/o:arrangement_pao/o:arrangement_kenmerk")));
        assertThat(nodes(v1, needs + "[sn:category='MEDICAL'][starts-with(sn:description, 'Arrangement cluster')]"))
                .hasSameSizeAs(nodes(oso, oo + "/o:arrangement_cluster12"));
        assertThat(nodes(v1, needs + "[starts-with(sn:description, 'Medicijngebruik')]"))
                .hasSameSizeAs(nodes(oso, oo + "/o:medicijngebruik[. = 'true']"));
        assertThat(nodes(v1, needs + "[starts-with(sn:description, 'Leerwegondersteuning')]"))
                .hasSameSizeAs(nodes(oso, oo + "/o:lwoo"));
        // every sensitive need carries a basis (also checked by the rules)
        assertThat(nodes(v1, needs + "[sn:category='MEDICAL' or sn:category='PSYCHOLOGICAL'][not(sn:sharingBasis)]")).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("nl.schakel.oso.OsoFixtures#osoExamples")
    void every_category_not_delivered_is_listed_in_derived_from_and_none_of_its_data_is_in_the_output(Path example) {
        Document oso = read(example);
        byte[] bytes = toV1(oso);
        Document v1 = OsoMapping.parse(bytes);

        Map<String, String> expected = new LinkedHashMap<>();
        for (Node status : nodes(oso, "/o:dossier/o:metadata/o:categorie_uitlevering/*")) {
            String text = status.getTextContent().trim();
            if (text.equals("OPT-UIT") || text.equals("VERBODEN")) {
                expected.put(status.getLocalName().substring(4), text.equals("OPT-UIT") ? "OPT_OUT" : "FORBIDDEN");
            }
        }
        Map<String, String> listed = new LinkedHashMap<>();
        for (Node c : nodes(v1, "/d:transferDossier/d:derivedFrom/d:category")) {
            listed.put(value(c, "d:name"), value(c, "d:status"));
        }
        assertThat(listed).isEqualTo(expected);
        assertNoDataOfExcludedCategories(oso, bytes, v1);
    }

    /**
     * The v1 output holds no value that occurs only in an excluded category of the source, and nothing that
     * a mapped excluded category would have produced.
     */
    static void assertNoDataOfExcludedCategories(Document oso, byte[] bytes, Document v1) {
        List<String> excluded = new ArrayList<>();
        for (Node status : nodes(oso, "/o:dossier/o:metadata/o:categorie_uitlevering/*")) {
            String text = status.getTextContent().trim();
            if (text.equals("OPT-UIT") || text.equals("VERBODEN")) {
                excluded.add(status.getLocalName().substring(4));
            }
        }
        List<String> excludedValues = new ArrayList<>();
        StringBuilder delivered = new StringBuilder();
        for (Node n : nodes(oso, "//o:leerling/* | /o:dossier/o:inzage")) {
            Element e = (Element) n;
            OsoCategory category = e.getLocalName().equals("inzage") ? OsoCategory.OUDERINZAGE : OsoCategory.ofLeerlingChild(e.getLocalName());
            boolean out = excluded.contains(category.osoName)
                    || (excluded.contains("handelingsplannen") && e.getLocalName().equals("onderwijsondersteuning"));
            for (String v : values(e, "descendant-or-self::*[not(*)]")) {
                if (out) {
                    excludedValues.add(v);
                } else {
                    delivered.append('\n').append(v);
                }
            }
        }
        String output = new String(bytes, StandardCharsets.UTF_8);
        for (String v : excludedValues) {
            if (v.length() >= 4 && !delivered.toString().contains(v)) {
                assertThat(output).as("a value of an excluded category").doesNotContain(v);
            }
        }
        if (excluded.contains("onderwijsondersteuning")) {
            assertThat(nodes(v1, "//sn:need")).isEmpty();
            assertThat(values(v1, "//d:notCarried/d:element")).noneMatch(p -> p.contains("onderwijsondersteuning"));
        }
        if (excluded.contains("handelingsplannen")) {
            assertThat(values(v1, "//sn:need/sn:description")).noneMatch(d -> d.startsWith("Handelingsplan"));
        }
        if (excluded.contains("eindtoetsbo")) {
            assertThat(nodes(v1, "//ll:dutchLanguage | //ll:arithmetic")).isEmpty();
        }
        if (excluded.contains("schoolloopbaan")) {
            assertThat(nodes(v1, "//d:schoolHistory | //d:currentPlacement")).isEmpty();
        }
        if (excluded.contains("ouderinzage")) {
            assertThat(nodes(v1, "//sn:sharingBasis")).isEmpty();
        }
        for (String category : excluded) {
            OsoCategory c = OsoCategory.valueOf(category.toUpperCase());
            assertThat(values(v1, "//d:notCarried/d:element")).as(category)
                    .noneMatch(p -> p.startsWith("huidigeschool/leerling/") && OsoCategory.ofLeerlingChild(p.split("/")[2]) == c);
        }
    }

    @Test
    void data_injected_into_opted_out_categories_does_not_reach_the_v1_dossier() {
        Document optOut = read(OSO_DIR.resolve("examples/Voorbeelddossier_OV_POVO_opt_out.xml"));
        Document full = read(OSO_DIR.resolve("examples/Voorbeelddossier_OV_POVO_full.xml"));
        assertThat(value(optOut, "//o:cat_onderwijsondersteuning")).isEqualTo("OPT-UIT");
        assertThat(value(optOut, "//o:cat_eindtoetsbo")).isEqualTo("OPT-UIT");
        // the input wrongly still holds support data and the end test, placed where the OSO XSD allows them
        Element pupil = (Element) nodes(optOut, L).get(0);
        Node after = nodes(optOut, L + "/o:schoolloopbaanlijst").get(0).getNextSibling();
        for (String block : new String[] {"o:onderwijsondersteuning", "o:eindtoets_basisonderwijs"}) {
            pupil.insertBefore(optOut.importNode(nodes(full, L + "/" + block).get(0), true), after);
        }
        byte[] injected = V1SchemaCompatibilityTest.bytes(optOut);
        assertThat(osoErrors(injected)).as("the injected input is still valid against the OSO XSD").isEmpty();

        byte[] bytes = toV1(optOut);
        Document v1 = OsoMapping.parse(bytes);
        assertThat(v1Errors(bytes)).isEmpty();
        assertThat(nodes(v1, "//sn:need")).isEmpty();
        assertThat(nodes(v1, "//ll:arithmetic")).isEmpty();
        String output = new String(bytes, StandardCharsets.UTF_8);
        for (String injectedValue : List.of("H91.9.s", "F90.0+", "Slechthorend", "rekenvaardigheid", "Kenmerk zonder codelijst", "EINDTOETS")) {
            assertThat(output).doesNotContain(injectedValue);
        }
        assertThat(values(v1, "//d:derivedFrom/d:category[d:status='OPT_OUT']/d:name")).contains("onderwijsondersteuning", "eindtoetsbo");
        assertNoDataOfExcludedCategories(optOut, bytes, v1);

        // the same input with the categories delivered does carry the data: the checks above can fail
        nodes(optOut, "//o:cat_onderwijsondersteuning | //o:cat_eindtoetsbo | //o:cat_handelingsplannen")
                .forEach(n -> n.setTextContent("OPTIONEEL"));
        Document delivered = OsoMapping.parse(toV1(optOut));
        assertThat(nodes(delivered, "//sn:need")).isNotEmpty();
        assertThat(value(delivered, "//ll:arithmetic/ll:level")).isEqualTo("2F");
    }

    @Test
    void without_recorded_consent_sensitive_needs_are_left_out_and_listed() {
        Document oso = read(OSO_DIR.resolve("examples/Voorbeelddossier_OV_POVO_full.xml"));
        nodes(oso, "/o:dossier/o:inzage/o:toestemming").forEach(n -> n.setTextContent("Nee"));

        byte[] bytes = toV1(oso);
        Document v1 = OsoMapping.parse(bytes);
        assertThat(v1Errors(bytes)).isEmpty();
        assertThat(nodes(v1, "//sn:need[sn:category='MEDICAL' or sn:category='PSYCHOLOGICAL']")).isEmpty();
        assertThat(nodes(v1, "//sn:sharingBasis")).isEmpty();
        assertThat(new String(bytes, StandardCharsets.UTF_8)).doesNotContain("H91.9.s").doesNotContain("F90.0+");
        assertThat(notCarried(v1))
                .containsEntry("huidigeschool/leerling/onderwijsondersteuning/diagnose", "NO_SHARING_BASIS")
                .containsEntry("huidigeschool/leerling/onderwijsondersteuning/medicijngebruik", "NO_SHARING_BASIS")
                .containsEntry("huidigeschool/leerling/onderwijsondersteuning/arrangement_cluster12", "NO_SHARING_BASIS");
        assertThat(nodes(v1, "//sn:need[sn:category='LEARNING']")).hasSize(4); // handelingsplan, opp, tlv, arrangement_pao
    }

    @Test
    void delivered_elements_v1_does_not_carry_are_listed_by_path_with_a_reason_and_never_by_value() {
        Document oso = read(OSO_DIR.resolve("examples/Voorbeelddossier_OV_VOVO_full.xml"));
        Document v1 = OsoMapping.parse(toV1(oso));
        Map<String, String> notCarried = notCarried(v1);
        assertThat(notCarried)
                .containsEntry("huidigeschool/leerling/adreslijst", "NOT_NEEDED")
                .containsEntry("huidigeschool/leerling/communicatielijst", "NOT_NEEDED")
                .containsEntry("huidigeschool/leerling/huisarts", "NOT_NEEDED")
                .containsEntry("huidigeschool/leerling/verzorger", "NOT_NEEDED")
                .containsEntry("huidigeschool/leerling/verzuim", "NO_V1_ELEMENT")
                .containsEntry("huidigeschool/leerling/cijferlijstlijst", "NO_V1_ELEMENT")
                .containsEntry("huidigeschool/leerling/toetslijst", "NO_V1_ELEMENT")
                .containsEntry("huidigeschool/leerling/overigdocumentlijst", "NO_V1_ELEMENT")
                .containsEntry("huidigeschool/leerling/overstapadvies", "NO_V1_ELEMENT")
                .containsEntry("huidigeschool/leerling/eindtoets_basisonderwijs/eindtoetsresultaat/standaardscore", "NO_V1_ELEMENT")
                .containsEntry("inzage/redennietakkoord", "NO_V1_ELEMENT");
        assertThat(notCarried.keySet()).allMatch(p -> p.matches("[a-zA-Z0-9_/\\-]+"));
    }

    @Test
    void a_dossier_without_the_leerling_category_cannot_be_mapped_and_the_error_names_no_pupil_data() {
        Document oso = read(OSO_DIR.resolve("examples/Voorbeelddossier_OV_POPO_full.xml"));
        nodes(oso, "//o:cat_leerling").forEach(n -> n.setTextContent("OPT-UIT"));
        assertThatThrownBy(() -> toV1(oso)).isInstanceOf(OsoMappingException.class)
                .hasMessageContaining("cat_leerling")
                .hasMessageNotContaining(value(oso, L + "/o:achternaam"));
    }

    @Test
    void a_doctype_is_refused_when_parsing() {
        byte[] xml = ("<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x \"y\">]><dossier xmlns=\"" + O + "\">&x;</dossier>")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> OsoMapping.parse(xml)).isInstanceOf(OsoMappingException.class).hasMessageContaining("DOCTYPE");
    }

    @Test
    void the_transition_kind_is_left_out_when_v1_does_not_know_the_pair_of_kinds() {
        Document oso = read(OSO_DIR.resolve("examples/Voorbeelddossier_OV_POPO_full.xml"));
        byte[] bytes = new OsoMapping().toV1(oso, "M-1", new OsoMapping.Party("30AC00", "VO", null), ISK, MAPPED_AT);
        assertThat(nodes(OsoMapping.parse(bytes), "//d:transition")).isEmpty(); // VO_TO_ISK is not a TransitionKind
        assertThat(v1Errors(bytes)).isEmpty();
    }

    static Map<String, String> notCarried(Document v1) {
        Map<String, String> found = new LinkedHashMap<>();
        for (Node n : nodes(v1, "/d:transferDossier/d:derivedFrom/d:notCarried")) {
            found.put(value(n, "d:element"), value(n, "d:reason"));
        }
        return found;
    }
}
