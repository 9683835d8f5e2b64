package nl.schakel.intake;

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
    private static final Logger LOG = LoggerFactory.getLogger(Receipts.class);
    private final JAXBContext context;

    public Receipts() {
        try {
            context = JAXBContext.newInstance(Receipt.class);
        } catch (JAXBException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The sender's message could not be processed after the broker's last attempt: it is kept for the operator. */
    public void failed(Exchange exchange) throws JAXBException, jakarta.jms.JMSException {
        Message in = exchange.getIn();
        String recipient = QueueIntake.sender(exchange);
        Receipt receipt = new Receipt();
        receipt.setReceiptId("F-" + java.util.UUID.randomUUID());
        receipt.setCreated(OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS));
        receipt.setStatus(ReceiptStatus.FAILED);
        receipt.setRecipient(recipient);
        // the message id only as the validated document gave it, when it got that far; never a property the client set
        Verdict verdict = exchange.getProperty(Headers.VERDICT, Verdict.class);
        receipt.setRefersTo(verdict == null ? null : verdict.field("messageId"));
        nl.schakel.model.receipt.ValidationError error = new nl.schakel.model.receipt.ValidationError();
        error.setStage(ValidationStage.GATEWAY);
        error.setCode("GATEWAY-PROCESSING-FAILED");
        error.setMessage("The gateway could not process this message after repeated attempts. It is kept on the broker's dead-letter queue for the operator; it was not delivered.");
        receipt.getError().add(error);
        send(in, receipt, recipient);
        LOG.warn("Receipt {} FAILED for message {} to {}: the message goes to the dead-letter queue", receipt.getReceiptId(), receipt.getRefersTo(), recipient);
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
        LOG.info("Receipt {} {} for message {} to {}", receipt.getReceiptId(), receipt.getStatus(), receipt.getRefersTo(), recipient);
    }

    private void send(Message in, Receipt receipt, String recipient) throws JAXBException {
        Marshaller marshaller = context.createMarshaller();
        marshaller.setProperty(Marshaller.JAXB_FORMATTED_OUTPUT, true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        marshaller.marshal(receipt, out);

        in.removeHeader(Headers.DUPLICATE_ID);
        in.setHeader(Headers.TYPE, "receipt");
        in.setHeader(Headers.RECEIPT_ID, receipt.getReceiptId());
        in.setHeader(Headers.REFERS_TO, receipt.getRefersTo());
        in.setHeader("CamelJmsDestinationName", "inbox." + recipient);
        in.setBody(out.toByteArray());
    }
}
