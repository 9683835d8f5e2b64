package nl.schakel.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Liveness and readiness on the management port, a check per part, and readiness problems that leave liveness UP. */
class HealthEndpointsTest extends GatewayTestSupport {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void every_route_has_an_explicit_id_an_operator_can_find_in_the_routes_folder() {
        // an id Camel made up (route1, route110) says nothing in the console, the health checks or a log line
        assertThat(context.getRoutes()).extracting(org.apache.camel.Route::getRouteId).isNotEmpty()
                .noneMatch(id -> id.matches("route[0-9]+"));
    }

    @Test
    void liveness_and_readiness_are_served_with_a_check_for_every_part_route_and_drop_folder() throws Exception {
        HttpResponse<String> live = await().atMost(Duration.ofSeconds(20)).until(() -> management("/observe/health/live"), r -> r.statusCode() == 200);
        assertThat(JSON.readTree(live.body()).path("status").asText()).isEqualTo("UP");
        assertThat(checks(live.body())).containsKeys("context", "broker")
                .as("readiness-only checks are not part of liveness").doesNotContainKeys("ledger", "drop-folders", "failed-work", "route:intake");

        HttpResponse<String> ready = await().atMost(Duration.ofSeconds(20)).until(() -> management("/observe/health/ready?data=true"),
                r -> r.statusCode() == 200);
        assertThat(JSON.readTree(ready.body()).path("status").asText()).isEqualTo("UP");
        assertThat(checks(ready.body())).containsKeys("broker", "ledger", "drop-folders", "failed-work", "disk", "clock",
                "route:intake-queue", "route:intake", "route:intake-file-30AA00", "route:delivery-file-30AB00", "route:dead-letters");
        // nine file-channel institutions, an inbox and an outbox each
        assertThat(checks(ready.body()).get("drop-folders").path("data").path("drop-folders").asInt()).isEqualTo(18);
    }

    @Test
    void dead_letters_a_stopped_route_and_a_missing_drop_folder_make_readiness_down_with_codes_and_counts_while_liveness_stays_up()
            throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> management("/observe/health/ready").statusCode() == 200);
        template.sendBody("jms-send:queue:DLQ.inbox.30AB00", "x");
        template.sendBody("jms-send:queue:DLQ.inbox.30AB00", "y");
        context.getRouteController().stopRoute("delivery-file-32AB00");
        Files.delete(outbox("34AB00"));

        HttpResponse<String> ready = management("/observe/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        JsonNode body = JSON.readTree(ready.body());
        assertThat(body.path("status").asText()).isEqualTo("DOWN");
        Map<String, JsonNode> checks = checks(ready.body());
        assertThat(checks.get("failed-work").path("message").asText())
                .contains("2 message(s) on the dead-letter queues DLQ.* (DLQ.inbox.30AB00: 2)");
        assertThat(checks.get("route:delivery-file-32AB00").path("status").asText()).isEqualTo("DOWN");
        assertThat(checks.get("drop-folders").path("message").asText()).isEqualTo("Drop folders not usable: 34AB00 outbox is missing");

        HttpResponse<String> live = management("/observe/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(live.body()).path("status").asText()).isEqualTo("UP");
    }

    private static Map<String, JsonNode> checks(String body) throws Exception {
        Map<String, JsonNode> checks = new LinkedHashMap<>();
        JSON.readTree(body).path("checks").forEach(c -> checks.put(c.path("name").asText(), c));
        return checks;
    }
}
