package nl.schakel.gateway;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every crash window of intake, forwarding, receipt and delivery, one at a time: the packaged
 * gateway halts (as on kill -9) at the named point with one dossier in flight, the receiving school
 * takes away whatever was delivered, and a restarted gateway finishes the work. Afterwards the dossier
 * was delivered exactly once, the sender's receipts are ACCEPTED only (never a DUPLICATE for its own
 * first send), and the ledger holds one row for it, picked up (docs/RELIABILITY.md lists the windows).
 * The ledger is a real PostgreSQL server, whose commits are durable when they return, as production's
 * must be for this guarantee (the embedded H2 ledger may lose its last half second of commits).
 */
class CrashWindowsIT {
    private static final String MESSAGE_ID = "ISK30AA-2026-0001";
    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        postgres.close();
    }
    @TempDir
    Path dataDir;
    private PackagedGateway gateway;

    @AfterEach
    void stopAll() {
        if (gateway != null) {
            gateway.killAll();
        }
    }

    @ParameterizedTest(name = "a crash at {0}")
    @ValueSource(strings = {"intake-recorded", "claimed", "forwarded", "confirmed", "receipt-sent",
            "delivery-written", "delivery-recorded", "delivery-renamed"})
    void a_crash_at_each_point_ends_in_one_delivery_accepted_receipts_only_and_one_ledger_row(String point) throws Exception {
        String database = "window_" + point.replace('-', '_');
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        String ledgerUrl = postgres.getJdbcUrl("postgres", database);
        gateway = new PackagedGateway(dataDir, "-Dschakel.ledger.url=" + ledgerUrl, "-Dschakel.ledger.user=postgres");
        Process first = gateway.start("window-" + point + "-1.log", "-Dschakel.test.halt-at=" + point);
        gateway.awaitHealthy();
        Path inbox = dataDir.resolve("inbox/30AA00");
        Files.write(inbox.resolve(".dossier.part"), Files.readAllBytes(Path.of("schemas/examples/isk-to-vo.xml")));
        Files.move(inbox.resolve(".dossier.part"), inbox.resolve("dossier.xml"), StandardCopyOption.ATOMIC_MOVE);
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).as("the gateway reached " + point).isTrue();
        assertThat(first.exitValue()).as("halted by the test hook").isEqualTo(86);

        // the schools take away what was there when the gateway died
        Path receiverOutbox = dataDir.resolve("outbox/30AB00");
        Path senderOutbox = dataDir.resolve("outbox/30AA00");
        List<Path> taken = new ArrayList<>(takeAway(receiverOutbox, "dossier-"));
        List<Path> receipts = new ArrayList<>(takeAway(senderOutbox, "receipt-"));

        Process second = gateway.start("window-" + point + "-2.log");
        gateway.awaitHealthy();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                !Files.exists(inbox.resolve("dossier.xml")) && count(receiverOutbox, "dossier-") + taken.size() >= 1
                        && count(senderOutbox, "receipt-") + receipts.size() >= 1);
        // and nothing more comes
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() ->
                count(receiverOutbox, "dossier-") + taken.size() == 1);
        taken.addAll(takeAway(receiverOutbox, "dossier-"));
        receipts.addAll(takeAway(senderOutbox, "receipt-"));

        assertThat(taken).as("delivered exactly once").hasSize(1);
        assertThat(Files.readString(taken.get(0))).isEqualTo(Files.readString(Path.of("schemas/examples/isk-to-vo.xml")));
        assertThat(receipts).as("one receipt file").hasSize(1);
        assertThat(Files.readString(receipts.get(0))).contains("<status>ACCEPTED</status>", "<refersTo>" + MESSAGE_ID + "</refersTo>");
        try (Stream<Path> left = Files.list(receiverOutbox)) {
            assertThat(left).as("no temporary file left").isEmpty();
        }

        second.destroy();
        assertThat(second.waitFor(30, TimeUnit.SECONDS)).as("graceful stop").isTrue();
        try (Connection c = DriverManager.getConnection(ledgerUrl, "postgres", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT status FROM transfer WHERE message_id = '" + MESSAGE_ID + "'")) {
            List<String> statuses = new ArrayList<>();
            while (rs.next()) {
                statuses.add(rs.getString(1));
            }
            assertThat(statuses).as("one ledger row, picked up").containsExactly("PICKED_UP");
        }
    }

    /** Moves the files whose names start with the prefix out of the outbox, as a school's system does. */
    private List<Path> takeAway(Path outbox, String prefix) throws IOException {
        Path away = Files.createDirectories(dataDir.resolve("taken-away"));
        List<Path> moved = new ArrayList<>();
        if (Files.isDirectory(outbox)) {
            try (Stream<Path> s = Files.list(outbox)) {
                for (Path p : s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
                    moved.add(Files.move(p, away.resolve(p.getFileName() + "-" + System.nanoTime())));
                }
            }
        }
        return moved;
    }

    private static long count(Path outbox, String prefix) throws IOException {
        if (!Files.isDirectory(outbox)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(outbox)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).count();
        }
    }
}
