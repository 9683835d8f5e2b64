package nl.schakel.intake;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.component.file.GenericFileExclusiveReadLockStrategy;
import org.apache.camel.component.file.GenericFileOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;

/**
 * Decides when the file channel takes an inbox entry, without ever opening or following it.
 * <ul>
 * <li>A regular file is taken once it has not changed for the minimum age, or at once when the
 * {@link InboxWatch} saw its writer close it or rename it into the folder and it has not changed
 * since; any other younger file is left for a later poll (the poller never sleeps on one school's
 * half-written file).</li>
 * <li>A symbolic link, hard link, FIFO, socket or device, or an entry in an inbox folder that is
 * itself a link, is taken at once and marked {@link #NOT_A_REGULAR_FILE}: intake rejects it with a
 * receipt without reading it, and the entry is removed from the inbox.</li>
 * <li>A name Camel cannot address on this platform (a backslash, which it reads as a separator) is
 * renamed in place to one it can, and taken on the next poll.</li>
 * <li>With several gateway instances on one inbox folder ({@link SharedPickup}, schakel.file.shared-lock),
 * an entry that passed the checks above is taken only when the shared lock grants it to this
 * instance, and only if it is still the same file afterwards (another instance may have finished and
 * deleted it in between); the lock is given up when the entry is done or left for a later poll, and
 * kept (alive) while a failed file is held, so no other instance takes it either.</li>
 * </ul>
 */
public final class InboxReadLock implements GenericFileExclusiveReadLockStrategy<File> {
    /** Exchange property: set when the entry is not a regular file of its own; it must not be opened. */
    public static final String NOT_A_REGULAR_FILE = "schakelNotARegularFile";
    private static final Logger LOG = LoggerFactory.getLogger(InboxReadLock.class);
    private final long minAgeMillis;
    private final Clock clock;
    /** Files whose failure outlasted their retries, by path: size and time when they failed. */
    private final Map<Path, String> held = new java.util.concurrent.ConcurrentHashMap<>();
    /** Exchange property: the input key under which the shared lock was taken. */
    private static final String PICKUP_KEY = "schakelPickupKey";
    /** The lock shared with other instances on the same folder; null for a gateway on its own folder. */
    private final SharedPickup shared;
    /** The shared lock's key of each held file: kept while the file is held, given up when it changes or goes. */
    private final Map<Path, String> heldKeys = new java.util.concurrent.ConcurrentHashMap<>();

    /** Says which files their writer has finished (Linux); without it every file waits for the minimum age. */
    private final InboxWatch watch;
    /** The name prefix of an entry the gateway renamed itself: its arrival says nothing about its writer. */
    private static final String RENAMED = "renamed-";

    public InboxReadLock(long minAgeMillis, Clock clock) {
        this(minAgeMillis, clock, null, InboxWatch.none());
    }

    public InboxReadLock(long minAgeMillis, Clock clock, SharedPickup shared, InboxWatch watch) {
        this.minAgeMillis = minAgeMillis;
        this.clock = clock;
        this.shared = shared;
        this.watch = watch;
    }

