package nl.schakel.validation;

import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.LoggerFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;

/**
 * Where bodies larger than {@code thresholdBytes} live while the gateway handles them: a folder on
 * disk instead of the heap. Validating a large document still needs memory in proportion to its
 * largest element (the XSD validator checks a base64 attachment as one value), so only
 * {@code concurrentLarge} large documents are validated at once; small ones are never held up.
 */
public final class Spool {
    private final Path directory;
    private final int thresholdBytes;
    private final Semaphore large;

    public Spool(Path directory, int thresholdBytes, int concurrentLarge) {
        if (concurrentLarge < 1) {
            throw new IllegalArgumentException("schakel.large-message-concurrency must be at least 1, not " + concurrentLarge);
        }
        this.directory = directory;
        this.thresholdBytes = thresholdBytes;
        this.large = new Semaphore(concurrentLarge, true);
    }

    /** No spooling: every body is held in memory (tests and tools that validate one document). */
    public static Spool none() {
        return new Spool(null, Integer.MAX_VALUE, 1);
    }

    public int thresholdBytes() {
        return thresholdBytes;
    }

    /** A new, empty file in the spool folder. */
    public Path newFile(String suffix) throws IOException {
        if (directory == null) {
            throw new IllegalStateException("no spool folder configured");
        }
        Files.createDirectories(directory);
        Path file = Files.createFile(directory.resolve(UUID.randomUUID() + suffix));
        nl.schakel.DataFolder.restrictFile(file);
        return file;
    }

    /** Runs work on a large document, waiting while {@code concurrentLarge} others are at it. */
    <T> T exclusively(Callable<T> work) throws Exception {
        large.acquire();
        try {
            return work.call();
        } finally {
            large.release();
        }
    }

    /** Deletes what a previous run left behind (the originals are still in the inbox or on the broker). */
    public int clean() throws IOException {
        if (directory == null || !Files.isDirectory(directory)) {
            return 0;
        }
        int deleted = 0;
        // the real folder, in case the spool is a link to another disk; deepest first, so folders
        // are empty when their turn comes (Camel's stream cache has one)
        Path root = directory.toRealPath();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                boolean file = Files.isRegularFile(f);
                if (!f.equals(root) && Files.deleteIfExists(f) && file) {
                    deleted++;
                }
            }
        }
        return deleted;
    }

    /** Deletes a spool file once the exchange is done, whatever its outcome (a quarantined file has moved already). */
    public static void deleteWhenDone(Exchange exchange, Path file) {
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    LoggerFactory.getLogger(Spool.class).warn("Spool file {} could not be deleted: {}", file.getFileName(), e.getClass().getSimpleName());
                }
            }
        });
    }
}
