package nl.schakel.intake;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The file channel's pick-up lock shared by several gateway instances on one inbox folder
 * (schakel.file.shared-lock): a row per inbox file being taken, in the ledger's database (table
 * schakel_file_lock, db/ledger/V6), granted to one instance at a time. The holder's keep-alive
 * refreshes its rows every schakel.file.lock-keep-alive-ms; a row nobody refreshed for
 * schakel.file.lock-max-age-ms belongs to a dead instance, and the file is taken by another.
 * <p>
 * The table is the one Camel's {@code JdbcOrphanLockAwareIdempotentRepository} uses; the repository
 * itself is not, for two faults the fault tests found in it. Its grant counts fresh rows, then counts
 * again and, if a row appeared in between (another instance's, committed a moment ago) or an orphan is
 * there, refreshes that row and grants it: two instances then both hold the file
 * ({@code TwoInstancesFileIntakeTest}). And a release that fails while the database is away leaves the
 * key in its keep-alive set, so the row is refreshed for ever and no instance, this one included, ever
 * takes the file again ({@code HaClusterIT}, PostgreSQL stopped for 20 s). Here an orphaned row is
 * deleted only while it is still older than the maximum age (one instance deletes it, another finds
 * nothing to delete), the grant is always an INSERT that the primary key refuses to a second instance,
 * and a release first stops the keep-alive of its row: if the DELETE then fails, the row expires as a
 * dead instance's would. The key is a SHA-256 of the input key (path, inode, change and modification
 * times, size): no school's file name is stored in the database.
 * <p>
 * Why not Camel's {@code readLock=idempotent-changed}: it replaces the read lock strategy, and with it
 * the guarantees {@link InboxReadLock} gives (a link is never opened or followed, a young file is
 * skipped without the poller waiting on it, a file whose failure could not be set aside is held); its
 * change check reads the file's size and time through links and waits in the poller. So the shared
 * lock is a step of InboxReadLock, after its own checks.
 * <p>
 * The lock keeps instances from doing the same work twice; it is not what makes forwarding exactly
 * once. Two instances that took the same file anyway (a lock that expired under a paused holder)
 * derive the same transfer id from it, and the ledger's claim and the broker's duplicate-id cache
 * forward it once (docs/RELIABILITY.md, "More than one instance").
 */
public final class SharedPickup {
    private static final Logger LOG = LoggerFactory.getLogger(SharedPickup.class);
    /** Every instance uses this processor name: the lock is one across the instances. */
    static final String PROCESSOR = "schakel-inbox";
    static final String TABLE = "schakel_file_lock";
    private final DataSource dataSource;
    private final CamelContext context;
    private final long lockMaxAgeMillis;
    private final long keepAliveMillis;
    /** The digests of the files this instance holds now: the rows its keep-alive refreshes. */
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private volatile ScheduledExecutorService keepAlive;

    public SharedPickup(DataSource dataSource, CamelContext context, long lockMaxAgeMillis, long keepAliveMillis) {
        if (lockMaxAgeMillis <= keepAliveMillis) {
            throw new IllegalArgumentException("schakel.file.lock-max-age-ms must be greater than schakel.file.lock-keep-alive-ms");
        }
        this.dataSource = dataSource;
        this.context = context;
        this.lockMaxAgeMillis = lockMaxAgeMillis;
        this.keepAliveMillis = keepAliveMillis;
    }

    /** Starts the keep-alive on a thread of the context's executor service manager. */
    public SharedPickup start() {
        keepAlive = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "SharedPickupKeepAlive");
        keepAlive.scheduleWithFixedDelay(this::refreshHeld, keepAliveMillis, keepAliveMillis, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Stops the keep-alive: the rows held now become orphans after the maximum age (as when the process dies). */
    public void stop() {
        ScheduledExecutorService running = keepAlive;
        if (running != null) {
            context.getExecutorServiceManager().shutdownNow(running);
            keepAlive = null;
        }
        held.clear();
    }

    /** True when this instance now holds the file of this input key; false when another holds it (or the database is away). */
    public boolean take(String inputKey) {
        String key = digest(inputKey);
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (PreparedStatement expire = connection.prepareStatement(
                    "DELETE FROM " + TABLE + " WHERE processorName = ? AND messageId = ? AND createdAt < ?");
                 PreparedStatement grant = connection.prepareStatement(
                         "INSERT INTO " + TABLE + " (processorName, messageId, createdAt) VALUES (?, ?, ?)")) {
                long now = System.currentTimeMillis();
                expire.setString(1, PROCESSOR);
                expire.setString(2, key);
                expire.setTimestamp(3, new Timestamp(now - lockMaxAgeMillis));
                expire.executeUpdate();
                grant.setString(1, PROCESSOR);
                grant.setString(2, key);
                grant.setTimestamp(3, new Timestamp(now));
                grant.executeUpdate();
                connection.commit();
                held.add(key);
                return true;
            } catch (SQLException e) {
                // the primary key refused the row (another instance holds the file), or the database is away
                connection.rollback();
                return false;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            return false;
        }
    }

    /** Gives the file up: it was taken away, or is left for a later poll (by any instance). */
    public void release(String inputKey) {
        String key = digest(inputKey);
        // first out of the keep-alive: a row whose DELETE fails below then expires like a dead instance's
        held.remove(key);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM " + TABLE + " WHERE processorName = ? AND messageId = ?")) {
            delete.setString(1, PROCESSOR);
            delete.setString(2, key);
            delete.executeUpdate();
        } catch (SQLException e) {
            LOG.warn("A file's pick-up lock could not be released ({}); it expires after schakel.file.lock-max-age-ms", e.getClass().getSimpleName());
        }
    }

    /** The keep-alive: the time of every row this instance holds is now. */
    void refreshHeld() {
        if (held.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement refresh = connection.prepareStatement(
                     "UPDATE " + TABLE + " SET createdAt = ? WHERE processorName = ? AND messageId = ?")) {
            Timestamp now = new Timestamp(System.currentTimeMillis());
            for (String key : held) {
                refresh.setTimestamp(1, now);
                refresh.setString(2, PROCESSOR);
                refresh.setString(3, key);
                refresh.addBatch();
            }
            refresh.executeBatch();
        } catch (SQLException e) {
            // the database is away: the rows age, and after the maximum age another instance may take the files
            LOG.warn("The file pick-up locks could not be kept alive ({}); retrying in {} ms", e.getClass().getSimpleName(), keepAliveMillis);
        } catch (RuntimeException e) {
            LOG.warn("The file pick-up locks could not be kept alive ({})", e.getClass().getSimpleName());
        }
    }

    static String digest(String inputKey) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(inputKey.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