    @Override
    public boolean acquireExclusiveReadLock(GenericFileOperations<File> operations, GenericFile<File> file, Exchange exchange) {
        Path entry = file.getFile().toPath();
        Map<String, Object> attributes;
        try {
            attributes = Files.readAttributes(entry, "unix:isRegularFile,lastModifiedTime,nlink,ino,ctime,size", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            // gone in the meantime, or not readable: a later poll sees it again if it is still there
            return false;
        }
        // in a receiver folder (inbox/<code>/<receiver>/x.xml) neither folder may be a link
        boolean inReceiverFolder = file.getRelativeFilePath() != null && file.getRelativeFilePath().replace(File.separatorChar, '/').contains("/");
        boolean ownRegularFile = Boolean.TRUE.equals(attributes.get("isRegularFile"))
                && ((Number) attributes.get("nlink")).intValue() == 1
                && !Files.isSymbolicLink(entry.getParent())
                && !(inReceiverFolder && Files.isSymbolicLink(entry.getParent().getParent()));
        if (!ownRegularFile) {
            // never opened: its key is what the entry itself says, without following it
            if (!takeShared(exchange, entry, "entry:" + entry + ":" + attributes.get("ino") + ":" + attributes.get("ctime"), attributes)) {
                return false;
            }
            exchange.setProperty(NOT_A_REGULAR_FILE, true);
            return true;
        }
        if (file.getFileNameOnly().indexOf('\\') >= 0 || entry.getFileName().toString().indexOf('\\') >= 0) {
            renameAddressable(entry);
            return false;
        }
        long modified = ((java.nio.file.attribute.FileTime) attributes.get("lastModifiedTime")).toMillis();
        String version = modified + "/" + file.getFile().length();
        if (held.containsKey(entry)) {
            if (version.equals(held.get(entry))) {
                return false;
            }
            held.remove(entry);
            releaseHeldKey(entry);
        }
        // young: taken only when its writer is known to have finished it (closed it, or renamed it in)
        if (clock.millis() - modified < minAgeMillis
                && (entry.getFileName().toString().startsWith(RENAMED) || !watch.isComplete(entry, attributes))) {
            return false;
        }
        // this very file: taken again after a crash, it keeps its transfer id (a rewrite changes its times)
        String inputKey = "file:" + entry + ":" + attributes.get("ino") + ":" + attributes.get("ctime") + ":" + version;
        if (!takeShared(exchange, entry, inputKey, attributes)) {
            return false;
        }
        exchange.setProperty(Intake.INPUT_KEY, inputKey);
        return true;
    }

    /**
     * With a shared lock: true when this instance now holds the entry and it is still the entry that
     * was checked (the same inode, change time, modification time and size). Another instance may
     * have taken it, finished it and deleted it between this poll's listing and the grant: then the
     * lock is given back and the entry left alone. Without a shared lock: true.
     */
    private boolean takeShared(Exchange exchange, Path entry, String key, Map<String, Object> checked) {
        if (shared == null) {
            return true;
        }
        if (!shared.take(key)) {
            return false;
        }
        try {
            Map<String, Object> now = Files.readAttributes(entry, "unix:lastModifiedTime,ino,ctime,size", LinkOption.NOFOLLOW_LINKS);
            boolean same = now.get("ino").equals(checked.get("ino")) && now.get("ctime").equals(checked.get("ctime"))
                    && now.get("lastModifiedTime").equals(checked.get("lastModifiedTime")) && now.get("size").equals(checked.get("size"));
            if (same) {
                exchange.setProperty(PICKUP_KEY, key);
                return true;
            }
        } catch (IOException e) {
            // gone: another instance finished it
        }
        shared.release(key);
        return false;
    }

    /** Gives the shared lock of an exchange's entry up, unless the entry is held here after a failure. */
    private void releaseShared(GenericFile<File> file, Exchange exchange) {
        String key = exchange.getProperty(PICKUP_KEY, String.class);
        if (shared == null || key == null) {
            return;
        }
        Path entry = file.getFile().toPath();
        if (held.containsKey(entry)) {
            // held for the operator: the lock stays with this instance (kept alive) so no other instance takes it
            // either, until the file changes or goes; after this instance stops the lock expires
            heldKeys.put(entry, key);
            return;
        }
        shared.release(key);
    }

    /** A file whose failure could not be set aside: not taken again until it changes or the gateway restarts. */
    public void hold(Path entry) {
        try {
            held.put(entry, Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS).toMillis() + "/" + Files.size(entry));
        } catch (IOException e) {
            // gone already: nothing to hold
        }
    }

    /** Files in the inboxes that are held after a failure. */
    public int heldFiles() {
        held.keySet().removeIf(p -> !Files.exists(p, LinkOption.NOFOLLOW_LINKS));
        heldKeys.keySet().stream().filter(p -> !held.containsKey(p)).toList().forEach(this::releaseHeldKey);
        return held.size();
    }

    private void releaseHeldKey(Path entry) {
        String key = heldKeys.remove(entry);
        if (key != null) {
            shared.release(key);
        }
    }

    /** Gives an entry whose name has a backslash a name without one, in the same folder. */
    private static void renameAddressable(Path entry) {
        String name = entry.getFileName().toString();
        int dot = name.lastIndexOf('.');
        Path target = entry.resolveSibling(RENAMED + UUID.randomUUID() + name.substring(dot).replace('\\', '_'));
        try {
            Files.move(entry, target, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("Renamed an inbox entry in {} whose name has a backslash; it is taken as {}",
                    entry.getParent().getFileName(), target.getFileName());
        } catch (IOException e) {
            LOG.warn("An inbox entry in {} whose name has a backslash could not be renamed: {}",
                    entry.getParent().getFileName(), e.getClass().getSimpleName());
        }
    }

    @Override
    public void prepareOnStartup(GenericFileOperations<File> operations, GenericFileEndpoint<File> endpoint) {
        // nothing is left over from a previous run: no marker files are used
    }

    @Override
    public void releaseExclusiveReadLockOnAbort(GenericFileOperations<File> operations, GenericFile<File> file, Exchange exchange) {
        // nothing held on the file itself; a shared lock is given up
        releaseShared(file, exchange);
    }

    @Override
    public void releaseExclusiveReadLockOnRollback(GenericFileOperations<File> operations, GenericFile<File> file, Exchange exchange) {
        // the file stays in the inbox (the ledger was away, a live instance holds its claim, or it is held
        // after a failure): a shared lock is given up for a later poll, unless the file is held
        releaseShared(file, exchange);
    }

    @Override
    public void releaseExclusiveReadLockOnCommit(GenericFileOperations<File> operations, GenericFile<File> file, Exchange exchange) {
        // the file was deleted before this (Camel's delete strategy): a shared lock goes, and its row with it
        releaseShared(file, exchange);
    }

    @Override
    public void setTimeout(long timeout) {
        // never waits
    }

    @Override
    public void setCheckInterval(long checkInterval) {
        // never waits
    }

    @Override
    public void setReadLockLoggingLevel(LoggingLevel readLockLoggingLevel) {
        // logs nothing per file
    }

    @Override
    public void setMarkerFiler(boolean markerFile) {
        // no marker files
    }

    @Override
    public void setDeleteOrphanLockFiles(boolean deleteOrphanLockFiles) {
        // no marker files
    }
}
