package nl.schakel.ledger;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.spi.RouteController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * No work without a record: while the ledger is unreachable the guard suspends the routes that
 * write to it (intake, delivery), so files wait in the inbox and messages wait on the broker
 * instead of failing into dead-letter queues; it resumes them when the database is back. It only
 * resumes what it held back itself: a route an operator stopped or suspended stays so.
 */
public final class LedgerGuard {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerGuard.class);
    private final Ledger ledger;
    private final Predicate<String> guardedRoutes;
    private ScheduledExecutorService scheduler;
    /** Routes this guard suspended, or found not started (held back at start while the ledger was away). */
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    public LedgerGuard(Ledger ledger, Predicate<String> guardedRoutes) {
        this.ledger = ledger;
        this.guardedRoutes = guardedRoutes;
    }

    public void start(CamelContext context, long intervalMs) {
        scheduler = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "ledger-guard");
        scheduler.scheduleWithFixedDelay(() -> apply(context), 0, intervalMs, TimeUnit.MILLISECONDS);
    }

    void apply(CamelContext context) {
        boolean available = ledger.check();
        RouteController routes = context.getRouteController();
        for (Route route : context.getRoutes()) {
            String id = route.getRouteId();
            if (!guardedRoutes.test(id)) {
                continue;
            }
            ServiceStatus status = routes.getRouteStatus(id);
            // not started at start because the ledger was away (schakel.intake.auto-startup=false)
            if (seen.add(id) && status == ServiceStatus.Stopped && Boolean.FALSE.equals(route.isAutoStartup())) {
                held.add(id);
            }
            try {
                if (!available && status == ServiceStatus.Started) {
                    LOG.warn("Ledger unavailable ({}): route {} suspended until it returns", ledger.problem().orElse("?"), id);
                    held.add(id);
                    routes.suspendRoute(id);
                } else if (available && status == ServiceStatus.Suspended && held.remove(id)) {
                    LOG.info("Ledger available again: route {} resumed", id);
                    routes.resumeRoute(id);
                } else if (available && status == ServiceStatus.Stopped && held.remove(id)) {
                    LOG.info("Ledger available: route {} started", id);
                    routes.startRoute(id);
                }
            } catch (Exception e) {
                LOG.error("Could not change route {}: {}", id, e.toString());
            }
        }
    }
}
