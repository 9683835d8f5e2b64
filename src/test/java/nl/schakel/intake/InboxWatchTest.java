package nl.schakel.intake;

import com.sun.jna.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/** The inbox watch on real folders with the kernel's inotify (Linux). */
class InboxWatchTest {
    @TempDir
    Path data;
    private Path inbox;
    private InboxWatch watch;

    @BeforeEach
    void watch() throws IOException {
        assumeThat(Platform.isLinux()).as("inotify is Linux's").isTrue();
        inbox = Files.createDirectories(data.resolve("inbox").resolve("30AA00"));
        watch = InboxWatch.of(List.of(inbox));
        assertThat(watch.folderCount()).isEqualTo(1);
    }

    @AfterEach
    void close() {
        if (watch != null) {
            watch.close();
        }
    }

    @Test
    void a_file_renamed_into_the_folder_is_complete_at_once() throws Exception {
        Path part = inbox.resolve(".dossier.xml.part");
        Files.writeString(part, "<dossier/>");
        Path file = inbox.resolve("dossier.xml");
        Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
        await().atMost(Duration.ofSeconds(5)).until(() -> watch.isComplete(file, attributes(file)));
    }

    @Test
    void a_file_still_open_for_writing_is_not_complete_until_its_writer_closes_it() throws Exception {
        Path file = inbox.resolve("slow.xml");
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write("<dossier>".getBytes());
            out.flush();
            await().pollDelay(Duration.ofMillis(700)).until(() -> true);
            assertThat(watch.isComplete(file, attributes(file))).as("complete while its writer has it open").isFalse();
            out.write("</dossier>".getBytes());
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> watch.isComplete(file, attributes(file)));
    }

    @Test
    void a_complete_file_written_to_again_is_not_complete_until_closed_again() throws Exception {
        Path file = inbox.resolve("again.xml");
        Files.writeString(file, "<dossier>");
        await().atMost(Duration.ofSeconds(5)).until(() -> watch.isComplete(file, attributes(file)));
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
            out.write("more".repeat(1000).getBytes());
            out.flush();
            assertThat(watch.isComplete(file, attributes(file))).as("the version noted at the first close").isFalse();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> watch.isComplete(file, attributes(file)));
    }

    @Test
    void a_receiver_folder_made_after_the_start_is_watched_too() throws Exception {
        Path receiver = Files.createDirectories(inbox.resolve("30AB00"));
        await().atMost(Duration.ofSeconds(5)).until(() -> watch.folderCount() == 2);
        Path file = receiver.resolve("dossier.xml");
        Files.writeString(file, "<dossier/>");
        await().atMost(Duration.ofSeconds(5)).until(() -> watch.isComplete(file, attributes(file)));
    }

    @Test
    void a_receiver_folder_moved_out_of_the_inbox_is_no_longer_watched() throws Exception {
        Path receiver = Files.createDirectories(inbox.resolve("30AB00"));
        await().atMost(Duration.ofSeconds(5)).until(() -> watch.folderCount() == 2);
        Files.move(receiver, data.resolve("elsewhere"));
        await().atMost(Duration.ofSeconds(5)).until(() -> watch.folderCount() == 1);
        // what is written there now says nothing about the inbox
        Path file = data.resolve("elsewhere").resolve("dossier.xml");
        Files.writeString(file, "<dossier/>");
        await().pollDelay(Duration.ofMillis(500)).until(() -> true);
        assertThat(watch.isComplete(inbox.resolve("30AB00").resolve("dossier.xml"), attributes(file))).isFalse();
    }

    @Test
    void a_file_the_watch_never_saw_close_is_not_complete() throws Exception {
        Path file = inbox.resolve("before.xml");
        Files.writeString(file, "<dossier/>");
        await().atMost(Duration.ofSeconds(5)).until(() -> watch.isComplete(file, attributes(file)));
        // the same name, another file: written while the watch was stopped
        watch.close();
        Files.delete(file);
        Files.writeString(file, "<dossier>other</dossier>");
        watch = InboxWatch.of(List.of(inbox));
        assertThat(watch.isComplete(file, attributes(file))).isFalse();
        assertThat(InboxWatch.none().isComplete(file, attributes(file))).isFalse();
    }

    private static Map<String, Object> attributes(Path file) throws IOException {
        return Files.readAttributes(file, "unix:ino,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
    }
}
