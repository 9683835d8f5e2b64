package nl.schakel.broker;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.impl.AckReason;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;

import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Tells the gateway when an institution on the queue channel has consumed (acknowledged) a
 * message from its inbox, so the transfer's timeline can say it was picked up.
 */
final class ConsumptionPlugin implements ActiveMQServerMessagePlugin {
    private final Set<String> institutionQueues;
    private final BiConsumer<String, Message> onConsumed;

    ConsumptionPlugin(Set<String> institutionQueues, BiConsumer<String, Message> onConsumed) {
        this.institutionQueues = institutionQueues;
        this.onConsumed = onConsumed;
    }

    @Override
    public void messageAcknowledged(Transaction tx, MessageReference ref, AckReason reason, ServerConsumer consumer) {
        String queue = ref.getQueue().getName().toString();
        if (reason == AckReason.NORMAL && institutionQueues.contains(queue)) {
            onConsumed.accept(queue, ref.getMessage());
        }
    }
}
