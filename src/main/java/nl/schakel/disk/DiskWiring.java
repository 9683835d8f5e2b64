package nl.schakel.disk;

import nl.schakel.broker.EmbeddedBroker;
import nl.schakel.health.DiskHealthCheck;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.PropertiesComponent;

import java.nio.file.Path;
import java.util.function.Predicate;

/** Wires the disk guard: the broker's disk limits, the guard, its health check and the broker's refusal. */
public final class DiskWiring {
    /** Routes that write into the data folder: file intake, queue intake, delivery to outboxes, dead letters. */
    static final Predicate<String> WRITING = id -> id.startsWith("intake-file-") || id.startsWith("intake-queue")
            || id.startsWith("delivery-file-") || id.equals("dead-letters");
    /** Routes that send to the broker; delivery only consumes, and drains the broker's disk. */
    static final Predicate<String> SENDING = id -> id.startsWith("intake-file-") || id.startsWith("intake-queue") || id.equals("dead-letters");

    private DiskWiring() {
    }

    /** The embedded broker's disk monitoring: schakel.broker.max-disk-usage, schakel.broker.min-disk-free, schakel.disk.check-interval-ms. */
    public static EmbeddedBroker.DiskLimits brokerLimits(PropertiesComponent props) {
        DiskGuard.Settings s = settings(props);
        return new EmbeddedBroker.DiskLimits(s.brokerMaxDiskUsage(), s.brokerMinDiskFree(), Integer.parseInt(setting(props, "schakel.disk.check-interval-ms")));
    }

    static DiskGuard.Settings settings(PropertiesComponent props) {
        return new DiskGuard.Settings(Long.parseLong(setting(props, "schakel.disk.min-free-bytes")),
                props.resolveProperty("schakel.broker.max-disk-usage").filter(v -> !v.isBlank()).map(Integer::parseInt).orElse(-1),
                props.resolveProperty("schakel.broker.min-disk-free").filter(v -> !v.isBlank()).map(Long::parseLong).orElse(-1L));
    }

    /**
     * The disk guard of this gateway, bound as {@code diskGuard}: it looks once now (so intake does
     * not start on a full disk) and then every schakel.disk.check-interval-ms once the context has
     * started. Call after the broker has started and after the gateway's own start-up listener.
     */
    public static DiskGuard install(CamelContext context, PropertiesComponent props, Path dataDir) throws Exception {
        EmbeddedBroker broker = context.getRegistry().lookupByNameAndType("broker", EmbeddedBroker.class);
        long interval = Long.parseLong(setting(props, "schakel.disk.check-interval-ms"));
        // read at every look: an operator may change them while the gateway runs
        DiskGuard guard = new DiskGuard(dataDir, () -> settings(props), broker, WRITING, SENDING);
        if (guard.check(context).problem().isPresent()) {
            // intake starts when there is room again
            props.addOverrideProperty("schakel.intake.auto-startup", "false");
        }
        if (broker != null) {
            broker.refuseInboundWhile(guard::refusal);
        }
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health != null) {
            health.register(new DiskHealthCheck(guard::state));
        }
        context.getRegistry().bind("diskGuard", guard);
        context.addStartupListener(new ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
                // the guard starts once every route, from templates too, is there
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext ctx, boolean alreadyStarted) {
                guard.start(ctx, interval);
            }
        });
        return guard;
    }

    private static String setting(PropertiesComponent props, String key) {
        return props.resolveProperty(key).orElseThrow(() -> new IllegalArgumentException("missing setting " + key));
    }
}
