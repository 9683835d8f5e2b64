package nl.schakel.health;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Route;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRepository;
import org.apache.camel.impl.health.RouteHealthCheck;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Camel's own check of every route ({@code camel/route:<id>}: DOWN while the route is stopped), as a
 * readiness check only. A route the ledger, disk or an operator paused means the gateway is not
 * ready, not that the process must be restarted: liveness stays UP. Replaces Camel's "routes"
 * repository (camel.health.routes-enabled=false), whose checks count for liveness too.
 */
public final class RouteReadinessChecks implements HealthCheckRepository, CamelContextAware {
    private final Map<Route, HealthCheck> checks = new ConcurrentHashMap<>();
    private CamelContext context;
    private boolean enabled = true;

    @Override
    public String getId() {
        return "schakel-routes";
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    @Override
    public void setCamelContext(CamelContext context) {
        this.context = context;
    }

    @Override
    public Stream<HealthCheck> stream() {
        if (context == null || !enabled) {
            return Stream.empty();
        }
        // a route removed (a template route re-added) drops its check
        checks.keySet().retainAll(context.getRoutes());
        return context.getRoutes().stream().filter(r -> r.getId() != null).map(r -> checks.computeIfAbsent(r, route -> {
            RouteHealthCheck check = new RouteHealthCheck(route) {
                @Override
                public boolean isLiveness() {
                    return false;
                }
            };
            check.setCamelContext(route.getCamelContext());
            return check;
        }));
    }
}
