package nl.schakel.console;

import nl.schakel.broker.EmbeddedBroker;
import nl.schakel.directory.Directory;
import nl.schakel.directory.Institution;
import nl.schakel.intake.Intake;
import nl.schakel.ledger.Ledger;
import nl.schakel.ledger.Status;
import nl.schakel.ledger.Transfer;
import nl.schakel.ledger.TransferEvent;
import nl.schakel.message.Headers;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.management.QueueControl;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.core.postoffice.QueueBinding;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Work the gateway could not finish by itself, and what an operator does with it: messages the
 * broker dead-lettered (DLQ.&lt;queue&gt;) and messages kept in the quarantine with their receipt.
 * A retry puts the work back into the flow (a dead letter onto its queue, a quarantined message
 * through intake, where it is validated again); a discard removes it and sends its sender a
 * DISCARDED receipt. Each action is recorded in the transfer's timeline and the action log, with
 * the operator's name.
 */
public final class FailedWork {
    private static final Logger LOG = LoggerFactory.getLogger(FailedWork.class);
    /** A quarantined message: {@code <yyyyMMddTHHmmss>-<receipt id>.<xml|json|message>}, its receipt beside it. */
    private static final Pattern KEPT = Pattern.compile("(\\d{8}T\\d{6})-([A-Za-z0-9-]{1,60})\\.(xml|json|message)");
    private static final Pattern DEAD_LETTER_ID = Pattern.compile("(DLQ\\.[A-Za-z0-9.]{1,80})~(\\d{1,19})");
    private static final Pattern QUARANTINE_ID = Pattern.compile("([0-9]{2}[A-Z]{2}[0-9]{2}|unknown)~([0-9A-Za-z.-]{1,120})");

    /** A dead letter; the reason is the cause of its last failed delivery attempt, from the transfer's timeline. */
    public record DeadLetter(String id, String queue, String originalQueue, String transferId, String messageId, String type,
                             String sender, String receiver, OffsetDateTime deadLetteredAt, String reason) {
    }

    public record Kept(String id, String institution, String receiptId, OffsetDateTime keptAt, Long sizeBytes, String status,
                       List<String> errorCodes) {
    }

    /** What a retry of a quarantined message came to: its new transfer and the outcome of validation. */
    public record Retried(String transferId, String outcome) {
    }

    private final EmbeddedBroker broker;
    private final Ledger ledger;
    private final Directory directory;
    private final Path quarantine;
    private final ProducerTemplate producer;

    public FailedWork(EmbeddedBroker broker, Ledger ledger, Directory directory, Path quarantine, ProducerTemplate producer) {
        this.broker = broker;
        this.ledger = ledger;
        this.directory = directory;
        this.quarantine = quarantine;
        this.producer = producer;
    }

    // ---------------------------------------------------------------- dead letters

    /** Every message on a dead-letter queue, oldest first (the embedded broker; an external one is managed with its own tools). */
    public List<DeadLetter> deadLetters() throws Exception {
        List<DeadLetter> all = new ArrayList<>();
        for (String queue : deadLetterQueues()) {
            for (Map<String, Object> m : control(queue).listMessages(null)) {
                all.add(deadLetter(queue, m));
            }
        }
        all.sort(Comparator.comparing(DeadLetter::deadLetteredAt, Comparator.nullsLast(Comparator.naturalOrder())));
        return all;
    }

    private List<String> deadLetterQueues() {
        if (broker == null || broker.activeMqServer() == null) {
            return List.of();
        }
        return broker.activeMqServer().getPostOffice().getAllBindings()
                .filter(b -> b instanceof QueueBinding q && q.getQueue().getName().toString().startsWith("DLQ."))
                .map(b -> ((QueueBinding) b).getQueue().getName().toString()).sorted().toList();
    }

    private QueueControl control(String queue) {
        Object resource = broker == null ? null : broker.activeMqServer().getManagementService().getResource(ResourceNames.QUEUE + queue);
        if (!(resource instanceof QueueControl control)) {
            throw new ActionRefused(ActionRefused.Kind.NOT_FOUND, "no dead-letter queue " + queue);
        }
        return control;
    }

