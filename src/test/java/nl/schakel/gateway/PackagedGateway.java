package nl.schakel.gateway;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;

/** The packaged gateway (target/schakel-gateway.jar) as its own process, for tests that kill it. */
final class PackagedGateway {
    private final Path dataDir;
    private final int port;
    private final int apiPort;
    private final List<Process> started = new ArrayList<>();
    private final List<String> always;

    /** A gateway on the data folder; {@code always} are -D arguments for every start. */
    PackagedGateway(Path dataDir, String... always) throws IOException {
        this.dataDir = dataDir;
        this.always = List.of(always);
        try (ServerSocket socket = new ServerSocket(0); ServerSocket api = new ServerSocket(0)) {
            this.port = socket.getLocalPort();
            this.apiPort = api.getLocalPort();
        }
    }

    /** Starts a gateway on the data folder, its output in target/crash-{log}; extra -D arguments may follow. */
    Process start(String log, String... arguments) throws IOException {
        Path jar = Path.of(System.getProperty("schakel.jar", "target/schakel-gateway.jar"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-Dschakel.data-dir=" + dataDir,
                "-Dcamel.management.port=" + port,
                "-Dschakel.broker.port=0",
                "-Dschakel.console.port=0",
                "-Dcamel.server.port=" + apiPort,
                "-Dschakel.file.poll-delay-ms=50",
                "-Dschakel.file.min-age-ms=200"));
        command.addAll(always);
        command.addAll(List.of(arguments));
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Path.of("target").resolve("crash-" + log).toFile()).start();
        started.add(p);
        return p;
    }

    void awaitHealthy() {
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health")).build(),
                HttpResponse.BodyHandlers.ofString()).body().contains("\"status\":\"UP\""));
    }

    void killAll() {
        started.forEach(Process::destroyForcibly);
    }
}
