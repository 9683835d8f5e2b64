package nl.schakel.gateway;

import jakarta.jms.BytesMessage;
import jakarta.jms.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static nl.schakel.gateway.QueueChannelTest.utrechtDossier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a school system sets on its message besides the body: a reply-to destination, properties
 * and JMS headers of its own. None of it steers the gateway or travels on; the receipt still comes.
 */
class QueueClientHeadersTest extends GatewayTestSupport {
    /** What a message from the gateway may carry: the README's properties, the gateway's ids, the broker's own. */
    static final Set<String> DOCUMENTED = Set.of("schakelType", "schakelMessageId", "schakelRefersTo", "schakelSender", "schakelFormat",
            "schakelReceiptId", "schakelTransferId", "schakelValidatedUser", "JMSXDeliveryCount", "JMSXUserID", "_AMQ_DUPL_ID");
    static final String PUPIL = "Amira Haddad";

    @Test
    void a_reply_to_set_by_a_core_client_gets_nothing_sent_there_and_the_receipt_still_arrives() throws Exception {
        try (School isk = School.connect(brokerPort, "31AA00"); School vo = School.connect(brokerPort, "31AB00")) {
            BytesMessage dossier = isk.bytes(utrechtDossier("UT-REPLY-1"));
            // another school's inbox: the gateway could write there, the client cannot
            dossier.setJMSReplyTo(isk.session.createQueue("inbox.32AA00"));
            isk.send(dossier);

            Message receipt = isk.receive(15_000);
            assertThat(receipt).as("the receipt, in the sender's own inbox").isNotNull();
            assertThat(School.body(receipt)).contains("<status>ACCEPTED</status>");
            assertThat(receipt.getJMSReplyTo()).isNull();
            Message delivered = vo.receive(15_000);
            assertThat(delivered).isNotNull();
            assertThat(delivered.getJMSReplyTo()).isNull();
        }
        // nothing went to the reply-to: no reply, no receipt, no copy; and nothing was retried
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> broker().messagesAdded("inbox.32AA00") == 0);
        assertThat(files(outbox("32AA00"), "*")).isEmpty();
        assertThat(broker().messagesAdded("inbox.31AA00")).as("one receipt").isEqualTo(1);
        assertThat(broker().messagesAdded("inbox.31AB00")).as("one dossier").isEqualTo(1);
        assertThat(broker().messageCount("DLQ.gateway.inbound")).isLessThanOrEqualTo(0);
    }

    @Test
    void properties_and_jms_headers_a_client_sets_reach_neither_the_receiver_nor_the_receipt_nor_the_log() throws Exception {
        try (CapturedLog log = new CapturedLog();
             School isk = School.connect(brokerPort, "31AA00"); School vo = School.connect(brokerPort, "31AB00")) {
            BytesMessage dossier = isk.bytes(utrechtDossier("UT-PROPS-1"));
            dossier.setStringProperty("pupilName", PUPIL);
            // the one property the gateway reads (the receiver of a document that names none), here agreeing with the dossier
            dossier.setStringProperty("schakelReceiver", "31AB00");
            dossier.setStringProperty("schakelMessageId", "Amira-Haddad-2012-05-14");
            dossier.setStringProperty("schakelRefersTo", "Amira-Haddad");
            dossier.setStringProperty("schakelTransitionKind", PUPIL);
            dossier.setJMSCorrelationID(PUPIL);
            dossier.setJMSType("Amira");
            isk.send(dossier);

            Message receipt = isk.receive(15_000);
            Message delivered = vo.receive(15_000);
            assertThat(receipt).isNotNull();
            assertThat(delivered).isNotNull();
            assertThat(School.body(receipt)).contains("<status>ACCEPTED</status>", "<refersTo>UT-PROPS-1</refersTo>")
                    .doesNotContain("Amira");
            assertThat(receipt.getStringProperty("schakelRefersTo")).isEqualTo("UT-PROPS-1");
            assertThat(delivered.getStringProperty("schakelMessageId")).isEqualTo("UT-PROPS-1");
            for (Message m : List.of(receipt, delivered)) {
                assertThat(School.propertyNames(m)).as("properties of a %s", m.getStringProperty("schakelType"))
                        .isSubsetOf(DOCUMENTED).doesNotContain("pupilName", "schakelReceiver", "schakelTransitionKind");
                for (String name : School.propertyNames(m)) {
                    assertThat(String.valueOf(m.getObjectProperty(name))).as(name).doesNotContain("Amira");
                }
                assertThat(m.getJMSCorrelationID()).isNull();
                assertThat(m.getJMSType()).isNull();
            }
            assertThat(log.text()).contains("Receipt R-").doesNotContain("Amira");
        }
    }

    @Test
    void a_schakel_receiver_property_never_redirects_a_dossier_and_an_unreadable_one_is_never_repeated() throws Exception {
        try (CapturedLog log = new CapturedLog(); School isk = School.connect(brokerPort, "31AA00")) {
            BytesMessage forged = isk.bytes(utrechtDossier("UT-FORGED-1"));
            // the dossier names 31AB00; the property names another school
            forged.setStringProperty("schakelReceiver", "31AE00");
            isk.send(forged);
            Message receipt = isk.receive(15_000);
            assertThat(receipt).isNotNull();
            assertThat(School.body(receipt)).contains("<status>REJECTED</status>", "CTX-RECEIVER-NOT-CHANNEL-RECEIVER");

            BytesMessage named = isk.bytes(utrechtDossier("UT-FORGED-2"));
            named.setStringProperty("schakelReceiver", PUPIL);
            isk.send(named);
            Message second = isk.receive(15_000);
            assertThat(second).isNotNull();
            assertThat(School.body(second)).contains("<status>REJECTED</status>", "CTX-CHANNEL-RECEIVER-UNREADABLE").doesNotContain("Amira");
            assertThat(log.text()).doesNotContain("Amira");
        }
        assertThat(broker().messagesAdded("inbox.31AE00")).isZero();
        assertThat(broker().messagesAdded("inbox.31AB00")).isZero();
    }

    @Test
    void the_input_id_the_broker_stamps_cannot_be_forged_to_make_two_messages_one_transfer() throws Exception {
        try (School isk = School.connect(brokerPort, "31AA00")) {
            for (String id : List.of("UT-INPUT-1", "UT-INPUT-2")) {
                BytesMessage dossier = isk.bytes(utrechtDossier(id));
                // the id a retake is known by: were it the client's, the second would pass as a retake of the first
                dossier.setStringProperty("schakelInputId", "forged");
                isk.send(dossier);
            }
            java.util.Set<String> transfers = new java.util.HashSet<>();
            for (int i = 0; i < 2; i++) {
                Message receipt = isk.receive(15_000);
                assertThat(receipt).isNotNull();
                assertThat(School.body(receipt)).contains("<status>ACCEPTED</status>");
                transfers.add(receipt.getStringProperty("schakelTransferId"));
            }
            assertThat(transfers).hasSize(2).doesNotContainNull();
        }
        assertThat(broker().messagesAdded("inbox.31AB00")).isEqualTo(2);
    }

    @Test
    void a_reply_to_and_properties_set_by_an_amqp_client_are_ignored(@TempDir Path dir) throws Exception {
        assumeTrue(AmqpClientTest.protonAvailable(), "AMQP client missing: install the Debian package python3-qpid-proton");
        Path dossier = dir.resolve("dossier.xml");
        Files.writeString(dossier, utrechtDossier("UT-AMQP-REPLY"), StandardCharsets.UTF_8);
        try (CapturedLog log = new CapturedLog()) {
            Process client = new ProcessBuilder(AmqpClientTest.PYTHON, "src/test/python/reply_to_client.py", "127.0.0.1",
                    String.valueOf(brokerPort), dossier.toString(), "UT-AMQP-REPLY").redirectErrorStream(true).start();
            assertThat(client.waitFor(120, TimeUnit.SECONDS)).as("client finished").isTrue();
            String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(client.exitValue()).as(output).isZero();
            assertThat(output).contains("OK ISK got an ACCEPTED receipt about UT-AMQP-REPLY",
                    "OK the receipt carries no reply-to and none of the client's properties",
                    "OK VO school got the dossier without the client's properties", "DONE");
            assertThat(log.text()).doesNotContain("Amira");
        }
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> broker().messagesAdded("inbox.32AA00") == 0);
        assertThat(broker().messagesAdded("inbox.31AA00")).as("one receipt").isEqualTo(1);
    }
}
