package nl.schakel.ha;

import org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQSecurityException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The broker tier of issue 13, proved with real processes: a ZooKeeper ensemble of three (curator-test),
 * and an Artemis 2.44.0 primary and backup made with {@code artemis create} and overlaid with the
 * repository's deploy/artemis configuration, the broker-plugins jar and what {@code schakel broker-config --demo}
 * writes. Only with {@code -Pha} (pom.xml), which unpacks the distribution into target/.
 * <p>
 * Tests run in order and share the processes: (a) the pair comes up and enforces the embedded broker's
 * rules, (b) the primary is killed mid-load and the backup takes over with every message exactly once,
 * (c) a new pair's primary is frozen past its ZooKeeper session and thawed: never two active brokers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrokerPairIT {
    private static final String GATEWAY = "schakel-gateway";
    private static final String GATEWAY_PASSWORD = UUID.randomUUID().toString();
    private static final String CLUSTER_PASSWORD = UUID.randomUUID().toString();
    /** The lock manager's ZooKeeper session: a broker cut off this long loses the lock. */
    private static final int SESSION_MS = 6000;
    private static final long START = System.nanoTime();

    private static Path work;
    private static TestingCluster zookeeper;
    private static final List<ArtemisNode> brokers = new ArrayList<>();
    private static ArtemisNode primary;
    private static ArtemisNode backup;

    @BeforeAll
    static void start_zookeeper_and_the_pair() throws Exception {
        work = Files.createDirectories(Path.of("target", "ha", "run-" + System.currentTimeMillis())).toAbsolutePath();
        progress("work folder " + work);

        zookeeper = ArtemisNode.zookeeperEnsemble(work);
        zookeeper.start();
        progress("ZooKeeper ensemble of 3 at " + zookeeper.getConnectString());

        Path etc = work.resolve("generated-etc");
        progress("broker-config: " + ArtemisNode.writeBrokerConfig(etc, GATEWAY, GATEWAY_PASSWORD));

        int p1 = ArtemisNode.freePort();
        int p2 = ArtemisNode.freePort();
        primary = node(work.resolve("primary"), "primary", p1, p2, "schakel-pair", etc);
        backup = node(work.resolve("backup"), "backup", p2, p1, "schakel-pair", etc);
        start(primary);
        primary.awaitLog(ArtemisNode.ACTIVE, Duration.ofSeconds(60));
        progress("primary active on 127.0.0.1:" + primary.port);
        start(backup);
        backup.awaitLog(ArtemisNode.BACKUP_IN_SYNC, Duration.ofSeconds(60));
        progress("backup on 127.0.0.1:" + backup.port + " synchronized with the primary");
    }

    @AfterAll
    static void stop_everything() throws Exception {
        for (ArtemisNode b : brokers) {
            b.kill();
        }
        if (zookeeper != null) {
            zookeeper.close();
        }
        progress("stopped; logs in " + work);
    }

    @Test
    @Order(1)
    void the_pair_stamps_the_sender_strips_client_properties_and_keeps_each_institution_to_its_own_inbox() throws Exception {
        assertThat(Files.readString(primary.dir.resolve("etc/bootstrap.xml"))).as("no web console at all").doesNotContain("<web");
        assertThat(backup.log()).as("the backup: replicating, announced, not active").contains("AMQ221024", "AMQ221031").doesNotContain("AMQ221007");

        try (Client institution = Client.failover("31AA00", "demo-31AA00")) {
            ClientMessage m = institution.session.createMessage(true);
            m.putStringProperty("pupilName", "Fictief");
            m.putStringProperty("schakelValidatedUser", "30AA00");
            m.putStringProperty("schakelReceiver", "31AB00");
            m.putStringProperty(Message.HDR_DUPLICATE_DETECTION_ID.toString(), "a-1");
            m.getBodyBuffer().writeString("a-1");
            institution.send("gateway.inbound", m);

            assertThatThrownBy(() -> institution.session.createConsumer("inbox.31AB00"))
                    .as("another institution's inbox").isInstanceOf(ActiveMQSecurityException.class);
            assertThatThrownBy(() -> institution.session.createConsumer("gateway.inbound"))
                    .as("the gateway's own queue").isInstanceOf(ActiveMQSecurityException.class);
            institution.session.createConsumer("inbox.31AA00").close();
        }
        assertThatThrownBy(() -> Client.failover("31AA00", "demo-31AB00").close()).as("a wrong password")
                .isInstanceOf(ActiveMQSecurityException.class);

        try (Client gateway = Client.failover(GATEWAY, GATEWAY_PASSWORD)) {
            ClientMessage received = gateway.receive("gateway.inbound");
            assertThat(received).isNotNull();
            assertThat(received.getStringProperty("schakelValidatedUser")).isEqualTo("31AA00");
            assertThat(received.getStringProperty("schakelReceiver")).isEqualTo("31AB00");
            assertThat(received.containsProperty("pupilName")).as("a client property on gateway.inbound").isFalse();
            assertThat(received.getStringProperty(Message.HDR_DUPLICATE_DETECTION_ID.toString())).isEqualTo("a-1");
            assertThatThrownBy(() -> gateway.session.createQueue(QueueConfiguration.of("elsewhere").setDurable(true)))
                    .as("the gateway's rights end at its own addresses").isInstanceOf(ActiveMQSecurityException.class);
        }
        progress("(a) stamp, stripped properties, own inbox only: as the embedded broker");
    }

    @Test
    @Order(2)
    void killing_the_primary_mid_load_fails_over_to_the_backup_with_every_message_exactly_once() throws Exception {
        int total = 1000;
        int killAt = 300;
        long killedAt = 0;
        long firstSendAfterKill = 0;
        int retries = 0;
        try (Client institution = Client.failover("31AB00", "demo-31AB00")) {
            for (int i = 0; i < total; i++) {
                if (i == killAt) {
                    progress("(b) " + killAt + " sent: kill -9 the primary (pid " + primary.process.pid() + ")");
                    primary.process.destroyForcibly();
                    killedAt = System.nanoTime();
                }
                String id = "b-" + i;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (true) {
                    try {
                        ClientMessage m = institution.session.createMessage(true);
                        m.putStringProperty(Message.HDR_DUPLICATE_DETECTION_ID.toString(), id);
                        m.getBodyBuffer().writeString(id);
                        institution.send("gateway.inbound", m);
                        break;
                    } catch (ActiveMQException e) {
                        // the outcome of this send is unknown (the broker went away): send it again, the same id
                        retries++;
                        assertThat(System.nanoTime()).as("sending " + id + " after the fail-over").isLessThan(deadline);
                    }
                }
                if (i == killAt && firstSendAfterKill == 0) {
                    firstSendAfterKill = System.nanoTime();
                    progress(String.format("(b) first send after the kill went through after %.1f s (%d retries)",
                            (firstSendAfterKill - killedAt) / 1e9, retries));
                }
            }

            backup.awaitLog("AMQ221007", Duration.ofSeconds(5));
            progress(String.format("(b) backup log says active (AMQ221007); client-side fail-over %.1f s", (firstSendAfterKill - killedAt) / 1e9));

            ClientMessage again = institution.session.createMessage(true);
            again.putStringProperty(Message.HDR_DUPLICATE_DETECTION_ID.toString(), "b-7");
            ClientSession tx = institution.factory.createSession("31AB00", "demo-31AB00", false, false, false, false, 0);
            ClientProducer producer = tx.createProducer("gateway.inbound");
            producer.send(again);
            assertThatThrownBy(tx::commit).as("a resend of b-7 (sent before the kill)").isInstanceOf(ActiveMQDuplicateIdException.class);
            tx.close();
        }

        Map<String, Integer> seen = new HashMap<>();
        try (Client gateway = Client.failover(GATEWAY, GATEWAY_PASSWORD)) {
            gateway.drain("gateway.inbound", m -> seen.merge(m.getBodyBuffer().readString(), 1, Integer::sum));
        }
        assertThat(seen).hasSize(total);
        assertThat(seen.values()).as("each id on the queue").containsOnly(1);
        progress(String.format("(b) %d ids on gateway.inbound exactly once after the fail-over; %d sends retried; fail-over %.1f s",
                seen.size(), retries, (firstSendAfterKill - killedAt) / 1e9));
    }

    @Test
    @Order(3)
    void a_primary_frozen_past_its_zookeeper_session_never_is_active_beside_the_backup() throws Exception {
        Path etc = work.resolve("generated-etc");
        int p1 = ArtemisNode.freePort();
        int p2 = ArtemisNode.freePort();
        ArtemisNode frozen = node(work.resolve("primary-c"), "primary", p1, p2, "schakel-pair-c", etc);
        ArtemisNode other = node(work.resolve("backup-c"), "backup", p2, p1, "schakel-pair-c", etc);
        start(frozen);
        frozen.awaitLog(ArtemisNode.ACTIVE, Duration.ofSeconds(60));
        start(other);
        other.awaitLog(ArtemisNode.BACKUP_IN_SYNC, Duration.ofSeconds(60));
        progress("(c) second pair up: primary :" + p1 + ", backup :" + p2 + " synchronized");

        AtomicBoolean probing = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Probe> probes = new ConcurrentLinkedQueue<>();
        var probers = List.of(prober(frozen, probing, probes), prober(other, probing, probes));

        await().atMost(Duration.ofSeconds(10)).until(() -> probes.stream().anyMatch(p -> p.broker == frozen && p.accepted));
        long stoppedAt = System.nanoTime();
        ArtemisNode.signal(frozen.process, "STOP");
        progress("(c) SIGSTOP the primary (session " + SESSION_MS + " ms); waiting for the backup to take the lock");
        other.awaitLog("AMQ221007", Duration.ofSeconds(60));
        progress(String.format("(c) backup active %.1f s after SIGSTOP; 2 s more frozen", (System.nanoTime() - stoppedAt) / 1e9));
        await().atMost(Duration.ofSeconds(5)).until(() -> System.nanoTime() - stoppedAt > TimeUnit.MILLISECONDS.toNanos(SESSION_MS + 2000)
                && probes.stream().anyMatch(p -> p.broker == other && p.accepted));
        long contAt = System.nanoTime();
        ArtemisNode.signal(frozen.process, "CONT");
        progress("(c) SIGCONT the primary after " + TimeUnit.NANOSECONDS.toMillis(contAt - stoppedAt) + " ms; probing both for 15 s more");
        await().atMost(Duration.ofSeconds(20)).until(() -> System.nanoTime() - contAt > TimeUnit.SECONDS.toNanos(15));
        probing.set(false);
        for (var executor : probers) {
            executor.shutdown();
            assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }

        List<Probe> accepted = probes.stream().filter(p -> p.accepted).sorted((x, y) -> Long.compare(x.start, y.start)).toList();
        long backupFirst = accepted.stream().filter(p -> p.broker == other).mapToLong(p -> p.start).min().orElseThrow();
        List<Probe> primaryAfter = accepted.stream().filter(p -> p.broker == frozen && p.end > backupFirst).toList();
        long primaryTried = probes.stream().filter(p -> p.broker == frozen && p.start > contAt).count();
        progress(String.format("(c) backup first accepted a send %.1f s after SIGSTOP; %d probes of the thawed primary after SIGCONT, "
                        + "%d accepted once the backup was active; backup accepted %d",
                (backupFirst - stoppedAt) / 1e9, primaryTried, primaryAfter.size(), accepted.stream().filter(p -> p.broker == other).count()));
        long fenced = probes.stream().filter(p -> p.broker == frozen && p.refusal != null && p.refusal.contains("paused")).count();
        progress("(c) sends the thawed primary refused as paused (PauseFencePlugin): " + fenced);
        frozen.logLinesWith("stood still", "Quorum UNAVAILABLE", "AMQ221002").forEach(l -> progress("(c) thawed primary: " + l));
        assertThat(primaryTried).as("the thawed primary was probed").isPositive();
        assertThat(primaryAfter).as("sends the old primary accepted once the backup was active").isEmpty();
        assertThat(frozen.log()).as("the thawed primary stops: it lost the lock").contains("AMQ221002");
        assertThat(frozen.process.isAlive() && frozen.log().lines().filter(l -> l.contains("AMQ221007")).count() > 1)
                .as("the thawed primary came back active").isFalse();
        frozen.kill();
        other.kill();
    }

    // ---------------------------------------------------------------------------------------------

    /** One attempt to open a session as the gateway and send one durable message, on one broker only. */
    record Probe(ArtemisNode broker, long start, long end, boolean accepted, String refusal) {
    }

    /** Probes a broker every 100 ms (one probe at a time) until {@code probing} ends. */
    private static java.util.concurrent.ScheduledExecutorService prober(ArtemisNode broker, AtomicBoolean probing, ConcurrentLinkedQueue<Probe> probes) {
        var executor = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "probe-" + broker.name);
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(() -> {
            if (!probing.get()) {
                return;
            }
            long start = System.nanoTime();
            boolean accepted;
            String refusal = null;
            try (Client c = Client.direct(broker.port, GATEWAY, GATEWAY_PASSWORD)) {
                ClientMessage m = c.session.createMessage(true);
                m.getBodyBuffer().writeString("probe");
                c.send("gateway.probe", m);
                accepted = true;
            } catch (Exception e) {
                accepted = false;
                refusal = String.valueOf(e.getMessage());
            }
            probes.add(new Probe(broker, start, System.nanoTime(), accepted, refusal));
        }, 0, 100, TimeUnit.MILLISECONDS);
        return executor;
    }

    /** A node of a pair, its configuration written; every node started is killed after the tests. */
    private static ArtemisNode node(Path dir, String role, int port, int peerPort, String coordinationId, Path generatedEtc) {
        ArtemisNode node = new ArtemisNode(dir, dir.getFileName().toString(), role, port, peerPort, coordinationId, zookeeper.getConnectString(),
                SESSION_MS, CLUSTER_PASSWORD);
        node.create(generatedEtc);
        brokers.add(node);
        return node;
    }

    private static void start(ArtemisNode node) throws IOException {
        node.start();
        progress(node.name + " started, pid " + node.process.pid());
    }

    static void progress(String line) {
        System.out.printf("[BrokerPairIT %5.1f s] %s%n", (System.nanoTime() - START) / 1e9, line);
        System.out.flush();
    }

    /** A Core session, blocking durable sends. */
    static final class Client implements AutoCloseable {
        final ServerLocator locator;
        final ClientSessionFactory factory;
        final ClientSession session;

        private Client(String url, String user, String password) throws Exception {
            locator = ActiveMQClient.createServerLocator(url);
            try {
                factory = locator.createSessionFactory();
                session = factory.createSession(user, password, false, true, true, false, 0);
                session.start();
            } catch (Exception e) {
                locator.close();
                throw e;
            }
        }

        static Client failover(String user, String password) throws Exception {
            return new Client("(tcp://127.0.0.1:" + primary.port + ",tcp://127.0.0.1:" + backup.port
                    + ")?ha=true&reconnectAttempts=-1&retryInterval=100&retryIntervalMultiplier=1.5&maxRetryInterval=1000"
                    + "&callTimeout=10000&blockOnDurableSend=true", user, password);
        }

        /** This broker only, no fail-over: does it serve now? */
        static Client direct(int port, String user, String password) throws Exception {
            return new Client("tcp://127.0.0.1:" + port + "?reconnectAttempts=0&initialConnectAttempts=1&callTimeout=1000"
                    + "&connectionTTL=2000&clientFailureCheckPeriod=500&callFailoverTimeout=0", user, password);
        }

        /** Takes every message waiting on a queue, acknowledging each. */
        void drain(String queue, java.util.function.Consumer<ClientMessage> each) throws ActiveMQException {
            try (ClientConsumer c = session.createConsumer(queue)) {
                ClientMessage m;
                while ((m = c.receive(2000)) != null) {
                    m.acknowledge();
                    each.accept(m);
                }
            }
        }

        void send(String address, ClientMessage m) throws ActiveMQException {
            try (ClientProducer p = session.createProducer(address)) {
                p.send(m);
            }
        }

        ClientMessage receive(String queue) throws ActiveMQException {
            try (ClientConsumer c = session.createConsumer(queue)) {
                ClientMessage m = c.receive(2000);
                if (m != null) {
                    m.acknowledge();
                }
                return m;
            }
        }

        @Override
        public void close() throws Exception {
            session.close();
            factory.close();
            locator.close();
        }
    }
}
