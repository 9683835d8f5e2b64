package nl.schakel.intake;

import nl.schakel.logging.LogContext;
import nl.schakel.message.Headers;
import nl.schakel.metrics.GatewayMetrics;
import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Marshaller;
import nl.schakel.model.receipt.Receipt;
import nl.schakel.model.receipt.ReceiptStatus;
import nl.schakel.model.receipt.ValidationStage;
import nl.schakel.validation.ValidationError;
import nl.schakel.validation.Verdict;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** Makes the receipt for the outcome of intake and addresses it to the institution it is for. */
public final class Receipts {
    /** Exchange property: the sender's receipt for this exchange has been sent. */
    public static final String SENT = "schakelReceiptSent";
    private static final Logger LOG = LoggerFactory.getLogger(Receipts.class);
    private final JAXBContext context;
    private final GatewayMetrics metrics;

    public Receipts() {
        this(GatewayMetrics.none());
    }

    public Receipts(GatewayMetrics metrics) {
        this.metrics = metrics;
        try {
            context = JAXBContext.newInstance(Receipt.class);
        } catch (JAXBException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The sender's message could not be processed after the last attempt (a technical failure, not a
     * verdict): it is kept for the operator, on the broker's dead-letter queue or in the quarantine.
     * The message id it refers to is the validated one, never a value the client set.
     */
    public void failed(Exchange exchange) throws JAXBException, jakarta.jms.JMSException {
        Message in = exchange.getIn();
        String owner = in.getHeader(Headers.CHANNEL_OWNER, String.class);
        String recipient = owner != null ? owner : QueueIntake.sender(exchange);
        Verdict verdict = exchange.getProperty(Headers.VERDICT, Verdict.class);
        String transferId = exchange.getProperty(Headers.TRANSFER_ID, String.class);
        Receipt receipt = failedReceipt(transferId != null ? transferId : "F-" + java.util.UUID.randomUUID(), recipient,
                verdict == null ? null : verdict.field("messageId"), verdict == null || verdict.type() == null ? null : verdict.type().id(),
                "GATEWAY-PROCESSING-FAILED", "The gateway could not process this message after repeated attempts; it was not delivered. "
                        + "It is kept for the operator, who can retry or discard it.");
        in.setHeader(Headers.TRANSFER_ID, receipt.getReceiptId());
        in.setHeader(Headers.OUTCOME, "failed");
        send(in, receipt, recipient);
        LogContext.transfer(receipt.getReceiptId(), receipt.getRefersTo());
        LogContext.outcome("failed");
        LOG.warn("Receipt {} FAILED for message {} to {}: kept for the operator", receipt.getReceiptId(), receipt.getRefersTo(), recipient);
    }

    /**
     * A message the gateway accepted could not be delivered: the receiver's side failed it on every
     * attempt and the broker dead-lettered it (DeadLetters set the headers from the message's own,
     * gateway-set properties).
     */
    public void deliveryFailed(Exchange exchange) throws JAXBException {
        Message in = exchange.getIn();
        String recipient = in.getHeader(Headers.CHANNEL_OWNER, String.class);
        Receipt receipt = failedReceipt("F-" + java.util.UUID.randomUUID(), recipient, in.getHeader(Headers.MESSAGE_ID, String.class), null,
                "GATEWAY-DELIVERY-FAILED", "The message was accepted but could not be delivered to the receiver after repeated attempts. "
                        + "It is kept for the operator, who can retry or discard it.");
        send(in, receipt, recipient);
        LogContext.outcome("delivery-failed");
        LOG.warn("Receipt {} FAILED (delivery) for message {} to {}", receipt.getReceiptId(), receipt.getRefersTo(), recipient);
    }

    /**
     * An operator discarded failed work of this sender (a dead letter, a quarantined message): the
     * receipt says so, with the reason from the console's fixed list (header schakelDiscardReason).
     */
    public void discarded(Exchange exchange) throws JAXBException {
        Message in = exchange.getIn();
        String recipient = in.getHeader(Headers.CHANNEL_OWNER, String.class);
        nl.schakel.console.DiscardReason reason = nl.schakel.console.DiscardReason.valueOf(in.getHeader("schakelDiscardReason", String.class));
        String messageId = in.getHeader(Headers.MESSAGE_ID, String.class);
        Receipt receipt = gatewayReceipt(ReceiptStatus.DISCARDED, "D-" + java.util.UUID.randomUUID(), recipient,
                messageId == null || messageId.isEmpty() ? null : messageId, null, "GATEWAY-DISCARDED-" + reason.name().replace('_', '-'),
                "The operator discarded this message; it will not be delivered. " + reason.label());
        send(in, receipt, recipient);
        LOG.info("Receipt {} DISCARDED for message {} to {}", receipt.getReceiptId(), receipt.getRefersTo(), recipient);
    }

    /** A FAILED receipt: the gateway's own failure, one error of stage GATEWAY. */
    private static Receipt failedReceipt(String receiptId, String recipient, String refersTo, String documentType, String code, String message) {
        return gatewayReceipt(ReceiptStatus.FAILED, receiptId, recipient, refersTo, documentType, code, message);
    }

    private static Receipt gatewayReceipt(ReceiptStatus status, String receiptId, String recipient, String refersTo, String documentType,
                                          String code, String message) {
        Receipt receipt = new Receipt();
        receipt.setReceiptId(receiptId);
        receipt.setCreated(OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS));
        receipt.setStatus(status);
        receipt.setRecipient(recipient);
        receipt.setRefersTo(refersTo);
        receipt.setDocumentType(documentType);
        nl.schakel.model.receipt.ValidationError error = new nl.schakel.model.receipt.ValidationError();
        error.setStage(ValidationStage.GATEWAY);
        error.setCode(code);
        error.setMessage(message);
        receipt.getError().add(error);
        return receipt;
    }

