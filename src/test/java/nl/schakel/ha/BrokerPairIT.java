package nl.schakel.ha;

import nl.schakel.cli.Schakel;
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
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

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
    private static final List<Broker> brokers = new ArrayList<>();
    private static Broker primary;
    private static Broker backup;

    @BeforeAll
    static void start_zookeeper_and_the_pair() throws Exception {
        Path home = Path.of(System.getProperty("artemis.home"));
        assertThat(home.resolve("bin/artemis")).as("the Artemis distribution, unpacked by -Pha").exists();
        work = Files.createDirectories(Path.of("target", "ha", "run-" + System.currentTimeMillis())).toAbsolutePath();
        progress("work folder " + work);

        System.setProperty("zookeeper.admin.enableServer", "false");
        List<InstanceSpec> specs = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            // tick 500 ms: ZooKeeper allows sessions of 1 to 10 s, so SESSION_MS is granted as asked
            specs.add(new InstanceSpec(Files.createDirectories(work.resolve("zk" + id)).toFile(), freePort(), freePort(), freePort(),
                    true, id, 500, 60));
        }
        zookeeper = new TestingCluster(specs);
        zookeeper.start();
        progress("ZooKeeper ensemble of 3 at " + zookeeper.getConnectString());

        Path etc = work.resolve("generated-etc");
        writeBrokerConfig(etc);

        int p1 = freePort();
        int p2 = freePort();
        primary = Broker.create(home, work.resolve("primary"), "primary", p1, p2, "schakel-pair", etc);
        backup = Broker.create(home, work.resolve("backup"), "backup", p2, p1, "schakel-pair", etc);
        primary.start();
        primary.awaitLog("AMQ221007", Duration.ofSeconds(60));
        progress("primary active on 127.0.0.1:" + primary.port);
        backup.start();
        backup.awaitLog("AMQ221024", Duration.ofSeconds(60));
        progress("backup on 127.0.0.1:" + backup.port + " synchronized with the primary");
    }

    @AfterAll
    static void stop_everything() throws Exception {
        for (Broker b : brokers) {
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
        Path home = Path.of(System.getProperty("artemis.home"));
        Path etc = work.resolve("generated-etc");
        int p1 = freePort();
        int p2 = freePort();
        Broker frozen = Broker.create(home, work.resolve("primary-c"), "primary", p1, p2, "schakel-pair-c", etc);
        Broker other = Broker.create(home, work.resolve("backup-c"), "backup", p2, p1, "schakel-pair-c", etc);
        frozen.start();
        frozen.awaitLog("AMQ221007", Duration.ofSeconds(60));
        other.start();
        other.awaitLog("AMQ221024", Duration.ofSeconds(60));
        progress("(c) second pair up: primary :" + p1 + ", backup :" + p2 + " synchronized");

        AtomicBoolean probing = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Probe> probes = new ConcurrentLinkedQueue<>();
        var probers = List.of(prober(frozen, probing, probes), prober(other, probing, probes));

        await().atMost(Duration.ofSeconds(10)).until(() -> probes.stream().anyMatch(p -> p.broker == frozen && p.accepted));
        long stoppedAt = System.nanoTime();
        signal(frozen, "STOP");
        progress("(c) SIGSTOP the primary (session " + SESSION_MS + " ms); waiting for the backup to take the lock");
        other.awaitLog("AMQ221007", Duration.ofSeconds(60));
        progress(String.format("(c) backup active %.1f s after SIGSTOP; 2 s more frozen", (System.nanoTime() - stoppedAt) / 1e9));
        await().atMost(Duration.ofSeconds(5)).until(() -> System.nanoTime() - stoppedAt > TimeUnit.MILLISECONDS.toNanos(SESSION_MS + 2000)
                && probes.stream().anyMatch(p -> p.broker == other && p.accepted));
        long contAt = System.nanoTime();
        signal(frozen, "CONT");
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
    record Probe(Broker broker, long start, long end, boolean accepted, String refusal) {
    }

    /** Probes a broker every 100 ms (one probe at a time) until {@code probing} ends. */
    private static java.util.concurrent.ScheduledExecutorService prober(Broker broker, AtomicBoolean probing, ConcurrentLinkedQueue<Probe> probes) {
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

    private static void signal(Broker broker, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(broker.process.pid())).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -" + signal).isZero();
    }

    /** What {@code schakel broker-config --demo} writes, run in-process as the jar would. */
    private static void writeBrokerConfig(Path etc) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Schakel root = new Schakel(Map.of("SCHAKEL_BROKER_PASSWORD", GATEWAY_PASSWORD)::get,
                new ByteArrayInputStream(new byte[0]), () -> null);
        CommandLine cl = Schakel.commandLine(root);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("broker-config", "--demo", "--gateway-user", GATEWAY, "--out", etc.toString());
        assertThat(code).as(err.toString()).isZero();
        progress("broker-config: " + out.toString().trim());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void progress(String line) {
        System.out.printf("[BrokerPairIT %5.1f s] %s%n", (System.nanoTime() - START) / 1e9, line);
        System.out.flush();
    }

    /** A broker instance: artemis create, overlaid with deploy/artemis, run as its own process. */
    static final class Broker {
        final Path dir;
        final String name;
        final int port;
        final Map<String, String> env = new HashMap<>();
        Process process;

        private Broker(Path dir, String name, int port) {
            this.dir = dir;
            this.name = name;
            this.port = port;
        }

        static Broker create(Path home, Path dir, String role, int port, int peerPort, String coordinationId, Path generatedEtc)
                throws Exception {
            Process create = new ProcessBuilder("bash", home.resolve("bin/artemis").toString(), "create",
                    "--user", "unused", "--password", UUID.randomUUID().toString(), "--require-login", "--no-web", "--silent",
                    "--host", "127.0.0.1", "--name", dir.getFileName().toString(), "--no-autotune", "--nio",
                    "--no-amqp-acceptor", "--no-mqtt-acceptor", "--no-stomp-acceptor", "--no-hornetq-acceptor", dir.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolveSibling(dir.getFileName() + "-create.log").toFile()).start();
            assertThat(create.waitFor(60, TimeUnit.SECONDS)).as("artemis create " + dir).isTrue();
            assertThat(create.exitValue()).as("artemis create " + dir).isZero();
            Path deploy = Path.of(System.getProperty("deploy.artemis"));
            try (Stream<Path> files = Files.list(deploy.resolve("etc"))) {
                for (Path f : files.toList()) {
                    Files.copy(f, dir.resolve("etc").resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.copy(deploy.resolve("ha").resolve(role + ".xml"), dir.resolve("etc/ha-policy.xml"), StandardCopyOption.REPLACE_EXISTING);
            try (Stream<Path> files = Files.list(generatedEtc)) {
                for (Path f : files.toList()) {
                    Files.copy(f, dir.resolve("etc").resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Path jar = Path.of(System.getProperty("broker.plugins.jar"));
            Files.copy(jar, dir.resolve("lib").resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);

            Broker b = new Broker(dir, dir.getFileName().toString(), port);
            b.env.put("SCHAKEL_BROKER_NAME", b.name);
            b.env.put("SCHAKEL_BROKER_PORT", Integer.toString(port));
            b.env.put("SCHAKEL_BROKER_PEER_PORT", Integer.toString(peerPort));
            b.env.put("SCHAKEL_ZK_CONNECT", zookeeper.getConnectString());
            b.env.put("SCHAKEL_ZK_SESSION_MS", Integer.toString(SESSION_MS));
            b.env.put("SCHAKEL_ZK_CONNECTION_MS", "3000");
            b.env.put("SCHAKEL_HA_PAUSE_MS", Integer.toString(SESSION_MS / 3));
            b.env.put("SCHAKEL_HA_COORDINATION_ID", coordinationId);
            b.env.put("SCHAKEL_ZK_NAMESPACE", coordinationId);
            b.env.put("SCHAKEL_CLUSTER_PASSWORD", CLUSTER_PASSWORD);
            b.env.put("JAVA_ARGS", "-Xms64m -Xmx320m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dlog4j2.disableJmx=true"
                    + " --add-opens java.base/jdk.internal.misc=ALL-UNNAMED");
            brokers.add(b);
            return b;
        }

        void start() throws IOException {
            ProcessBuilder pb = new ProcessBuilder("bash", dir.resolve("bin/artemis").toString(), "run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("console.log").toFile()));
            pb.environment().putAll(env);
            process = pb.start();
            // no broker outlives the test JVM, however it ends
            Process started = process;
            Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
            progress(name + " started, pid " + process.pid());
        }

        String log() {
            try {
                Path f = dir.resolve("console.log");
                return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The log lines containing any of these texts, shortened. */
        List<String> logLinesWith(String... texts) {
            return log().lines().filter(l -> Stream.of(texts).anyMatch(l::contains)).map(l -> l.length() > 200 ? l.substring(0, 200) : l).toList();
        }

        void awaitLog(String code, Duration atMost) {
            await().atMost(atMost).pollInterval(Duration.ofMillis(200))
                    .failFast(name + " ended", () -> process != null && !process.isAlive())
                    .until(() -> log().contains(code));
        }

        void kill() throws InterruptedException {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
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
