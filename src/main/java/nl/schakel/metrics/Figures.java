package nl.schakel.metrics;

import nl.schakel.ledger.Ledger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * The figures behind the gauges that cost work: the oldest undelivered dossier per receiver (one
 * grouped query on the ledger), the quarantine's files and bytes (a walk over the folder) and the
 * data folder's free space. {@link #refresh()} takes them on an interval; a scrape reads what the
 * last refresh took. An age is counted up to the scrape from the cached time received.
 */
final class Figures {
    private static final Logger LOG = LoggerFactory.getLogger(Figures.class);
    private final Ledger ledger;
    private final List<String> dossierTypes;
    private final Path dataDir;
    private final long minFreeBytes;
    private final Clock clock;
    private volatile Map<String, OffsetDateTime> oldestUndelivered = Map.of();
    private volatile long quarantineFiles;
    private volatile long quarantineBytes;
    private volatile long dataFreeBytes = -1;
    private volatile Instant takenAt;

    /** The clock is the ledger's, whose times received the ages are counted from. */
    Figures(Ledger ledger, List<String> dossierTypes, Path dataDir, long minFreeBytes, Clock clock) {
        this.clock = clock;
        this.ledger = ledger;
        this.dossierTypes = List.copyOf(dossierTypes);
        this.dataDir = dataDir;
        this.minFreeBytes = minFreeBytes;
    }

    /** Takes every figure anew; one that cannot be taken keeps its last value (the ledger's own check says why). */
    void refresh() {
        try {
            if (ledger.isAvailable()) {
                oldestUndelivered = Map.copyOf(ledger.oldestUndelivered(dossierTypes));
            }
        } catch (RuntimeException e) {
            LOG.debug("Oldest undelivered transfers not refreshed: {}", e.getClass().getSimpleName());
        }
        try {
            long[] quarantine = walk(dataDir.resolve("quarantine"));
            quarantineFiles = quarantine[0];
            quarantineBytes = quarantine[1];
            dataFreeBytes = Files.getFileStore(dataDir).getUsableSpace();
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Quarantine and disk figures not refreshed: {}", e.getClass().getSimpleName());
        }
        takenAt = clock.instant();
    }

    /** Regular files and their bytes under a folder (0, 0 when it does not exist); never follows a link. */
    static long[] walk(Path folder) throws IOException {
        long[] figures = new long[2];
        if (!Files.isDirectory(folder)) {
            return figures;
        }
        Files.walkFileTree(folder, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    figures[0]++;
                    figures[1] += attrs.size();
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                // removed by retention meanwhile
                return FileVisitResult.CONTINUE;
            }
        });
        return figures;
    }

    double oldestUndeliveredSeconds(String institution) {
        OffsetDateTime oldest = oldestUndelivered.get(institution);
        return oldest == null ? 0 : Math.max(0, (clock.millis() - oldest.toInstant().toEpochMilli()) / 1000.0);
    }

    long quarantineFiles() {
        return quarantineFiles;
    }

    long quarantineBytes() {
        return quarantineBytes;
    }

    /** NaN until the first refresh. */
    double dataFreeBytes() {
        return dataFreeBytes < 0 ? Double.NaN : dataFreeBytes;
    }

    long dataMinFreeBytes() {
        return minFreeBytes;
    }

    double ageSeconds() {
        Instant at = takenAt;
        return at == null ? Double.NaN : (clock.millis() - at.toEpochMilli()) / 1000.0;
    }
}
