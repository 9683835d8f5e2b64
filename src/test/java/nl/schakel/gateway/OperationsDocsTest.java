package nl.schakel.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every metric the alerting rules and the Grafana dashboard use is one the gateway exports, and METRICS.md lists it. */
class OperationsDocsTest extends GatewayTestSupport {
    private static final Path OPERATIONS = Path.of("docs/operations");
    /** Written by Prometheus itself for every scraped target. */
    private static final Set<String> PROMETHEUS_OWN = Set.of("up");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan");
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    @Test
    void every_metric_in_the_alerts_and_the_dashboard_is_exported_by_the_gateway_and_documented() throws Exception {
        drop("30AA00", "one.xml", Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml")));
        drop("30AA00", "broken.xml", Files.readAllBytes(EXAMPLES.resolve("invalid/RULE-AGE-MBO.xml")));
        awaitFiles(outbox("30AB00"), "dossier-*", 1);
        awaitFiles(outbox("30AA00"), "receipt-*", 2);
        String scrape = await().atMost(Duration.ofSeconds(20)).until(this::metrics, s -> s.contains("schakel_delivery_latency_seconds_count"));
        Set<String> exported = exported(scrape);
        // kept for a look at what a scrape holds, and how large it is
        Files.writeString(Path.of("target/observe-metrics.txt"), scrape);

        List<String> expressions = new ArrayList<>();
        JsonNode alerts = new ObjectMapper(new YAMLFactory()).readTree(OPERATIONS.resolve("alerts.yml").toFile());
        alerts.findValues("expr").forEach(e -> expressions.add(e.asText()));
        JsonNode dashboard = new ObjectMapper().readTree(OPERATIONS.resolve("grafana-dashboard.json").toFile());
        dashboard.findValues("expr").forEach(e -> expressions.add(e.asText()));
        assertThat(expressions).hasSizeGreaterThan(10);

        Set<String> used = new TreeSet<>();
        expressions.forEach(e -> used.addAll(metricNames(e)));
        assertThat(used).contains("schakel_dead_letters", "schakel_oldest_undelivered_seconds", "schakel_ledger_up", "schakel_disk_free_bytes",
                "schakel_submissions_total", "up");
        String documented = Files.readString(OPERATIONS.resolve("METRICS.md"));
        for (String name : used) {
            if (PROMETHEUS_OWN.contains(name)) {
                continue;
            }
            assertThat(exported).as("exported by /observe/metrics").contains(name);
            if (name.startsWith("schakel_")) {
                assertThat(documented).as("listed in METRICS.md").contains(base(name));
            }
        }
        // and METRICS.md lists every schakel_* metric the gateway exports
        exported.stream().filter(n -> n.startsWith("schakel_")).map(OperationsDocsTest::base)
                .forEach(n -> assertThat(documented).as("METRICS.md").contains("`" + n));
    }

    @Test
    void metric_names_are_read_from_expressions_without_functions_labels_or_ranges() {
        assertThat(metricNames("sum by (le, channel) (rate(a_bucket{type=\"x y\",le=~\"1\"}[5m])) / on(job) b_total offset 5m > 2 * c"))
                .containsExactlyInAnyOrder("a_bucket", "b_total", "c");
    }

    /** The metric names in a PromQL expression: not functions, keywords, label names, label values or durations. */
    static Set<String> metricNames(String expr) {
        String e = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("\\{[^}]*}", "")
                .replaceAll("\\[[^]]*]", "")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "")
                .replaceAll("\\boffset\\s+\\w+", "");
        Set<String> names = new TreeSet<>();
        Matcher m = NAME.matcher(e);
        while (m.find()) {
            String rest = e.substring(m.end()).stripLeading();
            boolean function = rest.startsWith("(");
            boolean number = m.start() > 0 && Character.isDigit(e.charAt(m.start() - 1));
            if (!function && !number && !KEYWORDS.contains(m.group().toLowerCase())) {
                names.add(m.group());
            }
        }
        return names;
    }

    /** Names of a scrape: every sample's name (with its _bucket, _count, _sum, _total suffix) and every family's. */
    private static Set<String> exported(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\\n")) {
            if (line.startsWith("# TYPE ")) {
                names.add(line.split(" ")[2]);
            } else if (!line.startsWith("#") && !line.isBlank()) {
                Matcher m = NAME.matcher(line);
                if (m.lookingAt()) {
                    names.add(m.group());
                }
            }
        }
        return names;
    }

    /** The family a series belongs to: its name without the histogram and counter suffixes. */
    private static String base(String name) {
        return name.replaceAll("_(bucket|count|sum|max|total)$", "");
    }
}
