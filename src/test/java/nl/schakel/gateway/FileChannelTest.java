package nl.schakel.gateway;

import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class FileChannelTest extends GatewayTestSupport {

    @Test
    void delivers_a_valid_dossier_to_the_receivers_outbox_and_an_accepted_receipt_to_the_sender() throws Exception {
        byte[] dossier = Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml"));
        drop("30AA00", "isk-to-vo.xml", dossier);

        List<Path> delivered = awaitFiles(outbox("30AB00"), "dossier-*.xml", 1);
        assertThat(delivered.get(0).getFileName()).hasToString("dossier-30AA00-ISK30AA-2026-0001.xml");
        assertThat(Files.readAllBytes(delivered.get(0))).isEqualTo(dossier);
        String receipt = read(awaitFiles(outbox("30AA00"), "receipt-*.xml", 1).get(0));
        assertThat(receipt).contains("<status>ACCEPTED</status>", "<refersTo>ISK30AA-2026-0001</refersTo>", "<deliveredTo>30AB00</deliveredTo>");
        await().until(() -> !Files.exists(inbox("30AA00").resolve("isk-to-vo.xml")));
        assertThat(files(quarantine("30AA00"), "*")).isEmpty();
    }

    @Test
    void a_repeated_message_id_gets_a_duplicate_receipt_and_is_delivered_once() throws Exception {
        byte[] dossier = Files.readAllBytes(EXAMPLES.resolve("nt2-to-po.xml"));
        drop("32AA00", "first.xml", dossier);
        awaitFiles(outbox("32AA00"), "receipt-*.xml", 1);
        drop("32AA00", "again.xml", dossier);

        List<Path> receipts = awaitFiles(outbox("32AA00"), "receipt-*.xml", 2);
        assertThat(receipts.stream().map(GatewayTestSupport::read))
                .anySatisfy(r -> assertThat(r).contains("<status>ACCEPTED</status>"))
                .anySatisfy(r -> assertThat(r).contains("<status>DUPLICATE</status>", "<refersTo>TK32AA-2026-0107</refersTo>"));
        assertThat(broker().messagesAdded("inbox.32AB00")).isEqualTo(1);
        assertThat(files(outbox("32AB00"), "dossier-*")).hasSize(1);
    }

    @Test
    void a_cross_region_transfer_under_an_agreement_is_delivered() throws Exception {
        drop("33AA00", "azc-to-po.xml", Files.readAllBytes(EXAMPLES.resolve("azc-to-po.xml")));
        assertThat(awaitFiles(outbox("34AB00"), "dossier-33AA00-*.xml", 1)).hasSize(1);
    }

    @Test
    void a_file_still_being_written_is_not_picked_up_until_it_stops_changing() throws Exception {
        byte[] dossier = Files.readAllBytes(EXAMPLES.resolve("isk-to-mbo.xml"));
        Path target = inbox("30AA00").resolve("slow.xml");
        int half = dossier.length / 2;
        try (OutputStream out = Files.newOutputStream(target)) {
            out.write(dossier, 0, half);
            out.flush();
            // keep the file changing for well over the minimum age (300 ms in tests)
            for (int i = 0; i < 10; i++) {
                await().pollDelay(Duration.ofMillis(150)).until(() -> true);
                assertThat(files(outbox("30AA00"), "receipt-*")).as("picked up while still being written").isEmpty();
                out.write(dossier, half + i * (dossier.length - half) / 10, (dossier.length - half) / 10);
                out.flush();
            }
            out.write(dossier, half + 10 * ((dossier.length - half) / 10), dossier.length - half - 10 * ((dossier.length - half) / 10));
        }
        String receipt = read(awaitFiles(outbox("30AA00"), "receipt-*.xml", 1).get(0));
        assertThat(receipt).contains("<status>ACCEPTED</status>");
        assertThat(awaitFiles(outbox("30AC00"), "dossier-*.xml", 1)).hasSize(1);
    }

    @Test
    void files_outside_the_inboxes_of_file_channel_institutions_are_left_alone() throws Exception {
        Path stranger = Files.createDirectories(dataDir.resolve("inbox").resolve("31AA00")).resolve("x.xml");
        Files.write(stranger, Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml")));
        Path notes = inbox("30AA00").resolve("notes.txt");
        Files.writeString(notes, "not a dossier");
        drop("30AA00", "isk-to-vo.xml", Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml")));
        awaitFiles(outbox("30AA00"), "receipt-*.xml", 1);
        assertThat(stranger).exists();
        assertThat(notes).exists();
    }

    @Test
    void reports_health_up_on_the_management_port_once_broker_and_routes_run() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> response = await().atMost(Duration.ofSeconds(20)).until(() -> http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/observe/health")).build(),
                HttpResponse.BodyHandlers.ofString()), r -> r.statusCode() == 200);
        assertThat(response.body()).contains("\"status\":\"UP\"");
        assertThat(context.getRoute("delivery-file-30AB00")).isNotNull();
        assertThat(broker().isActive()).isTrue();
    }
}
