package nl.schakel.intake;

import nl.schakel.message.Headers;
import nl.schakel.DataFolder;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Keeps what was rejected for the operator in {@code <data-dir>/quarantine/<code>/}: the bytes that
 * were judged, named by the receipt id (never by the sender's file name, which may name a pupil),
 * with the receipt beside it in the recipient's format. A file the gateway never read (too large,
 * or not a regular file) is kept as it lies in the inbox, or not at all when it is a link or a
 * special file.
 */
public final class Quarantine {
    private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");
    private final Path root;
    private final Clock clock;

    public Quarantine(Path root, Clock clock) {
        this.root = root;
        this.clock = clock;
    }

    /** A rejected message of either channel, with its receipt (the exchange's body). */
    public void keep(Exchange exchange) throws IOException {
        String owner = exchange.getIn().getHeader(Headers.CHANNEL_OWNER, String.class);
        String receiptId = exchange.getIn().getHeader(Headers.TRANSFER_ID, String.class);
        Path folder = Files.createDirectories(root.resolve(owner == null ? "unknown" : owner));
        DataFolder.restrictFolder(folder);
        // the receipt id is unique: no earlier reject is ever overwritten
        String name = LocalDateTime.now(clock).format(STAMP) + "-" + receiptId + "." + extension(exchange);
        String receiptFormat = "json".equals(exchange.getIn().getHeader(Headers.FORMAT, String.class)) ? "json" : "xml";
        // receipt first: a crash in between leaves the inbox file, or the broker message, to be judged again
        write(folder.resolve(name + ".receipt." + receiptFormat), exchange.getIn().getBody(byte[].class));
        Object judged = exchange.getProperty(Intake.RECEIVED);
        Path kept = folder.resolve(name);
        if (judged instanceof byte[] bytes) {
            write(kept, bytes);
        } else if (judged instanceof Path spooled) {
            move(spooled, kept);
        } else {
            Path original = unreadInboxFile(exchange);
            if (original != null) {
                // too large to read: kept as it lies (the file channel deletes what is left in the inbox)
                copy(original, kept);
            }
        }
        LOG.info("Quarantined a rejected message from {} with receipt {}", owner, receiptId);
    }

    /** The inbox file of a file-channel exchange whose content was not read, when it is a regular file. */
    private static Path unreadInboxFile(Exchange exchange) {
        String path = exchange.getIn().getHeader(Exchange.FILE_PATH, String.class);
        if (path == null || Boolean.TRUE.equals(exchange.getProperty(InboxReadLock.NOT_A_REGULAR_FILE, Boolean.class))) {
            return null;
        }
        Object body = exchange.getIn().getBody();
        Path file = body instanceof org.apache.camel.component.file.GenericFile<?> g && g.getFile() instanceof java.io.File f
                ? f.toPath() : Path.of(path);
        return Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? file : null;
    }

    private static String extension(Exchange exchange) {
        String name = exchange.getIn().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        if (name == null) {
            return "message";
        }
        return name.toLowerCase(Locale.ROOT).endsWith(".json") ? "json" : "xml";
    }

    /** Moves a spool file in; copied when the quarantine is on another file system. */
    private static void move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            copy(source, target);
            // the spool copy goes when the exchange is done, in any case
            Files.deleteIfExists(source);
        }
    }

    /** Copies under a temporary name, then renames: a crash never leaves half a file under the final name. */
    private static void copy(Path source, Path target) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING);
            DataFolder.restrictFile(temp);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void write(Path target, byte[] content) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.write(temp, content);
        DataFolder.restrictFile(temp);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    }
}
