package nl.schakel.intake;

import nl.schakel.message.Headers;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.core.client.impl.ClientLargeMessageImpl;
import org.apache.activemq.artemis.jms.client.ActiveMQMessage;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.jms.JmsMessage;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The queue channel: a message an institution sent to gateway.inbound. The channel owner is the
 * login the broker validated and stamped on the message, never a header the client set. The body
 * is read as a stream (Artemis large messages arrive in chunks), so intake reads no more than its
 * size limit. A text message whose size on the broker shows it to be over the limit is rejected
 * without its text being decoded or copied to UTF-8 (the Artemis JMS client has taken its encoded
 * body in at receive already: schakel.broker.max-message-bytes bounds that).
 */
public final class QueueIntake {
    /** The header the route sets before {@link #prepare}: which channel the message came in on. */
    private static final String CHANNEL = "schakelChannel";
    /** The message property naming the receiver of a document that names none (an OSO dossier). */
    public static final String RECEIVER_PROPERTY = "schakelReceiver";
    /** A Core text body: a not-null flag, an int length, then two bytes per UTF-16 char. */
    private static final int TEXT_ENCODING_OVERHEAD = 5;
    private final int maxDeliveryAttempts;
    private final int maxBytes;

    public QueueIntake(int maxDeliveryAttempts, int maxBytes) {
        this.maxDeliveryAttempts = maxDeliveryAttempts;
        this.maxBytes = maxBytes;
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
        // nothing the client set travels on or into a receipt or a log line: not its properties (a
        // pupil's name, a schakelMessageId or schakelReceiver of its own), not its JMS headers
        // (JMSReplyTo, JMSCorrelationID, JMSType). What the gateway needs it takes from the validated
        // document and from the broker's stamp.
        // the one property the gateway reads from the client: the receiver of a document that names none (OSO)
        String receiver = jms.getStringProperty(RECEIVER_PROPERTY);
        in.removeHeaders("*", CHANNEL);
        in.setHeader(Headers.CHANNEL_OWNER, sender(exchange));
        in.setHeader(Headers.CHANNEL_RECEIVER, receiver);
        // the broker's id of this message, the same on every redelivery: a retake keeps its transfer id
        String inputId = jms.getStringProperty(nl.schakel.broker.SenderStampPlugin.INPUT_ID);
        if (inputId != null) {
            // stamped by the broker when the message arrived: the same on every delivery, to any instance
            exchange.setProperty(Intake.INPUT_KEY, "queue:" + sender(exchange) + ":" + inputId);
        } else if (jms instanceof org.apache.activemq.artemis.jms.client.ActiveMQMessage artemis) {
            exchange.setProperty(Intake.INPUT_KEY, "queue:" + sender(exchange) + ":" + artemis.getCoreMessage().getMessageID()
                    + ":" + jms.getJMSMessageID());
        }
        if (jms instanceof BytesMessage bytes) {
            in.setBody(new BytesMessageStream(bytes));
        } else if (jms instanceof TextMessage text) {
            if (minimumTextBytes(jms) > maxBytes) {
                // over the limit in UTF-8 whatever the text says: rejected without a String or UTF-8 copy of it
                exchange.setProperty(Intake.OVER_SIZE_LIMIT, true);
                in.setBody(new byte[0]);
            } else {
                String body = text.getText();
                in.setBody(body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
            }
        } else {
            in.setBody(new byte[0]);
        }
    }

    /**
     * The fewest UTF-8 bytes the text of a Core text message can have, from the size of its body as
     * the broker sent it (the size of the large-message file for a large one), without reading it: one
     * byte per UTF-16 char at least. 0 when the size is not known (another JMS provider; a compressed
     * large message, whose stored size says little about its text).
     */
    static long minimumTextBytes(jakarta.jms.Message jms) {
        if (!(jms instanceof ActiveMQMessage artemis)) {
            return 0;
        }
        ClientMessage core = artemis.getCoreMessage();
        if (core.containsProperty(org.apache.activemq.artemis.api.core.Message.HDR_LARGE_COMPRESSED)
                && Boolean.TRUE.equals(core.getBooleanProperty(org.apache.activemq.artemis.api.core.Message.HDR_LARGE_COMPRESSED))) {
            return 0;
        }
        long encoded = core instanceof ClientLargeMessageImpl large ? large.getLargeMessageSize() : core.getBodySize();
        return Math.max(0, (encoded - TEXT_ENCODING_OVERHEAD) / 2);
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
