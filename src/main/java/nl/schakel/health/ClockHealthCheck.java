package nl.schakel.health;

import nl.schakel.ledger.ClockJump;
import nl.schakel.ledger.ClockWatch;
import nl.schakel.ledger.Ledger;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Readiness: DOWN while a forward jump of the wall clock waits for an operator to acknowledge it
 * (Ledger.acknowledgeClockJumps()); the jumps retention still allows for are in the details. The
 * gateway works on meanwhile: retention keeps what was recorded before a jump that much longer.
 */
public final class ClockHealthCheck extends AbstractHealthCheck {
    private final Ledger ledger;

    public ClockHealthCheck(Ledger ledger) {
        super("schakel", "clock");
        this.ledger = ledger;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        List<ClockJump> jumps;
        if (!ledger.isAvailable()) {
            // the ledger's own check says why it is away
            builder.detail("clock.jumps", "unknown").up();
            return;
        }
        try {
            jumps = ledger.clockJumps();
        } catch (RuntimeException e) {
            // the ledger's own check says why it is away
            builder.detail("clock.jumps", "unknown").up();
            return;
        }
        Duration allowance = jumps.stream().map(ClockJump::size).reduce(Duration.ZERO, Duration::plus);
        builder.detail("clock.jumps", jumps.size());
        builder.detail("clock.retention-extension-days", allowance.toDays());
        List<ClockJump> unseen = jumps.stream().filter(j -> j.acknowledgedAt() == null).toList();
        if (unseen.isEmpty()) {
            builder.up();
            return;
        }
        ClockJump last = unseen.get(unseen.size() - 1);
        builder.message("The wall clock jumped " + ClockWatch.words(last.size()) + " ahead of the time that passed (at " + last.after()
                + (unseen.size() > 1 ? ", and " + (unseen.size() - 1) + " more" : "") + "): ledger rows recorded before are kept that"
                + " much longer, so no message id is forgotten early. Check the clock's time source, then acknowledge with"
                + " Ledger.acknowledgeClockJumps()").down();
    }
}
