package nl.schakel.ledger;

import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * A forward jump of the wall clock: the time it should have shown by the monotonic clock
 * ({@code before}) and the time it showed ({@code after}). Null {@code acknowledgedAt}: no operator
 * has seen it yet.
 */
public record ClockJump(long id, OffsetDateTime before, OffsetDateTime after, OffsetDateTime acknowledgedAt) {
    public Duration size() {
        return Duration.between(before, after);
    }
}
