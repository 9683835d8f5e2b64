package nl.schakel.intake;

import nl.schakel.logging.LogContext;
import nl.schakel.message.Headers;
import nl.schakel.CrashPoints;
import nl.schakel.directory.Directory;
import nl.schakel.directory.Institution;
import nl.schakel.ledger.Ledger;
import nl.schakel.ledger.Status;
import nl.schakel.ledger.Transfer;
import nl.schakel.validation.MessageValidator;
import nl.schakel.validation.Spool;
import nl.schakel.validation.ValidationError;
import nl.schakel.validation.Verdict;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Validates what arrived on a channel, records the submission in the ledger, and sets the
 * routing headers from the verdict.
 */
public final class Intake {
    /**
     * Exchange property: what a queue message brought, kept for the quarantine when rejected: the bytes
     * (up to the size limit), or the spool file of a large body.
     */
    public static final String RECEIVED = "schakelReceived";
    /**
     * Exchange property: what identifies the input itself (an inbox file's path, inode and times; a
     * queue message's broker id), so that the same input taken again after a crash or a redelivery
     * keeps its transfer id, its ledger row and its receipt id.
     */
    public static final String INPUT_KEY = "schakelInputKey";
    /** Exchange property: the channel knows, without reading the body, that it is over the size limit. */
    public static final String OVER_SIZE_LIMIT = "schakelOverSizeLimit";
    private static final Logger LOG = LoggerFactory.getLogger(Intake.class);
    private static final ValidationError NOT_A_REGULAR_FILE = ValidationError.at(ValidationError.Stage.PARSE, "PARSE-NOT-A-REGULAR-FILE",
            "The inbox entry is a link, a special file or a file with several names; it was not read. Write a regular file into the inbox.");
    private final MessageValidator validator;
    private final Ledger ledger;
    private final Directory directory;

    public Intake(MessageValidator validator, Ledger ledger, Directory directory) {
        this.validator = validator;
        this.ledger = ledger;
        this.directory = directory;
    }

    public void validate(Exchange exchange, String channel) throws IOException {
        Message in = exchange.getIn();
        String owner = in.getHeader(Headers.CHANNEL_OWNER, String.class);
        Verdict verdict = exchange.getProperty(Headers.VERDICT, Verdict.class);
        String transferId = exchange.getProperty(Headers.TRANSFER_ID, String.class);
        // a redelivery after a technical failure goes on with the verdict and ledger row of the first attempt
        if (verdict == null || transferId == null) {
            boolean unread = Boolean.TRUE.equals(exchange.getProperty(InboxReadLock.NOT_A_REGULAR_FILE, Boolean.class));
            verdict = unread ? Verdict.unread(NOT_A_REGULAR_FILE) : fitToLedger(judge(exchange, owner));
            transferId = transferId(exchange);
            record(transferId, verdict, channel, owner, unread ? null : in.getHeader(Exchange.FILE_LENGTH, Long.class));
            exchange.setProperty(Headers.VERDICT, verdict);
            exchange.setProperty(Headers.TRANSFER_ID, transferId);
        }
        LogContext.transfer(transferId, verdict.field("messageId"));
        CrashPoints.reach("intake-recorded");
        in.setHeader(Headers.TRANSFER_ID, transferId);
        in.setHeader(Headers.OUTCOME, verdict.accepted() ? "accepted" : "rejected");
        if (verdict.type() != null) {
            in.setHeader(Headers.DOCUMENT_TYPE, verdict.type().id());
            in.setHeader(Headers.TYPE, verdict.type().messageType());
        }
        in.setHeader(Headers.REFERS_TO, verdict.field("refersTo"));
        in.setHeader(Headers.DECISION, verdict.field("decision"));
        in.setHeader(Headers.MESSAGE_ID, verdict.field("messageId"));
        in.setHeader(Headers.SENDER, verdict.field("sender"));
        in.setHeader(Headers.RECEIVER, verdict.field("receiver"));
        in.setHeader(Headers.TRANSITION_KIND, verdict.field("transitionKind"));
        if (verdict.accepted()) {
            // a large body goes on as a file, which the broker client streams
            in.setBody(verdict.large() != null ? verdict.large().file().toFile() : verdict.xml());
        } else {
            in.setBody(null);
            LOG.info("Rejected message {} on channel {}: {}", verdict.field("messageId"), owner,
                    verdict.errors().stream().map(ValidationError::code).distinct().toList());
        }
    }

    /** Derived from the input when it can be identified, so a retake is recognised; random otherwise. */
    static String transferId(Exchange exchange) {
        String key = exchange.getProperty(INPUT_KEY, String.class);
        return "R-" + (key == null ? UUID.randomUUID() : UUID.nameUUIDFromBytes(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** Reads the body once and validates it: what is validated is what goes on, even if a school rewrites its file meanwhile. */
    private Verdict judge(Exchange exchange, String owner) throws IOException {
        if (Boolean.TRUE.equals(exchange.getProperty(OVER_SIZE_LIMIT, Boolean.class))) {
            return validator.tooLarge();
        }
        try (InputStream body = exchange.getIn().getMandatoryBody(InputStream.class)) {
            Verdict verdict = validator.validate(body, owner, exchange.getIn().getHeader(Headers.CHANNEL_RECEIVER, String.class),
                    bytes -> exchange.setProperty(RECEIVED, bytes));
            if (verdict.large() != null) {
                // spooled by the validator: kept for the quarantine when rejected, deleted when done
                exchange.setProperty(RECEIVED, verdict.large().file());
                Spool.deleteWhenDone(exchange, verdict.large().file());
            }
            return verdict;
        } catch (org.apache.camel.InvalidPayloadException e) {
            throw new IOException("the message has no readable body", e);
        }
    }

    /**
     * A routing field wider than the ledger's column for it is a rejection: such a message could be
     * neither recorded nor claimed, and the field is dropped rather than stored cut short (a code cut
     * to six characters could name another institution).
     */
    static Verdict fitToLedger(Verdict verdict) {
        for (Map.Entry<String, Integer> width : new TreeMap<>(Ledger.FIELD_WIDTHS).entrySet()) {
            String value = verdict.field(width.getKey());
            if (value != null && value.length() > width.getValue()) {
                verdict = verdict.rejectedWith(ValidationError.atPath(ValidationError.Stage.CONTEXT, "CTX-FIELD-TOO-LONG",
                        "The " + width.getKey() + " of this document is longer than the " + width.getValue()
                                + " characters the gateway records for it.", width.getKey()), width.getKey());
            }
        }
        return verdict;
    }


    private void record(String transferId, Verdict verdict, String channel, String owner, Long size) {
        String sender = verdict.field("sender");
        String receiver = verdict.field("receiver");
        Institution from = directory.find(sender != null ? sender : owner).orElse(null);
        Institution to = directory.find(receiver).orElse(null);
        ledger.recordIntake(new Transfer(transferId, verdict.field("messageId"), sender, receiver,
                from == null ? null : from.kind().value(), to == null ? null : to.kind().value(),
                from == null ? null : from.region(), to == null ? null : to.region(),
                verdict.type() == null ? null : verdict.type().id(), verdict.field("transitionKind"), channel, owner, size,
                verdict.accepted() ? Status.ACCEPTED : Status.REJECTED, null, null),
                verdict.errors().stream().map(ValidationError::code).distinct().toList());
    }
}
