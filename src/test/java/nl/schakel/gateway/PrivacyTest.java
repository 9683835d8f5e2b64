package nl.schakel.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.layout.template.json.JsonTemplateLayout;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** No name, birth date, PGN or free text of a dossier in the log or in a receipt. */
class PrivacyTest extends GatewayTestSupport {
    private static final Pattern PERSONAL = Pattern.compile(
            "<(givenNames|familyName|familyNamePrefix|birthDate|pgn|description|title)>([^<]+)</");
    private final StringWriter captured = new StringWriter();
    private final StringWriter capturedJson = new StringWriter();
    private WriterAppender appender;
    private WriterAppender jsonAppender;

    @BeforeEach
    void captureLog() {
        LoggerContext logs = (LoggerContext) LogManager.getContext(false);
        Configuration config = logs.getConfiguration();
        appender = WriterAppender.createAppender(PatternLayout.newBuilder().withPattern("%m %throwable%n").withConfiguration(config).build(),
                null, captured, "privacy-capture", false, true);
        appender.start();
        config.addAppender(appender);
        config.getRootLogger().addAppender(appender, null, null);
        // the JSON lines of -Dschakel.log.format=json, with the gateway's own template
        jsonAppender = WriterAppender.createAppender(JsonTemplateLayout.newBuilder().setConfiguration(config)
                .setEventTemplateUri("classpath:schakel-log.json").build(), null, capturedJson, "privacy-capture-json", false, true);
        jsonAppender.start();
        config.addAppender(jsonAppender);
        config.getRootLogger().addAppender(jsonAppender, null, null);
        logs.updateLoggers();
    }

    @AfterEach
    void stopCapture() {
        LoggerContext logs = (LoggerContext) LogManager.getContext(false);
        logs.getConfiguration().getRootLogger().removeAppender("privacy-capture");
        logs.getConfiguration().getRootLogger().removeAppender("privacy-capture-json");
        logs.updateLoggers();
        appender.stop();
        jsonAppender.stop();
    }

    @Test
    void personal_values_of_the_examples_appear_in_no_log_line_json_log_line_metric_receipt_console_page_admin_api_or_http_api_answer() throws Exception {
        Set<String> personal = new LinkedHashSet<>();
        List<Path> valid;
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            valid = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : valid) {
            String text = Files.readString(file);
            personal.addAll(values(text));
            String sender = text.substring(text.indexOf("<c:code>") + 8, text.indexOf("<c:code>") + 14);
            drop(sender, file.getFileName().toString(), text.getBytes(StandardCharsets.UTF_8));
            // and once more: a duplicate takes another path through the broker
            awaitFiles(outbox(sender), "receipt-*", 1);
            drop(sender, "again-" + file.getFileName(), text.getBytes(StandardCharsets.UTF_8));
        }
        List<Path> invalid;
        try (Stream<Path> s = Files.list(EXAMPLES.resolve("invalid"))) {
            invalid = s.sorted().toList();
        }
        for (Path file : invalid) {
            byte[] bytes = Files.readAllBytes(file);
            personal.addAll(values(new String(bytes, StandardCharsets.UTF_8)));
            drop("30AA00", file.getFileName().toString(), bytes);
        }
        // the billion-laughs file would otherwise contribute "lol"
        personal.removeIf(v -> v.length() < 5);
        assertThat(personal).hasSizeGreaterThan(20).contains("Samira Fictief", "2012-05-14", "999990019");

        // 30AA00 sent isk-to-vo and isk-to-mbo twice each, and every invalid file
        List<Path> receipts = awaitFiles(outbox("30AA00"), "receipt-*", 4 + invalid.size());
        awaitFiles(outbox("32AA00"), "receipt-*", 2);
        awaitFiles(outbox("33AA00"), "receipt-*", 2);

