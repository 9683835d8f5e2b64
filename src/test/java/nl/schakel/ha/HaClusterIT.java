package nl.schakel.ha;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.curator.test.TestingCluster;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 13's proof for the whole HA set-up, with real processes on 127.0.0.1: a ZooKeeper ensemble of
 * three (curator-test), the Artemis primary and backup of deploy/artemis (as {@link BrokerPairIT} makes
 * them), PostgreSQL (zonky) and two gateways from the packaged jar (target/schakel-gateway.jar) on the
 * external pair, one PostgreSQL ledger and one shared data folder ({@code schakel.file.shared-lock=true},
 * each with its own {@code schakel.spool-dir} and {@code schakel.instance.id}).
 * <p>
 * Each fault gets a fresh cluster and a load: {@code ha.senders} (20) connections of the demo directory's
 * queue-channel ISK 31AA00, {@code ha.amqp-senders} (4) of them over AMQP 1.0 (Qpid JMS) and the rest over
 * Core JMS, each sending {@code ha.dossiers} (100) dossiers to 31AB00 with the failover URL, plus
 * {@code ha.files} (1,000) files dropped into the shared inboxes of 30AA00, 32AA00 and 33AA00 (v1 dossiers
 * name their receiver). The fault comes at a third of the load. When all is quiet: every message id
 * delivered exactly once, one ACCEPTED receipt per message to its sender, no dead letters, nothing left
 * in an inbox or quarantine, nothing in the ledger between claim and delivery. Only with {@code -Pha}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HaClusterIT {
    private static final String GATEWAY = "schakel-gateway";
    private static final String GATEWAY_PASSWORD = UUID.randomUUID().toString();
    private static final String CLUSTER_PASSWORD = UUID.randomUUID().toString();
    /** The brokers' ZooKeeper session. */
    private static final int SESSION_MS = 6000;
    /** The gateways' lease in the ledger (schakel.instance.lease-ms). */
    private static final int LEASE_MS = 6000;
    private static final int SENDERS = Integer.getInteger("ha.senders", 20);
    private static final int AMQP_SENDERS = Integer.getInteger("ha.amqp-senders", 4);
    private static final int PER_SENDER = Integer.getInteger("ha.dossiers", 100);
    private static final int FILES = Integer.getInteger("ha.files", 1000);
    /** Submissions a second the load is paced at (queue and files together). */
    private static final double RATE = Double.parseDouble(System.getProperty("ha.rate", "40"));
    private static final long START = System.nanoTime();

    /** The file channel's senders: example, sender, receiver. */
    private static final List<String[]> FILE_PAIRS = List.of(
            new String[] {"isk-to-vo.xml", "30AA00", "30AB00"},
            new String[] {"nt2-to-po.xml", "32AA00", "32AB00"},
            new String[] {"azc-to-po.xml", "33AA00", "34AB00"});
    private static final String QUEUE_SENDER = "31AA00";
    private static final String QUEUE_RECEIVER = "31AB00";

    private static Path root;
    private static Path generatedEtc;
    private static final List<String> summary = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void prepare() {
        Path home = Path.of(System.getProperty("artemis.home"));
        assertThat(home.resolve("bin/artemis")).as("the Artemis distribution, unpacked by -Pha").exists();
        assertThat(Path.of("target/schakel-gateway.jar")).as("the packaged gateway (mvn package)").exists();
        root = Path.of("target", "ha", "cluster-" + System.currentTimeMillis()).toAbsolutePath();
        generatedEtc = root.resolve("generated-etc");
        ArtemisNode.writeBrokerConfig(generatedEtc, GATEWAY, GATEWAY_PASSWORD);
        System.setProperty("zookeeper.admin.enableServer", "false");
        progress("work folder " + root + "; load per run: " + SENDERS + " queue senders (" + AMQP_SENDERS + " AMQP) x " + PER_SENDER
                + " dossiers + " + FILES + " files at " + RATE + "/s");
    }

    @AfterAll
    static void printSummary() {
        StringBuilder table = new StringBuilder("\nHaClusterIT summary\n");
        table.append(String.format("%-34s %-7s %-28s %s%n", "fault", "result", "deliveries resumed after", "notes"));
        summary.forEach(row -> table.append(row).append('\n'));
        System.out.println(table);
        System.out.flush();
    }

    // ---- the faults ---------------------------------------------------------------------------------

    @Test
    @Order(1)
    void the_primary_broker_killed_mid_load_the_backup_takes_over_and_every_message_arrives_once() throws Exception {
        run("1 kill -9 primary broker", cluster -> {
            progress("kill -9 the primary broker (pid " + cluster.primary.process.pid() + ")");
            cluster.primary.process.destroyForcibly();
            return System.nanoTime();
        }, (cluster, soft) -> {
            soft.assertThat(cluster.backup.log()).as("the backup became active").contains("AMQ221007");
            soft.assertThat(cluster.active()).as("brokers serving clients at the end").containsExactly("backup");
        });
    }

    @Test
    @Order(2)
    void a_gateway_killed_mid_load_leaves_its_work_to_the_other_and_every_message_arrives_once() throws Exception {
        run("2 kill -9 gateway-1", cluster -> {
            progress("kill -9 gateway-1 (pid " + cluster.gateways.get(0).process.pid() + ")");
            cluster.gateways.get(0).process.destroyForcibly();
            return System.nanoTime();
        }, (cluster, soft) -> soft.assertThat(cluster.gateways.get(1).health()).as("gateway-2 at the end").contains("\"status\":\"UP\""));
    }

    @Test
    @Order(3)
    void the_primary_broker_frozen_past_its_session_and_thawed_never_serves_beside_the_backup() throws Exception {
        run("3 SIGSTOP primary broker", cluster -> {
            long stopped = System.nanoTime();
            ArtemisNode.signal(cluster.primary.process, "STOP");
            progress("SIGSTOP the primary broker (session " + SESSION_MS + " ms); waiting for the backup to become active");
            cluster.backup.awaitLog("AMQ221007", Duration.ofSeconds(60));
            progress(String.format("backup active %.1f s after SIGSTOP; 3 s more frozen", (System.nanoTime() - stopped) / 1e9));
            await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
            ArtemisNode.signal(cluster.primary.process, "CONT");
            progress(String.format("SIGCONT the primary after %.1f s", (System.nanoTime() - stopped) / 1e9));
            return stopped;
        }, (cluster, soft) -> {
            soft.assertThat(cluster.primary.log()).as("the thawed primary stops: it lost the lock").contains("AMQ221002");
            soft.assertThat(cluster.active()).as("brokers serving clients at the end").containsExactly("backup");
        });
    }

    @Test
    @Order(4)
    void a_gateway_frozen_past_its_lease_and_thawed_changes_nothing_with_its_late_writes() throws Exception {
        long[] epochBefore = new long[1];
        run("4 SIGSTOP gateway-1", cluster -> {
            epochBefore[0] = cluster.epoch("gateway-1");
            long stopped = System.nanoTime();
            ArtemisNode.signal(cluster.gateways.get(0).process, "STOP");
            progress("SIGSTOP gateway-1 (epoch " + epochBefore[0] + ", lease " + LEASE_MS + " ms) for " + (LEASE_MS + 6000) + " ms");
            await().pollDelay(Duration.ofMillis(LEASE_MS + 6000)).atMost(Duration.ofSeconds(LEASE_MS / 1000 + 7)).until(() -> true);
            ArtemisNode.signal(cluster.gateways.get(0).process, "CONT");
            progress("SIGCONT gateway-1");
            return stopped;
        }, (cluster, soft) -> {
            Gateway thawed = cluster.gateways.get(0);
            thawed.logLinesWith("ran out", "LeaseExpired", "holds epoch", "recorded by another instance", "another instance")
                    .stream().limit(12).forEach(l -> progress("gateway-1 after the thaw: " + l));
            soft.assertThat(cluster.epoch("gateway-1")).as("gateway-1 took a new epoch after its lease ran out").isGreaterThan(epochBefore[0]);
            soft.assertThat(thawed.health()).as("gateway-1 at the end").contains("\"status\":\"UP\"");
        });
    }

    @Test
    @Order(5)
    void postgresql_stopped_for_twenty_seconds_pauses_the_work_and_loses_nothing() throws Exception {
        run("5 PostgreSQL away 20 s", cluster -> {
            long stopped = System.nanoTime();
            cluster.stopPostgres();
            progress("PostgreSQL stopped; starting it again in 20 s");
            await().pollDelay(Duration.ofSeconds(20)).atMost(Duration.ofSeconds(21)).until(() -> true);
            cluster.startPostgres();
            progress(String.format("PostgreSQL started again on its data, port %d, %.1f s after the stop", cluster.pgPort, (System.nanoTime() - stopped) / 1e9));
            return stopped;
        }, (cluster, soft) -> cluster.gateways.forEach(g -> soft.assertThat(g.health()).as(g.name + " at the end").contains("\"status\":\"UP\"")));
    }

    // ---- one run: a fresh cluster, the load, the fault at a third, the checks -------------------------

    interface Fault {
        /** Does the fault; answers when it began (System.nanoTime()). */
        long apply(Cluster cluster) throws Exception;
    }

    interface EndState {
        void check(Cluster cluster, SoftAssertions soft) throws Exception;
    }

    private void run(String name, Fault fault, EndState endState) throws Exception {
        String result = "FAILED";
        String resumed = "-";
        String notes = "";
        long runStart = System.nanoTime();
        String tag = "R" + name.charAt(0) + "-" + Long.toString(System.currentTimeMillis() % 100000, 36);
        progress("=== " + name + " ===");
        try (Cluster cluster = Cluster.start("run" + name.charAt(0))) {
            Load load = new Load(cluster, tag);
            Sampler sampler = new Sampler(cluster, tag, load);
            sampler.start();
            AtomicLong faultAt = new AtomicLong();
            AtomicLong faultDone = new AtomicLong();
            CompletableFuture<Void> faultRun = new CompletableFuture<>();
            load.run(() -> {
                Thread t = new Thread(() -> {
                    try {
                        faultAt.set(sampler.markFault(fault.apply(cluster)));
                        faultDone.set(System.nanoTime());
                        faultRun.complete(null);
                    } catch (Throwable e) {
                        faultRun.completeExceptionally(e);
                    }
                }, "fault");
                t.start();
            });
            faultRun.get(120, TimeUnit.SECONDS);
            progress(String.format("load sent in %.1f s: %d queue sends (%d retried), %d files", load.elapsedSeconds(), load.queueSent.get(),
                    load.retries.get(), load.filesDropped.get()));
            boolean quiet = sampler.awaitQuiet(Duration.ofSeconds(Integer.getInteger("ha.quiet-seconds", 180)));
            sampler.stop();
            double resumeFromFault = sampler.resumedAfter(faultAt.get());
            double resumeFromEnd = sampler.resumedAfter(faultDone.get());
            double stall = sampler.longestStallAfter(faultAt.get());
            resumed = Double.isNaN(resumeFromFault) ? "never" : String.format("%.1f s (%.1f s after the fault ended)", resumeFromFault,
                    Double.isNaN(resumeFromEnd) ? 0.0 : resumeFromEnd);
            progress("deliveries resumed " + resumed + "; longest time without any delivery after the fault " + String.format("%.1f s", stall)
                    + "; quiet: " + quiet);

            for (Gateway g : cluster.gateways) {
                progress(String.format("%s log: %d attempts refused with ClaimHeldException, %d with LeaseExpiredException, %d FAILED receipts",
                        g.name, g.logLinesWith("caught: nl.schakel.ledger.ClaimHeldException").size(),
                        g.logLinesWith("caught: nl.schakel.ledger.LeaseExpiredException").size(), g.logLinesWith("Receipt ", " FAILED for message").stream()
                                .filter(l -> l.contains(" FAILED for message")).count()));
            }
            SoftAssertions soft = new SoftAssertions();
            soft.assertThat(quiet).as("the system became quiet with everything delivered").isTrue();
            verifyExactlyOnce(cluster, load, soft);
            endState.check(cluster, soft);
            notes = String.format("no delivery for %.1f s at most; %d msgs, %d send retries, %.0f s", stall, load.total(), load.retries.get(),
                    (System.nanoTime() - runStart) / 1e9);
            soft.assertAll();
            result = "passed";
        } finally {
            summary.add(String.format("%-34s %-7s %-28s %s", name, result, resumed, notes));
        }
    }

    /** The checks after the system is quiet. */
    private static void verifyExactlyOnce(Cluster cluster, Load load, SoftAssertions soft) throws Exception {
        // the queue channel: the receiver's inbox, drained, as a set without repeats
        Map<String, Integer> delivered = new TreeMap<>();
        cluster.drain(QUEUE_RECEIVER, "inbox." + QUEUE_RECEIVER, m -> delivered.merge(property(m, "schakelMessageId"), 1, Integer::sum));
        soft.assertThat(delivered.keySet()).as("dossiers on inbox." + QUEUE_RECEIVER).containsExactlyInAnyOrderElementsOf(load.queueIds);
        soft.assertThat(repeats(delivered)).as("dossiers delivered more than once to inbox." + QUEUE_RECEIVER).isEmpty();
        Map<String, Integer> receipts = new TreeMap<>();
        Map<String, Integer> outcomes = new TreeMap<>();
        cluster.drain(QUEUE_SENDER, "inbox." + QUEUE_SENDER, m -> {
            receipts.merge(property(m, "schakelRefersTo"), 1, Integer::sum);
            outcomes.merge(status(body(m)), 1, Integer::sum);
        });
        soft.assertThat(receipts.keySet()).as("receipts on inbox." + QUEUE_SENDER).containsExactlyInAnyOrderElementsOf(load.queueIds);
        soft.assertThat(repeats(receipts)).as("messages with more than one receipt on inbox." + QUEUE_SENDER).isEmpty();
        progress("queue channel: " + delivered.size() + " distinct dossiers on inbox." + QUEUE_RECEIVER + ", " + receipts.size()
                + " distinct receipts on inbox." + QUEUE_SENDER + ", outcomes " + outcomes);

        // the file channel: the receivers' outboxes and the senders' receipts
        for (String[] pair : FILE_PAIRS) {
            Set<String> sent = load.fileIds.getOrDefault(pair[1], Set.of());
            Path outbox = cluster.data.resolve("outbox").resolve(pair[2]);
            List<String> names = list(outbox);
            List<String> dossiers = names.stream().filter(n -> n.startsWith("dossier-" + pair[1] + "-"))
                    .map(n -> n.substring(("dossier-" + pair[1] + "-").length(), n.lastIndexOf('.'))).toList();
            soft.assertThat(dossiers).as("dossiers in outbox/" + pair[2]).containsExactlyInAnyOrderElementsOf(sent);
            soft.assertThat(names.stream().filter(n -> n.startsWith(".writing-")).toList()).as("half-written files in outbox/" + pair[2]).isEmpty();
            Map<String, Integer> fileReceipts = new TreeMap<>();
            Map<String, Integer> fileOutcomes = new TreeMap<>();
            Path senderOutbox = cluster.data.resolve("outbox").resolve(pair[1]);
            for (String n : list(senderOutbox)) {
                if (n.startsWith("receipt-")) {
                    String refersTo = sent.stream().filter(id -> n.startsWith("receipt-" + id + "-")).findFirst().orElse(n);
                    fileReceipts.merge(refersTo, 1, Integer::sum);
                    fileOutcomes.merge(status(Files.readString(senderOutbox.resolve(n))), 1, Integer::sum);
                }
            }
            soft.assertThat(fileReceipts.keySet()).as("receipts in outbox/" + pair[1]).containsExactlyInAnyOrderElementsOf(sent);
            soft.assertThat(repeats(fileReceipts)).as("files with more than one receipt in outbox/" + pair[1]).isEmpty();
            soft.assertThat(fileOutcomes.keySet()).as("receipt outcomes in outbox/" + pair[1]).containsOnly("ACCEPTED");
            progress("file channel " + pair[1] + " -> " + pair[2] + ": " + dossiers.size() + " of " + sent.size() + " in the outbox, receipts "
                    + fileOutcomes);
        }
        soft.assertThat(outcomes.keySet()).as("receipt outcomes on inbox." + QUEUE_SENDER).containsOnly("ACCEPTED");

        // nothing waiting or set aside anywhere
        try (Stream<Path> files = Files.walk(cluster.data.resolve("inbox"))) {
            soft.assertThat(files.filter(Files::isRegularFile).map(Path::toString).toList()).as("files left in the inboxes").isEmpty();
        }
        try (Stream<Path> files = Files.walk(cluster.data.resolve("quarantine"))) {
            soft.assertThat(files.filter(Files::isRegularFile).map(Path::toString).toList()).as("files in quarantine").isEmpty();
        }
        Map<String, Long> queues = cluster.queueCounts();
        soft.assertThat(queues.entrySet().stream().filter(e -> e.getValue() > 0).map(e -> e.getKey() + "=" + e.getValue()).toList())
                .as("messages left on the broker's queues (dead letters, inboxes, gateway.inbound) after draining").isEmpty();
        progress("broker queues after draining: " + queues.entrySet().stream().filter(e -> e.getValue() != 0).map(Object::toString)
                .collect(Collectors.joining(", ", "{", "}")));

        // the ledger
        try (java.sql.Connection db = cluster.database(); Statement st = db.createStatement()) {
            // every dossier was taken from its inbox (drained above, outboxes emptied by the sampler's count):
            // PICKED_UP, for the queue channel through the brokers' pick-up notices (PickupNoticePlugin)
            try {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                        .until(() -> rows(st, "SELECT count(*) FROM transfer WHERE status = 'QUEUED'").equals(List.of("0")));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                soft.fail("transfers still QUEUED 30 s after their inboxes were drained: "
                        + rows(st, "SELECT count(*) FROM transfer WHERE status = 'QUEUED'"));
            }
            soft.assertThat(rows(st, "SELECT sender || '/' || message_id FROM accepted_message WHERE state = 'CLAIMED'"))
                    .as("messages claimed and never sent (ledger accepted_message)").isEmpty();
            soft.assertThat(rows(st, "SELECT transfer_id || ' ' || status FROM transfer WHERE status NOT IN ('QUEUED', 'PICKED_UP')"))
                    .as("transfers not delivered (ledger transfer: RECEIVED, ACCEPTED, FAILED, DUPLICATE, ...)").isEmpty();
            soft.assertThat(rows(st, "SELECT sender || '/' || message_id FROM transfer GROUP BY sender, message_id HAVING count(*) > 1"))
                    .as("message ids with more than one transfer").isEmpty();
            List<String> byStatus = rows(st, "SELECT status || '=' || count(*) FROM transfer GROUP BY status ORDER BY status");
            soft.assertThat(rows(st, "SELECT count(*) FROM transfer")).as("transfers in the ledger").containsExactly(Integer.toString(load.total()));
            progress("ledger: " + byStatus + "; instances " + rows(st, "SELECT instance_id || ' epoch ' || epoch FROM gateway_instance ORDER BY instance_id"));
        }
    }

    private static List<String> repeats(Map<String, Integer> counts) {
        return counts.entrySet().stream().filter(e -> e.getValue() > 1).map(e -> e.getKey() + " x" + e.getValue()).toList();
    }

    private static final Pattern STATUS = Pattern.compile("status\"?\\s*[:>]\\s*\"?([A-Z_]+)");

    private static String status(String receipt) {
        Matcher m = STATUS.matcher(receipt);
        return m.find() ? m.group(1) : "unreadable";
    }

    private static String property(Message m, String name) {
        try {
            return m.getStringProperty(name);
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String body(Message m) {
        try {
            if (m instanceof TextMessage text) {
                return text.getText();
            }
            if (m instanceof BytesMessage bytes) {
                byte[] b = new byte[(int) bytes.getBodyLength()];
                bytes.readBytes(b);
                return new String(b, StandardCharsets.UTF_8);
            }
            return String.valueOf(m.getBody(Object.class));
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> rows(Statement st, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static List<String> list(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    // ---- throughput: one gateway and two on the same pair ----------------------------------------------

    @Test
    @Order(6)
    void throughput_of_two_gateways_beside_one_on_the_same_broker_pair() throws Exception {
        int count = Integer.getInteger("ha.throughput-dossiers", 1500);
        progress("=== throughput: " + count + " dossiers of 8 KB through the queue channel, 8 senders, one gateway and then two ===");
        try (Cluster cluster = Cluster.start("throughput", 1)) {
            double one = cluster.saturate("T1-", count);
            cluster.addGateway();
            double two = cluster.saturate("T2-", count);
            String line = String.format("%.1f dossiers/s with one gateway, %.1f with two (x%.2f), 8 KB, 2 shared cores", one, two, two / one);
            progress("throughput: " + line);
            summary.add(String.format("%-34s %-7s %-28s %s", "throughput (queue, 8 KB)", "measured", "-", line));
            assertThat(one).isPositive();
            assertThat(two).isPositive();
        }
    }

    // ---- the cluster ----------------------------------------------------------------------------------

    static final class Cluster implements AutoCloseable {
        final Path work;
        final Path data;
        final TestingCluster zookeeper;
        final ArtemisNode primary;
        final ArtemisNode backup;
        final int pgPort;
        final Path pgData;
        EmbeddedPostgres postgres;
        final List<Gateway> gateways = new ArrayList<>();

        static Cluster start(String name) throws Exception {
            return start(name, 2);
        }

        static Cluster start(String name, int gatewayCount) throws Exception {
            Cluster c = new Cluster(root.resolve(name));
            try {
                c.startAll(gatewayCount);
                return c;
            } catch (Exception | AssertionError e) {
                c.close();
                throw e;
            }
        }

        private Cluster(Path work) throws Exception {
            this.work = Files.createDirectories(work);
            this.data = work.resolve("shared-data");
            this.pgData = work.resolve("postgres");
            this.pgPort = ArtemisNode.freePort();
            zookeeper = ArtemisNode.zookeeperEnsemble(work);
            int p1 = ArtemisNode.freePort();
            int p2 = ArtemisNode.freePort();
            String coordination = "schakel-" + work.getFileName();
            primary = new ArtemisNode(work.resolve("primary"), "primary", "primary", p1, p2, coordination, zookeeper.getConnectString(), SESSION_MS,
                    CLUSTER_PASSWORD);
            backup = new ArtemisNode(work.resolve("backup"), "backup", "backup", p2, p1, coordination, zookeeper.getConnectString(), SESSION_MS,
                    CLUSTER_PASSWORD);
        }

        private void startAll(int gatewayCount) throws Exception {
            long t0 = System.nanoTime();
            CompletableFuture<Void> creating = CompletableFuture.allOf(CompletableFuture.runAsync(() -> primary.create(generatedEtc)),
                    CompletableFuture.runAsync(() -> backup.create(generatedEtc)));
            zookeeper.start();
            Files.createDirectories(pgData);
            startPostgres();
            creating.get(120, TimeUnit.SECONDS);
            primary.start();
            primary.awaitLog(ArtemisNode.ACTIVE, Duration.ofSeconds(60));
            backup.start();
            backup.awaitLog(ArtemisNode.BACKUP_IN_SYNC, Duration.ofSeconds(60));
            progress(String.format("ZooKeeper %s, primary :%d active, backup :%d in sync, PostgreSQL :%d (%.1f s)", zookeeper.getConnectString(),
                    primary.port, backup.port, pgPort, (System.nanoTime() - t0) / 1e9));
            for (int i = 1; i <= gatewayCount; i++) {
                gateways.add(new Gateway(this, "gateway-" + i));
            }
            for (Gateway g : gateways) {
                g.start();
            }
            for (Gateway g : gateways) {
                g.awaitUp(Duration.ofSeconds(120));
            }
            progress(String.format("%d gateway(s) up (%.1f s since the cluster's start)", gateways.size(), (System.nanoTime() - t0) / 1e9));
        }

        void addGateway() throws Exception {
            Gateway g = new Gateway(this, "gateway-" + (gateways.size() + 1));
            gateways.add(g);
            g.start();
            g.awaitUp(Duration.ofSeconds(120));
            progress(g.name + " up");
        }

        void startPostgres() throws IOException {
            postgres = EmbeddedPostgres.builder().setPort(pgPort).setDataDirectory(pgData).setCleanDataDirectory(false).start();
        }

        void stopPostgres() throws IOException {
            EmbeddedPostgres p = postgres;
            postgres = null;
            p.close();
        }

        String coreUrl() {
            return "(tcp://127.0.0.1:" + primary.port + ",tcp://127.0.0.1:" + backup.port + ")?ha=true&reconnectAttempts=-1";
        }

        /** What the gateways get: the documented URL, quicker retries, and a dead connection noticed in seconds. */
        String gatewayUrl() {
            return coreUrl() + "&retryInterval=100&retryIntervalMultiplier=1.5&maxRetryInterval=1000"
                    + "&clientFailureCheckPeriod=2000&connectionTTL=6000&callTimeout=10000";
        }

        String amqpUrl() {
            return "failover:(amqp://127.0.0.1:" + primary.port + ",amqp://127.0.0.1:" + backup.port + ")?failover.maxReconnectAttempts=-1"
                    + "&failover.initialReconnectDelay=100&failover.maxReconnectDelay=1000&amqp.idleTimeout=6000";
        }

        ConnectionFactory core(String user, String password) {
            return new ActiveMQConnectionFactory(coreUrl() + "&retryInterval=100&retryIntervalMultiplier=1.5&maxRetryInterval=1000"
                    + "&clientFailureCheckPeriod=2000&connectionTTL=6000&callTimeout=10000", user, password);
        }

        java.sql.Connection database() throws SQLException {
            return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres?connectTimeout=2&socketTimeout=5", "postgres", "");
        }

        long epoch(String instance) throws SQLException {
            try (java.sql.Connection db = database(); Statement st = db.createStatement();
                 ResultSet rs = st.executeQuery("SELECT epoch FROM gateway_instance WHERE instance_id = '" + instance + "'")) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }

        /** Takes every message waiting on a queue as its institution, acknowledging each. */
        void drain(String user, String queue, Consumer<Message> each) throws JMSException {
            try (Connection conn = core(user, "demo-" + user).createConnection()) {
                conn.start();
                Session s = conn.createSession(false, Session.AUTO_ACKNOWLEDGE);
                try (MessageConsumer consumer = s.createConsumer(s.createQueue(queue))) {
                    Message m;
                    while ((m = consumer.receive(3000)) != null) {
                        each.accept(m);
                    }
                }
            }
        }

        /** Message counts of every queue that matters, from the active broker (missing queues are empty). */
        Map<String, Long> queueCounts() throws Exception {
            List<String> names = new ArrayList<>(List.of("gateway.inbound", "DLQ.gateway.inbound", "gateway.dead-letters"));
            for (String code : List.of("30AA00", "30AB00", "30AC00", "31AA00", "31AB00", "31AE00", "31AF00", "32AA00", "32AB00", "33AA00",
                    "34AB00", "30AD00", "30AE00", "30AF00", "31AD00", "32AD00", "33AD00", "34AD00")) {
                names.add("inbox." + code);
                names.add("DLQ.inbox." + code);
            }
            Map<String, Long> counts = new TreeMap<>();
            try (ServerLocator locator = ActiveMQClient.createServerLocator(coreUrl()); ClientSessionFactory f = locator.createSessionFactory();
                 ClientSession s = f.createSession(GATEWAY, GATEWAY_PASSWORD, false, true, true, false, 0)) {
                for (String name : names) {
                    var q = s.queueQuery(SimpleString.of(name));
                    counts.put(name, q.isExists() ? q.getMessageCount() : 0L);
                }
            }
            return counts;
        }

        /** The brokers that accept a gateway session now, each asked directly (no fail-over). */
        List<String> active() {
            List<String> serving = new ArrayList<>();
            for (ArtemisNode b : List.of(primary, backup)) {
                try (ServerLocator locator = ActiveMQClient.createServerLocator("tcp://127.0.0.1:" + b.port
                        + "?reconnectAttempts=0&initialConnectAttempts=1&callTimeout=2000&callFailoverTimeout=0");
                     ClientSessionFactory f = locator.createSessionFactory();
                     ClientSession s = f.createSession(GATEWAY, GATEWAY_PASSWORD, false, true, true, false, 0)) {
                    serving.add(b.name);
                } catch (Exception e) {
                    // not serving
                }
            }
            return serving;
        }

        /** Sends {@code count} 8 KB dossiers as fast as 8 senders can; dossiers/s from the first send to the last QUEUED. */
        double saturate(String prefix, int count) throws Exception {
            byte[] template = dossier(QUEUE_SENDER, QUEUE_RECEIVER, "isk-to-vo.xml", "TEMPLATE-ID", 8 * 1024);
            String text = new String(template, StandardCharsets.UTF_8);
            long t0 = System.nanoTime();
            int senders = 8;
            List<CompletableFuture<Void>> running = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                int first = s;
                running.add(CompletableFuture.runAsync(() -> {
                    try (Connection conn = core(QUEUE_SENDER, "demo-" + QUEUE_SENDER).createConnection()) {
                        Session session = conn.createSession(false, Session.AUTO_ACKNOWLEDGE);
                        MessageProducer producer = session.createProducer(session.createQueue("gateway.inbound"));
                        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                        for (int i = first; i < count; i += senders) {
                            String id = prefix + i;
                            BytesMessage m = session.createBytesMessage();
                            m.writeBytes(text.replace("TEMPLATE-ID", id).getBytes(StandardCharsets.UTF_8));
                            m.setStringProperty("_AMQ_DUPL_ID", id);
                            producer.send(m);
                        }
                    } catch (JMSException e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(250)).until(() -> delivered(prefix) >= count);
            double seconds = (System.nanoTime() - t0) / 1e9;
            drain(QUEUE_RECEIVER, "inbox." + QUEUE_RECEIVER, m -> { });
            drain(QUEUE_SENDER, "inbox." + QUEUE_SENDER, m -> { });
            return count / seconds;
        }

        /** Transfers of this run on the receiver's queue or in its outbox, by the ledger. */
        long delivered(String prefix) throws SQLException {
            try (java.sql.Connection db = database(); Statement st = db.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM transfer WHERE status IN ('QUEUED', 'PICKED_UP') AND message_id LIKE '"
                         + prefix + "%'")) {
                rs.next();
                return rs.getLong(1);
            }
        }

        @Override
        public void close() throws Exception {
            for (Gateway g : gateways) {
                g.kill();
            }
            primary.kill();
            backup.kill();
            if (postgres != null) {
                postgres.close();
            }
            zookeeper.close();
            progress("cluster stopped; logs in " + work);
        }
    }

    // ---- the load -------------------------------------------------------------------------------------

    static final class Load {
        final Cluster cluster;
        final String tag;
        final Set<String> queueIds = ConcurrentHashMap.newKeySet();
        final Map<String, Set<String>> fileIds = new ConcurrentHashMap<>();
        final AtomicInteger queueSent = new AtomicInteger();
        final AtomicInteger filesDropped = new AtomicInteger();
        final AtomicInteger retries = new AtomicInteger();
        private volatile long started;
        private volatile long ended;

        Load(Cluster cluster, String tag) {
            this.cluster = cluster;
            this.tag = tag;
        }

        int total() {
            return SENDERS * PER_SENDER + FILES;
        }

        double elapsedSeconds() {
            return (ended - started) / 1e9;
        }

        /** Runs the whole load, paced at RATE; {@code atAThird} is called once when a third is sent. */
        void run(Runnable atAThird) throws Exception {
            long duration = (long) (total() / RATE * 1e9);
            started = System.nanoTime();
            AtomicInteger done = new AtomicInteger();
            int third = total() / 3;
            Runnable progressed = () -> {
                if (done.incrementAndGet() == third) {
                    atAThird.run();
                }
            };
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                int sender = s;
                boolean amqp = s < AMQP_SENDERS;
                threads.add(new Thread(() -> {
                    try {
                        sendOverQueue(sender, amqp, duration, progressed);
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "sender-" + s));
            }
            threads.add(new Thread(() -> {
                try {
                    dropFiles(duration, progressed);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "file-dropper"));
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join(TimeUnit.MINUTES.toMillis(10));
            }
            ended = System.nanoTime();
            assertThat(failures).as("senders that gave up").isEmpty();
        }

        private void sendOverQueue(int sender, boolean amqp, long duration, Runnable progressed) throws Exception {
            byte[] template = dossier(QUEUE_SENDER, QUEUE_RECEIVER, "isk-to-vo.xml", "TEMPLATE-ID", 0);
            String text = new String(template, StandardCharsets.UTF_8);
            ConnectionFactory factory = amqp ? new JmsConnectionFactory(QUEUE_SENDER, "demo-" + QUEUE_SENDER, cluster.amqpUrl())
                    : cluster.core(QUEUE_SENDER, "demo-" + QUEUE_SENDER);
            try (Connection conn = factory.createConnection()) {
                Session session = conn.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue("gateway.inbound"));
                producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                for (int i = 0; i < PER_SENDER; i++) {
                    pace(started + duration * i / PER_SENDER);
                    String id = tag + "-" + (amqp ? "A" : "C") + sender + "-" + i;
                    byte[] body = text.replace("TEMPLATE-ID", id).getBytes(StandardCharsets.UTF_8);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                    while (true) {
                        try {
                            BytesMessage m = session.createBytesMessage();
                            m.writeBytes(body);
                            // a resend after a fail-over is recognised by the broker (deploy/artemis, persisted id cache)
                            m.setStringProperty("_AMQ_DUPL_ID", id);
                            producer.send(m);
                            break;
                        } catch (JMSException e) {
                            // the outcome is unknown (the broker went away): the same message again, the same id
                            retries.incrementAndGet();
                            if (System.nanoTime() > deadline) {
                                throw new IllegalStateException("sending " + id + " for 120 s", e);
                            }
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                        }
                    }
                    queueIds.add(id);
                    queueSent.incrementAndGet();
                    progressed.run();
                }
            }
        }

        private void dropFiles(long duration, Runnable progressed) throws IOException {
            Path staging = Files.createDirectories(cluster.work.resolve("staging"));
            for (int i = 0; i < FILES; i++) {
                pace(started + duration * i / Math.max(1, FILES));
                String[] pair = FILE_PAIRS.get(i % FILE_PAIRS.size());
                String id = tag + "-F" + i;
                Path temp = staging.resolve(id + ".xml");
                Files.write(temp, dossier(pair[1], pair[2], pair[0], id, 0));
                Path inbox = Files.createDirectories(cluster.data.resolve("inbox").resolve(pair[1]));
                Files.move(temp, inbox.resolve(id + ".xml"), StandardCopyOption.ATOMIC_MOVE);
                fileIds.computeIfAbsent(pair[1], k -> ConcurrentHashMap.newKeySet()).add(id);
                filesDropped.incrementAndGet();
                progressed.run();
            }
        }

        private static void pace(long at) {
            long wait = at - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    /** An example dossier with its own message id replaced, and for isk-to-vo.xml the sender and receiver codes; padded to {@code size}. */
    static byte[] dossier(String sender, String receiver, String example, String id, int size) {
        String text;
        try {
            text = Files.readString(Path.of("schemas/examples").resolve(example));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int from = text.indexOf("<messageId>") + "<messageId>".length();
        text = text.replace(text.substring(from, text.indexOf('<', from)), id);
        if (example.equals("isk-to-vo.xml")) {
            text = text.replace("30AA00", "#S#").replace("30AB00", "#R#").replace("#S#", sender).replace("#R#", receiver);
        }
        int room = size - text.length() - 200;
        if (room > 0) {
            byte[] filler = new byte[room * 3 / 4];
            Arrays.fill(filler, (byte) 'a');
            String attachment = "  <attachments><attachment><title>Bijlage (demo)</title><mediaType>text/plain</mediaType><content>"
                    + Base64.getEncoder().encodeToString(filler) + "</content></attachment></attachments>\n";
            text = text.replace("</transferDossier>", attachment + "</transferDossier>");
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    // ---- watching deliveries --------------------------------------------------------------------------

    /** Samples deliveries every 250 ms (the ledger's QUEUED/PICKED_UP, outbox files) and prints a line every 5 s. */
    static final class Sampler {
        record Sample(long at, long ledger, long files) {
        }

        final Cluster cluster;
        final String tag;
        final Load load;
        final List<Sample> samples = new CopyOnWriteArrayList<>();
        private volatile boolean running = true;
        private Thread thread;
        private volatile long lastLedger;

        Sampler(Cluster cluster, String tag, Load load) {
            this.cluster = cluster;
            this.tag = tag;
            this.load = load;
        }

        void start() {
            thread = new Thread(() -> {
                long lastPrint = 0;
                while (running) {
                    long now = System.nanoTime();
                    try {
                        lastLedger = cluster.delivered(tag);
                    } catch (SQLException e) {
                        // PostgreSQL away: the last figure stands
                    }
                    long files = outboxFiles();
                    samples.add(new Sample(now, lastLedger, files));
                    if (now - lastPrint > TimeUnit.SECONDS.toNanos(5)) {
                        lastPrint = now;
                        progress(String.format("sent %d/%d, delivered by the ledger %d, dossiers in outboxes %d", load.queueSent.get()
                                + load.filesDropped.get(), load.total(), lastLedger, files));
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
                }
            }, "sampler");
            thread.setDaemon(true);
            thread.start();
        }

        long markFault(long at) {
            return at;
        }

        private long outboxFiles() {
            long n = 0;
            for (String[] pair : FILE_PAIRS) {
                try {
                    n += list(cluster.data.resolve("outbox").resolve(pair[2])).stream().filter(f -> f.startsWith("dossier-")).count();
                } catch (IOException e) {
                    // not there yet
                }
            }
            return n;
        }

        /** Seconds from {@code from} until 10 more deliveries (ledger or outbox files) than at that moment; NaN if never. */
        double resumedAfter(long from) {
            Sample base = null;
            for (Sample s : samples) {
                if (s.at <= from) {
                    base = s;
                }
            }
            if (base == null) {
                return Double.NaN;
            }
            for (Sample s : samples) {
                if (s.at > from && (s.ledger - base.ledger) + (s.files - base.files) >= 10) {
                    return (s.at - from) / 1e9;
                }
            }
            return Double.NaN;
        }

        /**
         * The longest time after {@code from} in which no delivery at all was made (ledger and outbox files
         * unchanged), up to the last delivery: how long the fault stopped the flow. Seconds.
         */
        double longestStallAfter(long from) {
            long lastChange = from;
            long longest = 0;
            Sample previous = null;
            for (Sample s : samples) {
                if (s.at < from) {
                    previous = s;
                    continue;
                }
                if (previous != null && (s.ledger != previous.ledger || s.files != previous.files)) {
                    longest = Math.max(longest, s.at - lastChange);
                    lastChange = s.at;
                }
                previous = s;
            }
            return longest / 1e9;
        }

        /** Everything delivered (ledger), the outboxes full, the inboxes empty: for 3 s. False after no progress for 45 s. */
        boolean awaitQuiet(Duration atMost) {
            try {
                await().atMost(atMost).pollInterval(Duration.ofMillis(500)).failFast("no delivery for 45 s", () -> {
                    Sample last = samples.get(samples.size() - 1);
                    return load.ended > 0 && System.nanoTime() - load.ended > TimeUnit.SECONDS.toNanos(45)
                            && samples.stream().filter(s -> s.at > last.at - TimeUnit.SECONDS.toNanos(45))
                            .allMatch(s -> s.ledger == last.ledger && s.files == last.files);
                }).until(() -> {
                    Sample last = samples.get(samples.size() - 1);
                    boolean done = last.ledger >= load.total() && last.files >= FILES && inboxEmpty();
                    return done && samples.stream().filter(s -> s.at > last.at - TimeUnit.SECONDS.toNanos(3)).allMatch(s -> s.ledger == last.ledger);
                });
                return true;
            } catch (org.awaitility.core.ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
                Sample last = samples.get(samples.size() - 1);
                progress("not quiet (" + e.getMessage() + "): delivered by the ledger " + last.ledger + " of " + load.total()
                        + ", outbox dossiers " + last.files + " of " + FILES);
                return false;
            }
        }

        private boolean inboxEmpty() throws IOException {
            try (Stream<Path> files = Files.walk(cluster.data.resolve("inbox"))) {
                return files.noneMatch(Files::isRegularFile);
            }
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(5000);
        }
    }

    // ---- the processes --------------------------------------------------------------------------------

    /** A gateway from the packaged jar on the shared data folder, its own spool, ports and instance id. */
    static final class Gateway {
        final Cluster cluster;
        final String name;
        final int management;
        final Path dir;
        Process process;

        Gateway(Cluster cluster, String name) throws IOException {
            this.cluster = cluster;
            this.name = name;
            this.management = ArtemisNode.freePort();
            this.dir = Files.createDirectories(cluster.work.resolve(name));
        }

        void start() throws IOException {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx384m", "-XX:+UseSerialGC",
                    "-Dschakel.data-dir=" + cluster.data,
                    "-Dschakel.spool-dir=" + dir.resolve("spool"),
                    "-Dschakel.instance.id=" + name,
                    "-Dschakel.broker.embedded=false",
                    "-Dschakel.broker.url=" + cluster.gatewayUrl(),
                    "-Dschakel.broker.user=" + GATEWAY,
                    "-Dschakel.ledger.url=jdbc:postgresql://127.0.0.1:" + cluster.pgPort + "/postgres?connectTimeout=2&socketTimeout=10",
                    "-Dschakel.ledger.user=postgres",
                    "-Dschakel.ledger.check-interval-ms=500",
                    "-Dschakel.file.shared-lock=true",
                    "-Dschakel.file.lock-max-age-ms=8000",
                    "-Dschakel.file.lock-keep-alive-ms=2000",
                    "-Dschakel.file.poll-delay-ms=200",
                    "-Dschakel.file.min-age-ms=300",
                    "-Dschakel.instance.lease-ms=" + LEASE_MS,
                    "-Dschakel.instance.renew-interval-ms=" + LEASE_MS / 4,
                    "-Dcamel.management.port=" + management,
                    "-Dcamel.server.port=" + ArtemisNode.freePort(),
                    "-Dschakel.console.port=" + ArtemisNode.freePort(),
                    "-jar", Path.of("target/schakel-gateway.jar").toAbsolutePath().toString()));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("gateway.log").toFile()));
            pb.environment().put("SCHAKEL_BROKER_PASSWORD", GATEWAY_PASSWORD);
            process = pb.start();
            Process started = process;
            Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
            progress(name + " started, pid " + process.pid() + ", health :" + management);
        }

        String health() {
            try {
                return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + "/observe/health"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
            } catch (IOException e) {
                return "no answer: " + e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }

        void awaitUp(Duration atMost) {
            await().atMost(atMost).pollInterval(Duration.ofMillis(300))
                    .failFast(name + " ended; see " + dir.resolve("gateway.log"), () -> !process.isAlive())
                    .until(() -> health().contains("\"status\":\"UP\""));
        }

        List<String> logLinesWith(String... texts) {
            try {
                return Files.readAllLines(dir.resolve("gateway.log")).stream().filter(l -> Stream.of(texts).anyMatch(l::contains))
                        .map(l -> l.length() > 220 ? l.substring(0, 220) : l).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void kill() throws InterruptedException {
            if (process != null && process.isAlive()) {
                // a stopped process is killed too
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------

    static void progress(String line) {
        System.out.printf("[HaClusterIT %6.1f s] %s%n", (System.nanoTime() - START) / 1e9, line);
        System.out.flush();
    }
}
