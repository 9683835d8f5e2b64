package nl.schakel.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.layout.template.json.JsonTemplateLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** JSON log lines: the transfer id follows a dossier through every route; the format is chosen with one key. */
class StructuredLogTest extends GatewayTestSupport {
    private final StringWriter captured = new StringWriter();
    private WriterAppender appender;

    @BeforeEach
    void captureJson() {
        LoggerContext logs = (LoggerContext) LogManager.getContext(false);
        Configuration config = logs.getConfiguration();
        appender = WriterAppender.createAppender(JsonTemplateLayout.newBuilder().setConfiguration(config)
                .setEventTemplateUri("classpath:schakel-log.json").build(), null, captured, "json-capture", false, true);
        appender.start();
        config.addAppender(appender);
        config.getRootLogger().addAppender(appender, null, null);
        logs.updateLoggers();
    }

    @AfterEach
    void stopCapture() {
        LoggerContext logs = (LoggerContext) LogManager.getContext(false);
        logs.getConfiguration().getRootLogger().removeAppender("json-capture");
        logs.updateLoggers();
        appender.stop();
    }

    @Test
    void the_transfer_id_follows_a_dossier_through_intake_and_delivery_with_route_ids_and_outcomes() throws Exception {
        drop("30AA00", "dossier.xml", Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml")));
        awaitFiles(outbox("30AB00"), "dossier-*", 1);
        Path receipt = awaitFiles(outbox("30AA00"), "receipt-*", 1).get(0);
        String name = receipt.getFileName().toString();
        String transferId = name.substring(name.indexOf("-R-") + 1, name.length() - ".xml".length());

        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : captured.toString().lines().toList()) {
            JsonNode node = mapper.readTree(line);
            if (transferId.equals(node.path("transferId").asText())) {
                lines.add(node);
            }
        }
        Set<String> routes = new TreeSet<>();
        Set<String> outcomes = new TreeSet<>();
        lines.forEach(l -> {
            routes.add(l.path("routeId").asText());
            outcomes.add(l.path("outcome").asText());
        });
        assertThat(routes).contains("intake", "delivery-file-30AB00", "delivery-file-30AA00");
        assertThat(outcomes).contains("accepted", "delivered");
        assertThat(lines).allSatisfy(l -> assertThat(l.path("messageId").asText()).isEqualTo("ISK30AA-2026-0001"));
    }

    @Test
    void one_key_selects_json_log_lines_and_text_is_the_default() {
        LoggerContext logs = (LoggerContext) LogManager.getContext(false);
        try {
            System.setProperty("schakel.log.format", "json");
            logs.reconfigure();
            assertThat(logs.getConfiguration().getRootLogger().getAppenders()).containsKey("json").doesNotContainKey("text");
            assertThat(logs.getConfiguration().getAppender("json").getLayout()).isInstanceOf(JsonTemplateLayout.class);
        } finally {
            System.clearProperty("schakel.log.format");
            logs.reconfigure();
        }
        assertThat(logs.getConfiguration().getRootLogger().getAppenders()).containsKey("text").doesNotContainKey("json");
    }
}
