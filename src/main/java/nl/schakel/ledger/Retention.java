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
import java.util.stream.Stream;

/**
 * Keeps data only as long as needed: quarantined files (and their receipts) are deleted after
 * the quarantine period, ledger rows after the ledger period. Run by the retention route.
 */
public final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    private final Ledger ledger;
    private final Path quarantine;
    private final Duration quarantinePeriod;
    private final Duration ledgerPeriod;
    private final Clock clock;

    public Retention(Ledger ledger, Path quarantine, Duration quarantinePeriod, Duration ledgerPeriod, Clock clock) {
        this.ledger = ledger;
        this.quarantine = quarantine;
        this.quarantinePeriod = quarantinePeriod;
        this.ledgerPeriod = ledgerPeriod;
        this.clock = clock;
    }

    /** One pass; returns the number of quarantined files and ledger rows deleted. */
    public int[] run() throws IOException {
        FileTime quarantineCutoff = FileTime.from(clock.instant().minus(quarantinePeriod));
        int files = 0;
        if (Files.isDirectory(quarantine)) {
            List<Path> expired;
            try (Stream<Path> all = Files.walk(quarantine)) {
                expired = all.filter(Files::isRegularFile).filter(p -> modified(p).compareTo(quarantineCutoff) < 0).toList();
            }
            for (Path p : expired) {
                Files.deleteIfExists(p);
                files++;
            }
        }
        int rows = ledger.purgeOlderThan(OffsetDateTime.now(clock).minus(ledgerPeriod));
        LOG.info("Retention: deleted {} quarantined files older than {} days and {} ledger transfers older than {} days",
                files, quarantinePeriod.toDays(), rows, ledgerPeriod.toDays());
        return new int[] {files, rows};
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(Long.MAX_VALUE);
        }
    }
}
