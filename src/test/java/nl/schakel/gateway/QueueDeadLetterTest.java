package nl.schakel.gateway;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A queue message the gateway cannot process goes to the dead-letter queue, and its sender is told. */
class QueueDeadLetterTest extends GatewayTestSupport {

    @Override
    protected Properties extraProperties() {
        return properties("schakel.broker.max-delivery-attempts", "3", "schakel.broker.redelivery-delay-ms", "50");
    }

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @Test
    void a_message_that_keeps_failing_is_dead_lettered_after_the_broker_redeliveries_and_the_sender_gets_a_failed_receipt() throws Exception {
        // a fault inside the gateway (the outer edge is real: broker, client, routes)
        AdviceWith.adviceWith(context, "intake-queue", a -> a.weaveByToUri("direct:intake").before()
                .throwException(new IllegalStateException("simulated processing fault")));
        context.start();

        try (Connection connection = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort, "31AA00", "demo-31AA00").createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            BytesMessage dossier = session.createBytesMessage();
            dossier.writeBytes(Files.readString(EXAMPLES.resolve("isk-to-vo.xml")).replace("30AA00", "31AA00").replace("30AB00", "31AB00")
                    .getBytes(StandardCharsets.UTF_8));
            session.createProducer(session.createQueue("gateway.inbound")).send(dossier);

            BytesMessage receipt = (BytesMessage) session.createConsumer(session.createQueue("inbox.31AA00")).receive(30_000);
            assertThat(receipt).isNotNull();
            byte[] body = new byte[(int) receipt.getBodyLength()];
            receipt.readBytes(body);
            assertThat(new String(body, StandardCharsets.UTF_8)).contains("<status>FAILED</status>", "GATEWAY-PROCESSING-FAILED")
                    .doesNotContain("simulated");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> broker().messageCount("DLQ.gateway.inbound") == 1);
        assertThat(broker().messageCount("gateway.inbound")).isZero();
        assertThat(broker().messagesAdded("inbox.31AB00")).isZero();
    }

    @Test
    void a_message_id_property_set_by_the_client_reaches_neither_the_failed_receipt_nor_the_log() throws Exception {
        AdviceWith.adviceWith(context, "intake-queue", a -> a.weaveByToUri("direct:intake").before()
                .throwException(new IllegalStateException("simulated processing fault")));
        context.start();
        String forged = "Amira-Haddad-2012-05-14";
        try (CapturedLog log = new CapturedLog(); School isk = School.connect(brokerPort, "31AA00")) {
            BytesMessage dossier = isk.bytes(QueueChannelTest.utrechtDossier("UT-DLQ-2"));
            dossier.setStringProperty("schakelMessageId", forged);
            isk.send(dossier);

            jakarta.jms.Message receipt = isk.receive(30_000);
            assertThat(receipt).isNotNull();
            assertThat(School.body(receipt)).contains("<status>FAILED</status>").doesNotContain("Amira");
            for (String name : School.propertyNames(receipt)) {
                assertThat(String.valueOf(receipt.getObjectProperty(name))).as(name).doesNotContain("Amira");
            }
            // Artemis logs a dead-lettered message with its properties (AMQ222149): the client's are gone by then
            await().atMost(Duration.ofSeconds(20)).until(() -> broker().messageCount("DLQ.gateway.inbound") == 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> log.text().contains("AMQ222149"));
            assertThat(log.text()).contains("FAILED").doesNotContain("Amira");
        }
    }
}
