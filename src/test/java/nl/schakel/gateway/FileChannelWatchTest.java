package nl.schakel.gateway;

import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The file channel with the inbox watch (schakel.file.watch, on by default) and a minimum age far
 * longer than the test: a file renamed into the inbox is taken at once, and a file its writer still
 * has open is not taken early (it would wait for the minimum age).
 */
class FileChannelWatchTest extends GatewayTestSupport {
    @Override
    protected Properties extraProperties() {
        return properties("schakel.file.min-age-ms", "600000");
    }

    @Test
    void a_dossier_renamed_into_the_inbox_is_delivered_without_waiting_for_the_minimum_age() throws Exception {
        byte[] dossier = Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml"));
        Path part = inbox("30AA00").resolve(".isk-to-vo.xml.part");
        Files.write(part, dossier);
        Files.move(part, inbox("30AA00").resolve("isk-to-vo.xml"), StandardCopyOption.ATOMIC_MOVE);

        Path delivered = awaitFiles(outbox("30AB00"), "dossier-*.xml", 1).get(0);
        assertThat(Files.readAllBytes(delivered)).isEqualTo(dossier);
        assertThat(read(awaitFiles(outbox("30AA00"), "receipt-*.xml", 1).get(0))).contains("<status>ACCEPTED</status>");
    }

    @Test
    void a_dossier_its_writer_still_has_open_is_not_taken_until_it_is_closed() throws Exception {
        byte[] dossier = Files.readAllBytes(EXAMPLES.resolve("isk-to-mbo.xml"));
        Path target = inbox("30AA00").resolve("slow.xml");
        int half = dossier.length / 2;
        try (OutputStream out = Files.newOutputStream(target)) {
            out.write(dossier, 0, half);
            out.flush();
            // some twenty polls (100 ms apart in tests) with the file half written and unchanged
            await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
            assertThat(target).as("left in the inbox while open").exists();
            assertThat(files(outbox("30AA00"), "receipt-*")).as("a receipt for a half-written file").isEmpty();
            out.write(dossier, half, dossier.length - half);
        }
        assertThat(read(awaitFiles(outbox("30AA00"), "receipt-*.xml", 1).get(0))).contains("<status>ACCEPTED</status>");
        assertThat(Files.readAllBytes(awaitFiles(outbox("30AC00"), "dossier-*.xml", 1).get(0))).isEqualTo(dossier);
    }
}
