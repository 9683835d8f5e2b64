package nl.schakel.gateway;

import nl.schakel.GatewayConfiguration;
import nl.schakel.broker.EmbeddedBroker;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * Runs the gateway through Camel Main with the production routes and properties, a real
 * embedded Artemis broker and a data folder of its own; only the folders and ports differ.
 */
abstract class GatewayTestSupport extends CamelMainTestSupport {
    static final Path EXAMPLES = Path.of("schemas/examples");
    private static final AtomicInteger IN_VM_IDS = new AtomicInteger(100);

    protected Path dataDir;
    protected int managementPort;
    protected int brokerPort;
    /** The HTTP API's port (camel.server.port). */
    protected int apiPort;

    @Override
    public void configureContext(CamelContextConfiguration configuration) {
        super.configureContext(configuration);
        try {
            dataDir = Files.createTempDirectory("schakel-test-");
            try (ServerSocket socket = new ServerSocket(0); ServerSocket broker = new ServerSocket(0); ServerSocket api = new ServerSocket(0)) {
                managementPort = socket.getLocalPort();
                brokerPort = broker.getLocalPort();
                apiPort = api.getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties overrides = new Properties();
        overrides.put("schakel.data-dir", dataDir.toString());
        overrides.put("schakel.broker.in-vm-id", String.valueOf(IN_VM_IDS.incrementAndGet()));
        overrides.put("camel.management.port", String.valueOf(managementPort));
        overrides.put("schakel.broker.port", String.valueOf(brokerPort));
        overrides.put("camel.server.port", String.valueOf(apiPort));
        // the console on a free port (consolePort() says which)
        overrides.put("schakel.console.port", "0");
        overrides.put("schakel.file.poll-delay-ms", "100");
        overrides.put("schakel.file.min-age-ms", "300");
        // the OSO reference files beside the project (never copied into it)
        overrides.put("schakel.standards-dir", nl.schakel.oso.OsoExamples.OSO.toAbsolutePath().toString());
        overrides.putAll(extraProperties());
        configuration.withUseOverridePropertiesWithPropertiesComponent(overrides);
    }

    /**
     * The data folder goes once the gateway has stopped: the broker's journal alone takes hundreds
     * of megabytes, and a full disk would pause the next test's gateway (as it should).
     */
    @Override
    protected void doPostTearDown() throws Exception {
        super.doPostTearDown();
        if (dataDir != null && Files.isDirectory(dataDir)) {
            try (Stream<Path> all = Files.walk(dataDir)) {
                all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** JMX as in production: the console's route statistics come from it. */
    @Override
    public void configureTest(org.apache.camel.test.junit5.TestExecutionConfiguration configuration) {
        super.configureTest(configuration);
        configuration.withEnableJMX();
    }

    /** Further property overrides for a test class. */
    protected Properties extraProperties() {
        return new Properties();
    }

    /** Properties from key, value, key, value... */
    protected static Properties properties(String... keysAndValues) {
        Properties p = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            p.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return p;
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.addConfiguration(GatewayConfiguration.class);
    }

    /** The body of GET /observe/health on the management port. */
    protected String health() throws IOException, InterruptedException {
        return health("");
    }

    /** The body of GET /observe/health with a query ("?data=true" for every check's details). */
    protected String health(String query) throws IOException, InterruptedException {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + managementPort + "/observe/health" + query)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    /** GET a path on the management port: the status code and the body. */
    protected java.net.http.HttpResponse<String> management(String path) throws IOException, InterruptedException {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + managementPort + path)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** The Prometheus text of GET /observe/metrics on the management port. */
    protected String metrics() throws IOException, InterruptedException {
        java.net.http.HttpResponse<String> response = management("/observe/metrics");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("/observe/metrics answered " + response.statusCode());
        }
        return response.body();
    }

    /** The value of one sample line of a scrape ("name{labels}"), or null when it is not there. */
    protected static Double sample(String scrape, String series) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.valueOf(line.substring(series.length() + 1).trim().split(" ")[0]);
            }
        }
        return null;
    }

    /** Whether a route exists and does not run (stopped or suspended by a guard). */
    protected boolean paused(String routeId) {
        org.apache.camel.ServiceStatus status = context.getRouteController().getRouteStatus(routeId);
        return status != null && status != org.apache.camel.ServiceStatus.Started;
    }

    /** The port the console listens on. */
    protected int consolePort() {
        return context.getRegistry().lookupByNameAndType("consolePort", Integer.class);
    }

    protected EmbeddedBroker broker() {
        return context.getRegistry().lookupByNameAndType("broker", EmbeddedBroker.class);
    }

    protected Path inbox(String code) {
        return dataDir.resolve("inbox").resolve(code);
    }

    protected Path outbox(String code) {
        return dataDir.resolve("outbox").resolve(code);
    }

    protected Path quarantine(String code) {
        return dataDir.resolve("quarantine").resolve(code);
    }

    /**
     * The example dossier from 30AA00 to 30AB00, dead-lettered: a file stands where 30AB00's outbox
     * folder should be, so every delivery attempt fails until {@link #repairOutbox30AB00()}.
     */
    protected void deadLetterTheExampleDossier() throws IOException {
        Files.delete(outbox("30AB00"));
        Files.writeString(outbox("30AB00"), "not a folder");
        drop("30AA00", "isk-to-vo.xml", Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml")));
        await().atMost(Duration.ofSeconds(30)).until(() -> broker().messageCount("DLQ.inbox.30AB00") == 1);
    }

    /** 30AB00's outbox is a folder again. */
    protected void repairOutbox30AB00() throws IOException {
        Files.delete(outbox("30AB00"));
        Files.createDirectory(outbox("30AB00"));
    }

    /** Drops a file the way a school system should: written beside, then renamed in. */
    protected void drop(String code, String name, byte[] content) throws IOException {
        Path temp = inbox(code).resolve("." + name + ".part");
        Files.write(temp, content);
        Files.move(temp, inbox(code).resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    protected static List<Path> files(Path folder, String glob) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.getFileSystem().getPathMatcher("glob:" + glob).matches(p.getFileName())).sorted().toList();
        }
    }

    protected static List<Path> awaitFiles(Path folder, String glob, int count) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> files(folder, glob), l -> l.size() >= count);
    }

    protected static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
