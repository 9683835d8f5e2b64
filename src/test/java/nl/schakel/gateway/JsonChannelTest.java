package nl.schakel.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** An institution that prefers JSON receives JSON of the same model, and may send JSON. */
class JsonChannelTest extends GatewayTestSupport {

    @Override
    protected Properties extraProperties() {
        // demo passwords are for the bundled directory only: a directory of its own needs a credentials
        // file, here an empty one made at test time (json-directory.yaml has no queue institutions)
        try {
            Path credentials = Files.writeString(dataDir.resolve("credentials.properties"), "");
            return properties("schakel.directory", "classpath:json-directory.yaml", "schakel.broker.credentials-file", credentials.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void a_receiver_that_prefers_json_gets_the_dossier_as_json_of_the_same_model() throws Exception {
        drop("30AA00", "isk-to-vo.xml", Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml")));

        Path delivered = awaitFiles(outbox("30AB00"), "dossier-*.json", 1).get(0);
        JsonNode dossier = new ObjectMapper().readTree(delivered.toFile()).get("transferDossier");
        assertThat(dossier.get("messageId").asText()).isEqualTo("ISK30AA-2026-0001");
        assertThat(dossier.get("transition").get("kind").asText()).isEqualTo("ISK_TO_VO");
        assertThat(dossier.get("pupil").get("birthDate").asText()).isEqualTo("2012-05-14");
        assertThat(dossier.get("learningLines").get("nt2Skill")).hasSize(5);
        // the sender prefers XML: its receipt is XML
        assertThat(read(awaitFiles(outbox("30AA00"), "receipt-*.xml", 1).get(0))).contains("<status>ACCEPTED</status>");
    }

    @Test
    void a_json_dossier_is_validated_like_xml_and_a_broken_one_rejected_with_its_path() throws Exception {
        String json = Files.readString(Path.of("src/test/resources/isk-to-vo.json"));
        drop("30AA00", "ok.json", json.getBytes(StandardCharsets.UTF_8));
        assertThat(awaitFiles(outbox("30AB00"), "dossier-*.json", 1)).hasSize(1);

        drop("30AA00", "bad.json", json.replace("\"ISK30AA-2026-0001\"", "\"ISK30AA-2026-0002\"")
                .replace("\"2012-05-14\"", "\"2012-13-45\"").getBytes(StandardCharsets.UTF_8));
        String rejected = awaitFiles(outbox("30AA00"), "receipt-*.xml", 2).stream().map(GatewayTestSupport::read)
                .filter(r -> r.contains("REJECTED")).findFirst().orElseThrow();
        assertThat(rejected).contains("<code>JSON-INVALID-VALUE</code>", "<path>/pupil/birthDate</path>").doesNotContain("2012-13-45");
    }
}
