package nl.schakel.intake;

import nl.schakel.logging.LogContext;
import nl.schakel.message.Headers;
import nl.schakel.metrics.GatewayMetrics;
import nl.schakel.directory.Directory;
import nl.schakel.ledger.Ledger;
import nl.schakel.ledger.Status;
import nl.schakel.ledger.Transfer;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.GenericFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Technical failures that outlasted their retries: each is marked FAILED in the ledger, counted
 * for the operator, and logged with the transfer id and the exception classes only (an exception's
 * message may quote a file name, and a file name may name a pupil).
 */
public final class Failures {
    private static final Logger LOG = LoggerFactory.getLogger(Failures.class);
    private final Ledger ledger;
    private final Directory directory;
    private final InboxReadLock inboxReadLock;
    private final AtomicLong files = new AtomicLong();
    private final AtomicLong queueMessages = new AtomicLong();
    private final GatewayMetrics metrics;

    public Failures(Ledger ledger, Directory directory, InboxReadLock inboxReadLock) {
        this(ledger, directory, inboxReadLock, GatewayMetrics.none());
    }

    public Failures(Ledger ledger, Directory directory, InboxReadLock inboxReadLock, GatewayMetrics metrics) {
        this.metrics = metrics;
        this.ledger = ledger;
        this.directory = directory;
        this.inboxReadLock = inboxReadLock;
    }

    /** An inbox file whose retries are exhausted: it goes to the quarantine with a FAILED receipt. */
    public void fileFailed(Exchange exchange) {
        files.incrementAndGet();
        record(exchange, "file");
    }

    /**
     * Whether the file's transfer was forwarded already, or the last attempt failed on the ledger (away)
     * or on this instance's lease or another instance's claim (several instances): the file is no
     * failure of its own. It waits in the inbox for
     * a later poll, by this instance once it has a lease again or by another that took it over; no
     * FAILED is recorded or sent (an instance that was paused changes nothing: docs/RELIABILITY.md).
     */
    public boolean leftForLater(Exchange exchange) {
        // forwarded already (by this instance before a later step failed, or by another instance that took the
        // file over while this one was paused): no FAILED for a dossier that went out; a later poll, if the
        // file is still there, finds it sent and answers ACCEPTED
        String transferId = exchange.getProperty(Headers.TRANSFER_ID, String.class);
        if (ledger != null && transferId != null && forwarded(transferId)) {
            return true;
        }
        for (Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class); t != null; t = t.getCause()) {
            if (t instanceof nl.schakel.ledger.LedgerUnavailableException || t instanceof nl.schakel.ledger.LeaseExpiredException
                    || t instanceof nl.schakel.ledger.ClaimHeldException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private boolean forwarded(String transferId) {
        try {
            return ledger.find(transferId).map(t -> switch (t.status()) {
                case QUEUED, PICKED_UP, ACKNOWLEDGED, DECLINED, FOLLOW_UP_RECEIVED -> true;
                default -> false;
            }).orElse(false);
        } catch (RuntimeException e) {
            // the ledger is away: the exception chain decides
            return false;
        }
    }

    /** A file left for a later poll (see {@link #leftForLater}). */
    public void leftInInbox(Exchange exchange) {
        LOG.warn("Transfer {} of {} left in the inbox for a later attempt: {}", exchange.getProperty(Headers.TRANSFER_ID, String.class),
                exchange.getIn().getHeader(Headers.CHANNEL_OWNER, String.class), causes(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class)));
    }

    /** The failed file is in the quarantine with its FAILED receipt: it leaves the inbox. */
    public void removeFromInbox(Exchange exchange) throws java.io.IOException {
        java.nio.file.Files.deleteIfExists(inboxFile(exchange));
    }

    /**
     * The failed file could not be set aside either (no receipt could be sent, or the quarantine
     * cannot be written): it stays in the inbox, is not taken again until it changes or the
     * gateway restarts, and health says so.
     */
    public void notSetAside(Exchange exchange) {
        inboxReadLock.hold(inboxFile(exchange));
        LOG.error("Transfer {} of {} could not be set aside ({}): the file waits in the inbox for the operator",
                exchange.getProperty(Headers.TRANSFER_ID, String.class), exchange.getIn().getHeader(Headers.CHANNEL_OWNER, String.class),
                causes(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class)));
    }