    /** The receipt is on its way: a later failure of this exchange sends no second one. */
    public void sent(Exchange exchange) {
        exchange.setProperty(SENT, true);
        metrics.submitted(exchange);
        nl.schakel.CrashPoints.reach("receipt-sent");
    }

    public void forOutcome(Exchange exchange) throws JAXBException {
        Message in = exchange.getIn();
        Verdict verdict = exchange.getProperty(Headers.VERDICT, Verdict.class);
        String outcome = in.getHeader(Headers.OUTCOME, String.class);
        String owner = in.getHeader(Headers.CHANNEL_OWNER, String.class);
        String recipient = owner != null ? owner : verdict.field("sender");

        Receipt receipt = new Receipt();
        receipt.setReceiptId(in.getHeader(Headers.TRANSFER_ID, String.class));
        receipt.setCreated(OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS));
        receipt.setStatus(switch (outcome) {
            case "accepted" -> ReceiptStatus.ACCEPTED;
            case "duplicate" -> ReceiptStatus.DUPLICATE;
            default -> ReceiptStatus.REJECTED;
        });
        receipt.setRecipient(recipient);
        receipt.setRefersTo(verdict.field("messageId"));
        receipt.setDocumentType(verdict.type() == null ? null : verdict.type().id());
        if (receipt.getStatus() == ReceiptStatus.ACCEPTED) {
            receipt.setDeliveredTo(verdict.field("receiver"));
        }
        receipt.setContentSha256(verdict.sha256());
        for (ValidationError e : verdict.errors()) {
            nl.schakel.model.receipt.ValidationError error = new nl.schakel.model.receipt.ValidationError();
            error.setStage(ValidationStage.fromValue(e.stage().name()));
            error.setCode(e.code());
            error.setMessage(e.message());
            error.setLine(e.line() == null ? null : BigInteger.valueOf(e.line()));
            error.setColumn(e.column() == null ? null : BigInteger.valueOf(e.column()));
            error.setPath(e.path());
            receipt.getError().add(error);
        }
        send(in, receipt, recipient);
        LogContext.outcome(outcome);
        LOG.info("Receipt {} {} for message {} to {}", receipt.getReceiptId(), receipt.getStatus(), receipt.getRefersTo(), recipient);
    }

    private void send(Message in, Receipt receipt, String recipient) throws JAXBException {
        Marshaller marshaller = context.createMarshaller();
        marshaller.setProperty(Marshaller.JAXB_FORMATTED_OUTPUT, true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        marshaller.marshal(receipt, out);

        // the same receipt again (a message taken again after its commit was lost, by this or another
        // instance) is dropped by the broker's duplicate-id cache: one receipt per message and outcome
        in.setHeader(Headers.DUPLICATE_ID, "receipt/" + receipt.getReceiptId() + "/" + receipt.getStatus().value());
        in.setHeader(Headers.TYPE, "receipt");
        in.setHeader(Headers.RECEIPT_ID, receipt.getReceiptId());
        in.setHeader(Headers.REFERS_TO, receipt.getRefersTo());
        in.setHeader("CamelJmsDestinationName", "inbox." + recipient);
        in.setBody(out.toByteArray());
    }
}
