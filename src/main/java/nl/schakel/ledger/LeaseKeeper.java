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
 * this instance id's epoch) the keeper first pauses the work routes through {@link RoutePauses}
 * (suspending waits for what is in flight, whose writes under the old epoch are refused), then takes a
 * new epoch, then releases them: nothing this instance started under the old epoch can write after
 * the new one is taken. Until the first epoch is taken the work routes are held.
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

    /** One renewal; on a lost lease: pause, take a new epoch, resume. */
    void keep(CamelContext context) {
        try {
            Ledger.Holder before = ledger.lease().orElseThrow();
            if (before.epoch() != 0 && ledger.renewLease()) {
                hold(context, null);
                return;
            }
            if (before.epoch() != 0) {
                LOG.warn("The lease of gateway instance {} epoch {} ran out: work paused until a new epoch is taken", before.instanceId(), before.epoch());
            }
            hold(context, "Lease of gateway instance " + before.instanceId() + " lost");
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
