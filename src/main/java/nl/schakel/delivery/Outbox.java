package nl.schakel.delivery;

import nl.schakel.CrashPoints;
import nl.schakel.DataFolder;
import nl.schakel.logging.LogContext;
import nl.schakel.message.Headers;
import nl.schakel.metrics.GatewayMetrics;
import nl.schakel.ledger.Transfer;
import nl.schakel.ledger.LeaseExpiredException;
import nl.schakel.ledger.Ledger;
import nl.schakel.ledger.Status;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a message from an institution's queue into its outbox folder, once. The file is written
 * under a temporary name of this attempt's own ({@code .writing-<name>.<attempt>}) and synced, the
 * delivery is recorded in the ledger with that attempt, and only then is the file renamed into place. A redelivery after a crash finds the record:
 * it completes a rename that did not happen, and otherwise writes nothing, so a file the receiving
 * school has already taken away never comes back.
 */
public final class Outbox {
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    private final Ledger ledger;
    private final DataFolder folders;
    private final GatewayMetrics metrics;

    public Outbox(Ledger ledger, DataFolder folders) {
        this(ledger, folders, GatewayMetrics.none());
    }

    public Outbox(Ledger ledger, DataFolder folders, GatewayMetrics metrics) {
        this.ledger = ledger;
        this.folders = folders;
        this.metrics = metrics;
    }

    public void deliver(Exchange exchange, String code) throws Exception {
        Message in = exchange.getIn();
        String name = fileName(in);
        Path folder = folders.root().resolve("outbox").resolve(code);
        Path target = folder.resolve(name);
        // this attempt's own file: an instance that was paused mid-write and wakes up writes into its own
        // file, never into the one another instance delivered
        String attempt = attemptId();
        Path temp = folder.resolve(".writing-" + name + "." + attempt);
        LogContext.transfer(in.getHeader(Headers.TRANSFER_ID, String.class), in.getHeader(Headers.MESSAGE_ID, String.class));
        String key = code + "/" + in.getHeader(Headers.TYPE) + "/" + in.getHeader(Headers.SENDER) + "/"
                + in.getHeader(Headers.MESSAGE_ID) + "/" + in.getHeader(Headers.RECEIPT_ID);
        java.util.Optional<String> recorded = ledger.delivery(key);
        if (recorded.isPresent()) {
            // written before: a crash came after the record, before or after the rename of the recorded attempt's file
            Path written = folder.resolve(".writing-" + name + (recorded.get().isEmpty() ? "" : "." + recorded.get()));
            if (Files.exists(written)) {
                Files.move(written, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            removeOtherAttempts(folder, name);
            // the crash may have come before the timeline said so (the step never goes back)
            written(in, code, name);
            LogContext.outcome("delivered");
            LOG.info("Already delivered to outbox {}: {} (not written again)", code, name);
            return;
        }
        try (InputStream body = in.getMandatoryBody(InputStream.class);
             FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING);
             OutputStream out = Channels.newOutputStream(channel)) {
            body.transferTo(out);
            channel.force(true);
        }
        try {
            // the receiving school's only, or its group's (schakel.permissions.exchange-files)
            folders.shareFile(temp);
        } catch (IOException | RuntimeException e) {
            // not recorded, and never will be: this attempt's file is nobody's
            Files.deleteIfExists(temp);
            throw e;
        }
        CrashPoints.reach("delivery-written");
        boolean recordedHere;
        try {
            // with a lease, refused (LeaseExpiredException) when this instance's lease ran out: nothing is renamed, the
            // broker gives the message to an instance that holds one
            recordedHere = ledger.addDelivery(key, attempt);
        } catch (LeaseExpiredException e) {
            // refused in the statement, so certainly not recorded: this attempt's file is nobody's. The delivery may be
            // done by another instance already (this one was paused before it wrote), and nobody else would remove it.
            // (Any other failure may have recorded this attempt in a commit whose answer was lost: its file stays, for
            // the redelivery to rename.)
            Files.deleteIfExists(temp);
            throw e;
        }
        if (!recordedHere) {
            // another instance recorded this delivery a moment ago (the broker gave it the message when this one
            // looked dead): that instance renames its own file; this attempt's goes
            Files.deleteIfExists(temp);
            LOG.info("Delivery to outbox {} recorded by another instance: {} (not renamed here)", code, name);
            return;
        }
        CrashPoints.reach("delivery-recorded");
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        removeOtherAttempts(folder, name);
        CrashPoints.reach("delivery-renamed");
        written(in, code, name);
        String transferId = in.getHeader(Headers.TRANSFER_ID, String.class);
        metrics.delivered("file", in.getHeader(Headers.TYPE, String.class), () -> ledger.find(transferId).map(Transfer::receivedAt).orElse(null));
        LogContext.outcome("delivered");
        LOG.info("Delivered {} to outbox {} as {}", in.getHeader(Headers.TYPE), code, name);
    }

    /** This attempt's part of the temporary file's name: 16 hex digits of the instance and epoch, and a random part. */
    private String attemptId() {
        String holder = ledger.lease().map(h -> h.instanceId() + "/" + h.epoch()).orElse("local");
        String digest = java.util.HexFormat.of().formatHex(sha256(holder)).substring(0, 16);
        return digest + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Files of other attempts at this delivery (an attempt that crashed, or lost to another instance) once it is done. */
    private static void removeOtherAttempts(Path folder, String name) throws java.io.IOException {
        Files.deleteIfExists(folder.resolve(".writing-" + name));
        String prefix = ".writing-" + name + ".";
        try (java.util.stream.Stream<Path> files = Files.list(folder)) {
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A file name from the message's ids (codes and ids only, all validated when the gateway took the message). */
    static String fileName(Message in) {
        String type = in.getHeader(Headers.TYPE, "message", String.class);
        String base = switch (type) {
            case "receipt" -> "receipt-" + in.getHeader(Headers.REFERS_TO, "unidentified", String.class) + "-" + in.getHeader(Headers.RECEIPT_ID, String.class);
            default -> type + "-" + in.getHeader(Headers.SENDER, String.class) + "-" + in.getHeader(Headers.MESSAGE_ID, String.class);
        };
        return base + ("json".equals(in.getHeader(Headers.FORMAT, String.class)) ? ".json" : ".xml");
    }

    /** The file is in the outbox: the transfer's timeline says the receiver can pick it up. */
    private void written(Message in, String code, String name) {
        String transferId = in.getHeader(Headers.TRANSFER_ID, String.class);
        if ("dossier".equals(in.getHeader(Headers.TYPE, String.class)) && transferId != null) {
            ledger.record(transferId, Status.PICKED_UP, "file outbox/" + code + "/" + name);
        }
    }
}