    private DeadLetter deadLetter(String queue, Map<String, Object> m) {
        String originalQueue = text(m.get("_AMQ_ORIG_QUEUE"));
        String sender = text(m.get(Headers.SENDER));
        if (sender == null && EmbeddedBroker.INBOUND.equals(originalQueue)) {
            sender = text(m.get(Headers.VALIDATED_USER));
        }
        // the receiver is never a property on a queue (OutgoingProperties): an inbox queue names it
        String receiver = text(m.get(Headers.RECEIVER));
        if (receiver == null && originalQueue != null && originalQueue.startsWith("inbox.")) {
            receiver = originalQueue.substring("inbox.".length());
        }
        Object timestamp = m.get("timestamp");
        OffsetDateTime at = timestamp instanceof Number n && n.longValue() > 0
                ? OffsetDateTime.ofInstant(Instant.ofEpochMilli(n.longValue()), ZoneOffset.UTC) : null;
        String transferId = text(m.get(Headers.TRANSFER_ID));
        return new DeadLetter(queue + "~" + m.get("messageID"), queue, originalQueue, transferId,
                text(m.get(Headers.MESSAGE_ID)), text(m.get(Headers.TYPE)), sender, receiver, at, reason(transferId));
    }

    /** Why the deliveries failed: the last failed attempt's causes, else the FAILED step's detail. */
    private String reason(String transferId) {
        if (transferId == null) {
            return null;
        }
        List<TransferEvent> timeline = ledger.timeline(transferId);
        String failed = null;
        String attempt = null;
        for (TransferEvent e : timeline) {
            if (e.status() == Status.ATTEMPT_FAILED) {
                attempt = e.detail();
            } else if (e.status() == Status.FAILED) {
                failed = e.detail();
            }
        }
        return attempt != null ? attempt : failed;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private DeadLetter findDeadLetter(String id) throws Exception {
        Matcher matcher = DEAD_LETTER_ID.matcher(id == null ? "" : id);
        if (!matcher.matches() || !deadLetterQueues().contains(matcher.group(1))) {
            throw new ActionRefused(ActionRefused.Kind.NOT_FOUND, "no dead letter " + id);
        }
        for (Map<String, Object> m : control(matcher.group(1)).listMessages(null)) {
            if (matcher.group(2).equals(String.valueOf(m.get("messageID")))) {
                return deadLetter(matcher.group(1), m);
            }
        }
        throw new ActionRefused(ActionRefused.Kind.NOT_FOUND, "no dead letter " + id);
    }

    /** Puts a dead letter back on the queue it came from: delivered again, or (from gateway.inbound) taken in and validated again. */
    public synchronized String retryDeadLetter(String id, String operator) throws Exception {
        DeadLetter letter = findDeadLetter(id);
        long messageId = Long.parseLong(id.substring(id.indexOf('~') + 1));
        String detail = "put back on " + letter.originalQueue() + " from " + letter.queue()
                + (EmbeddedBroker.INBOUND.equals(letter.originalQueue()) ? ": taken in again as a new submission" : "");
        boolean recorded = letter.transferId() != null && !"receipt".equals(letter.type());
        // recorded before the broker moves it: the retried delivery can be picked up within milliseconds
        if (recorded) {
            ledger.recordByOperator(letter.transferId(), Status.RETRIED, detail, operator);
        }
        boolean putBack = false;
        try {
            putBack = control(letter.queue()).retryMessage(messageId);
        } finally {
            // the broker did not move it: the transfer stands FAILED again, unless it has moved on meanwhile
            if (!putBack && recorded) {
                ledger.undoRetry(letter.transferId(), "the broker did not put it back on " + letter.originalQueue(), operator);
            }
        }
        if (!putBack) {
            throw new ActionRefused(ActionRefused.Kind.CONFLICT, "dead letter " + id + " could not be put back on " + letter.originalQueue());
        }
        ledger.recordAction(operator, "retry-dead-letter", target(letter), null);
        LOG.info("Operator {} retried dead letter {} (transfer {})", operator, id, letter.transferId());
        return "Put back on " + letter.originalQueue() + ".";
    }

    /** Removes a dead letter; its sender gets a DISCARDED receipt (not for a receipt: a receipt is never answered). */
    public synchronized String discardDeadLetter(String id, DiscardReason reason, String operator) throws Exception {
        DeadLetter letter = findDeadLetter(id);
        long messageId = Long.parseLong(id.substring(id.indexOf('~') + 1));
        boolean isReceipt = "receipt".equals(letter.type());
        if (!control(letter.queue()).removeMessage(messageId)) {
            throw new ActionRefused(ActionRefused.Kind.CONFLICT, "dead letter " + id + " is gone already");
        }
        if (letter.transferId() != null && !isReceipt) {
            ledger.recordByOperator(letter.transferId(), Status.DISCARDED, reason.name(), operator);
        }
        if (!isReceipt && letter.sender() != null && directory.find(letter.sender()).isPresent()) {
            tellSender(letter.sender(), letter.messageId(), letter.transferId(), reason);
        }
        ledger.recordAction(operator, "discard-dead-letter", target(letter), reason.name());
        LOG.info("Operator {} discarded dead letter {} (transfer {}): {}", operator, id, letter.transferId(), reason);
        return "Discarded" + (isReceipt || letter.sender() == null ? "." : "; " + letter.sender() + " gets a receipt that says so.");
    }

    private static String target(DeadLetter letter) {
        return letter.id() + (letter.transferId() == null ? "" : " " + letter.transferId());
    }

    // ---------------------------------------------------------------- quarantine

    /** Every quarantined message with its receipt, newest first; status and error codes from the ledger. */
    public List<Kept> quarantined() throws IOException {
        List<Kept> all = new ArrayList<>();
        if (!Files.isDirectory(quarantine)) {
            return all;
        }
        try (Stream<Path> folders = Files.list(quarantine)) {
            for (Path folder : folders.filter(f -> Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)).sorted().toList()) {
                try (Stream<Path> files = Files.list(folder)) {
                    for (Path receipt : files.filter(f -> f.getFileName().toString().matches(".+\\.receipt\\.(xml|json)")).toList()) {
                        String name = receipt.getFileName().toString();
                        kept(folder.getFileName().toString(), name.substring(0, name.lastIndexOf(".receipt."))).ifPresent(all::add);
                    }
                }
            }
        }
        all.sort(Comparator.comparing(Kept::keptAt).reversed());
        return all;
    }

