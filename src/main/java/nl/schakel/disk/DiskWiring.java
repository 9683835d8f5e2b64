package nl.schakel.disk;

import nl.schakel.AfterStart;
import nl.schakel.RoutePauses;
import nl.schakel.Settings;
import nl.schakel.broker.EmbeddedBroker;
import nl.schakel.health.DiskHealthCheck;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;

import java.nio.file.Path;
import java.util.function.Predicate;

/** Wires the disk guard: the broker's disk limits, the guard, its health check and the broker's refusal. */
public final class DiskWiring {
    /** Routes that write into the data folder: file intake, queue intake, delivery to outboxes, dead letters. */
    static final Predicate<String> WRITING = RoutePauses.WORK_ROUTES;
    /** Routes that send to the broker; delivery only consumes, and drains the broker's disk. */
    static final Predicate<String> SENDING = id -> id.startsWith("intake-file-") || id.startsWith("intake-queue") || id.equals("dead-letters");

    private DiskWiring() {
    }

    /** The embedded broker's disk monitoring: schakel.broker.max-disk-usage, schakel.broker.min-disk-free, schakel.disk.check-interval-ms. */
    public static EmbeddedBroker.DiskLimits brokerLimits(Settings settings) {
        DiskGuard.Settings s = settings(settings);
        return new EmbeddedBroker.DiskLimits(s.brokerMaxDiskUsage(), s.brokerMinDiskFree(), settings.integer("schakel.disk.check-interval-ms"));
    }

    static DiskGuard.Settings settings(Settings settings) {
        return new DiskGuard.Settings(settings.number("schakel.disk.min-free-bytes"),
                settings.optional("schakel.broker.max-disk-usage").map(v -> Integer.parseInt(v.trim())).orElse(-1),
                settings.optional("schakel.broker.min-disk-free").map(v -> Long.parseLong(v.trim())).orElse(-1L));
    }

    /**
     * The disk guard of this gateway, bound as {@code diskGuard}: it looks once now (so intake does
     * not start on a full disk) and then every schakel.disk.check-interval-ms once the context has
     * started. Call after the broker has started and after the gateway's own start-up listener.
     */
    public static DiskGuard install(CamelContext context, Settings settings, Path dataDir) throws Exception {
        EmbeddedBroker broker = context.getRegistry().lookupByNameAndType("broker", EmbeddedBroker.class);
        long interval = settings.number("schakel.disk.check-interval-ms");
        // read at every look: an operator may change them while the gateway runs
        DiskGuard guard = new DiskGuard(dataDir, () -> settings(settings), broker, WRITING, SENDING);
        if (guard.check(context).problem().isPresent()) {
            // intake starts when there is room again
            settings.override("schakel.intake.auto-startup", "false");
        }
        if (broker != null) {
            broker.refuseInboundWhile(guard::refusal);
        }
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health != null) {
            health.register(new DiskHealthCheck(guard::state));
        }
        context.getRegistry().bind("diskGuard", guard);
        // every route, from templates too, is there once the context has fully started
        AfterStart.run(context, ctx -> guard.start(ctx, interval));
        return guard;
    }
}
