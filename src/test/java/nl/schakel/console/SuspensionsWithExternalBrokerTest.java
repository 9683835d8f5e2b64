package nl.schakel.console;

import nl.schakel.directory.Directory;
import nl.schakel.ledger.H2Ledgers;
import nl.schakel.ledger.Ledger;
import org.apache.camel.impl.DefaultCamelContext;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * With an external broker (schakel.broker.embedded=false) nothing in the gateway can refuse a
 * queue institution's sends: suspending its intake is refused with the reason, instead of
 * answering "suspended" while its messages keep coming.
 */
class SuspensionsWithExternalBrokerTest {
    @TempDir
    Path folder;

    @Test
    void suspending_a_queue_institution_without_the_embedded_broker_is_refused_and_changes_nothing() throws Exception {
        JdbcDataSource ds = H2Ledgers.dataSource(folder);
        Ledger ledger = new Ledger(ds, Clock.systemUTC());
        assertThat(ledger.check()).isTrue();
        Directory directory;
        try (InputStream in = getClass().getResourceAsStream("/demo-directory.yaml")) {
            directory = Directory.read(in, "demo-directory.yaml");
        }
        DefaultCamelContext context = new DefaultCamelContext();
        context.start();
        try {
            Suspensions suspensions = new Suspensions(context, ledger, directory, null);

            assertThatThrownBy(() -> suspensions.suspendIntake("31AA00", "jansen"))
                    .isInstanceOfSatisfying(ActionRefused.class, e -> assertThat(e.kind()).isEqualTo(ActionRefused.Kind.CONFLICT))
                    .hasMessageContaining("external broker").hasMessageContaining("31AA00");
            assertThat(ledger.suspended()).isEmpty();
            // a file-channel institution's poller is the gateway's own: that suspension still works
            assertThat(suspensions.suspendIntake("30AA00", "jansen")).contains("suspended");
            assertThat(ledger.suspended()).containsExactly("institution:30AA00");
        } finally {
            context.stop();
        }
    }
}
