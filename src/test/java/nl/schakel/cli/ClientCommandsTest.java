package nl.schakel.cli;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static nl.schakel.cli.Cli.EXAMPLES;
import static org.assertj.core.api.Assertions.assertThat;

/** send and status against a fake gateway on 127.0.0.1 that records each request and answers as told. */
class ClientCommandsTest {
    record Request(String method, String path, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(e -> e.getValue().get(0))
                    .findFirst().orElse(null);
        }
    }

    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private String url;
    private volatile int status;
    private volatile String contentType;
    private volatile String answer;
    private volatile String location;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    Map.copyOf(exchange.getRequestHeaders()), exchange.getRequestBody().readAllBytes()));
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            if (location != null) {
                exchange.getResponseHeaders().set("Location", location);
            }
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(int status, String contentType, String body, String location) {
        this.status = status;
        this.contentType = contentType;
        this.answer = body;
        this.location = location;
    }

    @Test
    void send_posts_the_file_with_its_content_type_and_bearer_token_and_prints_the_transfer_id(@TempDir Path tmp) throws IOException {
        Path tokenFile = Files.writeString(tmp.resolve("token"), "tok-from-file\n");
        Path dossier = EXAMPLES.resolve("isk-to-vo.xml");
        answer(202, "application/json", "{\"transferId\":\"T-4711\",\"status\":\"RECEIVED\"}", url + "/api/v1/transfers/T-4711");

        Cli.Result r = Cli.run("send", dossier.toString(), "--as", "30AA00", "--to", url, "--token-file", tokenFile.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(requests).hasSize(1);
        Request sent = requests.get(0);
        assertThat(sent.method()).isEqualTo("POST");
        assertThat(sent.path()).isEqualTo("/api/v1/transfers");
        assertThat(sent.header("Content-Type")).isEqualTo("application/xml");
        assertThat(sent.header("Authorization")).isEqualTo("Bearer tok-from-file");
        assertThat(sent.body()).isEqualTo(Files.readAllBytes(dossier));
        assertThat(r.out()).contains("Accepted (HTTP 202): transfer T-4711").contains("Location: " + url + "/api/v1/transfers/T-4711");
    }

    @Test
    void send_takes_the_token_from_the_environment_else_the_demo_token_else_refuses_to_send(@TempDir Path tmp) throws IOException {
        Path json = Files.writeString(tmp.resolve("dossier.json"), "{\"transferDossier\":{}}");
        answer(202, "application/json", "{\"transferId\":\"T-1\"}", url + "/api/v1/transfers/T-1");

        Cli.Result fromEnvironment = Cli.run(Map.of("SCHAKEL_TOKEN", "tok-from-env"), "", "send", json.toString(), "--as", "30AA00", "--to", url);
        Cli.Result demo = Cli.run("send", json.toString(), "--as", "30AA00", "--to", url + "/", "--demo");
        Cli.Result none = Cli.run("send", json.toString(), "--as", "30AA00", "--to", url);

        assertThat(fromEnvironment.exitCode()).isZero();
        assertThat(demo.exitCode()).isZero();
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("no token");
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).header("Authorization")).isEqualTo("Bearer tok-from-env");
        assertThat(requests.get(0).header("Content-Type")).isEqualTo("application/json");
        assertThat(requests.get(1).header("Authorization")).isEqualTo("Bearer demo-30AA00");
        assertThat(requests.get(1).path()).isEqualTo("/api/v1/transfers");
    }

    @Test
    void send_prints_the_coded_errors_of_a_422_and_exits_1() {
        answer(422, "application/problem+json", """
                {"type":"about:blank","title":"The dossier was rejected","status":422,"detail":"2 errors",
                 "errors":[{"code":"XSD-cvc-pattern-valid","line":16,"column":27,"path":"/transferDossier/receiver/code",
                            "message":"The value does not match the pattern of its type."},
                           {"code":"RULE-AGE-ISK","path":"/d:transferDossier","message":"A move into an ISK needs a pupil aged 12 to 18."}]}
                """, null);

        Cli.Result r = Cli.run("send", EXAMPLES.resolve("invalid/RULE-AGE-ISK.xml").toString(), "--as", "30AA00", "--to", url, "--demo");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("Refused (HTTP 422): The dossier was rejected", "2 errors",
                "  XSD-cvc-pattern-valid at line 16, column 27 (/transferDossier/receiver/code): The value does not match",
                "  RULE-AGE-ISK at /d:transferDossier: A move into an ISK");
    }

    @Test
    void send_prints_the_problem_of_another_refusal_and_exits_1() {
        answer(401, "application/problem+json", "{\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"The token is not valid.\"}", null);

        Cli.Result r = Cli.run("send", EXAMPLES.resolve("isk-to-vo.xml").toString(), "--as", "30AA00", "--to", url, "--demo");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("Refused (HTTP 401): Unauthorized", "The token is not valid.");
    }

    @Test
    void send_to_a_gateway_that_is_not_listening_exits_3() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }

        Cli.Result r = Cli.run("send", EXAMPLES.resolve("isk-to-vo.xml").toString(), "--as", "30AA00",
                "--to", "http://127.0.0.1:" + closed, "--demo");

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("Cannot reach the gateway at http://127.0.0.1:" + closed);
    }

    @Test
    void send_of_a_missing_file_is_a_usage_error_and_sends_nothing() {
        Cli.Result r = Cli.run("send", "no-such-dossier.xml", "--as", "30AA00", "--to", url, "--demo");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("cannot read no-such-dossier.xml");
        assertThat(requests).isEmpty();
    }

    @Test
    void status_gets_the_transfer_and_prints_its_status_and_timeline() {
        answer(200, "application/json", """
                {"transferId":"T-4711","messageId":"ISK30AA-2026-0001","status":"PICKED_UP",
                 "timeline":[{"status":"RECEIVED","at":"2026-11-20T10:15:01Z"},
                             {"status":"ACCEPTED","at":"2026-11-20T10:15:02Z"},
                             {"status":"PICKED_UP","at":"2026-11-20T10:15:03Z","receiver":"30AB00"}]}
                """, null);

        Cli.Result r = Cli.run(Map.of("SCHAKEL_TOKEN", "tok"), "", "status", "T-4711", "--as", "30AA00", "--to", url);

        assertThat(r.exitCode()).isZero();
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).method()).isEqualTo("GET");
        assertThat(requests.get(0).path()).isEqualTo("/api/v1/transfers/T-4711");
        assertThat(requests.get(0).header("Authorization")).isEqualTo("Bearer tok");
        assertThat(r.out()).contains("Transfer T-4711: PICKED_UP", "  2026-11-20T10:15:01Z  RECEIVED",
                "  2026-11-20T10:15:03Z  PICKED_UP receiver=30AB00");
    }

    @Test
    void status_of_an_unknown_transfer_exits_1() {
        answer(404, "application/problem+json", "{\"title\":\"Not Found\",\"status\":404,\"detail\":\"No such transfer of yours.\"}", null);

        Cli.Result r = Cli.run("status", "T-0000", "--as", "30AA00", "--to", url, "--demo");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("Refused (HTTP 404): Not Found", "No such transfer of yours.");
    }

    @Test
    void status_of_an_id_that_is_no_code_is_a_usage_error_and_sends_nothing() {
        Cli.Result r = Cli.run("status", "../admin", "--as", "30AA00", "--to", url, "--demo");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(requests).isEmpty();
    }
}
