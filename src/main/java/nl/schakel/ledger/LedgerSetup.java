package nl.schakel.ledger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import nl.schakel.Settings;
import nl.schakel.health.PartHealthCheck;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;

/** Wires the ledger: its database (H2 under the data folder, or schakel.ledger.url), health, and the guard. */
public final class LedgerSetup {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerSetup.class);

    private LedgerSetup() {
    }

    /** The ledger on H2 under the data folder, or the database at schakel.ledger.url, migrated when reachable. */
    public static Ledger open(Settings settings, Path dataDir, Clock clock) {
        HikariConfig pool = new HikariConfig();
        // H2 writes commits to its file within half a second (WRITE_DELAY): a killed gateway may lose that
        // much; WRITE_DELAY=0 would keep them but grows the file by a chunk per commit (1.5 GB for 90,000
        // commits, measured). Where a kill must lose nothing, use PostgreSQL (docs/RELIABILITY.md).
        pool.setJdbcUrl(settings.optional("schakel.ledger.url").orElse("jdbc:h2:file:" + dataDir.resolve("ledger").resolve("schakel")
                + ";DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=64"));
        settings.optional("schakel.ledger.user").ifPresent(pool::setUsername);
        settings.optional("schakel.ledger.password").ifPresent(pool::setPassword);
        pool.setPoolName("ledger");
        pool.setMaximumPoolSize(settings.integer("schakel.ledger.max-connections"));
        pool.setConnectionTimeout(3000);
        pool.setValidationTimeout(2000);
        // start even when the database is away: health says DOWN and intake waits for it
        pool.setInitializationFailTimeout(-1);
        Ledger ledger = new Ledger(new HikariDataSource(pool), clock);
        ledger.check();
        return ledger;
    }

    /** Health, intake held back while the database is away at start, and closing when the gateway stops. */
    public static void use(CamelContext context, Settings settings, Ledger ledger) throws Exception {
        if (!ledger.isAvailable()) {
            LOG.warn("Ledger database unavailable at start ({}): intake waits until it is reachable", ledger.problem().orElse("?"));
            settings.override("schakel.intake.auto-startup", "false");
        }
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health != null) {
            health.register(new PartHealthCheck("ledger", false, ledger::isAvailable,
                    () -> "Ledger database unavailable: " + ledger.problem().orElse("unknown")));
        }
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                ledger.close();
            }
        }, true, true);
    }

    /**
     * This process's lease in the ledger (docs/RELIABILITY.md, "More than one instance"): an instance
     * id (schakel.instance.id, or the host name and a digest of the data folder's path), a lease of
     * schakel.instance.lease-ms by the database's clock, its first epoch taken now when the database is
     * reachable; the keeper renews it once the gateway runs. The id stays the same across restarts of
     * the same installation, so a restart after a crash takes the next epoch at once and the claims the
     * crashed process left can be taken over without waiting for its lease to run out.
     */
    public static LeaseKeeper lease(Settings settings, Ledger ledger, Path dataDir) {
        String id = settings.optional("schakel.instance.id").orElseGet(() -> instanceId(dataDir));
        long length = settings.number("schakel.instance.lease-ms");
        if (settings.number("schakel.instance.renew-interval-ms") * 2 > length) {
            throw new IllegalArgumentException("schakel.instance.renew-interval-ms must be at most half of schakel.instance.lease-ms");
        }
        ledger.withLease(id, java.time.Duration.ofMillis(length));
        if (ledger.isAvailable()) {
            try {
                LOG.info("Gateway instance {} holds epoch {} in the ledger", id, ledger.takeLease());
            } catch (RuntimeException e) {
                LOG.warn("Gateway instance {} took no lease at start ({}): work waits until it has one", id, e.getClass().getSimpleName());
            }
        }
        return new LeaseKeeper(ledger, nl.schakel.RoutePauses.WORK_ROUTES);
    }

    /**
     * The host's name (cut to 40 characters) and 12 hex digits of the SHA-256 of the data folder's
     * absolute path. Two processes on one host with one data folder would share it, and take each
     * other's epoch in turn: they must each set schakel.instance.id.
     */
    static String instanceId(Path dataDir) {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "gateway";
        }
        host = host.replaceAll("[^A-Za-z0-9.-]", "");
        String folder;
        try {
            folder = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(dataDir.toAbsolutePath().normalize().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))).substring(0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return (host.length() > 40 ? host.substring(0, 40) : host) + "-" + folder;
    }

    /** The guard over every route that writes to the ledger: intake, delivery and dead letters. */
    public static LedgerGuard guard(Ledger ledger) {
        return new LedgerGuard(ledger, nl.schakel.RoutePauses.WORK_ROUTES);
    }
}
