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
 * <li>A regular file is taken once it has not changed for the minimum age; a younger one is left
 * for a later poll (the poller never sleeps on one school's half-written file).</li>
 * <li>A symbolic link, hard link, FIFO, socket or device, or an entry in an inbox folder that is
 * itself a link, is taken at once and marked {@link #NOT_A_REGULAR_FILE}: intake rejects it with a
 * receipt without reading it, and the entry is removed from the inbox.</li>
 * <li>A name Camel cannot address on this platform (a backslash, which it reads as a separator) is
 * renamed in place to one it can, and taken on the next poll.</li>
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

    public InboxReadLock(long minAgeMillis, Clock clock) {
        this.minAgeMillis = minAgeMillis;
        this.clock = clock;
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
        }
        if (clock.millis() - modified < minAgeMillis) {
            return false;
        }
        // this very file: taken again after a crash, it keeps its transfer id (a rewrite changes its times)
        exchange.setProperty(Intake.INPUT_KEY, "file:" + entry + ":" + attributes.get("ino") + ":" + attributes.get("ctime") + ":" + version);
        return true;
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
        return held.size();
    }

    /** Gives an entry whose name has a backslash a name without one, in the same folder. */
    private static void renameAddressable(Path entry) {
        String name = entry.getFileName().toString();
        int dot = name.lastIndexOf('.');
        Path target = entry.resolveSibling("renamed-" + UUID.randomUUID() + name.substring(dot).replace('\\', '_'));
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
        // nothing held
    }

    @Override
    public void releaseExclusiveReadLockOnRollback(GenericFileOperations<File> operations, GenericFile<File> file, Exchange exchange) {
        // nothing held
    }

    @Override
    public void releaseExclusiveReadLockOnCommit(GenericFileOperations<File> operations, GenericFile<File> file, Exchange exchange) {
        // nothing held
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
