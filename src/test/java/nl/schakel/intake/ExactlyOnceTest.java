package nl.schakel.intake;

import nl.schakel.ledger.Ledger;
import org.junit.jupiter.api.Test;

import static nl.schakel.intake.ExactlyOnce.Decision.DUPLICATE;
import static nl.schakel.intake.ExactlyOnce.Decision.SEND;
import static nl.schakel.intake.ExactlyOnce.Decision.SENT_BY_THIS_TRANSFER;
import static org.assertj.core.api.Assertions.assertThat;

class ExactlyOnceTest {

    @Test
    void a_new_or_unconfirmed_claim_is_sent() {
        assertThat(ExactlyOnce.onClaim(new Ledger.Claim(Ledger.Claim.Kind.NEW, "R-1"), "R-1")).isEqualTo(SEND);
        // a crash came between claim and send: the same transfer, or another one, sends again; the broker filters a repeat
        assertThat(ExactlyOnce.onClaim(new Ledger.Claim(Ledger.Claim.Kind.UNCONFIRMED, "R-1"), "R-1")).isEqualTo(SEND);
        assertThat(ExactlyOnce.onClaim(new Ledger.Claim(Ledger.Claim.Kind.UNCONFIRMED, "R-1"), "R-2")).isEqualTo(SEND);
    }

    @Test
    void a_sent_claim_is_a_duplicate_only_for_another_transfer() {
        assertThat(ExactlyOnce.onClaim(new Ledger.Claim(Ledger.Claim.Kind.SENT, "R-1"), "R-1")).isEqualTo(SENT_BY_THIS_TRANSFER);
        assertThat(ExactlyOnce.onClaim(new Ledger.Claim(Ledger.Claim.Kind.SENT, "R-1"), "R-2")).isEqualTo(DUPLICATE);
    }

    @Test
    void a_broker_refusal_is_this_transfers_own_earlier_send_or_a_duplicate() {
        assertThat(ExactlyOnce.onBrokerRefusal(new Ledger.Claim(Ledger.Claim.Kind.UNCONFIRMED, "R-1"), "R-1")).isEqualTo(SENT_BY_THIS_TRANSFER);
        assertThat(ExactlyOnce.onBrokerRefusal(new Ledger.Claim(Ledger.Claim.Kind.UNCONFIRMED, "R-1"), "R-2")).isEqualTo(DUPLICATE);
    }
}
