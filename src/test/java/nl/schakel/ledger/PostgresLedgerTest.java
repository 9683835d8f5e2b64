package nl.schakel.ledger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/** The ledger suite on a real PostgreSQL server, started by the test on a free loopback port. */
class PostgresLedgerTest extends LedgerContract {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    private String current;

    @Override
    protected DataSource freshDatabase() throws Exception {
        String name = "ledger_" + DATABASES.incrementAndGet();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        if (current == null) {
            current = name;
        }
        return postgres.getDatabase("postgres", name);
    }

    @Override
    protected void makeReadOnly() throws Exception {
        // as a hot standby: every new transaction is read-only (the test's data source opens a connection per use)
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE " + current + " SET default_transaction_read_only = on");
        }
    }
}
