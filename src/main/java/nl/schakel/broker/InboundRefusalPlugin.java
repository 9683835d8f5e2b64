package nl.schakel.broker;

import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQExceptionType;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Refuses, at the send, every message to gateway.inbound while the gateway cannot take work (its
 * data folder is nearly full), saying why: the sender gets an error on its send (Core: a
 * JMSException; AMQP: a rejected delivery), keeps its message and sends it again later. The
 * broker's own disk limit blocks producers by flow control instead, before they send.
 */
final class InboundRefusalPlugin implements ActiveMQServerMessagePlugin {
    private static final Logger LOG = LoggerFactory.getLogger(InboundRefusalPlugin.class);
    /** Why a message of this sender (the broker-validated login) is refused now, if it is. */
    private final Function<String, Optional<String>> why;
    private final AtomicLong refused = new AtomicLong();

    InboundRefusalPlugin(Function<String, Optional<String>> why) {
        this.why = why;
    }

    @Override
    public void beforeSend(ServerSession session, Transaction tx, Message message, boolean direct, boolean noAutoCreateQueue)
            throws ActiveMQException {
        if (!EmbeddedBroker.INBOUND.equals(message.getAddress())) {
            return;
        }
        Optional<String> reason = why.apply(session.getValidatedUser());
        if (reason.isEmpty() && refused.get() != 0) {
            refused.set(0);
        }
        if (reason.isPresent()) {
            long n = refused.incrementAndGet();
            if (n == 1 || n % 100 == 0) {
                LOG.warn("Refused a message from {} to {} ({} so far): {}", session.getValidatedUser(), EmbeddedBroker.INBOUND, n, reason.get());
            }
            throw new ActiveMQException(ActiveMQExceptionType.ADDRESS_FULL,
                    "The gateway takes no messages now: " + reason.get() + ". Nothing was taken; send it again later.");
        }
    }
}
