package nl.schakel.intake;

import nl.schakel.ledger.ClaimHeldException;
import nl.schakel.ledger.LeaseExpiredException;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which exhausted file failures end in a FAILED receipt, and which leave the file for a later poll. */
class FailuresTest {
    private final Failures failures = new Failures(null, null, null);

    @Test
    void a_file_whose_last_attempt_failed_on_the_lease_or_another_instances_claim_is_left_for_later() {
        assertThat(failures.leftForLater(failedWith(new LeaseExpiredException("gw-a", 3)))).isTrue();
        // wrapped, as a bean invocation wraps it
        assertThat(failures.leftForLater(failedWith(new org.apache.camel.RuntimeCamelException(new LeaseExpiredException("gw-a", 3))))).isTrue();
        assertThat(failures.leftForLater(failedWith(new ClaimHeldException()))).isTrue();
    }

    @Test
    void a_file_whose_last_attempt_failed_for_another_reason_ends_in_a_failed_receipt() {
        assertThat(failures.leftForLater(failedWith(new IOException("disk")))).isFalse();
        assertThat(failures.leftForLater(failedWith(new IllegalStateException("x", new IOException("y"))))).isFalse();
        assertThat(failures.leftForLater(new DefaultExchange(new DefaultCamelContext()))).isFalse();
    }

    @Test
    void a_file_whose_transfer_was_forwarded_already_gets_no_failed_receipt_after_a_later_failure() throws Exception {
        javax.sql.DataSource db = new org.h2.jdbcx.JdbcDataSource();
        java.nio.file.Path folder = java.nio.file.Files.createTempDirectory("schakel-failures-");
        ((org.h2.jdbcx.JdbcDataSource) db).setURL("jdbc:h2:file:" + folder.resolve("ledger"));
        nl.schakel.ledger.Ledger ledger = new nl.schakel.ledger.Ledger(db, java.time.Clock.systemUTC());
        ledger.migrate();
        ledger.recordIntake(new nl.schakel.ledger.Transfer("R-1", "M-1", "30AA00", "30AB00", "ISK", "VO", "Nijmegen", "Nijmegen",
                "transfer-dossier-v1", "ISK_TO_VO", "file", "30AA00", 100L, nl.schakel.ledger.Status.ACCEPTED, null, null), java.util.List.of());
        Failures withLedger = new Failures(ledger, null, null);
        Exchange exchange = failedWith(new IOException("broker connection lost"));
        exchange.setProperty("schakelTransferId", "R-1");
        assertThat(withLedger.leftForLater(exchange)).as("accepted, not yet sent: FAILED").isFalse();

        ledger.claim("30AA00", "M-1", "R-1");
        ledger.markQueued("30AA00", "M-1", "R-1", "inbox.30AB00", java.time.OffsetDateTime.now());
        assertThat(withLedger.leftForLater(exchange)).as("sent by an instance that took the file over").isTrue();
    }

    private static Exchange failedWith(Throwable t) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, t);
        return exchange;
    }
}
