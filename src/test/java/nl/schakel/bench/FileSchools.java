package nl.schakel.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * School systems on the file channel: drop a file into an institution's inbox (written under a
 * dot name, then renamed, as the README asks), and watch outboxes, one thread per outbox, handing
 * every finished file to a handler and deleting it afterwards (the school takes it away).
 */
final class FileSchools implements AutoCloseable {
    private static final Pattern REFERS_TO = Pattern.compile("<(?:\\w+:)?refersTo>([^<]*)<");
    private static final Pattern STATUS = Pattern.compile("<(?:\\w+:)?status>(\\w+)<|\"status\"\\s*:\\s*\"(\\w+)\"");

    interface Handler {
        /** A finished file in outbox/{@code code}/, seen at {@code seenNanos}. */
        void file(String code, String name, Path path, long seenNanos) throws IOException;
    }

    /** A receipt as the school reads it: the message id it refers to (null when none) and its status. */
    record Receipt(String refersTo, String status) {
    }

    private final Path dataDir;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> watchers = new ArrayList<>();

    FileSchools(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** Writes {@code body} as .name.part in inbox/{@code code}/ and renames it to {@code name}; returns the time of the rename. */
    long drop(String code, String name, byte[] body) throws IOException {
        Path inbox = dataDir.resolve("inbox").resolve(code);
        Path temp = inbox.resolve("." + name + ".part");
        Files.write(temp, body);
        long t = System.nanoTime();
        Files.move(temp, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        return t;
    }

    /** Starts a thread that hands every finished file in outbox/{@code code}/ to the handler, then deletes it. */
    void watch(String code, Handler handler) {
        Path outbox = dataDir.resolve("outbox").resolve(code);
        Thread t = new Thread(() -> {
            while (running.get()) {
                try (Stream<Path> files = Files.list(outbox)) {
                    long now = System.nanoTime();
                    for (Path f : files.toList()) {
                        String name = f.getFileName().toString();
                        if (!name.startsWith(".")) {
                            handler.file(code, name, f, now);
                            Files.deleteIfExists(f);
                        }
                    }
                    Thread.sleep(10);
                } catch (IOException e) {
                    // a file the gateway is still renaming, or not there yet: next round
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "outbox-" + code);
        t.setDaemon(true);
        t.start();
        watchers.add(t);
    }

    static Receipt receipt(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Matcher r = REFERS_TO.matcher(text);
        return new Receipt(r.find() ? r.group(1) : null, status(text));
    }

    /** The status of a receipt body, XML or JSON. */
    static String status(String receipt) {
        Matcher s = STATUS.matcher(receipt);
        return s.find() ? (s.group(1) != null ? s.group(1) : s.group(2)) : "UNREADABLE";
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : watchers) {
            t.join(5000);
        }
    }
}
