package nl.schakel.delivery;

import jakarta.jms.JMSException;
import nl.schakel.logging.LogContext;
import nl.schakel.message.Headers;
import nl.schakel.ledger.Ledger;
import nl.schakel.ledger.Status;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.jms.JmsMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A message the broker dead-lettered after its last delivery attempt: recorded in the ledger and
 * counted, and its sender told when the message was one it sent (a dossier, acknowledgement or
 * follow-up that could not be delivered). The message itself stays on DLQ.&lt;queue&gt; for the
 * operator. Only properties the gateway set are read: they were validated when it took the message.
 */
public final class DeadLetters {
    /** Header: the sender is to get a FAILED receipt for this dead letter. */
    public static final String TELL_SENDER = "schakelTellSender";
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    private final Ledger ledger;
    private final AtomicLong seen = new AtomicLong();

    public DeadLetters(Ledger ledger) {
        this.ledger = ledger;
    }

    public void record(Exchange exchange) throws JMSException {
        Message in = exchange.getIn();
        jakarta.jms.Message jms = in instanceof JmsMessage m ? m.getJmsMessage() : null;
        if (jms == null) {
            throw new IllegalStateException("not a JMS message");
        }
        seen.incrementAndGet();
        String queue = jms.getStringProperty("_AMQ_ORIG_QUEUE");
        String type = jms.getStringProperty(Headers.TYPE);
        String transferId = jms.getStringProperty(Headers.TRANSFER_ID);
        String sender = jms.getStringProperty(Headers.SENDER);
        String messageId = jms.getStringProperty(Headers.MESSAGE_ID);
        String receiptId = jms.getStringProperty(Headers.RECEIPT_ID);
        String where = "dead-lettered from " + queue + " after the broker's last delivery attempt";
        LogContext.transfer("receipt".equals(type) ? receiptId : transferId, messageId);
        LogContext.outcome("dead-lettered");
        boolean tellSender = false;
        if (queue == null || !queue.startsWith("inbox.")) {
            // gateway.inbound: its sender had a FAILED receipt on the last attempt already
            LOG.warn("A message was dead-lettered from {}; kept on DLQ.{} for the operator", queue, queue);
        } else if ("receipt".equals(type)) {
            // a receipt is not answered with another receipt: that could go round for ever
            if (receiptId != null) {
                ledger.record(receiptId, Status.RECEIPT_UNDELIVERED, where);
            }
            LOG.warn("Receipt {} was {}; kept on DLQ.{} for the operator", receiptId, where, queue);
        } else {
            if (transferId != null) {
                ledger.record(transferId, Status.FAILED, where);
            }
            tellSender = sender != null;
            LOG.warn("Transfer {} ({} {}) was {}; kept on DLQ.{} for the operator", transferId, type, messageId, where, queue);
        }
        // nothing of the dead letter travels on but what the receipt needs
        in.removeHeaders("*");
        in.setBody(null);
        in.setHeader(TELL_SENDER, tellSender);
        in.setHeader(Headers.CHANNEL_OWNER, sender);
        in.setHeader(Headers.MESSAGE_ID, messageId);
        in.setHeader(Headers.TRANSFER_ID, transferId);
    }

    /** Dead letters the gateway has acted on since it started. */
    public long seen() {
        return seen.get();
    }
}
