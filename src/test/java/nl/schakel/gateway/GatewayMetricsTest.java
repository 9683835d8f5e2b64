package nl.schakel.gateway;

import jakarta.jms.Message;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The schakel_* metrics at /observe/metrics, with Camel's own, after real traffic on both channels. */
class GatewayMetricsTest extends GatewayTestSupport {

    @Override
    protected Properties extraProperties() {
        return properties("schakel.metrics.refresh-interval-ms", "200");
    }

    @Test
    void submissions_rejections_and_file_delivery_latency_are_counted_by_channel_type_outcome_and_code() throws Exception {
        byte[] dossier = Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml"));
        drop("30AA00", "one.xml", dossier);
        awaitFiles(outbox("30AB00"), "dossier-*", 1);
        drop("30AA00", "again.xml", dossier);
        drop("30AA00", "broken.xml", Files.readAllBytes(EXAMPLES.resolve("invalid/RULE-AGE-MBO.xml")));
        awaitFiles(outbox("30AA00"), "receipt-*", 3);

        String scrape = await().atMost(Duration.ofSeconds(20)).until(this::metrics,
                s -> sample(s, "schakel_delivery_latency_seconds_count{channel=\"file\",type=\"dossier\"}") != null
                        && sample(s, "schakel_quarantine_files") != null && sample(s, "schakel_quarantine_files") >= 2);
        String dossierType = "document_type=\"transfer-dossier-v1\"";
        assertThat(sample(scrape, "schakel_submissions_total{channel=\"file\"," + dossierType + ",outcome=\"accepted\"}")).isEqualTo(1.0);
        assertThat(sample(scrape, "schakel_submissions_total{channel=\"file\"," + dossierType + ",outcome=\"duplicate\"}")).isEqualTo(1.0);
        assertThat(sample(scrape, "schakel_submissions_total{channel=\"file\"," + dossierType + ",outcome=\"rejected\"}")).isEqualTo(1.0);
        assertThat(sample(scrape, "schakel_rejections_total{code=\"RULE-AGE-MBO\"}")).isEqualTo(1.0);
        assertThat(sample(scrape, "schakel_delivery_latency_seconds_count{channel=\"file\",type=\"dossier\"}")).isEqualTo(1.0);
        assertThat(sample(scrape, "schakel_delivery_latency_seconds_bucket{channel=\"file\",type=\"dossier\",le=\"604800.0\"}")).isEqualTo(1.0);
        // receipts to the sender's outbox are deliveries too: accepted, duplicate, rejected
        assertThat(sample(scrape, "schakel_delivery_latency_seconds_count{channel=\"file\",type=\"receipt\"}")).isEqualTo(3.0);
        assertThat(sample(scrape, "schakel_quarantine_bytes")).isPositive();
        assertThat(sample(scrape, "schakel_ledger_up")).isEqualTo(1.0);
        assertThat(sample(scrape, "schakel_disk_free_bytes{folder=\"data\"}")).isPositive();
        // Camel's own route metrics
        assertThat(scrape).contains("camel_exchanges_total{", "routeId=\"intake-file-30AA00\"", "routeId=\"delivery-file-30AB00\"");
    }

    @Test
    void queue_depth_oldest_undelivered_age_and_pickup_latency_follow_a_dossier_on_the_queue_channel() throws Exception {
        try (School sender = School.connect(brokerPort, "31AA00"); School receiver = School.connect(brokerPort, "31AB00")) {
            String dossier = Files.readString(EXAMPLES.resolve("isk-to-vo.xml")).replace("30AA00", "31AA00").replace("30AB00", "31AB00");
            sender.send(sender.bytes(dossier));
            String waiting = await().atMost(Duration.ofSeconds(20)).until(this::metrics,
                    s -> Double.valueOf(1.0).equals(sample(s, "schakel_inbox_depth{institution=\"31AB00\"}"))
                            && sample(s, "schakel_oldest_undelivered_seconds{institution=\"31AB00\"}") > 0);
            assertThat(sample(waiting, "schakel_submissions_total{channel=\"queue\",document_type=\"transfer-dossier-v1\",outcome=\"accepted\"}"))
                    .isEqualTo(1.0);
            assertThat(sample(waiting, "schakel_oldest_undelivered_seconds{institution=\"30AB00\"}")).isZero();
            assertThat(sample(waiting, "schakel_dead_letter_depth{queue=\"DLQ.inbox.31AB00\"}")).isZero();
            assertThat(sample(waiting, "schakel_dead_letters")).isZero();

            Message received = receiver.receive(30_000);
            assertThat(received).isNotNull();
            String pickedUp = await().atMost(Duration.ofSeconds(20)).until(this::metrics,
                    s -> sample(s, "schakel_delivery_latency_seconds_count{channel=\"queue\",type=\"dossier\"}") != null
                            && sample(s, "schakel_oldest_undelivered_seconds{institution=\"31AB00\"}") == 0);
            assertThat(sample(pickedUp, "schakel_inbox_depth{institution=\"31AB00\"}")).isZero();
            assertThat(sample(pickedUp, "schakel_delivery_latency_seconds_count{channel=\"queue\",type=\"dossier\"}")).isEqualTo(1.0);
        }
    }

    @Test
    void a_dead_letter_is_gauged_on_its_queue() throws Exception {
        template.sendBody("jms-send:queue:DLQ.inbox.30AB00", "x".getBytes(StandardCharsets.UTF_8));
        String scrape = await().atMost(Duration.ofSeconds(20)).until(this::metrics,
                s -> Double.valueOf(1.0).equals(sample(s, "schakel_dead_letters")));
        assertThat(sample(scrape, "schakel_dead_letter_depth{queue=\"DLQ.inbox.30AB00\"}")).isEqualTo(1.0);
    }
}
