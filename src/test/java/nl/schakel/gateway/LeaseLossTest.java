package nl.schakel.gateway;

import nl.schakel.ledger.Ledger;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway holds a lease in its ledger (docs/RELIABILITY.md, "More than one instance"). When it
 * finds the lease gone (as after a long pause of the process) it pauses its work, takes a new epoch
 * and goes on: a dossier dropped afterwards is claimed under the new epoch and delivered.
 */
class LeaseLossTest extends GatewayTestSupport {
    @Override
    protected Properties extraProperties() {
        return properties("schakel.instance.lease-ms", "10000", "schakel.instance.renew-interval-ms", "200");
    }

    @Test
    void a_gateway_that_lost_its_lease_takes_a_new_epoch_and_delivers_under_it() throws Exception {
        Ledger ledger = context.getRegistry().lookupByNameAndType("ledger", Ledger.class);
        long before = ledger.lease().orElseThrow().epoch();
        assertThat(before).isPositive();

        // the lease runs out by the database's clock, as if the process had been paused longer than the lease
        try (Connection c = ledger.dataSource().getConnection(); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("UPDATE gateway_instance SET lease_until = CURRENT_TIMESTAMP - INTERVAL '1' SECOND")).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> ledger.lease().orElseThrow().epoch() > before);
        long after = ledger.lease().orElseThrow().epoch();

        drop("30AA00", "after.xml", Files.readString(EXAMPLES.resolve("isk-to-vo.xml")).replace("ISK30AA-2026-0001", "LEASE-AFTER").getBytes());
        awaitFiles(outbox("30AB00"), "dossier-*LEASE-AFTER.xml", 1);
        try (Connection c = ledger.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT owner_epoch FROM accepted_message WHERE message_id = 'LEASE-AFTER'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isGreaterThanOrEqualTo(after);
        }
    }
}
