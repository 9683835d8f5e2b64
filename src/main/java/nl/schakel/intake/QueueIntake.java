package nl.schakel.intake;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.TextMessage;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.jms.JmsMessage;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The queue channel: a message an institution sent to gateway.inbound. The channel owner is the
 * login the broker validated and stamped on the message, never a header the client set. The body
 * is read as a stream (Artemis large messages arrive in chunks), so intake reads no more than its
 * size limit.
 */
public final class QueueIntake {
    private final int maxDeliveryAttempts;

    public QueueIntake(int maxDeliveryAttempts) {
        this.maxDeliveryAttempts = maxDeliveryAttempts;
    }

    /** Whether this is the broker's last delivery attempt before the dead-letter queue. */
    public boolean lastAttempt(Exchange exchange) throws JMSException {
        jakarta.jms.Message jms = exchange.getIn() instanceof JmsMessage m ? m.getJmsMessage() : null;
        return jms != null && jms.propertyExists("JMSXDeliveryCount") && jms.getIntProperty("JMSXDeliveryCount") >= maxDeliveryAttempts;
    }

    /** The broker-validated login that sent the message. */
    public static String sender(Exchange exchange) throws JMSException {
        jakarta.jms.Message jms = exchange.getIn() instanceof JmsMessage m ? m.getJmsMessage() : null;
        return jms == null ? null : jms.getStringProperty(Headers.VALIDATED_USER);
    }
    public void prepare(Exchange exchange) throws JMSException {
        Message in = exchange.getIn();
        jakarta.jms.Message jms = in instanceof JmsMessage m ? m.getJmsMessage() : null;
        if (jms == null) {
            throw new IllegalStateException("not a JMS message");
        }
        in.setHeader(Headers.CHANNEL_OWNER, sender(exchange));
        // the broker's id of this message, the same on every redelivery: a retake keeps its transfer id
        if (jms instanceof org.apache.activemq.artemis.jms.client.ActiveMQMessage artemis) {
            exchange.setProperty(Intake.INPUT_KEY, "queue:" + sender(exchange) + ":" + artemis.getCoreMessage().getMessageID()
                    + ":" + jms.getJMSMessageID());
        }
        if (jms instanceof BytesMessage bytes) {
            in.setBody(new BytesMessageStream(bytes));
        } else if (jms instanceof TextMessage text && text.getText() != null) {
            in.setBody(text.getText().getBytes(StandardCharsets.UTF_8));
        } else {
            in.setBody(new byte[0]);
        }
    }

    /** Reads a BytesMessage in chunks, no further than its body length. */
    private static final class BytesMessageStream extends InputStream {
        private final BytesMessage message;
        private long remaining;

        BytesMessageStream(BytesMessage message) throws JMSException {
            this.message = message;
            this.remaining = message.getBodyLength();
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (remaining <= 0) {
                return -1;
            }
            try {
                int wanted = (int) Math.min(len, remaining);
                byte[] chunk = off == 0 ? b : new byte[wanted];
                int n = message.readBytes(chunk, wanted);
                remaining -= Math.max(n, 0);
                if (n > 0 && off != 0) {
                    System.arraycopy(chunk, 0, b, off, n);
                }
                return n;
            } catch (JMSException e) {
                throw new IllegalStateException("the message body could not be read", e);
            }
        }
    }

}
