package nl.schakel.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import nl.schakel.ledger.Ledger;
import nl.schakel.ledger.Status;
import nl.schakel.ledger.TransferEvent;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The HTTP API over a real socket: submissions through the shared intake, status, the inbox of an http institution, every refusal. */
class HttpApiTest extends GatewayTestSupport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Override
    protected Properties extraProperties() {
        return properties("schakel.max-message-bytes", "400000", "schakel.http.rate-limit.per-second", "2",
                "schakel.http.rate-limit.burst", "20", "schakel.http.request-timeout-ms", "1500");
    }

    private String url(String path) {
        return "http://127.0.0.1:" + apiPort + "/api/v1" + path;
    }

    private HttpResponse<String> get(String path, String code, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).GET();
        if (code != null) {
            b.header("Authorization", "Bearer demo-" + code);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String code, String contentType, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (code != null) {
            b.header("Authorization", "Bearer demo-" + code);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The ISK dossier of the examples, to the http institution 30AD00, with its own message id. */
    private static byte[] dossierTo30AD00(String messageId) throws Exception {
        return Files.readString(EXAMPLES.resolve("isk-to-vo.xml")).replace("<c:code>30AB00</c:code>", "<c:code>30AD00</c:code>")
                .replace("ISK30AA-2026-0001", messageId).getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    private Ledger ledger() {
        return context.getRegistry().lookupByNameAndType("ledger", Ledger.class);
    }

    @Test
    void a_dossier_goes_from_submission_to_the_receivers_inbox_and_is_picked_up_once_acknowledged() throws Exception {
        HttpResponse<String> submitted = post("/transfers", "30AA00", "application/xml", dossierTo30AD00("HTTP-0001"));
        assertThat(submitted.statusCode()).isEqualTo(202);
        String transferId = json(submitted).get("transferId").asText();
        assertThat(submitted.headers().firstValue("Location")).contains("/api/v1/transfers/" + transferId);

        HttpResponse<String> status = get("/transfers/" + transferId, "30AA00");
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(json(status).get("timeline").toString()).contains("ACCEPTED", "QUEUED");
        // not the sender's or receiver's: not found, never forbidden
        assertThat(get("/transfers/" + transferId, "31AA00").statusCode()).isEqualTo(404);
        assertThat(get("/transfers/R-no-such-transfer", "30AA00").statusCode()).isEqualTo(404);
        // the sender's list has it
        assertThat(json(get("/transfers", "30AA00")).get("items").toString()).contains(transferId);

        // the receiver, an http institution, lists, fetches as XML and as JSON, and acks
        JsonNode items = json(get("/inbox", "30AD00")).get("items");
        assertThat(items).hasSize(1);
        String id = items.get(0).get("id").asText();
        assertThat(items.get(0).get("type").asText()).isEqualTo("dossier");
        assertThat(items.get(0).get("transferId").asText()).isEqualTo(transferId);
        HttpResponse<String> xml = get("/inbox/" + id, "30AD00", "Accept", "application/xml");
        assertThat(xml.statusCode()).isEqualTo(200);
        assertThat(xml.headers().firstValue("Content-Type").orElse("")).startsWith("application/xml");
        assertThat(xml.body()).contains("<messageId>HTTP-0001</messageId>");
        HttpResponse<String> asJson = get("/inbox/" + id, "30AD00", "Accept", "application/json");
        assertThat(asJson.statusCode()).isEqualTo(200);
        assertThat(json(asJson).get("transferDossier").get("messageId").asText()).isEqualTo("HTTP-0001");
        // the receiver may now see the transfer too
        assertThat(get("/transfers/" + transferId, "30AD00").statusCode()).isEqualTo(200);

        // another institution can neither fetch nor ack it
        assertThat(get("/inbox/" + id, "31AD00").statusCode()).isEqualTo(404);
        assertThat(post("/inbox/" + id + "/ack", "31AD00", null, new byte[0]).statusCode()).isEqualTo(404);
        // a file institution has no http inbox
        assertThat(get("/inbox", "30AB00").statusCode()).isEqualTo(409);
        // nothing is taken before the ack: still there
        assertThat(json(get("/inbox", "30AD00")).get("items")).hasSize(1);

        assertThat(post("/inbox/" + id + "/ack", "30AD00", null, new byte[0]).statusCode()).isEqualTo(200);
        assertThat(json(get("/inbox", "30AD00")).get("items")).isEmpty();
        assertThat(post("/inbox/" + id + "/ack", "30AD00", null, new byte[0]).statusCode()).isEqualTo(404);
        assertThat(ledger().find(transferId).orElseThrow().status()).isEqualTo(Status.PICKED_UP);
        assertThat(ledger().timeline(transferId).stream().map(TransferEvent::status)).contains(Status.PICKED_UP);
    }

    @Test
    void the_same_message_id_again_answers_the_first_transfer_and_is_delivered_once_and_an_idempotency_key_gets_the_first_answer()
            throws Exception {
        HttpResponse<String> first = post("/transfers", "30AA00", "application/xml", dossierTo30AD00("HTTP-0002"));
        assertThat(first.statusCode()).isEqualTo(202);
        String transferId = json(first).get("transferId").asText();
        HttpResponse<String> again = post("/transfers", "30AA00", "application/xml", dossierTo30AD00("HTTP-0002"));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again).get("transferId").asText()).isEqualTo(transferId);
        assertThat(json(again).get("duplicate").asBoolean()).isTrue();

        HttpResponse<String> keyed = post("/transfers", "30AA00", "application/xml", dossierTo30AD00("HTTP-0003"), "Idempotency-Key", "k-1");
        assertThat(keyed.statusCode()).isEqualTo(202);
        String keyedId = json(keyed).get("transferId").asText();
        HttpResponse<String> keyedAgain = post("/transfers", "30AA00", "application/xml", dossierTo30AD00("HTTP-0003"), "Idempotency-Key", "k-1");
        assertThat(keyedAgain.statusCode()).isEqualTo(202);
        assertThat(json(keyedAgain).get("transferId").asText()).isEqualTo(keyedId);
        // the same key from another institution is another request
        HttpResponse<String> otherInstitution = post("/transfers", "30AB00", "application/xml", dossierTo30AD00("HTTP-0004"),
                "Idempotency-Key", "k-1");
        assertThat(json(otherInstitution).path("transferId").asText()).isNotEqualTo(keyedId);

        // delivered once each: HTTP-0002 and HTTP-0003
        await().atMost(Duration.ofSeconds(10)).until(() -> json(get("/inbox", "30AD00")).get("items").size() >= 2);
        List<String> delivered = new ArrayList<>();
        json(get("/inbox", "30AD00")).get("items").forEach(i -> delivered.add(i.get("messageId").asText()));
        assertThat(delivered).containsExactlyInAnyOrder("HTTP-0002", "HTTP-0003");
    }

    @Test
    void refusals_are_problem_details_with_their_status() throws Exception {
        byte[] dossier = dossierTo30AD00("HTTP-0010");
        HttpResponse<String> none = post("/transfers", null, "application/xml", dossier);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(json(none).get("type").asText()).isEqualTo("https://schakel.example/problems/unauthorized");
        HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create(url("/inbox"))).header("Authorization", "Bearer demo-99XX99")
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(401);
        // a client's own schakel headers never reach intake: the sender is the token's institution
        HttpResponse<String> spoofed = post("/transfers", "30AB00", "application/xml", dossier, "schakelChannelOwner", "30AA00");
        assertThat(spoofed.statusCode()).isEqualTo(422);
        assertThat(spoofed.body()).contains("CTX-SENDER-NOT-CHANNEL-OWNER");

        assertThat(post("/transfers", "30AA00", "text/plain", dossier).statusCode()).isEqualTo(415);
        HttpResponse<String> tooLarge = post("/transfers", "30AA00", "application/xml", new byte[500_000]);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(json(tooLarge).get("type").asText()).endsWith("/payload-too-large");

        HttpResponse<String> malformed = post("/transfers", "30AA00", "application/xml",
                Files.readAllBytes(EXAMPLES.resolve("invalid/PARSE-MALFORMED--unclosed-element.xml")));
        assertThat(malformed.statusCode()).as(malformed.body()).isEqualTo(400);
        assertThat(json(malformed).get("errors").get(0).get("code").asText()).startsWith("PARSE-");

        HttpResponse<String> invalid = post("/transfers", "30AA00", "application/xml", Files.readAllBytes(EXAMPLES.resolve("invalid/RULE-AGE-MBO.xml")));
        assertThat(invalid.statusCode()).isEqualTo(422);
        JsonNode problem = json(invalid);
        assertThat(problem.get("type").asText()).isEqualTo("https://schakel.example/problems/invalid-document");
        JsonNode error = problem.get("errors").get(0);
        assertThat(error.get("code").asText()).isEqualTo("RULE-AGE-MBO");
        assertThat(error.has("stage") && error.has("message") && error.has("line") && error.has("column") && error.has("path")).isTrue();
        // no pupil value in a problem
        assertThat(invalid.body()).doesNotContain("Dawit", "Proefpersoon");
    }

    @Test
    void a_submission_while_the_operator_suspended_the_senders_intake_is_refused_with_503_and_taken_after_the_resume() throws Exception {
        ConsoleClient operator = new ConsoleClient(consolePort());
        assertThat(operator.login("operator", "demo-operator").status()).isEqualTo(200);
        assertThat(operator.post("/console/api/institutions/30AA00/suspend").status()).isEqualTo(200);

        HttpResponse<String> refused = post("/transfers", "30AA00", "application/xml", dossierTo30AD00("ISK30AA-HTTP-503"));
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(json(refused).get("type").asText()).endsWith("/unavailable");
        assertThat(json(refused).get("detail").asText()).contains("the operator suspended the intake of 30AA00");
        assertThat(ledger().findByMessageId("ISK30AA-HTTP-503")).isEmpty();
        // another school goes on
        assertThat(get("/transfers", "30AD00").statusCode()).isEqualTo(200);

        assertThat(operator.post("/console/api/institutions/30AA00/resume").status()).isEqualTo(200);
        assertThat(post("/transfers", "30AA00", "application/xml", dossierTo30AD00("ISK30AA-HTTP-503")).statusCode()).isEqualTo(202);
    }

    @Test
    void the_command_line_client_sends_a_dossier_and_reads_its_status_from_the_real_api() throws Exception {
        Path dossier = Files.write(dataDir.resolve("dossier.xml"), dossierTo30AD00("ISK30AA-HTTP-CLI"));
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine cli = new picocli.CommandLine(new nl.schakel.cli.Schakel());
        cli.setOut(new java.io.PrintWriter(out));
        cli.setErr(new java.io.PrintWriter(new java.io.StringWriter()));
        int sent = cli.execute("send", dossier.toString(), "--as", "30AA00", "--to", "http://127.0.0.1:" + apiPort, "--demo");
        assertThat(sent).as(out.toString()).isZero();
        String transferId = ledger().findByMessageId("ISK30AA-HTTP-CLI").get(0).transferId();
        assertThat(out.toString()).contains(transferId);

        java.io.StringWriter status = new java.io.StringWriter();
        cli = new picocli.CommandLine(new nl.schakel.cli.Schakel());
        cli.setOut(new java.io.PrintWriter(status));
        assertThat(cli.execute("status", transferId, "--as", "30AA00", "--to", "http://127.0.0.1:" + apiPort, "--demo")).isZero();
        assertThat(status.toString()).contains(transferId, "RECEIVED", "ACCEPTED");
    }

    @Test
    void a_rejected_document_is_seen_by_the_institution_that_submitted_it_only_not_by_the_sender_it_names_nor_its_receiver()
            throws Exception {
        // 30AA00 submits a dossier that names 32AA00 as its sender, to 30AD00: rejected, never queued
        byte[] forged = new String(dossierTo30AD00("ISK30AA-FORGED-1"), StandardCharsets.UTF_8)
                .replaceFirst("<c:code>30AA00</c:code>", "<c:code>32AA00</c:code>").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> rejected = post("/transfers", "30AA00", "application/xml", forged);
        assertThat(rejected.statusCode()).isEqualTo(422);
        assertThat(rejected.body()).contains("CTX-SENDER-NOT-CHANNEL-OWNER");
        String transferId = json(rejected).get("transferId").asText();

        assertThat(get("/transfers/" + transferId, "30AA00").statusCode()).isEqualTo(200);
        assertThat(get("/transfers?role=sent", "30AA00").body()).contains(transferId);
        assertThat(get("/transfers/" + transferId, "32AA00").statusCode()).isEqualTo(404);
        assertThat(get("/transfers?role=sent", "32AA00").body()).doesNotContain(transferId);
        assertThat(get("/transfers/" + transferId, "30AD00").statusCode()).isEqualTo(404);
        assertThat(get("/transfers?role=received", "30AD00").body()).doesNotContain(transferId);
    }

    @Test
    void too_many_requests_get_429_with_retry_after() throws Exception {
        int status = 0;
        HttpResponse<String> last = null;
        for (int i = 0; i < 60 && status != 429; i++) {
            last = get("/transfers", "32AA00");
            status = last.statusCode();
        }
        assertThat(status).isEqualTo(429);
        assertThat(Long.parseLong(last.headers().firstValue("Retry-After").orElseThrow())).isPositive();
        // another institution is not held up
        assertThat(get("/transfers", "32AB00").statusCode()).isEqualTo(200);
    }

    @Test
    void a_client_that_never_finishes_its_body_is_cut_off() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", apiPort)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/transfers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer demo-30AA00\r\n"
                    + "Content-Type: application/xml\r\nContent-Length: 1000\r\n\r\n<transferDossier>").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 408");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        }
    }

    @Test
    void the_openapi_document_lists_every_rest_operation() throws Exception {
        HttpResponse<String> openapi = get("/openapi.json", null);
        assertThat(openapi.statusCode()).isEqualTo(200);
        JsonNode paths = json(openapi).get("paths");
        int operations = 0;
        for (RestDefinition rest : ((ModelCamelContext) context).getRestDefinitions()) {
            if (Boolean.FALSE.toString().equals(rest.getApiDocs())) {
                continue;
            }
            for (VerbDefinition verb : rest.getVerbs()) {
                String path = (rest.getPath() + (verb.getPath() == null || "/".equals(verb.getPath()) ? "" : verb.getPath()));
                JsonNode operation = paths.path(path).path(verb.asVerb());
                assertThat(operation.isMissingNode()).as(verb.asVerb() + " " + path + " in " + paths.fieldNames()).isFalse();
                operations++;
            }
        }
        assertThat(operations).isEqualTo(6);
        HttpResponse<String> ui = get("/docs/", null);
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(ui.body()).contains("swagger-ui-bundle.js");
        assertThat(get("/docs/swagger-ui-bundle.js", null).statusCode()).isEqualTo(200);
    }
}
