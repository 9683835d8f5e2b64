package nl.schakel;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.spi.RouteController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Routes paused while something they need is missing: the ledger's database, room on the disk.
 * Each guard holds its own reason for the routes it guards, or releases it; a route runs again only
 * when no reason holds it any more, so one guard never resumes what another still needs paused. Only
 * routes paused here are resumed: a route an operator stopped or suspended stays so. One per Camel
 * context, shared by the guards ({@link #of}).
 */
public final class RoutePauses {
    /** The routes that do the work and write to the ledger and the data folder: intake, delivery, dead letters. */
    public static final java.util.function.Predicate<String> WORK_ROUTES = id -> id.startsWith("intake-file-") || id.equals("intake-queue")
            || id.startsWith("delivery-file-") || id.equals("dead-letters") || id.equals("pickups") || id.equals(RoutePauses.HTTP_INTAKE);
    /**
     * The HTTP API's submissions, held by the same guards as the other channels' intake: no route has
     * this id (the API's routes keep answering), but while a guard holds it the API answers 503.
     */
    public static final String HTTP_INTAKE = "intake-http";

    private static final Logger LOG = LoggerFactory.getLogger(RoutePauses.class);
    private static final String BEAN = "schakelRoutePauses";

    /** The routes each guard guards, by reason, and why those that hold now hold. */
    private final Map<String, Predicate<String>> guards = new ConcurrentHashMap<>();
    private final Map<String, String> holding = new ConcurrentHashMap<>();
    /** Routes paused here, or found not started at start (held back by schakel.intake.auto-startup=false). */
    private final Set<String> paused = ConcurrentHashMap.newKeySet();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    /** The pauses of this context, made on first use. */
    public static RoutePauses of(CamelContext context) {
        synchronized (context) {
            RoutePauses pauses = context.getRegistry().lookupByNameAndType(BEAN, RoutePauses.class);
            if (pauses == null) {
                pauses = new RoutePauses();
                context.getRegistry().bind(BEAN, RoutePauses.class, pauses);
            }
            return pauses;
        }
    }

    /**
     * Holds the routes a guard guards for a reason ({@code why} says it in the log), or releases
     * them ({@code why} null), and brings every guarded route in line.
     */
    public synchronized void set(CamelContext context, String reason, Predicate<String> routes, String why) {
        guards.put(reason, routes);
        if (why == null) {
            holding.remove(reason);
        } else {
            holding.put(reason, why);
        }
        apply(context);
    }

    /** Why a route is held, when it is. */
    public Optional<String> why(String routeId) {
        return holding.entrySet().stream().filter(h -> guards.get(h.getKey()).test(routeId)).map(Map.Entry::getValue).sorted().findFirst();
    }

    private void apply(CamelContext context) {
        RouteController routes = context.getRouteController();
        for (Route route : context.getRoutes()) {
            String id = route.getRouteId();
            if (guards.values().stream().noneMatch(g -> g.test(id))) {
                continue;
            }
            ServiceStatus status = routes.getRouteStatus(id);
            // not started at start because something was missing (schakel.intake.auto-startup=false)
            if (seen.add(id) && status == ServiceStatus.Stopped && Boolean.FALSE.equals(route.isAutoStartup())) {
                paused.add(id);
            }
            Optional<String> why = why(id);
            try {
                if (why.isPresent() && status == ServiceStatus.Started) {
                    LOG.warn("{}: route {} suspended until it returns", why.get(), id);
                    paused.add(id);
                    routes.suspendRoute(id);
                } else if (why.isEmpty() && status == ServiceStatus.Suspended && paused.remove(id)) {
                    LOG.info("Route {} resumed", id);
                    routes.resumeRoute(id);
                } else if (why.isEmpty() && status == ServiceStatus.Stopped && paused.remove(id)) {
                    LOG.info("Route {} started", id);
                    routes.startRoute(id);
                }
            } catch (Exception e) {
                LOG.error("Could not change route {}: {}", id, e.toString());
            }
        }
    }
}
