package nl.schakel.intake;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Knows, on Linux, when a school's file in an inbox folder is complete, so the file channel can take
 * it at once instead of after schakel.file.min-age-ms (schakel.file.watch). The kernel's inotify
 * reports a file renamed into the folder (IN_MOVED_TO: written elsewhere, complete when it arrives)
 * and a file whose writer closed it (IN_CLOSE_WRITE). At that moment the file's inode, size and
 * modification time are noted; the read lock takes the file early only while it is still exactly
 * that version, so a file written to again after the event waits for its next close (or the minimum
 * age) like any other.
 * <p>
 * What it does not see, the minimum age still covers: files written from another machine onto a
 * network file system (inotify reports local writes only), a file that arrived before its folder was
 * watched, events lost when the kernel's queue overflowed, and every platform without inotify. A
 * writer that closes a file and opens it again to go on writing can have its first part taken; schools
 * are told to write under a temporary name and rename (README, "The file channel").
 */
public final class InboxWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InboxWatch.class);
    private static final int IN_CLOSE_WRITE = 0x8;
    private static final int IN_MOVED_FROM = 0x40;
    private static final int IN_MOVED_TO = 0x80;
    private static final int IN_CREATE = 0x100;
    private static final int IN_DELETE = 0x200;
    private static final int IN_Q_OVERFLOW = 0x4000;
    private static final int IN_IGNORED = 0x8000;
    private static final int IN_ONLYDIR = 0x1000000;
    private static final int IN_DONT_FOLLOW = 0x2000000;
    private static final int IN_ISDIR = 0x40000000;
    private static final int IN_NONBLOCK = 0x800;
    private static final int IN_CLOEXEC = 0x80000;
    private static final short POLLIN = 1;
    private static final int WATCHED = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ONLYDIR | IN_DONT_FOLLOW;
    /** More noted files than any inbox holds at once: beyond it the notes are dropped (the minimum age applies). */
    private static final int MAX_NOTED = 100_000;

    /** The C library's inotify, poll, read and close. */
    interface LibC extends Library {
        int inotify_init1(int flags) throws LastErrorException;

        int inotify_add_watch(int fd, String pathname, int mask) throws LastErrorException;

        int inotify_rm_watch(int fd, int wd) throws LastErrorException;

        int poll(Pointer fds, NativeLong nfds, int timeout) throws LastErrorException;

        NativeLong read(int fd, byte[] buffer, NativeLong count) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private final LibC libc;
    private final int fd;
    /** Watch descriptor → folder. */
    private final Map<Integer, Path> folders = new ConcurrentHashMap<>();
    /** File → the version (inode, size, modification time) it had when it was complete. */
    private final Map<Path, String> complete = new ConcurrentHashMap<>();
    private final Thread reader;
    private volatile boolean running = true;

    private InboxWatch(LibC libc, int fd) {
        this.libc = libc;
        this.fd = fd;
        this.reader = new Thread(this::readEvents, "inbox-watch");
        reader.setDaemon(true);
    }

    /** A watch on these inbox folders and their receiver folders; a watch that knows nothing where inotify is not there. */
    public static InboxWatch of(Collection<Path> inboxFolders) {
        if (!Platform.isLinux()) {
            LOG.info("No inbox watch on this platform: files are taken after schakel.file.min-age-ms");
            return none();
        }
        try {
            LibC libc = Native.load("c", LibC.class);
            InboxWatch watch = new InboxWatch(libc, libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
            for (Path folder : inboxFolders) {
                watch.watchWithReceiverFolders(folder);
            }
            watch.reader.start();
            LOG.info("Watching {} inbox folders: a file closed by its writer or renamed into its folder is taken at once", watch.folders.size());
            return watch;
        } catch (LastErrorException | UnsatisfiedLinkError | NoClassDefFoundError e) {
            LOG.warn("No inbox watch ({}): files are taken after schakel.file.min-age-ms", e.getClass().getSimpleName());
            return none();
        }
    }

    /** A watch that knows no file: every file waits for the minimum age. */
    public static InboxWatch none() {
        return new InboxWatch(null, -1);
    }

    /**
     * True when the file was complete when its writer closed it or it was renamed into its folder,
     * and is still that version: the same inode, size and modification time as in these attributes
     * (read with unix:ino,size,lastModifiedTime, not following links).
     */
    public boolean isComplete(Path file, Map<String, Object> attributes) {
        String noted = complete.get(file);
        return noted != null && noted.equals(version(attributes.get("ino"), attributes.get("size"), attributes.get("lastModifiedTime")));
    }

    /** How many folders are watched (0 when there is no watch). */
    public int folderCount() {
        return folders.size();
    }

    private void watchWithReceiverFolders(Path folder) {
        watch(folder);
        try (Stream<Path> entries = Files.list(folder)) {
            entries.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).forEach(this::watch);
        } catch (IOException e) {
            // a folder that cannot be listed is not watched: its files wait for the minimum age
        }
    }

    private void watch(Path folder) {
        try {
            folders.put(libc.inotify_add_watch(fd, folder.toString(), WATCHED), folder);
        } catch (LastErrorException e) {
            LOG.warn("Inbox folder {} is not watched (errno {}): its files are taken after schakel.file.min-age-ms", folder, e.getErrorCode());
        }
    }

    private void unwatch(Path folder) {
        folders.entrySet().removeIf(e -> {
            if (!e.getValue().equals(folder)) {
                return false;
            }
            try {
                libc.inotify_rm_watch(fd, e.getKey());
            } catch (LastErrorException gone) {
                // removed already (IN_IGNORED follows a folder's removal)
            }
            return true;
        });
        complete.keySet().removeIf(p -> p.startsWith(folder));
    }

    private void readEvents() {
        byte[] buffer = new byte[64 * 1024];
        try (Memory pollFd = new Memory(8)) {
            pollFd.setInt(0, fd);
            pollFd.setShort(4, POLLIN);
            while (running) {
                pollFd.setShort(6, (short) 0);
                try {
                    if (libc.poll(pollFd, new NativeLong(1), 500) <= 0) {
                        continue;
                    }
                    int length = libc.read(fd, buffer, new NativeLong(buffer.length)).intValue();
                    handle(ByteBuffer.wrap(buffer, 0, length).order(ByteOrder.nativeOrder()));
                } catch (LastErrorException e) {
                    // EINTR or EAGAIN: poll again; the descriptor closed: the loop ends with running false
                    if (running && e.getErrorCode() != 4 && e.getErrorCode() != 11) {
                        LOG.warn("Inbox watch stopped (errno {}): files are taken after schakel.file.min-age-ms", e.getErrorCode());
                        complete.clear();
                        return;
                    }
                } catch (RuntimeException e) {
                    LOG.warn("Inbox watch event not understood ({}); its notes are dropped", e.getClass().getSimpleName());
                    complete.clear();
                }
            }
        }
    }

    private void handle(ByteBuffer events) {
        while (events.remaining() >= 16) {
            int wd = events.getInt();
            int mask = events.getInt();
            events.getInt(); // cookie
            int nameLength = events.getInt();
            byte[] raw = new byte[nameLength];
            events.get(raw);
            if ((mask & IN_Q_OVERFLOW) != 0) {
                // events were lost: what is noted may be out of date
                complete.clear();
                continue;
            }
            Path folder = folders.get(wd);
            if ((mask & IN_IGNORED) != 0) {
                folders.remove(wd);
                continue;
            }
            if (folder == null || nameLength == 0) {
                continue;
            }
            Path entry = folder.resolve(name(raw));
            if ((mask & IN_ISDIR) != 0) {
                // a receiver folder made or moved into an institution's inbox folder (inbox/<code>/<receiver>/), or
                // moved away or removed from it: its watch follows
                if ((mask & (IN_CREATE | IN_MOVED_TO)) != 0 && isInstitutionFolder(folder)) {
                    watch(entry);
                } else if ((mask & (IN_MOVED_FROM | IN_DELETE)) != 0) {
                    unwatch(entry);
                }
                continue;
            }
            if ((mask & (IN_DELETE | IN_MOVED_FROM)) != 0) {
                complete.remove(entry);
            } else if ((mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) != 0) {
                note(entry);
            }
        }
    }

    /** An institution's own inbox folder (inbox/<code>), as opposed to one of its receiver folders. */
    private boolean isInstitutionFolder(Path folder) {
        Path parent = folder.getParent();
        return parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("inbox");
    }

    private void note(Path entry) {
        try {
            Map<String, Object> attributes = Files.readAttributes(entry, "unix:ino,size,lastModifiedTime,isRegularFile", LinkOption.NOFOLLOW_LINKS);
            if (!Boolean.TRUE.equals(attributes.get("isRegularFile"))) {
                return;
            }
            if (complete.size() >= MAX_NOTED) {
                complete.clear();
            }
            complete.put(entry, version(attributes.get("ino"), attributes.get("size"), attributes.get("lastModifiedTime")));
        } catch (IOException e) {
            // gone already
        }
    }

    private static String name(byte[] raw) {
        int end = 0;
        while (end < raw.length && raw[end] != 0) {
            end++;
        }
        return new String(raw, 0, end, StandardCharsets.UTF_8);
    }

    private static String version(Object inode, Object size, Object modified) {
        long nanos = modified instanceof FileTime time ? time.to(TimeUnit.NANOSECONDS) : -1;
        return inode + ":" + size + ":" + nanos;
    }

    @Override
    public void close() {
        running = false;
        if (libc != null) {
            try {
                reader.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                libc.close(fd);
            } catch (LastErrorException e) {
                // closed already
            }
        }
        folders.clear();
        complete.clear();
    }
}
