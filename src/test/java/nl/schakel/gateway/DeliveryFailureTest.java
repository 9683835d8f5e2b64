package nl.schakel.gateway;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
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
    void a_dossier_that_cannot_be_written_goes_to_the_dead_letter_queue_after_the_broker_redeliveries() throws Exception {
        // the receiver's outbox cannot be written: a file stands where its folder should be
        Files.delete(outbox("30AB00"));
        Files.writeString(outbox("30AB00"), "not a folder");

        drop("30AA00", "isk-to-vo.xml", Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml")));

        await().atMost(Duration.ofSeconds(30)).until(() -> broker().messageCount("DLQ.inbox.30AB00") == 1);
        assertThat(broker().messageCount("inbox.30AB00")).isZero();
        assertThat(broker().messagesAdded("inbox.30AB00")).isEqualTo(1);
        // the sender was told the dossier was accepted: it is kept on the broker for the operator
        assertThat(read(awaitFiles(outbox("30AA00"), "receipt-*.xml", 1).get(0))).contains("<status>ACCEPTED</status>");
    }
}
