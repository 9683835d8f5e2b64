package nl.schakel.metrics;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Labels carry known codes only, and a bounded number of them. */
class GatewayMetricsLabelsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final GatewayMetrics metrics = new GatewayMetrics(registry, List.of("transfer-dossier-v1"), Clock.systemUTC());

    @Test
    void a_document_type_channel_or_outcome_outside_the_known_ones_is_counted_as_unknown() {
        metrics.submission("file", "Samira Fictief", "accepted", List.of());
        metrics.submission("smtp", "transfer-dossier-v1", "lost", List.of());
        assertThat(registry.get("schakel.submissions").tag("document_type", "unknown").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("schakel.submissions").tag("channel", "unknown").tag("outcome", "unknown").counter().count()).isEqualTo(1.0);
        assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTags().toString()).doesNotContain("Samira"));
    }

    @Test
    void error_codes_beyond_the_first_two_hundred_distinct_ones_are_counted_as_other() {
        for (int i = 0; i < GatewayMetrics.MAX_ERROR_CODES + 50; i++) {
            metrics.submission("file", "transfer-dossier-v1", "rejected", List.of("RULE-" + i));
        }
        metrics.submission("file", "transfer-dossier-v1", "rejected", List.of("RULE-0", "not a code: 1990-01-01"));
        assertThat(registry.find("schakel.rejections").counters()).hasSize(GatewayMetrics.MAX_ERROR_CODES + 2);
        assertThat(registry.get("schakel.rejections").tag("code", "other").counter().count()).isEqualTo(50.0);
        assertThat(registry.get("schakel.rejections").tag("code", "RULE-0").counter().count()).isEqualTo(2.0);
        assertThat(registry.get("schakel.rejections").tag("code", "unknown").counter().count()).isEqualTo(1.0);
    }
}
