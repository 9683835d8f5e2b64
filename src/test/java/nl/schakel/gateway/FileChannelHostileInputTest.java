package nl.schakel.gateway;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The file channel under a hostile or careless school: links and special files are never opened,
 * every file name is taken, and nothing stays in an inbox without a receipt.
 */
class FileChannelHostileInputTest extends GatewayTestSupport {
    private CapturedLog log;

    @BeforeEach
    void captureLog() {
        log = new CapturedLog();
    }

    @AfterEach
    void releaseLog() {
        log.close();
    }

    @Test
    void a_symbolic_link_to_a_valid_dossier_elsewhere_is_rejected_without_reading_or_touching_its_target() throws Exception {
        Path target = Files.createTempDirectory("elsewhere-").resolve("secret.xml");
        Files.write(target, Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml")));
        FileTime before = FileTime.from(Instant.parse("2026-01-02T03:04:05Z"));
        Files.setLastModifiedTime(target, before);

        Files.createSymbolicLink(inbox("30AA00").resolve("link.xml"), target);

        String receipt = read(awaitFiles(outbox("30AA00"), "receipt-*.xml", 1).get(0));
        assertThat(receipt).contains("<status>REJECTED</status>", "PARSE-NOT-A-REGULAR-FILE").doesNotContain("contentSha256");
        await().until(() -> !Files.exists(inbox("30AA00").resolve("link.xml"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertThat(Files.getLastModifiedTime(target)).isEqualTo(before);
        assertThat(Files.readAllBytes(target)).isEqualTo(Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml")));
        assertThat(files(outbox("30AB00"), "*")).isEmpty();
        assertThat(broker().messagesAdded("inbox.30AB00")).isZero();
    }

    @Test
    void a_hard_link_to_a_file_elsewhere_is_rejected_and_its_target_kept_unread() throws Exception {
        // a hard link must be on the same file system: a file beside the data folder
        Path target = dataDir.resolve("outside-the-inbox.xml");
        Files.write(target, Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml")));

        Files.createLink(inbox("30AA00").resolve("hard.xml"), target);

        String receipt = read(awaitFiles(outbox("30AA00"), "receipt-*.xml", 1).get(0));
        assertThat(receipt).contains("<status>REJECTED</status>", "PARSE-NOT-A-REGULAR-FILE").doesNotContain("contentSha256");
        await().until(() -> !Files.exists(inbox("30AA00").resolve("hard.xml")));
        assertThat(target).exists();
        assertThat(files(outbox("30AB00"), "*")).isEmpty();
    }

    @Test
    void a_fifo_in_an_inbox_is_rejected_and_does_not_block_the_files_after_it() throws Exception {
        Path fifo = inbox("30AA00").resolve("pipe.xml");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mkfifo.waitFor()).isZero();
        drop("30AA00", "after-the-pipe.xml", Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml")));

        awaitFiles(outbox("30AB00"), "dossier-*.xml", 1);
        List<Path> receipts = awaitFiles(outbox("30AA00"), "receipt-*.xml", 2);
        assertThat(receipts.stream().map(GatewayTestSupport::read))
                .anySatisfy(r -> assertThat(r).contains("<status>REJECTED</status>", "PARSE-NOT-A-REGULAR-FILE"))
                .anySatisfy(r -> assertThat(r).contains("<status>ACCEPTED</status>"));
        await().until(() -> !Files.exists(fifo, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void a_file_of_any_name_ending_in_xml_is_taken_and_no_name_reaches_the_log_unencoded() throws Exception {
        byte[] invalid = Files.readAllBytes(EXAMPLES.resolve("invalid/RULE-AGE-MBO.xml"));
        List<String> names = List.of("with space.xml", "back\\slash.xml", "quote\"and'apos.xml", "-leading-dash.xml",
                "naïve Zoë ünïcode.xml", "line\nINFO forged log line.xml", "Pupilname Fictitious.json");
        for (String name : names) {
            drop("30AA00", name, invalid);
        }

        awaitFiles(outbox("30AA00"), "receipt-*.xml", names.size());
        await().atMost(Duration.ofSeconds(30)).until(() -> files(inbox("30AA00"), "*").isEmpty());
        assertThat(files(quarantine("30AA00"), "*.receipt.xml")).hasSize(names.size());
        assertThat(log.text()).doesNotContain("forged log line", "Pupilname", "back\\slash", "Zoë");
        assertThat(log.text().lines()).noneMatch(l -> l.startsWith("INFO forged"));
    }
}
