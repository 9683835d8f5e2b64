package nl.schakel.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.BytesMessage;
import jakarta.jms.Message;
import nl.schakel.ledger.Ledger;
import nl.schakel.ledger.Status;
import nl.schakel.ledger.Transfer;
import nl.schakel.oso.OsoExamples;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The national OSO dossier on every channel: every published example, its school replaced by a
 * demo school, goes through the file, queue and HTTP channels to a receiver of each format (oso as
 * sent, v1 XML and JSON mapped), with the receiver named by the channel.
 */
class OsoChannelsTest extends GatewayTestSupport {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected Properties extraProperties() {
        // the examples' dossiers are a few hundred KB: taken from a spool file like any large body
        return properties("schakel.large-message-bytes", "65536");
    }

    @Test
    void every_oso_example_goes_through_the_file_channel_to_a_receiver_of_each_format() throws Exception {
        Map<String, byte[]> sent = new HashMap<>();
        for (Path example : OsoExamples.all()) {
            byte[] dossier = OsoExamples.from(example, "30AA00");
            sent.put(example.getFileName().toString(), dossier);
            for (String receiver : List.of("30AE00", "30AB00", "30AF00")) {
                dropInto(inbox("30AA00").resolve(receiver), example.getFileName().toString(), dossier);
            }
        }
        int n = sent.size();
        awaitFiles(outbox("30AE00"), "dossier-30AA00-oso-dossier-2019-*.xml", n);
        awaitFiles(outbox("30AB00"), "dossier-30AA00-oso-dossier-2019-*.xml", n);
        awaitFiles(outbox("30AF00"), "dossier-30AA00-oso-dossier-2019-*.json", n);
        awaitFiles(outbox("30AA00"), "receipt-oso-dossier-2019-*.xml", 3 * n);

        // the OSO receiver gets the dossier as sent, byte for byte
        List<String> asSent = new ArrayList<>();
        for (Path f : files(outbox("30AE00"), "dossier-*.xml")) {
            asSent.add(Files.readString(f));
        }
        assertThat(asSent).containsExactlyInAnyOrderElementsOf(sent.values().stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList());

        // the v1 receivers get it mapped, field by field from the source (found by the derived message id)
        Map<String, Document> sources = sourcesByMessageId(sent, "30AB00");
        for (Path f : files(outbox("30AB00"), "dossier-*.xml")) {
            Document v1 = OsoExamples.parse(Files.readAllBytes(f));
            OsoExamples.assertValidV1(Files.readAllBytes(f));
            Document source = sources.get(OsoExamples.messageIdOf(v1));
            assertThat(source).as("the source of " + f.getFileName()).isNotNull();
            OsoExamples.assertMapped(source, Files.readAllBytes(f), "30AA00", "30AB00");
        }
        for (Path f : files(outbox("30AF00"), "dossier-*.json")) {
            JsonNode json = JSON.readTree(f.toFile());
            assertThat(json.has("transferDossier")).isTrue();
            JsonNode dossier = json.get("transferDossier");
            assertThat(dossier.at("/receiver/code").asText()).isEqualTo("30AF00");
            assertThat(dossier.at("/sender/code").asText()).isEqualTo("30AA00");
            assertThat(dossier.at("/pupil/birthDate").asText()).isNotBlank();
        }
        // every receipt says ACCEPTED and names the derived message id, never pupil data
        for (Path receipt : files(outbox("30AA00"), "receipt-*.xml")) {
            String text = Files.readString(receipt);
            assertThat(text).contains("<status>ACCEPTED</status>").containsPattern("<refersTo>oso-dossier-2019-[0-9a-f]{32}</refersTo>");
            OsoExamples.assertNoPersonalValues(text);
        }
    }

    @Test
    void every_oso_example_goes_through_the_queue_channel_with_its_receiver_in_a_message_property() throws Exception {
        List<Path> examples = OsoExamples.all();
        Map<String, byte[]> sent = new HashMap<>();
        try (School isk = School.connect(brokerPort, "31AA00")) {
            for (Path example : examples) {
                byte[] dossier = OsoExamples.from(example, "31AA00");
                sent.put(example.getFileName().toString(), dossier);
                for (String receiver : List.of("31AE00", "31AF00", "31AB00")) {
                    BytesMessage message = isk.session.createBytesMessage();
                    message.writeBytes(dossier);
                    message.setStringProperty("schakelReceiver", receiver);
                    isk.send(message);
                }
            }
            for (int i = 0; i < 3 * examples.size(); i++) {
                Message receipt = isk.receive(30_000);
                assertThat(receipt).as("receipt " + i).isNotNull();
                assertThat(School.body(receipt)).contains("<status>ACCEPTED</status>");
                OsoExamples.assertNoPersonalValues(School.body(receipt));
            }
        }
        Map<String, Document> sources = sourcesByMessageId(sent, "31AF00");
        try (School oso = School.connect(brokerPort, "31AE00"); School v1 = School.connect(brokerPort, "31AF00");
             School json = School.connect(brokerPort, "31AB00")) {
            List<String> asSent = new ArrayList<>();
            for (int i = 0; i < examples.size(); i++) {
                Received m = receive(oso);
                assertThat(m.format()).isEqualTo("oso");
                assertThat(m.messageId()).matches("oso-dossier-2019-[0-9a-f]{32}");
                asSent.add(m.body());

                Received mapped = receive(v1);
                assertThat(mapped.format()).isEqualTo("xml");
                byte[] body = mapped.body().getBytes(StandardCharsets.UTF_8);
                OsoExamples.assertValidV1(body);
                Document doc = OsoExamples.parse(body);
                assertThat(sources.get(OsoExamples.messageIdOf(doc))).isNotNull();
                OsoExamples.assertMapped(sources.get(OsoExamples.messageIdOf(doc)), body, "31AA00", "31AF00");

                Received asJson = receive(json);
                assertThat(asJson.format()).isEqualTo("json");
                assertThat(JSON.readTree(asJson.body()).at("/transferDossier/receiver/code").asText()).isEqualTo("31AB00");
            }
            assertThat(asSent).containsExactlyInAnyOrderElementsOf(sent.values().stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList());
            assertThat(oso.receive(500)).isNull();
        }
    }

