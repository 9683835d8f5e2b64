package nl.schakel.broker;

import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQExceptionType;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerPlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses, at the send, a message to gateway.inbound whose whole size (body, headers and
 * properties; the file of a large message) is over a limit, so the gateway's own client never
 * takes such a message in. Artemis has no such limit of its own. The sender gets an error on its
 * send (Core: a JMSException; AMQP: a rejected delivery) and no receipt; bodies between the
 * gateway's schakel.max-message-bytes and this limit still get a PARSE-TOO-LARGE receipt.
 * <p>
 * A standalone Artemis broker loads it from the {@code broker-plugins} jar (deploy/artemis/README.md):
 * {@code <broker-plugin class-name="nl.schakel.broker.MessageSizeLimitPlugin"><property key="max-bytes" value="..."/>};
 * without that property the limit is the gateway's default, {@link EmbeddedBroker.Limits#DEFAULT}.
 */
public final class MessageSizeLimitPlugin implements ActiveMQServerPlugin {
    /** The broker.xml property with the limit in bytes. */
    public static final String MAX_BYTES = "max-bytes";
    /** 2 × 20 MiB + 1 MiB, as EmbeddedBroker.Limits.DEFAULT (a constant here: the plugin jar holds no EmbeddedBroker). */
    static final long DEFAULT_MAX_BYTES = 2L * 20 * 1024 * 1024 + 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(MessageSizeLimitPlugin.class);
    private long maxBytes;

    /** For a broker.xml broker-plugin: the limit comes from {@link #init(java.util.Map)}. */
    public MessageSizeLimitPlugin() {
        this(DEFAULT_MAX_BYTES);
    }

    MessageSizeLimitPlugin(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The broker.xml properties: {@value #MAX_BYTES}, a positive number of bytes. */
    @Override
    public void init(java.util.Map<String, String> properties) {
        String value = properties == null ? null : properties.get(MAX_BYTES);
        if (value == null || value.isBlank()) {
            return;
        }
        long parsed;
        try {
            parsed = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(MAX_BYTES + " of " + getClass().getSimpleName() + " is a number of bytes, not '" + value + "'");
        }
        if (parsed < 1) {
            throw new IllegalArgumentException(MAX_BYTES + " of " + getClass().getSimpleName() + " must be positive, not " + parsed);
        }
        maxBytes = parsed;
    }

    long maxBytes() {
        return maxBytes;
    }

    @Override
    public void beforeSend(ServerSession session, Transaction tx, Message message, boolean direct, boolean noAutoCreateQueue)
            throws ActiveMQException {
        if (!EmbeddedBroker.INBOUND.equals(message.getAddress())) {
            return;
        }
        long size = message.getWholeMessageSize();
        if (size > maxBytes) {
            LOG.warn("Refused a message of {} bytes from {} to {}: the broker takes at most {} bytes", size,
                    session.getValidatedUser(), EmbeddedBroker.INBOUND, maxBytes);
            throw new ActiveMQException(ActiveMQExceptionType.ILLEGAL_STATE,
                    "The message is " + size + " bytes; the gateway takes at most " + maxBytes + " bytes.");
        }
    }
}
