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

    /** The guard over every route that writes to the ledger: intake, delivery and dead letters. */
    public static LedgerGuard guard(Ledger ledger) {
        return new LedgerGuard(ledger, nl.schakel.RoutePauses.WORK_ROUTES);
    }
}
