package nl.schakel.ledger;

import nl.schakel.AfterStart;
import nl.schakel.Clocks;
import nl.schakel.Settings;
import nl.schakel.health.ClockHealthCheck;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;

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
    public static Retention retention(CamelContext context, Settings settings, Ledger ledger, Path dataDir, Clocks clocks) throws Exception {
        ClockWatch watch = new ClockWatch(ledger, clocks.wall(), clocks.monotonicNanos(),
                Duration.ofMillis(settings.number("schakel.clock.jump-tolerance-ms")));
        long interval = settings.number("schakel.clock.check-interval-ms");
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health != null) {
            health.register(new ClockHealthCheck(ledger));
        }
        // the watch looks once the gateway runs
        AfterStart.run(context, ctx -> watch.start(ctx, interval));
        return new Retention(ledger, dataDir.resolve("quarantine"), Duration.ofDays(settings.number("schakel.quarantine.retention-days")),
                Duration.ofDays(settings.number("schakel.ledger.retention-days")), watch);
    }
}
