package nl.schakel.broker;

import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQExceptionType;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses, at the send, a message to gateway.inbound whose whole size (body, headers and
 * properties; the file of a large message) is over a limit, so the gateway's own client never
 * takes such a message in. Artemis has no such limit of its own. The sender gets an error on its
 * send (Core: a JMSException; AMQP: a rejected delivery) and no receipt; bodies between the
 * gateway's schakel.max-message-bytes and this limit still get a PARSE-TOO-LARGE receipt.
 */
final class MessageSizeLimitPlugin implements ActiveMQServerMessagePlugin {
    private static final Logger LOG = LoggerFactory.getLogger(MessageSizeLimitPlugin.class);
    private final long maxBytes;

    MessageSizeLimitPlugin(long maxBytes) {
        this.maxBytes = maxBytes;
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
