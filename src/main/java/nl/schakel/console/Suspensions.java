package nl.schakel.console;

import nl.schakel.RoutePauses;
import nl.schakel.broker.EmbeddedBroker;
import nl.schakel.directory.Directory;
import nl.schakel.directory.Institution;
import nl.schakel.ledger.Ledger;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What operators suspend and resume: a route, or one institution's intake (during a school's
 * maintenance, say). A file-channel institution's inbox poller is suspended (its files wait in the
 * inbox); a queue-channel institution's sends to gateway.inbound are refused at the broker with a
 * clear error (its messages wait at the school). Suspensions are recorded in the ledger and hold
 * across restarts; they go through {@link RoutePauses}, so a guard (ledger, disk) never resumes what
 * an operator suspended, and an operator's resume never overrides a guard.
 */
public final class Suspensions {
    private static final Logger LOG = LoggerFactory.getLogger(Suspensions.class);
    private static final String ROUTE = "route:";
    private static final String INSTITUTION = "institution:";
    private static final String UNKNOWN = "operator-suspensions-unknown";
    private static final int RETRY_SECONDS = 2;

    private final CamelContext context;
    private final Ledger ledger;
    private final Directory directory;
    private final Set<String> suspendedSenders = ConcurrentHashMap.newKeySet();
    private final Set<String> operatorRoutes = ConcurrentHashMap.newKeySet();
    private java.util.concurrent.ScheduledExecutorService retry;
    /** False with an external broker (schakel.broker.embedded=false): nothing here can refuse a queue institution's sends. */
    private final boolean refusesAtTheBroker;

    public Suspensions(CamelContext context, Ledger ledger, Directory directory, EmbeddedBroker broker) {
        this.context = context;
        this.ledger = ledger;
        this.directory = directory;
        this.refusesAtTheBroker = broker != null;
        if (broker != null) {
            broker.refuseInboundFrom(user -> user != null && suspendedSenders.contains(user)
                    ? Optional.of("the operator suspended the intake of " + user) : Optional.empty());
        }
    }

    /**
     * Applies what operators suspended before the gateway (re)started. While the ledger cannot say
     * (it is away at start), intake is held, so no suspended school's work slips through meanwhile,
     * and the ledger is asked again every few seconds.
     */
    public synchronized void restore() {
        Set<String> targets;
        try {
            targets = ledger.suspended();
        } catch (RuntimeException e) {
            RoutePauses.of(context).set(context, UNKNOWN, RoutePauses.WORK_ROUTES::test,
                    "operators' suspensions not read yet (" + e.getClass().getSimpleName() + ")");
            if (retry == null) {
                retry = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "suspensions-restore");
            }
            retry.schedule(this::restore, RETRY_SECONDS, TimeUnit.SECONDS);
            return;
        }
        for (String target : targets) {
            if (target.startsWith(ROUTE) && context.getRoute(target.substring(ROUTE.length())) != null) {
                holdRoute(target.substring(ROUTE.length()), "the operator suspended it");
            } else if (target.startsWith(INSTITUTION) && directory.find(target.substring(INSTITUTION.length())).isPresent()) {
                holdInstitution(directory.find(target.substring(INSTITUTION.length())).get(), true);
            }
        }
        RoutePauses.of(context).set(context, UNKNOWN, RoutePauses.WORK_ROUTES::test, null);
        if (retry != null) {
            context.getExecutorServiceManager().shutdown(retry);
            retry = null;
        }
    }

    public String suspendRoute(String routeId, String operator) {
        requireRoute(routeId);
        ledger.setSuspended(ROUTE + routeId, operator, true);
        holdRoute(routeId, "suspended by operator " + operator);
        ledger.recordAction(operator, "suspend-route", routeId, null);
        return "Route " + routeId + " suspended.";
    }

    public String resumeRoute(String routeId, String operator) {
        requireRoute(routeId);
        ledger.setSuspended(ROUTE + routeId, operator, false);
        operatorRoutes.remove(routeId);
        RoutePauses.of(context).set(context, ROUTE + routeId, id -> id.equals(routeId), null);
        ledger.recordAction(operator, "resume-route", routeId, null);
        LOG.info("Operator {} resumed route {}", operator, routeId);
        return RoutePauses.of(context).why(routeId).map(w -> "Route " + routeId + " stays paused: " + w)
                .orElse("Route " + routeId + " resumed.");
    }

    public String suspendIntake(String code, String operator) {
        Institution institution = requireInstitution(code);
        if (institution.channel() == Institution.Channel.QUEUE && !refusesAtTheBroker) {
            // the external brokers know nothing of the gateway's suspensions: say so rather than pretend
            throw new ActionRefused(ActionRefused.Kind.CONFLICT, "with an external broker the gateway cannot refuse the messages of "
                    + code + " (queue channel): disable its login on the brokers instead (deploy/artemis/README.md)");
        }
        ledger.setSuspended(INSTITUTION + code, operator, true);
        holdInstitution(institution, true);
        ledger.recordAction(operator, "suspend-intake", code, null);
        LOG.info("Operator {} suspended the intake of {}", operator, code);
        return "Intake of " + code + " suspended" + (institution.channel() == Institution.Channel.FILE
                ? ": its files wait in its inbox." : ": the broker refuses its messages until it is resumed.");
    }

    public String resumeIntake(String code, String operator) {
        Institution institution = requireInstitution(code);
        ledger.setSuspended(INSTITUTION + code, operator, false);
        holdInstitution(institution, false);
        ledger.recordAction(operator, "resume-intake", code, null);
        LOG.info("Operator {} resumed the intake of {}", operator, code);
        return "Intake of " + code + " resumed.";
    }

    public boolean isRouteSuspended(String routeId) {
        return operatorRoutes.contains(routeId);
    }

    public boolean isIntakeSuspended(String code) {
        return suspendedSenders.contains(code);
    }

    private void holdRoute(String routeId, String why) {
        operatorRoutes.add(routeId);
        RoutePauses.of(context).set(context, ROUTE + routeId, id -> id.equals(routeId), why);
        LOG.info("Route {} held: {}", routeId, why);
    }

    private void holdInstitution(Institution institution, boolean hold) {
        String code = institution.code();
        if (hold) {
            suspendedSenders.add(code);
        } else {
            suspendedSenders.remove(code);
        }
        if (institution.channel() == Institution.Channel.FILE) {
            String intakeRoute = "intake-file-" + code;
            RoutePauses.of(context).set(context, INSTITUTION + code, id -> id.equals(intakeRoute),
                    hold ? "the operator suspended the intake of " + code : null);
        }
    }

    private void requireRoute(String routeId) {
        if (routeId == null || context.getRoute(routeId) == null) {
            throw new ActionRefused(ActionRefused.Kind.NOT_FOUND, "no route " + routeId);
        }
    }

    private Institution requireInstitution(String code) {
        return directory.find(code).orElseThrow(() -> new ActionRefused(ActionRefused.Kind.NOT_FOUND, "no institution " + code));
    }
}
