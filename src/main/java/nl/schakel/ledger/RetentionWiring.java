package nl.schakel.ledger;

import nl.schakel.Clocks;
import nl.schakel.health.ClockHealthCheck;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.PropertiesComponent;

import java.nio.file.Path;
import java.time.Duration;

/** Wires retention with its clock watch, the watch's own looks and the clock health check. */
public final class RetentionWiring {
    private RetentionWiring() {
    }

    /**
     * Retention of the quarantine under the data folder and of the ledger, by schakel.quarantine.retention-days,
     * schakel.ledger.retention-days, with a clock watch of tolerance schakel.clock.jump-tolerance-ms that
     * also looks every schakel.clock.check-interval-ms once the context has started.
     */
    public static Retention retention(CamelContext context, PropertiesComponent props, Ledger ledger, Path dataDir, Clocks clocks) throws Exception {
        ClockWatch watch = new ClockWatch(ledger, clocks.wall(), clocks.monotonicNanos(),
                Duration.ofMillis(Long.parseLong(setting(props, "schakel.clock.jump-tolerance-ms"))));
        long interval = Long.parseLong(setting(props, "schakel.clock.check-interval-ms"));
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health != null) {
            health.register(new ClockHealthCheck(ledger));
        }
        context.addStartupListener(new ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
                // the watch looks once the gateway runs
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext ctx, boolean alreadyStarted) {
                watch.start(ctx, interval);
            }
        });
        return new Retention(ledger, dataDir.resolve("quarantine"), Duration.ofDays(Long.parseLong(setting(props, "schakel.quarantine.retention-days"))),
                Duration.ofDays(Long.parseLong(setting(props, "schakel.ledger.retention-days"))), watch);
    }

    private static String setting(PropertiesComponent props, String key) {
        return props.resolveProperty(key).orElseThrow(() -> new IllegalArgumentException("missing setting " + key));
    }
}
