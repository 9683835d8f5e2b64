package nl.schakel.ledger;

import nl.schakel.RoutePauses;
import org.apache.camel.CamelContext;

import java.util.function.Predicate;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * No work without a record: while the ledger is unreachable the guard suspends the routes that
 * write to it (intake, delivery), so files wait in the inbox and messages wait on the broker
 * instead of failing into dead-letter queues; it resumes them when the database is back. It only
 * resumes what it held back itself, and only when no other guard (the disk guard) still holds it
 * ({@link RoutePauses}): a route an operator stopped or suspended stays so.
 */
public final class LedgerGuard {
    private final Ledger ledger;
    private final Predicate<String> guardedRoutes;
    private ScheduledExecutorService scheduler;

    public LedgerGuard(Ledger ledger, Predicate<String> guardedRoutes) {
        this.ledger = ledger;
        this.guardedRoutes = guardedRoutes;
    }

    public void start(CamelContext context, long intervalMs) {
        // what the check at start found holds at once, before another guard could start a route held back for it
        hold(context, ledger.isAvailable());
        scheduler = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "ledger-guard");
        scheduler.scheduleWithFixedDelay(() -> apply(context), 0, intervalMs, TimeUnit.MILLISECONDS);
    }

    void apply(CamelContext context) {
        hold(context, ledger.check());
    }

    private void hold(CamelContext context, boolean available) {
        RoutePauses.of(context).set(context, "ledger", guardedRoutes,
                available ? null : "Ledger unavailable (" + ledger.problem().orElse("?") + ")");
    }
}