    private Optional<Kept> kept(String institution, String name) throws IOException {
        Matcher matcher = KEPT.matcher(name);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        String receiptId = matcher.group(2);
        Path message = quarantine.resolve(institution).resolve(name);
        Long size = Files.isRegularFile(message, LinkOption.NOFOLLOW_LINKS) ? Files.size(message) : null;
        OffsetDateTime at = java.time.LocalDateTime.parse(matcher.group(1), java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss"))
                .atOffset(ZoneOffset.UTC);
        Optional<Transfer> transfer = ledger.find(receiptId);
        List<String> codes = new ArrayList<>();
        if (transfer.isPresent()) {
            ledger.timeline(receiptId).stream().filter(e -> e.status() == Status.REJECTED || e.status() == Status.FAILED)
                    .map(TransferEvent::detail).filter(d -> d != null).reduce((first, second) -> second)
                    .ifPresent(d -> codes.addAll(Arrays.stream(d.split(" ")).filter(c -> c.matches("[A-Z][A-Za-z0-9.+-]*")).toList()));
        }
        return Optional.of(new Kept(institution + "~" + name, institution, receiptId, at, size,
                transfer.map(t -> t.status().name()).orElse(null), codes));
    }

    private Kept findKept(String id) throws IOException {
        Matcher matcher = QUARANTINE_ID.matcher(id == null ? "" : id);
        if (!matcher.matches() || !KEPT.matcher(matcher.group(2)).matches()
                || !Files.exists(receiptOf(matcher.group(1), matcher.group(2)).orElse(quarantine.resolve("-")))) {
            throw new ActionRefused(ActionRefused.Kind.NOT_FOUND, "nothing quarantined as " + id);
        }
        return kept(matcher.group(1), matcher.group(2)).orElseThrow();
    }

    private Optional<Path> receiptOf(String institution, String name) {
        for (String format : List.of("xml", "json")) {
            Path receipt = quarantine.resolve(institution).resolve(name + ".receipt." + format);
            if (Files.exists(receipt, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.of(receipt);
            }
        }
        return Optional.empty();
    }

    /**
     * Takes a quarantined message in again, as a new submission of its institution on the channel it
     * came by: validated again, then delivered or rejected, with a receipt either way. The
     * quarantined files go once intake has finished with it.
     */
    public synchronized Retried retryQuarantined(String id, String operator) throws Exception {
        Kept kept = findKept(id);
        Path message = quarantine.resolve(kept.institution()).resolve(id.substring(id.indexOf('~') + 1));
        if (kept.sizeBytes() == null) {
            throw new ActionRefused(ActionRefused.Kind.CONFLICT, "only the receipt of " + kept.receiptId()
                    + " was kept (the gateway never read the message): there is nothing to retry");
        }
        Institution owner = directory.find(kept.institution()).orElseThrow(() -> new ActionRefused(ActionRefused.Kind.CONFLICT,
                "institution " + kept.institution() + " is not in the directory"));
        String channel = ledger.find(kept.receiptId()).map(Transfer::channel).orElse(owner.channel().name().toLowerCase(java.util.Locale.ROOT));
        Exchange result = producer.send("direct:operator-retry", exchange -> {
            exchange.setProperty(Intake.INPUT_KEY, "retry:" + kept.id());
            exchange.getIn().setHeader("schakelChannel", channel);
            exchange.getIn().setHeader(Headers.CHANNEL_OWNER, kept.institution());
            exchange.getIn().setBody(message.toFile());
        });
        if (result.getException() != null) {
            LOG.warn("Operator {} retried quarantined {}: it failed ({}); it stays in the quarantine", operator, kept.receiptId(),
                    result.getException().getClass().getSimpleName());
            throw new ActionRefused(ActionRefused.Kind.CONFLICT, "the retry of " + kept.receiptId() + " failed ("
                    + result.getException().getClass().getSimpleName() + "); it stays in the quarantine");
        }
        String newTransferId = result.getProperty(Headers.TRANSFER_ID, String.class);
        String outcome = result.getMessage().getHeader(Headers.OUTCOME, String.class);
        deleteKept(kept);
        ledger.recordByOperator(kept.receiptId(), Status.RETRIED, "taken in again as transfer " + newTransferId, operator);
        if (newTransferId != null) {
            ledger.recordByOperator(newTransferId, Status.RETRIED, "retry of " + kept.receiptId() + " from the quarantine", operator);
        }
        ledger.recordAction(operator, "retry-quarantined", kept.id() + " " + kept.receiptId(), null);
        LOG.info("Operator {} retried quarantined {} as transfer {}: {}", operator, kept.receiptId(), newTransferId, outcome);
        return new Retried(newTransferId, outcome);
    }

    /** Deletes a quarantined message and its receipt; its institution gets a DISCARDED receipt. */
    public synchronized String discardQuarantined(String id, DiscardReason reason, String operator) throws Exception {
        Kept kept = findKept(id);
        Optional<Transfer> transfer = ledger.find(kept.receiptId());
        deleteKept(kept);
        ledger.recordByOperator(kept.receiptId(), Status.DISCARDED, reason.name(), operator);
        if (directory.find(kept.institution()).isPresent()) {
            tellSender(kept.institution(), transfer.map(Transfer::messageId).orElse(null), kept.receiptId(), reason);
        }
        ledger.recordAction(operator, "discard-quarantined", kept.id() + " " + kept.receiptId(), reason.name());
        LOG.info("Operator {} discarded quarantined {}: {}", operator, kept.receiptId(), reason);
        return "Discarded; " + kept.institution() + " gets a receipt that says so.";
    }

    private void deleteKept(Kept kept) throws IOException {
        String name = kept.id().substring(kept.id().indexOf('~') + 1);
        Files.deleteIfExists(quarantine.resolve(kept.institution()).resolve(name));
        for (String format : List.of("xml", "json")) {
            Files.deleteIfExists(quarantine.resolve(kept.institution()).resolve(name + ".receipt." + format));
        }
    }

    /** Sends the DISCARDED receipt through the gateway's own route (routes/operator-actions.camel.yaml). */
    private void tellSender(String recipient, String messageId, String transferId, DiscardReason reason) {
        producer.sendBodyAndHeaders("direct:operator-discard-receipt", null, Map.of(
                Headers.CHANNEL_OWNER, recipient,
                Headers.MESSAGE_ID, messageId == null ? "" : messageId,
                Headers.TRANSFER_ID, transferId == null ? "" : transferId,
                "schakelDiscardReason", reason.name()));
    }
}