        StringBuilder allReceipts = new StringBuilder();
        for (String code : List.of("30AA00", "32AA00", "33AA00")) {
            for (Path r : files(outbox(code), "receipt-*")) {
                allReceipts.append(read(r));
            }
        }
        for (Path r : files(quarantine("30AA00"), "*.receipt.xml")) {
            allReceipts.append(read(r));
        }
        String log = captured.toString();
        assertThat(log).contains("Receipt R-", "Rejected message");
        assertThat(receipts).isNotEmpty();
        String scrape = metrics();
        assertThat(scrape).contains("schakel_submissions_total", "schakel_rejections_total{code=\"RULE-AGE-MBO\"}");
        String json = capturedJson.toString();
        List<String> jsonLines = json.lines().toList();
        assertThat(jsonLines).anySatisfy(line -> assertThat(line).contains("\"transferId\":\"R-", "\"outcome\":\"rejected\""));
        ObjectMapper mapper = new ObjectMapper();
        for (String line : jsonLines) {
            assertThat(mapper.readTree(line).isObject()).as("one JSON object per line: " + line).isTrue();
        }
        String console = consoleAnswers() + httpApiAnswers(invalid);
        assertThat(console).contains("ISK30AA-2026-0001", "RULE-AGE-MBO");
        // and the log lines of those requests
        log = captured.toString();
        json = capturedJson.toString();
        for (String value : personal) {
            assertThat(console).as("console pages and admin API answers").doesNotContain(value);
            assertThat(scrape).as("metrics").doesNotContain(value);
            assertThat(json).as("JSON log").doesNotContain(value);
            assertThat(log).as("log").doesNotContain(value);
            assertThat(allReceipts.toString()).as("receipts").doesNotContain(value);
        }
    }

    @Test
    void personal_values_of_oso_dossiers_appear_in_no_log_line_receipt_or_console_page() throws Exception {
        List<Path> examples = nl.schakel.oso.OsoExamples.all();
        for (Path example : examples) {
            byte[] dossier = nl.schakel.oso.OsoExamples.from(example, "30AA00");
            Path folder = inbox("30AA00").resolve("30AB00");
            Files.createDirectories(folder);
            Files.write(folder.resolve(example.getFileName()), dossier);
        }
        // rejected: no receiver named, a broken schema, another school's dossier
        byte[] first = nl.schakel.oso.OsoExamples.from(examples.get(0), "30AA00");
        drop("30AA00", "unnamed.xml", first);
        Path broken = inbox("30AA00").resolve("30AE00");
        Files.createDirectories(broken);
        Files.writeString(broken.resolve("broken.xml"), new String(first, StandardCharsets.UTF_8)
                .replace("<geboortedatum>2003-03-17</geboortedatum>", "<geboortedatum>Björn van de Berg</geboortedatum>"));
        Path other = inbox("30AB00").resolve("30AE00");
        Files.createDirectories(other);
        Files.write(other.resolve("other.xml"), first);

        awaitFiles(outbox("30AA00"), "receipt-*", examples.size() + 2);
        awaitFiles(outbox("30AB00"), "receipt-*", 1);
        awaitFiles(outbox("30AB00"), "dossier-*", examples.size());
        StringBuilder texts = new StringBuilder();
        for (String code : List.of("30AA00", "30AB00")) {
            for (Path r : files(outbox(code), "receipt-*")) {
                texts.append(read(r));
            }
            for (Path r : files(quarantine(code), "*.receipt.xml")) {
                texts.append(read(r));
            }
        }
        assertThat(texts.toString()).contains("ACCEPTED", "CTX-RECEIVER-NOT-NAMED", "CTX-SENDER-NOT-CHANNEL-OWNER", "XSD-");
        texts.append(consoleAnswers()).append(metrics()).append(captured).append(capturedJson);
        nl.schakel.oso.OsoExamples.assertNoPersonalValues(texts.toString());
        assertThat(texts.toString()).doesNotContain("van de Berg");
    }

    /** Everything the console's page and its admin API show an operator and a coordinator after the run. */
    private String consoleAnswers() throws Exception {
        ConsoleClient operator = new ConsoleClient(consolePort());
        assertThat(operator.login("operator", "demo-operator").status()).isEqualTo(200);
        StringBuilder all = new StringBuilder();
        for (String path : List.of("/console/", "/console/api/overview", "/console/api/failed", "/console/api/directory",
                "/console/api/flows", "/console/api/flows.csv", "/console/api/actions", "/console/api/transfers?size=500")) {
            ConsoleClient.Answer answer = operator.get(path);
            assertThat(answer.status()).as(path).isEqualTo(200);
            all.append(answer.body()).append('\n');
        }
        for (com.fasterxml.jackson.databind.JsonNode t : operator.get("/console/api/transfers?size=500").json().get("items")) {
            all.append(operator.get("/console/api/transfers/" + t.get("transferId").asText()).body()).append('\n');
        }
        return all.toString();
    }

    /** What the HTTP API answers 30AA00 for every invalid example it submits, and its list of transfers. */
    private String httpApiAnswers(List<Path> invalid) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        StringBuilder all = new StringBuilder();
        for (Path file : invalid) {
            String type = file.getFileName().toString().endsWith(".json") ? "application/json" : "application/xml";
            java.net.http.HttpResponse<String> answer = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + apiPort + "/api/v1/transfers")).header("Authorization", "Bearer demo-30AA00")
                    .header("Content-Type", type).POST(java.net.http.HttpRequest.BodyPublishers.ofFile(file)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(file.toString()).isBetween(400, 499);
            all.append(answer.body()).append('\n');
        }
        all.append(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + apiPort + "/api/v1/transfers"))
                .header("Authorization", "Bearer demo-30AA00").build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body());
        return all.toString();
    }

    private static Set<String> values(String xml) {
        Set<String> values = new LinkedHashSet<>();
        Matcher m = PERSONAL.matcher(xml);
        while (m.find()) {
            values.add(m.group(2).trim());
        }
        return values;
    }
}
