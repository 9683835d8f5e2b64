package nl.schakel.gateway;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import nl.schakel.ledger.Ledger;
import nl.schakel.ledger.Status;
import nl.schakel.ledger.TransferEvent;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Institutions on the queue channel, with a real JMS client over TCP to the gateway's broker. */
class QueueChannelTest extends GatewayTestSupport {
    private final List<Connection> connections = new ArrayList<>();

    @AfterEach
    void close() throws JMSException {
        for (Connection c : connections) {
            c.close();
        }
    }

    /** A school administration system logged in as an institution. */
    final class School {
        final Session session;
        final String code;

        School(String code, String password) throws JMSException {
            this.code = code;
            Connection connection = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort, code, password).createConnection();
            connections.add(connection);
            connection.start();
            session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        }

        School(String code) throws JMSException {
            this(code, "demo-" + code);
        }

        void send(String body) throws JMSException {
            BytesMessage message = session.createBytesMessage();
            message.writeBytes(body.getBytes(StandardCharsets.UTF_8));
            session.createProducer(session.createQueue("gateway.inbound")).send(message);
        }

        BytesMessage receive() throws JMSException {
            try (MessageConsumer consumer = session.createConsumer(session.createQueue("inbox." + code))) {
                BytesMessage message = (BytesMessage) consumer.receive(30_000);
                assertThat(message).as("a message in inbox." + code).isNotNull();
                return message;
            }
        }
    }

    static String body(BytesMessage message) throws JMSException {
        byte[] bytes = new byte[(int) message.getBodyLength()];
        message.readBytes(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static String utrechtDossier(String messageId) throws Exception {
        return Files.readString(EXAMPLES.resolve("isk-to-vo.xml")).replace("30AA00", "31AA00").replace("30AB00", "31AB00")
                .replace("ISK30AA-2026-0001", messageId);
    }

    static String answer(String file, String messageId) throws Exception {
        return Files.readString(EXAMPLES.resolve("answers").resolve(file)).replace("30AA00", "31AA00").replace("30AB00", "31AB00")
                .replace("ISK30AA-2026-0001", messageId);
    }

    private Ledger ledger() {
        return context.getRegistry().lookupByNameAndType("ledger", Ledger.class);
    }

    @Test
    void a_dossier_goes_from_school_to_school_over_the_queue_and_the_acknowledgement_and_follow_up_come_back() throws Exception {
        School isk = new School("31AA00");
        School vo = new School("31AB00");
        isk.send(utrechtDossier("UT-0001"));

        BytesMessage receipt = isk.receive();
        assertThat(receipt.getStringProperty("schakelType")).isEqualTo("receipt");
        assertThat(receipt.getStringProperty("schakelRefersTo")).isEqualTo("UT-0001");
        assertThat(body(receipt)).contains("<status>ACCEPTED</status>");

        BytesMessage dossier = vo.receive();
        assertThat(dossier.getStringProperty("schakelType")).isEqualTo("dossier");
        assertThat(dossier.getStringProperty("schakelMessageId")).isEqualTo("UT-0001");
        assertThat(dossier.getStringProperty("schakelFormat")).isEqualTo("json");
        // a dossier of a few KB stays a regular message; only large bodies are streamed
        assertThat(dossier.propertyExists("_AMQ_LARGE_SIZE")).isFalse();
        assertThat(body(dossier)).startsWith("{").contains("\"transferDossier\"", "\"UT-0001\"");

        vo.send(answer("acknowledgement-accepted.xml", "UT-0001"));
        assertThat(body(vo.receive())).contains("\"status\" : \"ACCEPTED\"", "LOB30AB-ACK-0001");
        BytesMessage ack = isk.receive();
        assertThat(ack.getStringProperty("schakelType")).isEqualTo("acknowledgement");
        assertThat(ack.getStringProperty("schakelRefersTo")).isEqualTo("UT-0001");
        assertThat(body(ack)).contains("<decision>ACCEPTED</decision>");

        vo.send(answer("follow-up-3-months.xml", "UT-0001"));
        vo.receive();
        BytesMessage followUp = isk.receive();
        assertThat(followUp.getStringProperty("schakelType")).isEqualTo("follow-up");
        assertThat(body(followUp)).contains("<monthsAfterTransfer>3</monthsAfterTransfer>");

        String transfer = ledger().findByMessageId("UT-0001").stream().filter(t -> "31AA00".equals(t.sender())).findFirst().orElseThrow().transferId();
        // picked up is recorded when the broker sees the school's consumer acknowledge the dossier
        await().until(() -> ledger().timeline(transfer).size() == 6);
        assertThat(ledger().timeline(transfer)).extracting(TransferEvent::status)
                .containsSubsequence(Status.RECEIVED, Status.ACCEPTED, Status.QUEUED, Status.ACKNOWLEDGED, Status.FOLLOW_UP_RECEIVED)
                .contains(Status.PICKED_UP);
        assertThat(ledger().timeline(transfer)).filteredOn(e -> e.status() == Status.PICKED_UP)
                .extracting(TransferEvent::detail).containsExactly("consumed from inbox.31AB00");
    }

    @Test
    void a_wrong_password_is_refused() {
        assertThatThrownBy(() -> new School("31AA00", "guess")).isInstanceOf(JMSSecurityException.class);
        assertThatThrownBy(() -> new School("99XX00", "demo-99XX00")).isInstanceOf(JMSSecurityException.class);
    }

    @Test
    void an_institution_can_read_only_its_own_inbox_and_send_only_to_the_gateway() throws Exception {
        School isk = new School("31AA00");
        assertThatThrownBy(() -> isk.session.createConsumer(isk.session.createQueue("inbox.31AB00"))).isInstanceOf(JMSSecurityException.class);
        assertThatThrownBy(() -> isk.session.createBrowser(isk.session.createQueue("inbox.31AA00")).getEnumeration().hasMoreElements())
                .isInstanceOf(JMSSecurityException.class);
        assertThatThrownBy(() -> isk.session.createConsumer(isk.session.createQueue("DLQ.gateway.inbound"))).isInstanceOf(JMSSecurityException.class);
        assertThatThrownBy(() -> isk.session.createConsumer(isk.session.createQueue("gateway.inbound"))).isInstanceOf(JMSSecurityException.class);
        assertThatThrownBy(() -> isk.session.createProducer(isk.session.createQueue("inbox.31AB00")).send(isk.session.createTextMessage("x")))
                .isInstanceOf(JMSSecurityException.class);
        assertThatThrownBy(() -> isk.session.createProducer(isk.session.createQueue("made.up")).send(isk.session.createTextMessage("x")))
                .isInstanceOf(JMSSecurityException.class);
        assertThat(broker().messagesAdded("inbox.31AB00")).isZero();
    }

    @Test
    void sending_as_another_institution_is_rejected_even_with_a_forged_sender_property() throws Exception {
        School isk = new School("31AA00");
        BytesMessage forged = isk.session.createBytesMessage();
        forged.setStringProperty("schakelValidatedUser", "30AA00");
        forged.writeBytes(Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml")));
        isk.session.createProducer(isk.session.createQueue("gateway.inbound")).send(forged);

        String receipt = body(isk.receive());
        assertThat(receipt).contains("<status>REJECTED</status>", "<code>CTX-SENDER-NOT-CHANNEL-OWNER</code>");
        assertThat(files(outbox("30AB00"), "*")).isEmpty();
        assertThat(files(quarantine("31AA00"), "*.message")).hasSize(1);
    }

    @Test
    void an_answer_about_a_transfer_the_sender_did_not_receive_is_rejected() throws Exception {
        School isk = new School("31AA00");
        School vo = new School("31AB00");
        isk.send(utrechtDossier("UT-0002"));
        isk.receive();
        vo.receive();
        // the sending ISK tries to acknowledge its own dossier as if it were the receiver
        isk.send(answer("acknowledgement-accepted.xml", "UT-0002").replace("<c:code>31AB00</c:code>", "<c:code>X</c:code>")
                .replace("<c:code>31AA00</c:code>", "<c:code>31AB00</c:code>").replace("<c:code>X</c:code>", "<c:code>31AA00</c:code>")
                .replace("<c:kind>VO</c:kind>", "<c:kind>Y</c:kind>").replace("<c:kind>ISK</c:kind>", "<c:kind>VO</c:kind>").replace("<c:kind>Y</c:kind>", "<c:kind>ISK</c:kind>"));
        assertThat(body(isk.receive())).contains("<status>REJECTED</status>", "<code>CTX-NOT-YOUR-TRANSFER</code>");
        // and a follow-up about a transfer that never existed
        vo.send(answer("follow-up-3-months.xml", "UT-NEVER"));
        assertThat(body(vo.receive())).contains("REJECTED", "CTX-NOT-YOUR-TRANSFER");
        assertThat(broker().messagesAdded("inbox.31AA00")).as("only the two receipts reached the ISK").isEqualTo(2);
    }

    @Test
    void bad_messages_on_the_queue_are_rejected_with_a_clear_reason_and_deliver_nothing() throws Exception {
        School vo = new School("31AB00");
        // a message without a body
        vo.session.createProducer(vo.session.createQueue("gateway.inbound")).send(vo.session.createMessage());
        assertThat(body(vo.receive())).contains("REJECTED", "PARSE-EMPTY");

        vo.send("{\"transferDossier\": {\"messageId\": ");
        assertThat(body(vo.receive())).contains("REJECTED", "JSON-MALFORMED");

        vo.send("<invoice xmlns=\"urn:example:other\"><total>1</total></invoice>");
        assertThat(body(vo.receive())).contains("REJECTED", "DOC-UNKNOWN-TYPE");

        // 21 MB: read as a stream up to the limit, then refused
        BytesMessage huge = vo.session.createBytesMessage();
        byte[] chunk = new byte[1024 * 1024];
        java.util.Arrays.fill(chunk, (byte) ' ');
        huge.writeBytes("<x>".getBytes());
        for (int i = 0; i < 21; i++) {
            huge.writeBytes(chunk);
        }
        vo.session.createProducer(vo.session.createQueue("gateway.inbound")).send(huge);
        assertThat(body(vo.receive())).contains("REJECTED", "PARSE-TOO-LARGE");

        assertThat(broker().messagesAdded("inbox.31AA00")).isZero();
        assertThat(broker().messageCount("DLQ.gateway.inbound")).isLessThanOrEqualTo(0);
        assertThat(context.getRouteController().getRouteStatus("intake-queue").isStarted()).isTrue();
    }

}
