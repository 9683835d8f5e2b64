package nl.schakel.delivery;

import nl.schakel.ledger.Ledger;
import nl.schakel.ledger.Status;
import nl.schakel.ledger.Transfer;
import nl.schakel.logging.LogContext;
import nl.schakel.metrics.MetricsWiring;
import org.apache.camel.CamelContext;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Records that an institution on the queue channel took a message from its inbox.<code>: a dossier's
 * transfer is then PICKED_UP in the ledger, and every message's delivery latency is counted. The
 * embedded broker reports it in-process; a standalone broker through notices on gateway.pickups
 * (PickupNoticePlugin, route pickups). A step that cannot be written (the ledger away) is logged and
 * left out: the institution has its message either way.
 */
public final class Pickups {
    private static final Logger LOG = LoggerFactory.getLogger(Pickups.class);
    private final CamelContext context;
    private final Callable<Ledger> ledger;
    /** The inboxes of the queue channel's institutions; the gateway reads the other inboxes itself (file, HTTP). */
    private final Set<String> queueInboxes;

    public Pickups(CamelContext context, Callable<Ledger> ledger, Set<String> queueInboxes) {
        this.context = context;
        this.ledger = ledger;
        this.queueInboxes = Set.copyOf(queueInboxes);
    }

    /** The inbox queues of the directory's queue-channel institutions. */
    public static Set<String> queueInboxes(nl.schakel.directory.Directory directory) {
        return directory.withChannel(nl.schakel.directory.Institution.Channel.QUEUE).stream().map(i -> "inbox." + i.code())
                .collect(java.util.stream.Collectors.toSet());
    }

    /** A message of this transfer (of this type: dossier, receipt, ...) was taken from this queue. */
    public void record(@Header("schakelQueue") String queue, @Header("schakelTransferId") String transferId, @Header("schakelType") String type) {
        // a file or HTTP institution's inbox is the gateway's own reading: its delivery is recorded where it is written
        if (transferId == null || !queueInboxes.contains(queue)) {
            return;
        }
        try (LogContext.Scope ignored = LogContext.scope(transferId)) {
            Ledger found = ledger.call();
            if ("dossier".equals(type)) {
                found.record(transferId, Status.PICKED_UP, "consumed from " + queue);
            }
            MetricsWiring.of(context).delivered("queue", type, () -> found.find(transferId).map(Transfer::receivedAt).orElse(null));
        } catch (Exception e) {
            LOG.warn("Picked-up step of transfer {} not recorded: {}", transferId, e.getClass().getSimpleName());
        }
    }
}
