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

    private static Exchange failedWith(Throwable t) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, t);
        return exchange;
    }
}
