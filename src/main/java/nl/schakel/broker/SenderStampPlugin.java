package nl.schakel.broker;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;

/**
 * Stamps every message with the broker-validated login of the session that sent it, over any
 * protocol (Core, AMQP), replacing whatever the client put in that property. The gateway takes
 * the sender from this stamp only.
 */
final class SenderStampPlugin implements ActiveMQServerMessagePlugin {
    static final String PROPERTY = "schakelValidatedUser";

    @Override
    public void beforeSend(ServerSession session, Transaction tx, Message message, boolean direct, boolean noAutoCreateQueue) {
        String user = session.getValidatedUser();
        message.removeProperty(PROPERTY);
        if (user != null) {
            message.putStringProperty(PROPERTY, user);
        }
        message.reencode();

    }
}
