package nl.schakel.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import javax.sql.DataSource;
import java.util.List;
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

    /**
     * Several gateway processes share a ledger only on a database server: H2 is a file one process opens
     * (schakel.file.shared-lock is for a PostgreSQL ledger, README "Running more than one node").
     */
    @org.junit.jupiter.api.Test
    void of_many_instances_taking_the_same_file_at_once_exactly_one_gets_it_instances_taking_the_same_file_at_once_exactly_one_gets_it() throws Exception {
        org.apache.camel.CamelContext context = new org.apache.camel.impl.DefaultCamelContext();
        context.start();
        List<nl.schakel.intake.SharedPickup> instances = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            instances.add(new nl.schakel.intake.SharedPickup(dataSource, context, 60_000, 1_000).start());
        }
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 20; round++) {
                String file = "file:/data/inbox/30AA00/d" + round + ".xml:1:2:3/4";
                java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
                List<java.util.concurrent.Future<Boolean>> takes = new java.util.ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    nl.schakel.intake.SharedPickup instance = instances.get(t % instances.size());
                    takes.add(threads.submit(() -> {
                        start.await();
                        return instance.take(file);
                    }));
                }
                start.countDown();
                int granted = 0;
                for (java.util.concurrent.Future<Boolean> take : takes) {
                    granted += take.get() ? 1 : 0;
                }
                assertThat(granted).as("round " + round).isEqualTo(1);
            }
        } finally {
            threads.shutdownNow();
            instances.forEach(nl.schakel.intake.SharedPickup::stop);
            context.stop();
        }
    }

}
