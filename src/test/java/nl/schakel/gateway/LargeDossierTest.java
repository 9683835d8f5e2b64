package nl.schakel.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import nl.schakel.testdata.LargeDossiers;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Dossiers over schakel.large-message-bytes (1 MB by default) travel as files and Artemis large
 * messages: validated from the spool, streamed to the receiver, nothing left behind.
 */
class LargeDossierTest extends GatewayTestSupport {
    private static final int ATTACHMENT = 3 * 1024 * 1024;
    private final List<Connection> connections = new ArrayList<>();

    @AfterEach
    void close() throws JMSException {
        for (Connection c : connections) {
            c.close();
        }
    }

    private Session login(String code) throws JMSException {
        Connection connection = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort, code, "demo-" + code).createConnection();
        connections.add(connection);
        connection.start();
        return connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    private static void send(Session session, byte[] body) throws JMSException {
        BytesMessage message = session.createBytesMessage();
        message.writeBytes(body);
        session.createProducer(session.createQueue("gateway.inbound")).send(message);
    }

    /** A message as the school got it: read within the consumer's life, as a large message must be. */
    record Received(BytesMessage message, byte[] body) {
    }

    private static Received receive(Session session, String queue) throws JMSException {
        try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            Message message = consumer.receive(60_000);
            assertThat(message).as("a message in " + queue).isInstanceOf(BytesMessage.class);
            BytesMessage bytes = (BytesMessage) message;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[65536];
            int n;
            while ((n = bytes.readBytes(chunk)) > 0) {
                out.write(chunk, 0, n);
            }
            return new Received(bytes, out.toByteArray());
        }
    }

    private List<Path> spoolFiles() throws Exception {
        return files(dataDir.resolve("spool"), "*.*");
    }

    @Test
    void a_large_dossier_reaches_a_json_receiver_as_a_large_message_with_its_attachment_intact() throws Exception {
        Session isk = login("31AA00");
        Session vo = login("31AB00");
        send(isk, LargeDossiers.dossier("31AA00", "31AB00", "BIG-Q-1", ATTACHMENT));

        Received dossier = receive(vo, "inbox.31AB00");
        // the broker kept it as a large message: streamed, never one buffer
        assertThat(dossier.message().propertyExists("_AMQ_LARGE_SIZE")).isTrue();
        assertThat(dossier.message().getStringProperty("schakelFormat")).isEqualTo("json");
        JsonNode json = new ObjectMapper().readTree(dossier.body());
        assertThat(json.at("/transferDossier/messageId").asText()).isEqualTo("BIG-Q-1");
        JsonNode content = json.at("/transferDossier/attachments/attachment/0/content");
        assertThat(Base64.getDecoder().decode(content.asText())).isEqualTo(LargeDossiers.attachment(ATTACHMENT));
        assertThat(receive(isk, "inbox.31AA00").body()).asString().contains("<status>ACCEPTED</status>");
        await().atMost(Duration.ofSeconds(10)).until(() -> spoolFiles().isEmpty());
    }

    @Override
    protected java.util.Properties extraProperties() {
        return properties("schakel.broker.min-large-message-bytes", "409600");
    }

    @Test
    void with_a_raised_large_message_size_a_dossier_of_a_few_hundred_kb_is_stored_as_a_journal_record() throws Exception {
        Session isk = login("31AA00");
        Session vo = login("31AB00");
        // about 250 KB as the receiver's JSON: over Artemis' 100 KiB default, under the 400 KiB set here.
        // The school's own send is a large message (its client keeps the default); once the gateway has
        // taken it, no large-message file is left while the forward waits on inbox.31AB00
        send(isk, LargeDossiers.dossier("31AA00", "31AB00", "MID-Q-1", 180 * 1024));
        assertThat(receive(isk, "inbox.31AA00").body()).asString().contains("<status>ACCEPTED</status>");
        Path largeMessages = dataDir.resolve("broker/large-messages");
        await().atMost(Duration.ofSeconds(10)).until(() -> files(largeMessages, "*").isEmpty());
        assertThat(broker().messageCount("inbox.31AB00")).isEqualTo(1);

        assertThat(receive(vo, "inbox.31AB00").body().length).isBetween(200 * 1024, 400 * 1024);
    }

    @Test
    void small_and_large_attachments_of_one_dossier_all_reach_a_json_receiver_in_their_order() throws Exception {
        Session isk = login("31AA00");
        Session vo = login("31AB00");
        int[] sizes = {1024, 2 * 1024 * 1024 + 1, 100, 1536 * 1024 + 2};
        send(isk, LargeDossiers.dossierWithAttachments("31AA00", "31AB00", "BIG-Q-3", sizes));

        JsonNode attachments = new ObjectMapper().readTree(receive(vo, "inbox.31AB00").body()).at("/transferDossier/attachments/attachment");
        assertThat(attachments).hasSize(sizes.length);
        for (int i = 0; i < sizes.length; i++) {
            assertThat(Base64.getDecoder().decode(attachments.get(i).get("content").asText())).as("attachment " + i)
                    .isEqualTo(LargeDossiers.attachment(sizes[i]));
        }
    }

    @Test
    void a_large_dossier_dropped_as_a_file_arrives_in_the_outbox_byte_for_byte() throws Exception {
        byte[] dossier = LargeDossiers.dossier("30AA00", "30AB00", "BIG-F-1", ATTACHMENT);
        drop("30AA00", "big.xml", dossier);

        Path delivered = awaitFiles(outbox("30AB00"), "dossier-*.xml", 1).get(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.size(delivered) == dossier.length);
        assertThat(Files.readAllBytes(delivered)).isEqualTo(dossier);
        assertThat(files(inbox("30AA00"), "*")).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> spoolFiles().isEmpty());
    }

    @Test
    void a_large_dossier_with_a_broken_attachment_is_rejected_and_kept_whole_for_the_operator() throws Exception {
        Session isk = login("31AA00");
        byte[] dossier = LargeDossiers.dossier("31AA00", "31AB00", "BIG-Q-2", "*".repeat(2 * 1024 * 1024));
        send(isk, dossier);

        assertThat(receive(isk, "inbox.31AA00").body()).asString().contains("<status>REJECTED</status>", "/attachments/attachment/content");
        Path kept = awaitFiles(quarantine("31AA00"), "*.message", 1).get(0);
        assertThat(Files.readAllBytes(kept)).isEqualTo(dossier);
        assertThat(files(quarantine("31AA00"), "*.message.receipt.xml")).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> spoolFiles().isEmpty());
    }
}
