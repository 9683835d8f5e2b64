package nl.schakel.oso;

import nl.schakel.oso.OsoMapping.Party;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Node;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static nl.schakel.oso.OsoFixtures.ISK;
import static nl.schakel.oso.OsoFixtures.LYCEUM;
import static nl.schakel.oso.OsoFixtures.MAPPED_AT;
import static nl.schakel.oso.OsoFixtures.MAPPING;
import static nl.schakel.oso.OsoFixtures.V1_EXAMPLES;
import static nl.schakel.oso.OsoFixtures.nodes;
import static nl.schakel.oso.OsoFixtures.osoErrors;
import static nl.schakel.oso.OsoFixtures.read;
import static nl.schakel.oso.OsoFixtures.toV1;
import static nl.schakel.oso.OsoFixtures.value;
import static nl.schakel.oso.OsoFixtures.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OsoFromV1Test {
    static final String L = "/o:dossier/o:huidigeschool/o:leerling";
    static final String P = "/d:transferDossier/d:pupil/d:";

    static Party party(Document v1, String role) {
        String base = "/d:transferDossier/d:" + role + "/c:";
        String name = value(v1, base + "name");
        return new Party(value(v1, base + "code"), value(v1, base + "kind"), name.isEmpty() ? null : name);
    }

    static byte[] toOso(Document v1) {
        return MAPPING.toOso(v1, party(v1, "sender"), party(v1, "receiver"), MAPPED_AT);
    }

    @ParameterizedTest
    @MethodSource("nl.schakel.oso.OsoFixtures#v1Examples")
    void every_v1_example_maps_to_an_oso_dossier_valid_against_the_oso_xsd(Path example) {
        byte[] oso = toOso(read(example));
        assertThat(osoErrors(oso)).as(new String(oso, StandardCharsets.UTF_8)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("nl.schakel.oso.OsoFixtures#v1Examples")
    void pupil_school_and_placement_equal_the_v1_source(Path example) {
        Document v1 = read(example);
        Document oso = OsoMapping.parse(toOso(v1));

        assertThat(values(oso, L + "/o:voornaam")).isEqualTo(Arrays.asList(value(v1, P + "givenNames").split("\\s+")));
        assertThat(value(oso, L + "/o:voorvoegsel")).isEqualTo(value(v1, P + "familyNamePrefix"));
        assertThat(value(oso, L + "/o:achternaam")).isEqualTo(value(v1, P + "familyName")).isNotEmpty();
        assertThat(value(oso, L + "/o:geboortedatum")).isEqualTo(value(v1, P + "birthDate")).isNotEmpty();
        String pgn = value(v1, P + "pgn");
        assertThat(value(oso, L + "/o:bsn | " + L + "/o:onderwijsnummer")).isEqualTo(pgn);
        if (!pgn.isEmpty()) {
            assertThat(nodes(oso, L + "/o:" + (V1ToOso.isBsn(pgn) ? "bsn" : "onderwijsnummer"))).hasSize(1);
        }
        assertThat(value(oso, L + "/o:startdatumhuidigonderwijs")).isEqualTo(value(v1, "/d:transferDossier/d:currentPlacement/c:since"));
        assertThat(value(oso, "/o:dossier/o:huidigeschool/o:brincode") + value(oso, "/o:dossier/o:huidigeschool/o:vestigingscode"))
                .isEqualTo(value(v1, "/d:transferDossier/d:sender/c:code"));
        assertThat(value(oso, "/o:dossier/o:huidigeschool/o:naam")).isEqualTo(value(v1, "/d:transferDossier/d:sender/c:name"));
        assertThat(value(oso, "/o:dossier/o:metadata/o:datum")).isEqualTo("2026-11-20");
        assertThat(value(oso, "/o:dossier/o:metadata/o:standaardversie")).isEqualTo("2019.1");
    }

    @ParameterizedTest
    @MethodSource("nl.schakel.oso.OsoFixtures#v1Examples")
    void categories_v1_does_not_carry_are_declared_opted_out_and_hold_no_data(Path example) {
        Document oso = OsoMapping.parse(toOso(read(example)));
        String statuses = "/o:dossier/o:metadata/o:categorie_uitlevering/o:";
        for (String delivered : List.of("cat_metadata", "cat_school", "cat_leerling")) {
            assertThat(value(oso, statuses + delivered)).isEqualTo("VERPLICHT");
        }
        // the v1 examples hold support needs, NT2 levels and reference levels without an end test: none of it has an OSO place
        for (String notCarried : List.of("cat_ouderinzage", "cat_oudersverzorgers", "cat_vve", "cat_schoolloopbaan", "cat_overstapadvies",
                "cat_onderwijsondersteuning", "cat_verzuim", "cat_eindtoetsbo", "cat_toetsresultaten", "cat_handelingsplannen",
                "cat_cijferlijsten", "cat_vombo", "cat_bijlagedocs")) {
            assertThat(value(oso, statuses + notCarried)).as(notCarried).isEqualTo("OPT-UIT");
        }
        assertThat(nodes(oso, "/o:dossier/o:inzage | " + L + "/o:onderwijsondersteuning | " + L + "/o:eindtoets_basisonderwijs | "
                + L + "/o:schoolloopbaanlijst | " + L + "/o:verzorger")).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("nl.schakel.oso.OsoFixtures#osoExamples")
    void a_round_trip_oso_to_v1_to_oso_keeps_the_mapped_fields(Path example) {
        Document source = read(example);
        Document v1 = OsoMapping.parse(toV1(source));
        byte[] bytes = MAPPING.toOso(v1, ISK, LYCEUM, MAPPED_AT);
        Document back = OsoMapping.parse(bytes);
        assertThat(osoErrors(bytes)).isEmpty();

        for (String field : List.of("voornaam", "voorvoegsel", "achternaam", "geboortedatum", "bsn", "onderwijsnummer")) {
            assertThat(values(back, L + "/o:" + field)).as(field).isEqualTo(values(source, L + "/o:" + field));
        }
        List<Node> periods = nodes(source, L + "/o:schoolloopbaanlijst/o:schoolloopbaan");
        List<Node> returned = nodes(back, L + "/o:schoolloopbaanlijst/o:schoolloopbaan");
        assertThat(returned).hasSameSizeAs(periods);
        for (int i = 0; i < periods.size(); i++) {
            for (String field : List.of("schooljaar", "groepscode", "jaargroep", "begindatum", "einddatum", "brincode", "vestigingscode")) {
                assertThat(value(returned.get(i), "o:" + field)).as(field).isEqualTo(value(periods.get(i), "o:" + field));
            }
        }
        if (!periods.isEmpty()) {
            assertThat(value(back, L + "/o:startdatumhuidigonderwijs")).isEqualTo(value(source, L + "/o:startdatumhuidigonderwijs"));
        }
        String result = L + "/o:eindtoets_basisonderwijs/o:eindtoetsresultaat";
        String rekenen = "/o:onderdelen/o:onderdeel[o:onderdeelcode='8001']/o:ond_referentieniveau";
        assertThat(value(back, result + rekenen)).isEqualTo(value(source, result + rekenen));
        if (!value(source, result + rekenen).isEmpty()) {
            assertThat(value(back, result + "/o:toetssoort")).isEqualTo(value(source, result + "/o:toetssoort"));
            assertThat(value(back, result + "/o:datum_afname")).isEqualTo(value(source, result + "/o:datum_afname"));
        }
        // what the source did not deliver stays undelivered, with the same status
        for (Node status : nodes(source, "/o:dossier/o:metadata/o:categorie_uitlevering/*")) {
            String text = status.getTextContent().trim();
            if (text.equals("OPT-UIT") || text.equals("VERBODEN")) {
                assertThat(value(back, "/o:dossier/o:metadata/o:categorie_uitlevering/o:" + status.getLocalName()))
                        .as(status.getLocalName()).isEqualTo(text);
            }
        }
    }

    @Test
    void reference_levels_from_an_end_test_go_back_to_eindtoets_basisonderwijs_and_others_do_not() {
        Document v1 = read(V1_EXAMPLES.resolve("isk-to-vo.xml"));
        // dutchLanguage as an end-test result; arithmetic stays a level without an end test
        org.w3c.dom.Element dutch = (org.w3c.dom.Element) nodes(v1, "//ll:dutchLanguage").get(0);
        org.w3c.dom.Element assessment = v1.createElementNS("urn:schakel:learning-lines:1", "ll:assessment");
        assessment.appendChild(v1.createElementNS("urn:schakel:learning-lines:1", "ll:instrument")).setTextContent("EINDTOETS-0013");
        assessment.appendChild(v1.createElementNS("urn:schakel:learning-lines:1", "ll:assessedOn")).setTextContent("2026-04-20");
        dutch.insertBefore(assessment, nodes(dutch, "ll:nextGoal").get(0));
        assertThat(OsoFixtures.v1Errors(V1SchemaCompatibilityTest.bytes(v1))).isEmpty();

        byte[] bytes = toOso(v1);
        Document oso = OsoMapping.parse(bytes);
        assertThat(osoErrors(bytes)).isEmpty();
        String result = L + "/o:eindtoets_basisonderwijs/o:eindtoetsresultaat";
        assertThat(value(oso, result + "/o:toetssoort")).isEqualTo("0013");
        assertThat(value(oso, result + "/o:datum_afname")).isEqualTo("2026-04-20");
        assertThat(values(oso, result + "/o:onderdelen/o:onderdeel/o:onderdeelcode")).containsExactly("8000");
        assertThat(value(oso, result + "/o:onderdelen/o:onderdeel/o:ond_referentieniveau")).isEqualTo("02"); // 1F
        assertThat(value(oso, "//o:cat_eindtoetsbo")).isEqualTo("OPTIONEEL");
    }

    @Test
    void a_v1_dossier_of_another_sender_is_refused() {
        Document v1 = read(V1_EXAMPLES.resolve("isk-to-vo.xml"));
        assertThatThrownBy(() -> MAPPING.toOso(v1, new Party("30AC00", "ISK", null), LYCEUM, MAPPED_AT))
                .isInstanceOf(OsoMappingException.class).hasMessage("sender/code is not the code of the sending party");
    }
}
