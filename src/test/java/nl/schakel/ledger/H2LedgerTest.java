package nl.schakel.ledger;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ledger suite on H2, the embedded default: a database file per test, as the gateway keeps it,
 * so it can also be reopened read-only.
 */
class H2LedgerTest extends LedgerContract {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    @TempDir
    Path folder;
    private JdbcDataSource current;
    private String url;

    @Override
    protected DataSource freshDatabase() {
        JdbcDataSource ds = new JdbcDataSource();
        // closed when its last connection closes (the ledger holds none between calls), so it can be reopened
        ds.setURL("jdbc:h2:file:" + folder.resolve("ledger-" + DATABASES.incrementAndGet()));
        ds.setUser("sa");
        if (current == null) {
            current = ds;
            url = ds.getURL();
        }
        return ds;
    }

    @Override
    protected void makeReadOnly() {
        // the ledger's next connection opens the same file, read-only
        current.setURL(url + ";ACCESS_MODE_DATA=r");
    }
}
