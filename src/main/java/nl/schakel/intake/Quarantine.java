package nl.schakel.intake;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Keeps a rejected file for the operator: moved from the inbox to
 * {@code <data-dir>/quarantine/<code>/}, with its receipt beside it.
 */
public final class Quarantine {
    private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");
    private final Path root;

    public Quarantine(Path root) {
        this.root = root;
    }

    /** A rejected queue message: what was read of it, and its receipt, as files for the operator. */
    public void keepMessage(Exchange exchange) throws IOException {
        String owner = exchange.getIn().getHeader(Headers.CHANNEL_OWNER, String.class);
        String id = exchange.getIn().getHeader(Headers.TRANSFER_ID, String.class);
        Path folder = Files.createDirectories(root.resolve(owner == null ? "unknown" : owner));
        Object original = exchange.getProperty(Intake.RECEIVED);
        if (original instanceof byte[] bytes) {
            write(folder.resolve(id + ".message"), bytes);
        } else if (original instanceof Path spooled) {
            move(spooled, folder.resolve(id + ".message"));
        }
        write(folder.resolve(id + ".message.receipt.xml"), exchange.getIn().getBody(byte[].class));
        LOG.info("Quarantined a rejected message from {} with receipt {}", owner, id);
    }

    /** Moves a spool file in; copied first when the quarantine is on another file system. */
    private static void move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
            Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
            try {
                Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
            // the spool copy goes when the exchange is done, in any case
            Files.deleteIfExists(source);
        }
    }

    private static void write(Path target, byte[] content) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.write(temp, content);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    public void keep(Exchange exchange) throws IOException {
        Path original = Path.of(exchange.getIn().getHeader(Exchange.FILE_PATH, String.class));
        String owner = exchange.getIn().getHeader(Headers.CHANNEL_OWNER, String.class);
        Path folder = Files.createDirectories(root.resolve(owner));
        String name = LocalDateTime.now().format(STAMP) + "-" + original.getFileName();
        // receipt first: a crash in between leaves the original in the inbox, to be handled again
        write(folder.resolve(name + ".receipt.xml"), exchange.getIn().getBody(byte[].class));
        Path kept = folder.resolve(name);
        Files.move(original, kept, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        // retention counts from the day it was quarantined
        Files.setLastModifiedTime(kept, java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
        // the file name is the sender's and may name a pupil: log the receipt id instead
        LOG.info("Quarantined a rejected file from inbox {} with receipt {}", owner,
                exchange.getIn().getHeader(Headers.RECEIPT_ID, String.class));
    }
}
