package nl.schakel.build;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Builds target/schakel.jsa at package time: a class-data sharing archive of the classes the gateway
 * loads until it is ready, so that {@code java -XX:SharedArchiveFile=target/schakel.jsa -jar
 * target/schakel-gateway.jar} (the README's command) starts faster (docs/PERFORMANCE.md).
 * <ol>
 * <li>A training run: the packaged gateway with its defaults on an empty data folder under
 * target/cds/ and free ports, {@code -XX:DumpLoadedClassList}, until /observe/health is UP; then it
 * is stopped.</li>
 * <li>The list without its {@code @lambda} lines: OpenJDK 17.0.15 crashes while archiving lambda
 * proxies (in both the static and the dynamic dump); the classes themselves are archived.</li>
 * <li>{@code java -Xshare:dump} with that list and the jar's class path.</li>
 * </ol>
 * It never fails the build: without an archive the JVM starts as before, and with an archive made
 * by another JVM it says so and starts without it.
 */
public final class CdsArchive {
    private CdsArchive() {
    }

    public static void main(String[] args) throws Exception {
        Path target = Path.of(args.length > 0 ? args[0] : "target").toAbsolutePath();
        Path archive = target.resolve("schakel.jsa");
        Files.deleteIfExists(archive);
        Path work = target.resolve("cds");
        deleteTree(work);
        Files.createDirectories(work);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path jar = target.resolve("schakel-gateway.jar");
        Path classList = work.resolve("classes.lst");
        long started = System.nanoTime();
        try {
            int management = freePort();
            List<String> training = new ArrayList<>(List.of(java, "-XX:DumpLoadedClassList=" + classList,
                    "-Dschakel.data-dir=" + work.resolve("data"), "-Dcamel.management.port=" + management,
                    "-Dcamel.server.port=" + freePort(), "-Dschakel.console.port=" + freePort(), "-Dschakel.broker.port=" + freePort(),
                    "-jar", jar.toString()));
            Process gateway = new ProcessBuilder(training).directory(work.toFile()).redirectErrorStream(true)
                    .redirectOutput(work.resolve("training.log").toFile()).start();
            // an interrupted build leaves no gateway running
            Runtime.getRuntime().addShutdownHook(new Thread(gateway::destroyForcibly));
            try {
                if (!awaitUp(gateway, management, Duration.ofSeconds(120))) {
                    System.out.println("CDS archive not made: the training run did not get ready (" + work.resolve("training.log") + ")");
                    return;
                }
            } finally {
                gateway.destroy();
                if (!gateway.waitFor(60, TimeUnit.SECONDS)) {
                    gateway.destroyForcibly();
                }
            }
            Path classes = work.resolve("classes-without-lambdas.lst");
            try (Stream<String> lines = Files.lines(classList)) {
                Files.write(classes, lines.filter(l -> !l.startsWith("@lambda")).toList());
            }
            Process dump = new ProcessBuilder(java, "-Xshare:dump", "-XX:SharedClassListFile=" + classes, "-XX:SharedArchiveFile=" + archive,
                    "-cp", jar.toString()).directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("dump.log").toFile()).start();
            if (!dump.waitFor(180, TimeUnit.SECONDS) || dump.exitValue() != 0) {
                dump.destroyForcibly();
                Files.deleteIfExists(archive);
                System.out.println("CDS archive not made: the dump failed (" + work.resolve("dump.log") + "); the gateway starts without it");
                return;
            }
            System.out.printf("CDS archive %s (%d MB) made in %.1f s: java -XX:SharedArchiveFile=%s -jar %s%n", archive,
                    Files.size(archive) >> 20, (System.nanoTime() - started) / 1e9, target.getFileName().resolve("schakel.jsa"),
                    target.getFileName().resolve("schakel-gateway.jar"));
            deleteTree(work.resolve("data"));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(archive);
            System.out.println("CDS archive not made (" + e + "); the gateway starts without it");
        }
    }

    private static boolean awaitUp(Process gateway, int port, Duration atMost) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline && gateway.isAlive()) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.body().contains("\"status\":\"UP\"")) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
