package nl.schakel.gateway;

import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** With the ledger's database unreachable at start, the gateway runs, reports DOWN with the reason, and takes no files. */
class LedgerUnreachableAtStartTest extends GatewayTestSupport {

    @Override
    protected Properties extraProperties() {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return properties("schakel.ledger.url", "jdbc:postgresql://127.0.0.1:" + closedPort + "/schakel",
                "schakel.ledger.user", "schakel", "schakel.ledger.check-interval-ms", "200");
    }

    @Test
    void reports_down_with_the_reason_and_leaves_dropped_files_in_the_inbox() throws Exception {
        assertThat(health()).contains("\"status\":\"DOWN\"", "\"name\":\"ledger\"", "Connection refused");
        assertThat(context.getRouteController().getRouteStatus("intake-file-30AA00")).isIn(ServiceStatus.Stopped, ServiceStatus.Suspended);

        drop("30AA00", "isk-to-vo.xml", Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml")));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> Files.exists(inbox("30AA00").resolve("isk-to-vo.xml")));
        assertThat(files(outbox("30AA00"), "*")).isEmpty();
    }
}
