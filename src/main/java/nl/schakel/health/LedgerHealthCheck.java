package nl.schakel.health;

import nl.schakel.ledger.Ledger;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;

/** UP while the ledger's database answers; DOWN says why. */
public final class LedgerHealthCheck extends AbstractHealthCheck {
    private final Ledger ledger;

    public LedgerHealthCheck(Ledger ledger) {
        super("schakel", "ledger");
        this.ledger = ledger;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (ledger.isAvailable()) {
            builder.up();
        } else {
            builder.message("Ledger database unavailable: " + ledger.problem().orElse("unknown")).down();
        }
    }
}