    @Test
    void an_oso_dossier_posted_over_http_names_its_receiver_in_a_parameter() throws Exception {
        byte[] dossier = OsoExamples.from(OsoExamples.all().get(0), "30AD00");
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> accepted = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/v1/transfers?receiver=30AB00"))
                .header("Authorization", "Bearer demo-30AD00").header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofByteArray(dossier)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(JSON.readTree(accepted.body()).get("messageId").asText()).startsWith("oso-dossier-2019-");
        awaitFiles(outbox("30AB00"), "dossier-30AD00-oso-dossier-2019-*.xml", 1);

        HttpResponse<String> unnamed = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/v1/transfers"))
                .header("Authorization", "Bearer demo-30AD00").header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofByteArray(OsoExamples.from(OsoExamples.all().get(1), "30AD00"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unnamed.statusCode()).isEqualTo(422);
        assertThat(unnamed.body()).contains("CTX-RECEIVER-NOT-NAMED");
    }

    @Test
    void the_same_oso_export_sent_again_is_a_duplicate_and_delivered_once() throws Exception {
        byte[] dossier = OsoExamples.from(OsoExamples.all().get(0), "30AA00");
        dropInto(inbox("30AA00").resolve("30AB00"), "first.xml", dossier);
        awaitFiles(outbox("30AB00"), "dossier-*.xml", 1);
        dropInto(inbox("30AA00").resolve("30AB00"), "again.xml", dossier);
        awaitFiles(outbox("30AA00"), "receipt-*.xml", 2);
        assertThat(files(outbox("30AA00"), "receipt-*.xml").stream().map(OsoChannelsTest::read).toList())
                .anySatisfy(r -> assertThat(r).contains("<status>DUPLICATE</status>"));
        Thread.sleep(1000);
        assertThat(files(outbox("30AB00"), "dossier-*.xml")).hasSize(1);
    }

    @Test
    void an_oso_dossier_from_an_inbox_that_is_not_its_sending_school_is_rejected() throws Exception {
        // the dossier's current school is 30AA00; 30AB00 drops it
        dropInto(inbox("30AB00").resolve("30AC00"), "not-ours.xml", OsoExamples.from(OsoExamples.all().get(0), "30AA00"));
        awaitFiles(outbox("30AB00"), "receipt-*.xml", 1);
        String receipt = read(files(outbox("30AB00"), "receipt-*.xml").get(0));
        assertThat(receipt).contains("<status>REJECTED</status>").contains("CTX-SENDER-NOT-CHANNEL-OWNER");
        OsoExamples.assertNoPersonalValues(receipt);
        assertThat(files(outbox("30AC00"), "dossier-*")).isEmpty();
    }

    @Test
    void an_oso_dossier_outside_a_receiver_folder_is_rejected_with_a_receipt_that_says_how_to_name_one() throws Exception {
        drop("30AA00", "no-receiver.xml", OsoExamples.from(OsoExamples.all().get(0), "30AA00"));
        awaitFiles(outbox("30AA00"), "receipt-*.xml", 1);
        String receipt = read(files(outbox("30AA00"), "receipt-*.xml").get(0));
        assertThat(receipt).contains("<status>REJECTED</status>").contains("CTX-RECEIVER-NOT-NAMED").contains("inbox/");
        OsoExamples.assertNoPersonalValues(receipt);
    }

    @Test
    void a_v1_dossier_in_the_receiver_folder_of_another_school_is_rejected() throws Exception {
        // isk-to-vo.xml names 30AB00 as its receiver
        dropInto(inbox("30AA00").resolve("30AC00"), "isk-to-vo.xml", Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml")));
        awaitFiles(outbox("30AA00"), "receipt-*.xml", 1);
        assertThat(read(files(outbox("30AA00"), "receipt-*.xml").get(0))).contains("CTX-RECEIVER-NOT-CHANNEL-RECEIVER");
        // and in its own receiver's folder it goes through
        dropInto(inbox("30AA00").resolve("30AB00"), "isk-to-vo.xml", Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml")));
        awaitFiles(outbox("30AB00"), "dossier-30AA00-ISK30AA-2026-0001.xml", 1);
    }

    @Test
    void a_receiver_folder_that_is_a_link_is_never_looked_into() throws Exception {
        // a link named like a receiver, pointing at a folder the school may not hand the gateway
        Path elsewhere = Files.createTempDirectory("schakel-elsewhere-");
        try {
            Files.write(elsewhere.resolve("dossier.xml"), OsoExamples.from(OsoExamples.all().get(0), "30AA00"));
            Files.createSymbolicLink(inbox("30AA00").resolve("30AB00"), elsewhere);
            // a marker dossier after it: once its receipt is there, the inbox was polled past the link
            dropInto(inbox("30AA00").resolve("30AE00"), "marker.xml", OsoExamples.from(OsoExamples.all().get(1), "30AA00"));
            awaitFiles(outbox("30AA00"), "receipt-*.xml", 1);
            Thread.sleep(1000);
            assertThat(files(outbox("30AA00"), "receipt-*.xml")).hasSize(1);
            assertThat(elsewhere.resolve("dossier.xml")).exists();
            assertThat(files(outbox("30AB00"), "dossier-*")).isEmpty();
        } finally {
            Files.deleteIfExists(elsewhere.resolve("dossier.xml"));
            Files.deleteIfExists(elsewhere);
        }
    }

    @Test
    void a_v1_dossier_goes_to_an_oso_receiver_as_an_oso_dossier() throws Exception {
        String dossier = Files.readString(EXAMPLES.resolve("isk-to-vo.xml")).replace("30AB00", "30AE00")
                .replace("Lyceum Over de Brug (demo)", "Stedelijk College Heyendaal (demo)");
        drop("30AA00", "to-oso.xml", dossier.getBytes(StandardCharsets.UTF_8));
        awaitFiles(outbox("30AE00"), "dossier-30AA00-ISK30AA-2026-0001.xml", 1);
        byte[] oso = Files.readAllBytes(outbox("30AE00").resolve("dossier-30AA00-ISK30AA-2026-0001.xml"));
        OsoExamples.assertValidOso(oso);
        Document source = OsoExamples.parse(dossier.getBytes(StandardCharsets.UTF_8));
        OsoExamples.assertMappedToOso(source, OsoExamples.parse(oso));
    }

    @Test
    void the_receiver_acknowledges_an_oso_dossier_by_its_derived_id_and_the_sender_gets_the_answer() throws Exception {
        dropInto(inbox("30AA00").resolve("30AB00"), "dossier.xml", OsoExamples.from(OsoExamples.all().get(0), "30AA00"));
        awaitFiles(outbox("30AB00"), "dossier-*.xml", 1);
        String delivered = files(outbox("30AB00"), "dossier-*.xml").get(0).getFileName().toString();
        String messageId = delivered.substring("dossier-30AA00-".length(), delivered.length() - ".xml".length());
        drop("30AB00", "ack.xml", Files.readString(EXAMPLES.resolve("answers/acknowledgement-accepted.xml"))
                .replace("ISK30AA-2026-0001", messageId).getBytes(StandardCharsets.UTF_8));
        awaitFiles(outbox("30AA00"), "acknowledgement-30AB00-*.xml", 1);
        Ledger ledger = context.getRegistry().lookupByNameAndType("ledger", Ledger.class);
        String transferId = ledger.findDelivered(messageId, "30AA00", "30AB00").orElseThrow();
        await().until(() -> ledger.timeline(transferId).stream().anyMatch(e -> e.status() == Status.ACKNOWLEDGED));
    }

    private record Received(String body, String format, String messageId) {
    }

    /** The next message on the school's inbox, read while its consumer is open (a large message streams from it). */
    private static Received receive(School school) throws Exception {
        try (jakarta.jms.MessageConsumer consumer = school.session.createConsumer(school.session.createQueue("inbox." + school.code))) {
            Message m = consumer.receive(30_000);
            assertThat(m).as("a message for " + school.code).isNotNull();
            return new Received(School.body(m), m.getStringProperty("schakelFormat"), m.getStringProperty("schakelMessageId"));
        }
    }

    /** The dossiers sent, by the message id the gateway derives for each to this receiver. */
    private static Map<String, Document> sourcesByMessageId(Map<String, byte[]> sent, String receiver) throws Exception {
        Map<String, Document> sources = new HashMap<>();
        for (byte[] b : sent.values()) {
            sources.put(OsoExamples.derivedMessageId(b, receiver), OsoExamples.parse(b));
        }
        return sources;
    }

    private static void dropInto(Path folder, String name, byte[] content) throws Exception {
        Files.createDirectories(folder);
        Path temp = folder.resolve(name + ".part");
        Files.write(temp, content);
        Files.move(temp, folder.resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
