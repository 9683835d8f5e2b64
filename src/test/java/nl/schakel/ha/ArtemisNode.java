package nl.schakel.ha;

import nl.schakel.cli.Schakel;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One broker of the HA pair as an operator runs it (deploy/artemis/README.md): the Artemis
 * distribution's {@code artemis create}, overlaid with the repository's deploy/artemis configuration,
 * the role's ha-policy, what {@code schakel broker-config} wrote and the gateway's broker plugins jar,
 * then {@code artemis run} as a process of its own. With the ZooKeeper ensemble and the broker
 * configuration the fault tests {@link BrokerPairIT} and {@link HaClusterIT} both start from.
 * The -Pha profile sets artemis.home, deploy.artemis and broker.plugins.jar.
 */
final class ArtemisNode {
    /** "AMQ221007: Server is now active". */
    static final String ACTIVE = "AMQ221007";
    /** "AMQ221024: Backup server ... is synchronized with the primary". */
    static final String BACKUP_IN_SYNC = "AMQ221024";

    final Path dir;
    /** How the tests name this node in their output. */
    final String name;
    /** primary or backup: the deploy/artemis/ha/ file it runs with. */
    final String role;
    final int port;
    final Map<String, String> env = new HashMap<>();
    Process process;

    /**
     * @param coordinationId the pair's id in ZooKeeper (the same for both nodes of a pair)
     * @param sessionMillis  the brokers' ZooKeeper session; a paused broker stops serving after a third of it
     */
    ArtemisNode(Path dir, String name, String role, int port, int peerPort, String coordinationId, String zookeeper, int sessionMillis,
            String clusterPassword) {
        this.dir = dir;
        this.name = name;
        this.role = role;
        this.port = port;
        env.put("SCHAKEL_BROKER_NAME", dir.getParent().getFileName() + "-" + dir.getFileName());
        env.put("SCHAKEL_BROKER_PORT", Integer.toString(port));
        env.put("SCHAKEL_BROKER_PEER_PORT", Integer.toString(peerPort));
        env.put("SCHAKEL_ZK_CONNECT", zookeeper);
        env.put("SCHAKEL_ZK_SESSION_MS", Integer.toString(sessionMillis));
        env.put("SCHAKEL_ZK_CONNECTION_MS", "3000");
        env.put("SCHAKEL_HA_PAUSE_MS", Integer.toString(sessionMillis / 3));
        env.put("SCHAKEL_HA_COORDINATION_ID", coordinationId);
        env.put("SCHAKEL_ZK_NAMESPACE", coordinationId);
        env.put("SCHAKEL_CLUSTER_PASSWORD", clusterPassword);
        // small and quick to start: two brokers, ZooKeeper, PostgreSQL and gateways share two cores in the tests
        env.put("JAVA_ARGS", "-Xms64m -Xmx320m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dlog4j2.disableJmx=true"
                + " --add-opens java.base/jdk.internal.misc=ALL-UNNAMED");
    }

    /** {@code artemis create} into dir, then the repository's configuration over it. */
    void create(Path generatedEtc) {
        try {
            Path home = Path.of(System.getProperty("artemis.home"));
            assertThat(home.resolve("bin/artemis")).as("the Artemis distribution, unpacked by -Pha").exists();
            Process create = new ProcessBuilder("bash", home.resolve("bin/artemis").toString(), "create",
                    "--user", "unused", "--password", UUID.randomUUID().toString(), "--require-login", "--no-web", "--silent",
                    "--host", "127.0.0.1", "--name", dir.getFileName().toString(), "--no-autotune", "--nio",
                    "--no-amqp-acceptor", "--no-mqtt-acceptor", "--no-stomp-acceptor", "--no-hornetq-acceptor", dir.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolveSibling(dir.getFileName() + "-create.log").toFile()).start();
            assertThat(create.waitFor(120, TimeUnit.SECONDS)).as("artemis create " + dir).isTrue();
            assertThat(create.exitValue()).as("artemis create " + dir).isZero();
            Path deploy = Path.of(System.getProperty("deploy.artemis"));
            copyAll(deploy.resolve("etc"), dir.resolve("etc"));
            Files.copy(deploy.resolve("ha").resolve(role + ".xml"), dir.resolve("etc/ha-policy.xml"), StandardCopyOption.REPLACE_EXISTING);
            copyAll(generatedEtc, dir.resolve("etc"));
            Path jar = Path.of(System.getProperty("broker.plugins.jar"));
            Files.copy(jar, dir.resolve("lib").resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code artemis run}; no broker outlives the test JVM, however it ends. */
    void start() throws IOException {
        ProcessBuilder pb = new ProcessBuilder("bash", dir.resolve("bin/artemis").toString(), "run")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("console.log").toFile()));
        pb.environment().putAll(env);
        process = pb.start();
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
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

    // ---- what both fault tests start from -----------------------------------------------------------

    /** A 3-node ZooKeeper ensemble, not yet started, its data under work/zk1..3. */
    static TestingCluster zookeeperEnsemble(Path work) throws IOException {
        System.setProperty("zookeeper.admin.enableServer", "false");
        List<InstanceSpec> specs = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            // tick 500 ms: ZooKeeper allows sessions of 1 to 10 s, so the brokers' session is granted as asked
            specs.add(new InstanceSpec(Files.createDirectories(work.resolve("zk" + id)).toFile(), freePort(), freePort(), freePort(),
                    true, id, 500, 60));
        }
        return new TestingCluster(specs);
    }

    /** What {@code schakel broker-config --demo} writes, run in-process as the jar would; answers what it printed. */
    static String writeBrokerConfig(Path etc, String gatewayUser, String gatewayPassword) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Schakel rootCommand = new Schakel(Map.of("SCHAKEL_BROKER_PASSWORD", gatewayPassword)::get, new ByteArrayInputStream(new byte[0]), () -> null);
        CommandLine cl = Schakel.commandLine(rootCommand);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("broker-config", "--demo", "--gateway-user", gatewayUser, "--out", etc.toString());
        assertThat(code).as(err.toString()).isZero();
        return out.toString().trim();
    }

    /** kill -STOP, -CONT or -9 to a process. */
    static void signal(Process process, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -" + signal).isZero();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void copyAll(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
