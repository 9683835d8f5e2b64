package nl.schakel.delivery;

import nl.schakel.DataFolder;
import nl.schakel.ledger.LeaseExpiredException;
import nl.schakel.ledger.H2Ledgers;
import nl.schakel.ledger.Ledger;
import nl.schakel.message.Headers;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An instance whose lease ran out while it was writing a delivery (a gateway paused past its lease:
 * another instance may have delivered the message meanwhile) records nothing, renames nothing and
 * leaves no temporary file behind in the receiver's outbox.
 */
class OutboxLeaseTest {
    @TempDir
    Path data;

    @Test
    void a_delivery_refused_for_an_expired_lease_leaves_nothing_in_the_outbox() throws Exception {
        JdbcDataSource ds = H2Ledgers.dataSource(data);
        Ledger ledger = new Ledger(ds, Clock.systemUTC()).withLease("gw-paused", Duration.ofMinutes(1));
        assertThat(ledger.check()).isTrue();
        ledger.takeLease();
        DataFolder folders = new DataFolder(data.resolve("data"), "rwx------", "rw-------");
        Path outbox = folders.exchangeFolder("outbox", "30AB00");
        // the lease runs out by the database's clock, as after a pause longer than the lease
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("UPDATE gateway_instance SET lease_until = CURRENT_TIMESTAMP - INTERVAL '1' SECOND")).isEqualTo(1);
        }

        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setBody("<transferDossier/>".getBytes());
        exchange.getIn().setHeader(Headers.TYPE, "dossier");
        exchange.getIn().setHeader(Headers.SENDER, "30AA00");
        exchange.getIn().setHeader(Headers.MESSAGE_ID, "ISK30AA-2026-0001");
        exchange.getIn().setHeader(Headers.TRANSFER_ID, "R-1");
        Outbox deliveries = new Outbox(ledger, folders);

        assertThatThrownBy(() -> deliveries.deliver(exchange, "30AB00")).isInstanceOf(LeaseExpiredException.class);
        try (Stream<Path> files = Files.list(outbox)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).as("files in the outbox").isEmpty();
        }
    }
}
