package nl.schakel.broker;

import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.impl.AckReason;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerPlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On a standalone broker (deploy/artemis/), tells the gateways when an institution has taken a
 * message from its inbox: for every normal acknowledgement on an {@code inbox.<code>} queue of a
 * message the gateway sent (it carries {@code schakelTransferId}), a small durable notice goes to
 * {@code gateway.pickups} with the transfer id, the message type and the queue, nothing else. A
 * gateway consumes the notices and records "picked up" in the ledger, as the embedded broker's
 * {@code ConsumptionPlugin} lets it do in-process.
 * <p>
 * The notice is routed in the acknowledgement's own transaction when there is one, so it exists if
 * and only if the acknowledgement is committed (and is replicated with it to the backup); an
 * acknowledgement outside a transaction gets its notice routed at once.
 * <p>
 * Configured in broker.xml with {@code <broker-plugin class-name="nl.schakel.broker.PickupNoticePlugin"/>};
 * it has no properties.
 */
public final class PickupNoticePlugin implements ActiveMQServerPlugin {
    /** The address of the notices; the gateway's only, by security-settings.xml. */
    public static final String ADDRESS = "gateway.pickups";
    private static final Logger LOG = LoggerFactory.getLogger(PickupNoticePlugin.class);
    private static final String TRANSFER_ID = "schakelTransferId";
    private static final String TYPE = "schakelType";
    /** The queue the message was taken from. */
    public static final String QUEUE = "schakelQueue";
    private volatile ActiveMQServer server;
    private final java.util.concurrent.atomic.AtomicLong unrouted = new java.util.concurrent.atomic.AtomicLong();

    /** The one constructor, also the one Artemis calls for a broker.xml broker-plugin. */
    public PickupNoticePlugin() {
    }

    @Override
    public void registered(ActiveMQServer server) {
        this.server = server;
    }

    @Override
    public void messageAcknowledged(Transaction tx, MessageReference ref, AckReason reason, ServerConsumer consumer) throws ActiveMQException {
        String queue = ref.getQueue().getName().toString();
        if (reason != AckReason.NORMAL || !queue.startsWith("inbox.") || server == null) {
            return;
        }
        Message message = ref.getMessage();
        Object transferId = message.getObjectProperty(TRANSFER_ID);
        if (transferId == null) {
            return;
        }
        Object type = message.getObjectProperty(TYPE);
        CoreMessage notice = new CoreMessage(server.getStorageManager().generateID(), 64);
        notice.setAddress(ADDRESS);
        notice.setDurable(true);
        notice.putStringProperty(TRANSFER_ID, transferId.toString());
        if (type != null) {
            notice.putStringProperty(TYPE, type.toString());
        }
        notice.putStringProperty(QUEUE, queue);
        try {
            org.apache.activemq.artemis.core.postoffice.RoutingStatus status = tx != null
                    ? server.getPostOffice().route(notice, tx, false) : server.getPostOffice().route(notice, false);
            if (status != org.apache.activemq.artemis.core.postoffice.RoutingStatus.OK && unrouted.getAndIncrement() % 1000 == 0) {
                // no gateway.pickups queue (addresses.xml from an older schakel broker-config): said, not silently dropped
                LOG.warn("Pick-up notices are not kept ({} so far): {} has no queue ({}); run schakel broker-config again",
                        unrouted.get(), ADDRESS, status);
            }
        } catch (Exception e) {
            // the pick-up goes unrecorded; the institution has its message all the same
            LOG.warn("No pick-up notice for a message taken from {}: {}", queue, e.getClass().getSimpleName());
        }
    }
}