    /** The inbox entry of a file-channel exchange, as it is on disk. */
    private static java.nio.file.Path inboxFile(Exchange exchange) {
        if (exchange.getProperty(Exchange.FILE_EXCHANGE_FILE) instanceof GenericFile<?> g && g.getFile() instanceof File f) {
            return f.toPath();
        }
        throw new IllegalStateException("not an exchange of the file channel");
    }

    /** A queue message on its last attempt before the broker dead-letters it. */
    public void queueMessageFailed(Exchange exchange) {
        queueMessages.incrementAndGet();
        record(exchange, "queue");
    }

    private void record(Exchange exchange, String channel) {
        String owner = exchange.getIn().getHeader(Headers.CHANNEL_OWNER, String.class);
        String reason = "technical failure after the last attempt: " + causes(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        String transferId = exchange.getProperty(Headers.TRANSFER_ID, String.class);
        try {
            if (transferId == null) {
                // failed before a ledger row was written: one is made, so the operator finds it
                transferId = "R-" + UUID.randomUUID();
                exchange.setProperty(Headers.TRANSFER_ID, transferId);
                String kind = directory.find(owner).map(i -> i.kind().value()).orElse(null);
                String region = directory.find(owner).map(i -> i.region()).orElse(null);
                ledger.recordIntake(new Transfer(transferId, null, null, null, kind, null, region, null, null, null, channel, owner,
                        null, Status.FAILED, null, null), List.of(reason));
            } else {
                ledger.record(transferId, Status.FAILED, reason);
            }
        } catch (RuntimeException e) {
            LOG.warn("Failure of transfer {} not recorded in the ledger: {}", transferId, e.getClass().getSimpleName());
        }
        if (!Boolean.TRUE.equals(exchange.getProperty(Receipts.SENT, Boolean.class))) {
            metrics.failed(exchange, channel);
        }
        LogContext.transfer(transferId, null);
        LogContext.outcome("failed");
        LOG.warn("Transfer {} on the {} channel of {} FAILED: {}", transferId, channel, owner, reason);
    }

    /**
     * One attempt to deliver a message from a queue the gateway consumes failed (an outbox that
     * cannot be written, say): the transfer's timeline says so with the cause's exception classes,
     * and the transaction rolls back for the broker to try again (then dead-letter).
     */
    public void deliveryAttemptFailed(Exchange exchange) {
        String transferId = exchange.getIn().getHeader(Headers.TRANSFER_ID, String.class);
        Integer attempt = exchange.getIn().getHeader("JMSXDeliveryCount", Integer.class);
        String detail = "attempt " + (attempt == null ? "?" : attempt) + " by " + exchange.getFromRouteId() + " failed: "
                + causes(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        if (transferId != null) {
            try {
                ledger.record(transferId, Status.ATTEMPT_FAILED, detail);
            } catch (RuntimeException e) {
                LOG.warn("Failed attempt of transfer {} not recorded in the ledger: {}", transferId, e.getClass().getSimpleName());
            }
        }
        LOG.warn("Transfer {}: {}", transferId, detail);
    }

    /** The exception classes of a cause chain, outermost first: never their messages. */
    static String causes(Throwable failure) {
        List<String> names = new ArrayList<>();
        for (Throwable t = failure; t != null && names.size() < 5; t = t.getCause()) {
            names.add(t.getClass().getSimpleName());
        }
        return names.isEmpty() ? "unknown" : String.join(" < ", names);
    }

    /** Inbox files set aside after technical failures since the gateway started. */
    public long failedFiles() {
        return files.get();
    }

    /** Queue messages that failed on their last attempt since the gateway started. */
    public long failedQueueMessages() {
        return queueMessages.get();
    }
}
