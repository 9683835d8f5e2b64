package nl.schakel.ledger;

import nl.schakel.RoutePauses;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Keeps this gateway instance's lease in the ledger (docs/RELIABILITY.md, "More than one instance").
 * Every renewal interval it extends the lease by the database's clock. When a renewal finds the lease
 * gone (the process was paused, the database was away longer than the lease, another process took
 * this instance id's epoch) the keeper takes a new epoch at once. It does not wait for the work in
 * flight: every claim, confirmation and delivery record is checked in the statement that writes it,
 * so what was decided under the old epoch and lost its claim meanwhile is refused (the claim is another
 * instance's, the delivery recorded by it), and a send that slips through is refused by the broker's
 * duplicate-id cache. (Waiting for the routes to pause took longer than 40 s after a freeze, while the
 * broker connections timed out: HaClusterIT.) Until the first epoch is taken the work routes are held.
 */
public final class LeaseKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);
    private static final String REASON = "lease";
    private final Ledger ledger;
    private final Predicate<String> guardedRoutes;
    private ScheduledExecutorService scheduler;

    public LeaseKeeper(Ledger ledger, Predicate<String> guardedRoutes) {
        this.ledger = ledger;
        this.guardedRoutes = guardedRoutes;
    }

    public void start(CamelContext context, long intervalMs) {
        if (ledger.lease().map(Ledger.Holder::epoch).orElse(0L) == 0L) {
            hold(context, "No lease in the ledger yet");
        }
        scheduler = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "lease-keeper");
        scheduler.scheduleWithFixedDelay(() -> keep(context), 0, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** One renewal; on a lost lease a new epoch (the first one releases the work routes). */
    void keep(CamelContext context) {
        try {
            Ledger.Holder before = ledger.lease().orElseThrow();
            if (before.epoch() != 0 && ledger.renewLease()) {
                hold(context, null);
                return;
            }
            if (before.epoch() != 0) {
                LOG.warn("The lease of gateway instance {} epoch {} ran out: its writes are refused; taking a new epoch", before.instanceId(),
                        before.epoch());
            }
            long epoch = ledger.takeLease();
            LOG.info("Gateway instance {} holds epoch {} in the ledger", before.instanceId(), epoch);
            hold(context, null);
        } catch (RuntimeException e) {
            // the ledger is away: its guard pauses the work; the next renewal finds out whether the lease held
            LOG.debug("Lease not renewed: {}", e.getClass().getSimpleName());
        }
    }

    private void hold(CamelContext context, String why) {
        RoutePauses.of(context).set(context, REASON, guardedRoutes, why);
    }
}
