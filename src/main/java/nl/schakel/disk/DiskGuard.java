package nl.schakel.disk;

import nl.schakel.RoutePauses;
import nl.schakel.broker.EmbeddedBroker;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * No work without room on the disk. While the data folder's disk has less free space than its floor
 * ({@code schakel.disk.min-free-bytes}), intake and delivery pause (files wait in the inbox untouched,
 * messages on the broker) and the broker refuses new messages to gateway.inbound, saying why. While
 * the embedded broker's own disk monitor finds its folder's disk beyond its limit
 * ({@code schakel.broker.max-disk-usage} or {@code min-disk-free}), the broker blocks producers and
 * intake pauses; delivery goes on and drains the broker. Work resumes by itself when space returns:
 * the guard looks every {@code schakel.disk.check-interval-ms}, and has the broker look at the same
 * moment, so both agree. It resumes only what it paused ({@link RoutePauses}).
 */
public final class DiskGuard {
    private static final Logger LOG = LoggerFactory.getLogger(DiskGuard.class);
    static final String DATA_FOLDER = "disk-data-folder";
    static final String BROKER = "disk-broker";

    /** What the guard saw at its last look. The broker part is null without an embedded broker. */
    public record State(long dataFreeBytes, long dataTotalBytes, long dataMinFreeBytes, EmbeddedBroker.DiskCheck broker) {
        public boolean dataFolderLow() {
            return dataFreeBytes >= 0 && dataFreeBytes < dataMinFreeBytes;
        }

        public boolean brokerFull() {
            return broker != null && broker.monitored() && broker.full();
        }

        /** Why work waits, with the numbers; empty while there is room. */
        public Optional<String> problem() {
            List<String> why = new ArrayList<>();
            if (dataFolderLow()) {
                why.add("the data folder's disk has " + size(dataFreeBytes) + " free, below schakel.disk.min-free-bytes "
                        + size(dataMinFreeBytes) + ": intake and delivery wait, the broker refuses messages to gateway.inbound");
            }
            if (brokerFull()) {
                why.add(String.format(Locale.ROOT, "the broker's disk is %.1f%% used (%s free of %s), beyond its %s: the broker blocks"
                        + " producers and intake waits", broker.usedPercent(), size(broker.usableBytes()), size(broker.totalBytes()), broker.limit()));
            }
            return why.isEmpty() ? Optional.empty() : Optional.of("Disk nearly full: " + String.join("; ", why));
        }
    }

    /**
     * The limits, read again at every look so an operator can change them while the gateway runs:
     * the data folder's free-space floor, and the broker's disk limits (see {@link EmbeddedBroker.DiskLimits}).
     */
    public record Settings(long minFreeBytes, int brokerMaxDiskUsage, long brokerMinDiskFree) {
        public Settings {
            if (minFreeBytes < 0) {
                throw new IllegalArgumentException("schakel.disk.min-free-bytes must be 0 or more, not " + minFreeBytes);
            }
        }
    }

    private final Path dataFolder;
    private final EmbeddedBroker broker;
    private final Supplier<Settings> settings;
    private final Predicate<String> writingRoutes;
    private final Predicate<String> sendingRoutes;
    /** The broker limits last given to the broker: at start, its own. */
    private Settings applied;
    private volatile State state;
    private ScheduledExecutorService scheduler;

    /**
     * @param writingRoutes the routes that write into the data folder (intake, delivery)
     * @param sendingRoutes the routes that send to the broker (intake)
     */
    public DiskGuard(Path dataFolder, Supplier<Settings> settings, EmbeddedBroker broker, Predicate<String> writingRoutes,
                     Predicate<String> sendingRoutes) {
        this.dataFolder = dataFolder;
        this.settings = settings;
        this.applied = settings.get();
        this.broker = broker;
        this.writingRoutes = writingRoutes;
        this.sendingRoutes = sendingRoutes;
    }

    public void start(CamelContext context, long intervalMs) {
        scheduler = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "disk-guard");
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                check(context);
            } catch (RuntimeException e) {
                // a setting changed to something unreadable, say: the next look tries again
                LOG.error("Disk check failed: {}", e.toString());
            }
        }, 0, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** Looks at both disks now, pauses or resumes the routes, and returns what it saw. */
    public synchronized State check(CamelContext context) {
        State before = state;
        Settings limits = settings.get();
        if (broker != null && (limits.brokerMaxDiskUsage() != applied.brokerMaxDiskUsage() || limits.brokerMinDiskFree() != applied.brokerMinDiskFree())) {
            LOG.info("The broker's disk limit changed: max-disk-usage {}%, min-disk-free {} bytes", limits.brokerMaxDiskUsage(), limits.brokerMinDiskFree());
            broker.changeDiskLimit(limits.brokerMaxDiskUsage(), limits.brokerMinDiskFree());
        }
        applied = limits;
        long free = -1;
        long total = -1;
        try {
            FileStore store = Files.getFileStore(dataFolder);
            free = store.getUsableSpace();
            total = store.getTotalSpace();
        } catch (IOException e) {
            LOG.error("Could not read the free space of the data folder's disk: {}", e.toString());
        }
        EmbeddedBroker.DiskCheck brokerDisk = null;
        if (broker != null) {
            try {
                brokerDisk = broker.checkDisk();
            } catch (RuntimeException e) {
                LOG.error("Could not read the broker's disk state: {}", e.toString());
            }
        }
        State now = new State(free, total, limits.minFreeBytes(), brokerDisk);
        state = now;
        boolean changed = before == null || now.dataFolderLow() != before.dataFolderLow() || now.brokerFull() != before.brokerFull();
        if (changed && now.problem().isPresent()) {
            LOG.warn("{}", now.problem().get());
        } else if (changed && before != null) {
            LOG.info("Disk space is back (the data folder's disk has {} free): intake and delivery resume", size(free));
        }
        RoutePauses pauses = RoutePauses.of(context);
        pauses.set(context, DATA_FOLDER, writingRoutes, now.dataFolderLow() ? "Data folder's disk nearly full (" + size(free) + " free)" : null);
        pauses.set(context, BROKER, sendingRoutes, now.brokerFull() ? "Broker's disk beyond its " + now.broker().limit() : null);
        return now;
    }

    /** What the guard saw at its last look. */
    public State state() {
        return state;
    }

    /** Why the broker refuses messages to gateway.inbound now, for the institutions; empty while it takes them. */
    public Optional<String> refusal() {
        State s = state;
        return s != null && s.dataFolderLow() ? Optional.of("its disk is nearly full") : Optional.empty();
    }

    /** Bytes for people: 1.5 GiB. */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
