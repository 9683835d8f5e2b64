package nl.schakel.gateway;

import nl.schakel.ledger.Ledger;
import nl.schakel.ledger.Status;
import nl.schakel.ledger.Transfer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A delivery that keeps failing is redelivered by the broker and then dead-lettered, never dropped. */
class DeliveryFailureTest extends GatewayTestSupport {

    @Override
    protected Properties extraProperties() {
        return properties("schakel.broker.max-delivery-attempts", "3", "schakel.broker.redelivery-delay-ms", "50");
    }

    @Test
    void a_dossier_that_cannot_be_written_is_dead_lettered_marked_failed_and_its_sender_told() throws Exception {
        // the receiver's outbox cannot be written: a file stands where its folder should be
        deadLetterTheExampleDossier();
        assertThat(broker().messageCount("inbox.30AB00")).isZero();
        assertThat(broker().messagesAdded("inbox.30AB00")).isEqualTo(1);
        // the sender was told the dossier was accepted, and then that it could not be delivered
        List<String> receipts = awaitFiles(outbox("30AA00"), "receipt-*.xml", 2).stream().map(GatewayTestSupport::read).toList();
        assertThat(receipts).anySatisfy(r -> assertThat(r).contains("<status>ACCEPTED</status>"))
                .anySatisfy(r -> assertThat(r).contains("<status>FAILED</status>", "GATEWAY-DELIVERY-FAILED", "<refersTo>ISK30AA-2026-0001</refersTo>"));
        Ledger ledger = context.getRegistry().lookupByNameAndType("ledger", Ledger.class);
        await().untilAsserted(() -> assertThat(ledger.findByMessageId("ISK30AA-2026-0001")).singleElement()
                .extracting(Transfer::status).isEqualTo(Status.FAILED));
        // the operator sees it: readiness is down with the count, the message waits on DLQ.inbox.30AB00
        assertThat(health()).contains("1 message(s) on the dead-letter queues");
        assertThat(broker().messageCount("DLQ.inbox.30AB00")).isEqualTo(1);
        await().during(Duration.ofSeconds(1)).until(() -> files(outbox("30AA00"), "receipt-*.xml").size() == 2);
    }
}
