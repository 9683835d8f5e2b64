package nl.schakel;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The gateway's data folder and who may read it. The private folders (quarantine, spool, ledger,
 * broker) are the gateway user's alone; the exchange folders (the data folder itself, inbox/,
 * outbox/ and one of each per institution) and the files delivered into an outbox get the modes
 * of {@code schakel.permissions.*}: the gateway user's only by default, or shared with a group,
 * such as the one a school's transfer agent runs in. Modes are applied at every start, so an older
 * data folder is tightened too. On a file system without POSIX permissions they are not applied.
 */
public final class DataFolder {
    public static final Set<PosixFilePermission> PRIVATE_FOLDER = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private final Path root;
    private final Set<PosixFilePermission> exchangeFolder;
    private final Set<PosixFilePermission> exchangeFile;

    /** Modes as {@code ls -l} writes them, e.g. {@code rwxr-x---} and {@code rw-r-----}. */
    public DataFolder(Path root, String exchangeFolderMode, String exchangeFileMode) {
        this.root = root;
        this.exchangeFolder = mode("schakel.permissions.exchange-folders", exchangeFolderMode);
        this.exchangeFile = mode("schakel.permissions.exchange-files", exchangeFileMode);
        if (exchangeFolder.contains(PosixFilePermission.OTHERS_READ) || exchangeFile.contains(PosixFilePermission.OTHERS_READ)) {
            throw new IllegalArgumentException("schakel.permissions.* must not let other users read pupil data: no 'r' in the last three");
        }
    }

    private static Set<PosixFilePermission> mode(String key, String value) {
        try {
            return PosixFilePermissions.fromString(value.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " must be a mode like rwx------, not '" + value + "'");
        }
    }

    public Path root() {
        return root;
    }

    /** The data folder itself, inbox/, outbox/ and the institution's folders in them. */
    public Path exchangeFolder(String... names) throws IOException {
        Path folder = root;
        restrict(Files.createDirectories(folder), exchangeFolder);
        for (String name : names) {
            folder = folder.resolve(name);
            restrict(Files.createDirectories(folder), exchangeFolder);
        }
        return folder;
    }

    /** A folder of the gateway's own (quarantine, spool, ledger, broker) directly under the data folder. */
    public Path privateFolder(String name) throws IOException {
        exchangeFolder();
        Path folder = Files.createDirectories(root.resolve(name));
        restrict(folder, PRIVATE_FOLDER);
        return folder;
    }

    /** Gives a file delivered into an outbox the exchange files' mode. */
    public void shareFile(Path file) throws IOException {
        restrict(file, exchangeFile);
    }

    /** Makes a folder the gateway made inside a private one its own user's only. */
    public static void restrictFolder(Path folder) throws IOException {
        restrict(folder, PRIVATE_FOLDER);
    }

    /** Makes a file the gateway wrote its own user's only. */
    public static void restrictFile(Path file) throws IOException {
        restrict(file, PRIVATE_FILE);
    }

    private static Path restrict(Path path, Set<PosixFilePermission> mode) throws IOException {
        if (POSIX) {
            Files.setPosixFilePermissions(path, mode);
        }
        return path;
    }
}
