package nl.schakel.console;

import nl.schakel.RoutePauses;
import nl.schakel.broker.EmbeddedBroker;
import nl.schakel.directory.Directory;
import nl.schakel.directory.Institution;
import nl.schakel.ledger.Ledger;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The gateway at a glance, in its own terms: every route with its state and counters, every
 * institution with its channel and what waits for it, the dead letters and the quarantine, and
 * whether the gateway is ready. Codes, counts and times only.
 */
public final class Overview {
    public record RouteState(String id, String state, long exchangesTotal, long exchangesFailed, long exchangesInflight, long meanTimeMs,
                             long maxTimeMs, OffsetDateTime lastFailureAt, String heldBecause, boolean suspendedByOperator) {
    }

    public record InstitutionState(String code, String name, String kind, String region, String channel, String format, Integer inboxFiles,
                                   long waitingMessages, OffsetDateTime oldestWaitingAt, Long oldestWaitingSeconds, boolean intakeSuspended) {
    }

    public record Health(String status, List<String> problems) {
    }

    public record Answer(OffsetDateTime generatedAt, Health health, long deadLetters, long quarantined, List<RouteState> routes,
                         List<InstitutionState> institutions) {
    }

    private final CamelContext context;
    private final Directory directory;
    private final Ledger ledger;
    private final EmbeddedBroker broker;
    private final Path dataDir;
    private final Suspensions suspensions;
    private final List<String> dossierTypes;
    private final Clock clock;

    /** Waiting messages are dossiers of these types (what a receiver picks up). */
    public Overview(CamelContext context, Directory directory, Ledger ledger, EmbeddedBroker broker, Path dataDir, Suspensions suspensions,
                    List<String> dossierTypes, Clock clock) {
        this.dossierTypes = List.copyOf(dossierTypes);
        this.context = context;
        this.directory = directory;
        this.ledger = ledger;
        this.broker = broker;
        this.dataDir = dataDir;
        this.suspensions = suspensions;
        this.clock = clock;
    }

    public Answer now() throws IOException {
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        return new Answer(now, health(), broker == null ? 0 : broker.deadLetterCount(), countQuarantined(), routes(), institutions(now));
    }

    private List<RouteState> routes() {
        ManagedCamelContext managed = context.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class);
        RoutePauses pauses = RoutePauses.of(context);
        List<RouteState> routes = new ArrayList<>();
        for (Route route : context.getRoutes().stream().sorted(Comparator.comparing(Route::getRouteId)).toList()) {
            String id = route.getRouteId();
            ManagedRouteMBean stats = managed == null ? null : managed.getManagedRoute(id);
            String state = String.valueOf(context.getRouteController().getRouteStatus(id));
            if (stats == null) {
                routes.add(new RouteState(id, state, 0, 0, 0, 0, 0, null, pauses.why(id).orElse(null), suspensions.isRouteSuspended(id)));
                continue;
            }
            java.util.Date lastFailure = stats.getLastExchangeFailureTimestamp();
            routes.add(new RouteState(id, state, stats.getExchangesTotal(), stats.getExchangesFailed(), stats.getExchangesInflight(),
                    stats.getMeanProcessingTime(), Math.max(0, stats.getMaxProcessingTime()),
                    lastFailure == null ? null : lastFailure.toInstant().atOffset(ZoneOffset.UTC), pauses.why(id).orElse(null),
                    suspensions.isRouteSuspended(id)));
        }
        return routes;
    }

    private List<InstitutionState> institutions(OffsetDateTime now) throws IOException {
        Map<String, OffsetDateTime> oldest = ledger.oldestUndelivered(dossierTypes);
        List<InstitutionState> all = new ArrayList<>();
        for (Institution i : directory.all()) {
            boolean file = i.channel() == Institution.Channel.FILE;
            OffsetDateTime waitingSince = oldest.get(i.code());
            long waiting = broker == null ? -1 : Math.max(0, broker.messageCount("inbox." + i.code()));
            all.add(new InstitutionState(i.code(), i.name(), i.kind().value(), i.region(), i.channel().name().toLowerCase(Locale.ROOT),
                    i.format().name().toLowerCase(Locale.ROOT), file ? countFiles(dataDir.resolve("inbox").resolve(i.code())) : null, waiting,
                    waitingSince, waitingSince == null ? null : Math.max(0, Duration.between(waitingSince, now).toSeconds()),
                    suspensions.isIntakeSuspended(i.code())));
        }
        return all;
    }

    /** Files waiting in an inbox, also in its receiver folders (inbox/&lt;code&gt;/&lt;receiver&gt;/, for OSO dossiers). */
    private static Integer countFiles(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(folder, 2)) {
            return (int) files.filter(f -> !f.equals(folder) && !f.getFileName().toString().startsWith(".")
                    && Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)).count();
        }
    }

    private long countQuarantined() throws IOException {
        Path root = dataDir.resolve("quarantine");
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(root, 2)) {
            return files.filter(f -> f.getFileName().toString().matches(".+\\.receipt\\.(xml|json)")).count();
        }
    }

    private Health health() {
        Collection<HealthCheck.Result> results = HealthCheckHelper.invokeReadiness(context);
        List<String> problems = new ArrayList<>();
        boolean up = true;
        for (HealthCheck.Result r : results) {
            if (r.getState() == HealthCheck.State.DOWN) {
                up = false;
                problems.add(r.getCheck().getId() + (r.getMessage().isPresent() ? ": " + r.getMessage().get() : ""));
            }
        }
        return new Health(up ? "UP" : "DOWN", problems);
    }
}
