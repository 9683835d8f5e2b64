package nl.schakel.gateway;

import nl.schakel.ledger.Ledger;
import nl.schakel.ledger.Status;
import nl.schakel.ledger.Transfer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Hostile values at the gateway: each ends in a rejection receipt and a ledger row, never in a stalled intake. */
class IntakeHardeningTest extends GatewayTestSupport {

    private Ledger ledger() {
        return context.getRegistry().lookupByNameAndType("ledger", Ledger.class);
    }

    private String rejectedReceipt(String refersTo) {
        return await().until(() -> files(outbox("30AA00"), "receipt-*.xml").stream().map(GatewayTestSupport::read)
                .filter(r -> r.contains("<refersTo>" + refersTo + "</refersTo>")).findFirst(), java.util.Optional::isPresent).orElseThrow();
    }

    @Test
    void a_rejected_dossier_with_a_seven_character_institution_code_gets_a_receipt_and_the_ledger_stays_available() throws Exception {
        drop("30AA00", "seven.xml", Files.readString(EXAMPLES.resolve("isk-to-vo.xml"))
                .replace("ISK30AA-2026-0001", "SEVEN-0001").replace("<c:code>30AA00</c:code>", "<c:code>30AA001</c:code>")
                .getBytes(StandardCharsets.UTF_8));

        String receipt = rejectedReceipt("SEVEN-0001");
        assertThat(receipt).contains("<status>REJECTED</status>", "<code>XSD-cvc-pattern-valid</code>", "<code>CTX-FIELD-TOO-LONG</code>")
                .doesNotContain("30AA001");
        // the quarantine keeps it under its receipt id, with the receipt beside it
        assertThat(awaitFiles(quarantine("30AA00"), "*.xml", 2)).hasSize(2);
        Transfer row = await().until(() -> ledger().findByMessageId("SEVEN-0001"), l -> !l.isEmpty()).get(0);
        // not recorded cut short to six characters, which would be the institution 30AA00
        assertThat(row.sender()).isNull();
        assertThat(row.channelOwner()).isEqualTo("30AA00");
        assertThat(row.status()).isEqualTo(Status.REJECTED);
        assertThat(ledger().isAvailable()).isTrue();
        assertThat(health()).contains("\"status\":\"UP\"");

        // and intake goes on
        drop("30AA00", "isk-to-vo.xml", Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml")));
        assertThat(awaitFiles(outbox("30AB00"), "dossier-*.xml", 1)).hasSize(1);
    }

    @Test
    void a_json_dossier_with_a_duplicate_key_or_a_control_character_is_rejected_with_a_receipt_naming_its_message_id() throws Exception {
        String json = Files.readString(Path.of("src/test/resources/isk-to-vo.json"));
        drop("30AA00", "twice.json", json.replace("ISK30AA-2026-0001", "JSON-DUP-0001")
                .replace("\"code\" : \"30AB00\",", "\"code\" : \"30AB00\", \"code\" : \"30AC00\",").getBytes(StandardCharsets.UTF_8));
        drop("30AA00", "control.json", json.replace("ISK30AA-2026-0001", "JSON-CTL-0001")
                .replace("Samira Fictief", "Samira\\u0001Fictief").getBytes(StandardCharsets.UTF_8));

        assertThat(rejectedReceipt("JSON-DUP-0001")).contains("<code>JSON-DUPLICATE-KEY</code>", "<path>/receiver/code</path>");
        assertThat(rejectedReceipt("JSON-CTL-0001")).contains("<code>JSON-FORBIDDEN-CHARACTER</code>", "<path>/pupil/givenNames</path>")
                .doesNotContain("Samira");
        for (String id : List.of("JSON-DUP-0001", "JSON-CTL-0001")) {
            assertThat(await().until(() -> ledger().findByMessageId(id), l -> !l.isEmpty()).get(0).status()).isEqualTo(Status.REJECTED);
        }
        assertThat(broker().messagesAdded("inbox.30AB00")).isLessThanOrEqualTo(0);
        assertThat(broker().messagesAdded("inbox.30AC00")).isLessThanOrEqualTo(0);
    }
}
