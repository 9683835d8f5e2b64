package nl.schakel.ledger;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.spi.RouteController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Intake takes no new work while the ledger is unreachable: the guard checks the database and
 * suspends the intake routes, and resumes them when it is back. Nothing is delivered without a record.
 */
public final class LedgerGuard {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerGuard.class);
    private final Ledger ledger;
    private final List<String> intakeRoutes;
    private ScheduledExecutorService scheduler;

    public LedgerGuard(Ledger ledger, List<String> intakeRoutes) {
        this.ledger = ledger;
        this.intakeRoutes = intakeRoutes;
    }

    public void start(CamelContext context, long intervalMs) {
        scheduler = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "ledger-guard");
        scheduler.scheduleWithFixedDelay(() -> apply(context), 0, intervalMs, TimeUnit.MILLISECONDS);
    }

    void apply(CamelContext context) {
        boolean available = ledger.check();
        RouteController routes = context.getRouteController();
        for (String id : intakeRoutes) {
            if (context.getRoute(id) == null) {
                continue;
            }
            ServiceStatus status = routes.getRouteStatus(id);
            try {
                if (!available && status == ServiceStatus.Started) {
                    LOG.warn("Ledger unavailable ({}): intake route {} suspended until it returns", ledger.problem().orElse("?"), id);
                    routes.suspendRoute(id);
                } else if (available && status == ServiceStatus.Suspended) {
                    LOG.info("Ledger available again: intake route {} resumed", id);
                    routes.resumeRoute(id);
                } else if (available && status == ServiceStatus.Stopped) {
                    LOG.info("Ledger available: intake route {} started", id);
                    routes.startRoute(id);
                }
            } catch (Exception e) {
                LOG.error("Could not change intake route {}: {}", id, e.toString());
            }
        }
    }
}
