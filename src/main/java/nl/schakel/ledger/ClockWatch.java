package nl.schakel.ledger;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Tells a jump of the wall clock from time passing: at each look it compares how far the wall clock
 * went since the last look with how far the monotonic clock went, which never jumps. A wall clock
 * more than the tolerance ahead is a forward jump (a wrong time set by hand or by a time source,
 * or the correction of a clock that was behind): it is logged and recorded in the ledger, and
 * {@link Retention} keeps everything recorded before it that much longer, so a message id inside its
 * duplicate window is never forgotten. A backward jump is only logged: rows recorded after it look
 * older than they are only once the clock is set right again, and that correction is a forward jump.
 * A jump while the gateway is stopped cannot be told from the time it was stopped.
 */
public final class ClockWatch {
    private static final Logger LOG = LoggerFactory.getLogger(ClockWatch.class);
    private final Ledger ledger;
    private final Clock wall;
    private final LongSupplier monotonicNanos;
    private final Duration tolerance;
    private Instant lastWall;
    private long lastMonotonic;
    /** Jumps seen while the ledger could not record them: retention waits for them. */
    private final List<OffsetDateTime[]> unrecorded = new ArrayList<>();
    private ScheduledExecutorService scheduler;

    /** Takes its first look now: jumps are measured from here. */
    public ClockWatch(Ledger ledger, Clock wall, LongSupplier monotonicNanos, Duration tolerance) {
        if (tolerance.isNegative() || tolerance.isZero()) {
            throw new IllegalArgumentException("the clock jump tolerance must be positive, not " + tolerance);
        }
        this.ledger = ledger;
        this.wall = wall;
        this.monotonicNanos = monotonicNanos;
        this.tolerance = tolerance;
        lastWall = wall.instant();
        lastMonotonic = monotonicNanos.getAsLong();
    }

    /** Looks every interval besides the looks retention takes, so a jump is recorded before a restart could hide it. */
    public void start(CamelContext context, long intervalMs) {
        scheduler = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "clock-watch");
        scheduler.scheduleWithFixedDelay(this::look, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    public Clock wall() {
        return wall;
    }

    /**
     * Compares both clocks with the last look and records a forward jump. Returns false while a jump
     * could not be recorded yet (the ledger is away): nothing may be purged meanwhile.
     */
    public synchronized boolean look() {
        Instant now = wall.instant();
        long monotonic = monotonicNanos.getAsLong();
        Instant expected = lastWall.plusNanos(monotonic - lastMonotonic);
        Duration ahead = Duration.between(expected, now);
        if (ahead.compareTo(tolerance) > 0) {
            LOG.warn("The wall clock jumped {} ahead of the time that passed (it shows {}, expected {}): ledger rows recorded before"
                    + " the jump are kept that much longer. Check the clock's time source; acknowledge the jump with Ledger.acknowledgeClockJumps()",
                    words(ahead), now, expected);
            unrecorded.add(new OffsetDateTime[] {OffsetDateTime.ofInstant(expected, ZoneOffset.UTC), OffsetDateTime.ofInstant(now, ZoneOffset.UTC)});
        } else if (ahead.negated().compareTo(tolerance) > 0) {
            LOG.warn("The wall clock went back {} (it shows {}, expected {}): times recorded from now on are that much early", words(ahead.negated()),
                    now, expected);
        }
        lastWall = now;
        lastMonotonic = monotonic;
        try {
            while (!unrecorded.isEmpty()) {
                ledger.recordClockJump(unrecorded.get(0)[0], unrecorded.get(0)[1]);
                unrecorded.remove(0);
            }
        } catch (RuntimeException e) {
            LOG.warn("A clock jump could not be recorded yet ({}); retention waits for it", e.getClass().getSimpleName());
        }
        return unrecorded.isEmpty();
    }

    /** A duration in the largest whole unit that says it: 730 days, 5 hours. */
    public static String words(Duration d) {
        return d.toDays() > 1 ? d.toDays() + " days" : d.toHours() > 1 ? d.toHours() + " hours" : d.toMinutes() + " minutes";
    }
}
