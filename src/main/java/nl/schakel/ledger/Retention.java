package nl.schakel.ledger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Keeps data only as long as needed: quarantined files (and their receipts) are deleted after
 * the quarantine period, ledger rows after the ledger period. Run by the retention route.
 * <p>
 * Ledger rows hold the claims that make delivery exactly once, so they must not go before their
 * period has really passed, whatever the wall clock does: each forward jump of the wall clock the
 * {@link ClockWatch} saw keeps the rows recorded before it that much longer, until everything
 * recorded before it has expired. While a jump could not be recorded (the ledger was away) no ledger
 * row is purged. Quarantined files (rejected dossiers, with pupil data) are deleted by the wall clock
 * alone: after a forward jump rather too early than too late.
 * <p>
 * Every gateway instance on a shared ledger and data folder runs it, and that is safe: each step
 * deletes only what has expired, by conditions the rows and files carry themselves, so two runs at
 * once delete the same things once (a row or file another run deleted first is simply not there);
 * each instance's clock watch records the jumps it saw, and a jump recorded twice only keeps rows
 * longer. It also forgets dead instances and their unkept file locks after a day.
 */
public final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    /** The tolerance of a retention that watches the clock on its own. */
    public static final Duration DEFAULT_CLOCK_TOLERANCE = Duration.ofHours(1);
    /** A dead instance's lease row and a file lock nobody kept alive are forgotten after this long. */
    static final Duration DEAD_INSTANCES_KEPT = Duration.ofDays(1);
    private final Ledger ledger;
    private final Path quarantine;
    private final Duration quarantinePeriod;
    private final Duration ledgerPeriod;
    private final ClockWatch clockWatch;
    private final Clock clock;

    /** Retention watching the clock on its own, against the monotonic System.nanoTime, from now on. */
    public Retention(Ledger ledger, Path quarantine, Duration quarantinePeriod, Duration ledgerPeriod, Clock clock) {
        this(ledger, quarantine, quarantinePeriod, ledgerPeriod, new ClockWatch(ledger, clock, System::nanoTime, DEFAULT_CLOCK_TOLERANCE));
    }

    public Retention(Ledger ledger, Path quarantine, Duration quarantinePeriod, Duration ledgerPeriod, ClockWatch clockWatch) {
        this.ledger = ledger;
        this.quarantine = quarantine;
        this.quarantinePeriod = quarantinePeriod;
        this.ledgerPeriod = ledgerPeriod;
        this.clockWatch = clockWatch;
        this.clock = clockWatch.wall();
    }

    /** One pass; returns the number of quarantined files and ledger rows deleted. */
    public int[] run() throws IOException {
        boolean jumpsRecorded = clockWatch.look();
        FileTime quarantineCutoff = FileTime.from(clock.instant().minus(quarantinePeriod));
        int files = 0;
        if (Files.isDirectory(quarantine)) {
            List<Path> expired = new java.util.ArrayList<>();
            // another instance's retention may delete files meanwhile: an entry gone under the walk is passed over
            Files.walkFileTree(quarantine, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult visitFile(Path p, java.nio.file.attribute.BasicFileAttributes attributes) {
                    if (attributes.isRegularFile() && attributes.lastModifiedTime().compareTo(quarantineCutoff) < 0) {
                        expired.add(p);
                    }
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFileFailed(Path p, IOException e) {
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
            });
            for (Path p : expired) {
                if (Files.deleteIfExists(p)) {
                    files++;
                }
            }
        }
        if (!jumpsRecorded) {
            LOG.warn("Retention: deleted {} quarantined files older than {} days; no ledger rows, until a clock jump is recorded",
                    files, quarantinePeriod.toDays());
            return new int[] {files, 0};
        }
        List<ClockJump> jumps = ledger.clockJumps();
        Duration allowance = jumps.stream().map(ClockJump::size).reduce(Duration.ZERO, Duration::plus);
        OffsetDateTime cutoff = OffsetDateTime.now(clock).minus(ledgerPeriod).minus(allowance);
        int rows = ledger.purgeOlderThan(cutoff);
        ledger.forgetDeadInstances(DEAD_INSTANCES_KEPT);
        for (ClockJump jump : jumps) {
            // all that was recorded before it is gone, and had its full period
            if (jump.before().isBefore(cutoff)) {
                ledger.forgetClockJump(jump.id());
                LOG.info("Retention: the clock jump of {} at {} no longer keeps anything", ClockWatch.words(jump.size()), jump.after());
            }
        }
        if (jumps.isEmpty()) {
            LOG.info("Retention: deleted {} quarantined files older than {} days and {} ledger transfers older than {} days",
                    files, quarantinePeriod.toDays(), rows, ledgerPeriod.toDays());
        } else {
            LOG.info("Retention: deleted {} quarantined files older than {} days and {} ledger transfers older than {} days plus {}"
                    + " for {} clock jump(s)", files, quarantinePeriod.toDays(), rows, ledgerPeriod.toDays(), ClockWatch.words(allowance), jumps.size());
        }
        return new int[] {files, rows};
    }
}
