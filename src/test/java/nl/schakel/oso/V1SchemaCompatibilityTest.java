package nl.schakel.oso;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static nl.schakel.oso.OsoFixtures.V1_EXAMPLES;
import static nl.schakel.oso.OsoFixtures.nodes;
import static nl.schakel.oso.OsoFixtures.read;
import static nl.schakel.oso.OsoFixtures.v1Errors;
import static org.assertj.core.api.Assertions.assertThat;

/** transfer-dossier v1.1 stays compatible: every v1.0 dossier is valid, and a school's dossier is checked as strictly as before. */
class V1SchemaCompatibilityTest {
    static final String D = "urn:schakel:transfer-dossier:1";

    static Stream<Path> ruleExamples() throws IOException {
        try (Stream<Path> list = Files.list(V1_EXAMPLES.resolve("invalid"))) {
            return list.filter(p -> p.getFileName().toString().startsWith("RULE-")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("nl.schakel.oso.OsoFixtures#v1Examples")
    void every_existing_v1_example_still_passes_the_changed_schema_and_rules(Path example) throws IOException {
        assertThat(v1Errors(Files.readAllBytes(example))).as(example.toString()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("ruleExamples")
    void every_invalid_rule_example_still_fails_with_its_code(Path example) throws IOException {
        String name = example.getFileName().toString();
        String code = name.substring(0, name.contains("--") ? name.indexOf("--") : name.lastIndexOf('.'));
        assertThat(v1Errors(Files.readAllBytes(example))).as(example.toString()).contains(code);
    }

    @ParameterizedTest
    @ValueSource(strings = {"d:transition/d:kind", "d:transition/d:plannedStart", "d:transition/d:midYear", "d:transition",
            "d:pupil/d:homeLanguage", "d:pupil/d:countryOfBirth", "d:pupil/d:arrivalInNetherlands",
            "d:pupil/d:yearsOfSchoolingBeforeArrival", "d:pupil/d:literacy", "d:currentPlacement", "d:exitProfile", "d:aftercare"})
    void a_school_dossier_missing_a_newcomer_element_is_rejected_with_RULE_NEWCOMER_FIELDS_MISSING_only(String element) {
        Document dossier = read(V1_EXAMPLES.resolve("isk-to-vo.xml"));
        List<Node> found = nodes(dossier, "/d:transferDossier/" + element);
        assertThat(found).isNotEmpty();
        found.forEach(n -> n.getParentNode().removeChild(n));

        assertThat(v1Errors(bytes(dossier))).containsExactly("RULE-NEWCOMER-FIELDS-MISSING");
    }

    @Test
    void a_dossier_derived_from_oso_may_leave_the_newcomer_elements_out() {
        Document dossier = read(V1_EXAMPLES.resolve("isk-to-vo.xml"));
        for (String element : new String[] {"d:transition/d:plannedStart", "d:transition/d:midYear", "d:pupil/d:homeLanguage",
                "d:pupil/d:countryOfBirth", "d:pupil/d:arrivalInNetherlands", "d:pupil/d:yearsOfSchoolingBeforeArrival",
                "d:pupil/d:literacy", "d:exitProfile", "d:aftercare"}) {
            nodes(dossier, "/d:transferDossier/" + element).forEach(n -> n.getParentNode().removeChild(n));
        }
        assertThat(v1Errors(bytes(dossier))).containsExactly("RULE-NEWCOMER-FIELDS-MISSING");

        Element derived = dossier.createElementNS(D, "derivedFrom");
        derived.appendChild(dossier.createElementNS(D, "standard")).setTextContent("OSO");
        derived.appendChild(dossier.createElementNS(D, "version")).setTextContent("2019.1");
        dossier.getDocumentElement().appendChild(derived);
        assertThat(v1Errors(bytes(dossier))).isEmpty();
    }

    static byte[] bytes(Document doc) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TransformerFactory.newInstance().newTransformer().transform(new DOMSource(doc), new StreamResult(out));
            return out.toByteArray();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
