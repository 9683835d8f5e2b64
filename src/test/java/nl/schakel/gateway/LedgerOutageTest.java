package nl.schakel.gateway;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The ledger on a real PostgreSQL server that goes away while the gateway runs: intake and
 * delivery pause (health DOWN says why), nothing is lost, and work resumes when it returns.
 */
class LedgerOutageTest extends GatewayTestSupport {
    private static Path pgData;
    private static int pgPort;
    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        pgData = Files.createTempDirectory("schakel-pg-");
        try (ServerSocket s = new ServerSocket(0)) {
            pgPort = s.getLocalPort();
        }
        postgres = startPostgresOnItsData();
    }

    private static EmbeddedPostgres startPostgresOnItsData() throws Exception {
        return EmbeddedPostgres.builder().setPort(pgPort).setDataDirectory(pgData).setCleanDataDirectory(false).start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    protected Properties extraProperties() {
        return properties("schakel.ledger.url", "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres", "schakel.ledger.user", "postgres",
                "schakel.ledger.check-interval-ms", "200");
    }

    @Test
    void intake_waits_while_the_database_is_away_and_delivers_when_it_returns() throws Exception {
        drop("30AA00", "before.xml", Files.readString(EXAMPLES.resolve("isk-to-vo.xml")).replace("ISK30AA-2026-0001", "PG-BEFORE").getBytes());
        awaitFiles(outbox("30AB00"), "dossier-*PG-BEFORE.xml", 1);

        postgres.close();
        postgres = null;
        await().atMost(Duration.ofSeconds(20)).until(() -> context.getRouteController().getRouteStatus("intake-file-30AA00") == ServiceStatus.Suspended);
        assertThat(health()).contains("\"status\":\"DOWN\"", "Ledger database unavailable");

        drop("30AA00", "during.xml", Files.readString(EXAMPLES.resolve("isk-to-vo.xml")).replace("ISK30AA-2026-0001", "PG-DURING").getBytes());
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> Files.exists(inbox("30AA00").resolve("during.xml")));
        assertThat(files(outbox("30AB00"), "dossier-*PG-DURING.xml")).isEmpty();

        postgres = startPostgresOnItsData();
        awaitFiles(outbox("30AB00"), "dossier-*PG-DURING.xml", 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> health().contains("\"status\":\"UP\""));
        assertThat(files(quarantine("30AA00"), "*")).isEmpty();
        assertThat(broker().messageCount("DLQ.inbox.30AB00")).isLessThanOrEqualTo(0);
    }
}
