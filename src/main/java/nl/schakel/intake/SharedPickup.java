package nl.schakel.intake;

import org.apache.camel.CamelContext;
import org.apache.camel.processor.idempotent.jdbc.JdbcOrphanLockAwareIdempotentRepository;
import org.springframework.dao.DataAccessException;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.util.HexFormat;

/**
 * The file channel's pick-up lock shared by several gateway instances on one inbox folder
 * (schakel.file.shared-lock): a row per inbox file being taken, in the ledger's database (table
 * schakel_file_lock, db/ledger/V6), granted to one instance at a time. The holder's keep-alive
 * refreshes its rows every schakel.file.lock-keep-alive-ms; a row nobody refreshed for
 * schakel.file.lock-max-age-ms belongs to a dead instance, and the file is taken by another.
 * <p>
 * Camel's {@link JdbcOrphanLockAwareIdempotentRepository} does the bookkeeping and the keep-alive;
 * its grant is made atomic here. Camel's own grant counts fresh rows, then counts rows again and, if
 * one appeared in between (another instance's, committed a moment ago) or an orphan is there,
 * refreshes that row's time and grants it: two instances then both hold the file (the test
 * {@code TwoInstancesFileIntakeTest} caught this), and a taken-over row is not kept alive. Here an
 * orphaned row is deleted only while it is still older than the maximum age (one instance deletes it,
 * another finds nothing to delete), and the grant is always an INSERT that the primary key refuses
 * to a second instance. The key is a SHA-256 of the input key (path, inode, change and
 * modification times, size): no school's file name is stored in the database.
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
    /** Every instance uses this processor name: the lock is one across the instances. */
    static final String PROCESSOR = "schakel-inbox";
    static final String TABLE = "schakel_file_lock";
    private final Repository repository;

    public SharedPickup(DataSource dataSource, CamelContext context, long lockMaxAgeMillis, long keepAliveMillis) {
        if (lockMaxAgeMillis <= keepAliveMillis) {
            throw new IllegalArgumentException("schakel.file.lock-max-age-ms must be greater than schakel.file.lock-keep-alive-ms");
        }
        repository = new Repository(dataSource, context);
        repository.setTableName(TABLE);
        // the table is the ledger's, made by its Flyway migration
        repository.setCreateTableIfNotExists(false);
        repository.setLockMaxAgeMillis(lockMaxAgeMillis);
        repository.setLockKeepAliveIntervalMillis(keepAliveMillis);
    }

    /** Starts the keep-alive; the context's executor runs it. */
    public SharedPickup start() {
        repository.start();
        return this;
    }

    /** Stops the keep-alive: the rows held now become orphans after the maximum age (as when the process dies). */
    public void stop() {
        repository.shutdown();
    }

    /** True when this instance now holds the file of this input key; false when another holds it (or the database is away). */
    public boolean take(String inputKey) {
        return repository.add(digest(inputKey));
    }

    /** Gives the file up: it was taken away, or is left for a later poll (by any instance). */
    public void release(String inputKey) {
        try {
            repository.remove(digest(inputKey));
        } catch (DataAccessException e) {
            // the row becomes an orphan and expires after the maximum age
        }
    }

    static String digest(String inputKey) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(inputKey.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Camel's orphan-aware repository with an atomic take-over of an orphaned row. */
    static final class Repository extends JdbcOrphanLockAwareIdempotentRepository {
        Repository(DataSource dataSource, CamelContext context) {
            super(dataSource, PROCESSOR, context);
        }

        @Override
        protected void doInit() throws Exception {
            super.doInit();
            // Camel's insert counts rows with this query and refreshes an existing row instead of inserting: it must
            // always insert, so the primary key decides between two instances (the grant's own count is queryForInt).
            // Set after Camel's init, which writes its own query with the table name.
            setQueryString("SELECT COUNT(*) * 0 FROM " + TABLE + " WHERE processorName = ? AND messageId = ?");
        }

        /** Rows of this key: after {@link #add} deleted an orphan, every row left is held by a live instance. */
        @Override
        protected int queryForInt(String key) {
            Integer rows = jdbcTemplate.queryForObject("SELECT COUNT(*) FROM " + TABLE + " WHERE processorName = ? AND messageId = ?", Integer.class,
                    processorName, key);
            return rows == null ? 0 : rows;
        }

        @Override
        public boolean add(String key) {
            try {
                return Boolean.TRUE.equals(transactionTemplate.execute(status -> {
                    jdbcTemplate.update("DELETE FROM " + TABLE + " WHERE processorName = ? AND messageId = ? AND createdAt < ?", processorName, key,
                            new Timestamp(System.currentTimeMillis() - getLockMaxAgeMillis()));
                    return super.add(key);
                }));
            } catch (DataAccessException e) {
                // another instance inserted the same key a moment ago (the primary key refused ours), or the database is away
                return false;
            }
        }
    }
}
