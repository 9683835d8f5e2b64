package nl.schakel.gateway;

import nl.schakel.broker.Passwords;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A gateway as in production: not in demo mode, console accounts and broker passwords from files of
 * hashes outside the repository, the directory from a file an operator edits and reloads.
 */
class ConsoleAccountsFileTest extends GatewayTestSupport {
    private static final String DIRECTORY = """
            institutions:
              - { code: 30AA00, name: "ISK (test)", kind: ISK, region: Nijmegen, channel: file, format: xml }
              - { code: 30AB00, name: "VO (test)",  kind: VO,  region: Nijmegen, channel: file, format: xml }
              - { code: 31AB00, name: "VO (test)",  kind: VO,  region: Utrecht,  channel: queue, format: json }
            agreements: []
            """;
    // made at test time, never committed
    private static final String OPERATOR_PASSWORD = UUID.randomUUID().toString();
    private static final String COORDINATOR_PASSWORD = UUID.randomUUID().toString();
    private Path directory;

    @Override
    protected Properties extraProperties() {
        try {
            directory = Files.writeString(dataDir.resolve("directory.yaml"), DIRECTORY);
            Path credentials = Files.writeString(dataDir.resolve("credentials.properties"),
                    "31AB00 = " + Passwords.hash(UUID.randomUUID().toString().toCharArray()) + "\n");
            Path accounts = Files.writeString(dataDir.resolve("console-accounts.properties"),
                    "jansen = operator:" + Passwords.hash(OPERATOR_PASSWORD.toCharArray()) + "\n"
                            + "regio = coordinator:" + Passwords.hash(COORDINATOR_PASSWORD.toCharArray()) + "\n");
            return properties("schakel.demo", "false", "schakel.directory", directory.toString(),
                    "schakel.broker.credentials-file", credentials.toString(), "schakel.console.accounts-file", accounts.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ConsoleClient jansen() throws Exception {
        ConsoleClient client = new ConsoleClient(consolePort());
        assertThat(client.login("jansen", OPERATOR_PASSWORD).status()).isEqualTo(200);
        return client;
    }

    @Test
    void the_accounts_of_the_file_log_in_and_the_demo_accounts_do_not_exist() throws Exception {
        jansen();
        assertThat(new ConsoleClient(consolePort()).login("regio", COORDINATOR_PASSWORD).json().get("role").asText()).isEqualTo("coordinator");
        assertThat(new ConsoleClient(consolePort()).login("operator", "demo-operator").status()).isEqualTo(401);
    }

    @Test
    void a_reload_that_removes_an_institution_is_refused_and_changes_nothing() throws Exception {
        ConsoleClient jansen = jansen();
        Files.writeString(directory, DIRECTORY.replace("  - { code: 30AB00, name: \"VO (test)\",  kind: VO,  region: Nijmegen, channel: file, format: xml }\n", "")
                .replace("name: \"ISK (test)\"", "name: \"ISK renamed\""));
        ConsoleClient.Answer refused = jansen.post("/console/api/directory/reload");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("problems").toString()).contains("30AB00 is no longer listed");
        assertThat(jansen.get("/console/api/directory").json().get("institutions").toString()).contains("ISK (test)", "30AB00");

        Files.writeString(directory, "institutions: [ { code: nonsense } ]\n");
        ConsoleClient.Answer unreadable = jansen.post("/console/api/directory/reload");
        assertThat(unreadable.status()).isEqualTo(422);
        assertThat(jansen.get("/console/api/directory").json().get("institutions")).hasSize(3);
    }

    @Test
    void an_agreement_added_by_a_reload_lets_the_retried_quarantined_dossier_through() throws Exception {
        // 30AA00 (Nijmegen) to 31AB00 (Utrecht): no agreement yet, so rejected and quarantined
        drop("30AA00", "no-agreement.xml", Files.readAllBytes(EXAMPLES.resolve("invalid/CTX-NO-AGREEMENT.xml")));
        awaitFiles(quarantine("30AA00"), "*.receipt.xml", 1);
        ConsoleClient jansen = jansen();
        String id = jansen.get("/console/api/failed").json().get("quarantine").get(0).get("id").asText();

        Files.writeString(directory, DIRECTORY.replace("agreements: []", """
                agreements:
                  - name: "Nijmegen-Utrecht (test)"
                    between: [30AA00, 31AB00]
                """));
        ConsoleClient.Answer reloaded = jansen.post("/console/api/directory/reload");
        assertThat(reloaded.status()).as(reloaded.body()).isEqualTo(200);
        assertThat(reloaded.json().get("changes").toString()).contains("agreement 'Nijmegen-Utrecht (test)' 30AA00-31AB00 added");

        ConsoleClient.Answer retried = jansen.post("/console/api/quarantine/" + id + "/retry");
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        assertThat(retried.json().get("outcome").asText()).isEqualTo("accepted");
        await().atMost(Duration.ofSeconds(10)).until(() -> broker().messageCount("inbox.31AB00") == 1);
        assertThat(jansen.get("/console/api/actions").json().get("items")).extracting(a -> a.get("action").asText())
                .containsExactly("retry-quarantined", "reload-directory");
    }

    @Test
    void a_file_institution_added_by_a_reload_gets_its_folders_and_routes() throws Exception {
        ConsoleClient jansen = jansen();
        Files.writeString(directory, DIRECTORY.replace("agreements: []",
                "  - { code: 30AC00, name: \"MBO (test)\", kind: MBO, region: Nijmegen, channel: file, format: xml }\nagreements: []"));
        ConsoleClient.Answer reloaded = jansen.post("/console/api/directory/reload");
        assertThat(reloaded.status()).as(reloaded.body()).isEqualTo(200);
        assertThat(context.getRoute("intake-file-30AC00")).isNotNull();
        assertThat(inbox("30AC00")).isDirectory();
        assertThat(outbox("30AC00")).isDirectory();
        drop("30AA00", "isk-to-mbo.xml", Files.readAllBytes(EXAMPLES.resolve("isk-to-mbo.xml")));
        awaitFiles(outbox("30AC00"), "dossier-*", 1);
    }

    @Test
    void jolokia_on_the_management_port_answers_operators_only() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI version = URI.create("http://127.0.0.1:" + managementPort + "/observe/jolokia/version");
        await().until(() -> http.send(HttpRequest.newBuilder(version).build(), HttpResponse.BodyHandlers.ofString()).statusCode() != 404);
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(version).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
        assertThat(http.send(HttpRequest.newBuilder(version).header("Authorization", basic("regio", COORDINATOR_PASSWORD)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
        assertThat(http.send(HttpRequest.newBuilder(version).header("Authorization", basic("jansen", "wrong")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        HttpResponse<String> operator = http.send(HttpRequest.newBuilder(version).header("Authorization", basic("jansen", OPERATOR_PASSWORD)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(operator.statusCode()).isEqualTo(200);
        assertThat(operator.body()).contains("\"agent\"");
        // the Camel MBeans Hawtio shows
        HttpResponse<String> routes = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                + "/observe/jolokia/search/org.apache.camel:type=routes,*")).header("Authorization", basic("jansen", OPERATOR_PASSWORD)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(routes.body()).contains("intake-file-30AA00");
        // the JVM's diagnostic MBeans (a heap dump holds pupil data) are closed, even to operators
        HttpResponse<String> diagnostic = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                + "/observe/jolokia/read/com.sun.management:type=HotSpotDiagnostic/DiagnosticOptions"))
                .header("Authorization", basic("jansen", OPERATOR_PASSWORD)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(diagnostic.body()).contains("\"status\":403").doesNotContain("\"value\"");
        // a page of another origin is refused
        HttpResponse<String> crossSite = http.send(HttpRequest.newBuilder(version).header("Authorization", basic("jansen", OPERATOR_PASSWORD))
                .header("Origin", "https://attacker.example").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(crossSite.statusCode()).isEqualTo(403);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
