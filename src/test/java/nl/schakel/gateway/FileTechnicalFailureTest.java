package nl.schakel.gateway;

import nl.schakel.ledger.Ledger;
import nl.schakel.ledger.Status;
import nl.schakel.ledger.Transfer;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A file that keeps failing for a technical reason ends in one FAILED receipt and is kept; it never loops. */
class FileTechnicalFailureTest extends GatewayTestSupport {

    @Override
    protected Properties extraProperties() {
        return properties("schakel.file.retries", "2", "schakel.file.retry-delay-ms", "50");
    }

    @Test
    void a_dossier_the_broker_keeps_refusing_ends_in_one_failed_receipt_kept_in_the_quarantine_and_marked_failed() throws Exception {
        // the receiver's address is full and refuses every further send: one dossier waits there
        context.getRouteController().stopRoute("delivery-file-30AB00");
        broker().activeMqServer().getAddressSettingsRepository().addMatch("inbox.30AB00", new AddressSettings()
                .setMaxSizeBytes(1).setAddressFullMessagePolicy(AddressFullMessagePolicy.FAIL));
        drop("30AA00", "first.xml", Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml")));
        awaitFiles(outbox("30AA00"), "receipt-*.xml", 1);
        byte[] dossier = Files.readString(EXAMPLES.resolve("isk-to-vo.xml")).replace("ISK30AA-2026-0001", "ISK30AA-2026-0002")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        drop("30AA00", "isk-to-vo.xml", dossier);

        String receipt = read(awaitFiles(outbox("30AA00"), "receipt-ISK30AA-2026-0002-*.xml", 1).get(0));
        assertThat(receipt).contains("<status>FAILED</status>", "GATEWAY-PROCESSING-FAILED");
        await().until(() -> !Files.exists(inbox("30AA00").resolve("isk-to-vo.xml")));
        List<Path> kept = awaitFiles(quarantine("30AA00"), "*.xml", 2);
        Path keptDossier = kept.stream().filter(p -> !p.toString().endsWith(".receipt.xml")).findFirst().orElseThrow();
        assertThat(Files.readAllBytes(keptDossier)).isEqualTo(dossier);
        assertThat(read(kept.stream().filter(p -> p.toString().endsWith(".receipt.xml")).findFirst().orElseThrow()))
                .contains("<status>FAILED</status>");

        Ledger ledger = context.getRegistry().lookupByNameAndType("ledger", Ledger.class);
        List<Transfer> transfers = ledger.findByMessageId("ISK30AA-2026-0002");
        assertThat(transfers).singleElement().extracting(Transfer::status).isEqualTo(Status.FAILED);
        assertThat(ledger.timeline(transfers.get(0).transferId())).anySatisfy(e -> {
            assertThat(e.status()).isEqualTo(Status.FAILED);
            assertThat(e.detail()).contains("technical failure");
        });
        // nothing more: no second receipt, no delivery
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> files(outbox("30AA00"), "receipt-*.xml").size() == 2 && files(outbox("30AB00"), "*").isEmpty());
        assertThat(broker().messageCount("inbox.30AB00")).isEqualTo(1);
        assertThat(health("?data=true")).contains("\"failed.files\":1");
    }

    @Test
    void a_file_that_cannot_even_be_set_aside_gets_one_receipt_waits_in_the_inbox_and_makes_readiness_down() throws Exception {
        // the quarantine cannot be written: a file stands where the sender's folder should be
        Files.createDirectories(quarantine("30AA00").getParent());
        Files.writeString(quarantine("30AA00"), "not a folder");
        drop("30AA00", "broken.xml", Files.readAllBytes(EXAMPLES.resolve("invalid/RULE-AGE-MBO.xml")));

        String receipt = read(awaitFiles(outbox("30AA00"), "receipt-*.xml", 1).get(0));
        assertThat(receipt).contains("<status>FAILED</status>");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(health()).contains("could not be set aside"));
        // it is not taken again on every poll
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
                .until(() -> files(outbox("30AA00"), "receipt-*.xml").size() == 1);
        assertThat(inbox("30AA00").resolve("broken.xml")).exists();

        // the operator mends the folder; the school writes the file again: it is taken
        Files.delete(quarantine("30AA00"));
        drop("30AA00", "broken.xml", Files.readAllBytes(EXAMPLES.resolve("invalid/RULE-AGE-MBO.xml")));
        await().until(() -> files(outbox("30AA00"), "receipt-*.xml").size() == 2);
        await().until(() -> !health().contains("could not be set aside"));
    }
}
