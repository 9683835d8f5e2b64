package nl.schakel.gateway;

import jakarta.jms.Message;
import org.apache.activemq.artemis.core.server.files.FileStoreMonitor;
import org.apache.activemq.artemis.core.server.impl.ActiveMQServerImpl;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker's disk limit is set below what the disk already uses, as if its journal had filled the
 * disk: intake waits (files untouched in the inbox, institutions' producers blocked by the broker),
 * readiness says why with the numbers, and when the limit is raised at runtime through the broker's
 * API everything is delivered.
 */
class BrokerDiskFullTest extends GatewayTestSupport {
    private int limit;
    private School school;

    @Override
    protected Properties extraProperties() {
        try {
            FileStore disk = Files.getFileStore(dataDir);
            double usedPercent = 100.0 * (disk.getTotalSpace() - disk.getUsableSpace()) / disk.getTotalSpace();
            limit = Math.max(0, (int) Math.floor(usedPercent) - 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties("schakel.broker.max-disk-usage", String.valueOf(limit), "schakel.disk.check-interval-ms", "200");
    }

    @AfterEach
    void closeSchool() throws Exception {
        if (school != null) {
            school.close();
        }
    }

    @Test
    void intake_waits_while_the_brokers_disk_is_over_its_limit_and_everything_is_delivered_when_it_is_raised() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> paused("intake-file-30AA00") && paused("intake-queue"));
        assertThat(health()).contains("\"status\":\"DOWN\"", "the broker's disk is", "beyond its max-disk-usage " + limit + "%",
                "the broker blocks producers");
        // delivery goes on: it drains the broker
        assertThat(context.getRouteController().getRouteStatus("delivery-file-30AB00")).isEqualTo(ServiceStatus.Started);

        drop("30AA00", "waiting.xml", Files.readString(EXAMPLES.resolve("isk-to-vo.xml")).replace("ISK30AA-2026-0001", "DISK-B-1")
                .getBytes(StandardCharsets.UTF_8));
        school = School.connect(brokerPort, "31AA00");
        CompletableFuture<Void> send = CompletableFuture.runAsync(() -> {
            try {
                school.send(school.bytes(QueueChannelTest.utrechtDossier("DISK-Q-1")));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // the file waits untouched, the school's send is held by the broker's flow control
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
                .until(() -> !send.isDone() && Files.exists(inbox("30AA00").resolve("waiting.xml")));
        assertThat(files(outbox("30AA00"), "*")).isEmpty();
        assertThat(files(outbox("30AB00"), "*")).isEmpty();
        assertThat(files(quarantine("30AA00"), "*")).isEmpty();
        assertThat(broker().messagesAdded("gateway.inbound")).isZero();

        // the operator raises the limit through the broker's own API; the gateway notices by itself
        FileStoreMonitor monitor = ((ActiveMQServerImpl) broker().activeMqServer()).getMonitor();
        monitor.setMaxUsage(1.0);

        send.get(30, TimeUnit.SECONDS);
        awaitFiles(outbox("30AB00"), "dossier-*DISK-B-1.xml", 1);
        assertThat(read(awaitFiles(outbox("30AA00"), "receipt-DISK-B-1-*.xml", 1).get(0))).contains("<status>ACCEPTED</status>");
        Message receipt = school.receive(30_000);
        assertThat(receipt).isNotNull();
        assertThat(receipt.getStringProperty("schakelRefersTo")).isEqualTo("DISK-Q-1");
        assertThat(School.body(receipt)).contains("<status>ACCEPTED</status>");
        await().atMost(Duration.ofSeconds(20)).until(() -> health().contains("\"status\":\"UP\""));
        assertThat(files(quarantine("30AA00"), "*")).isEmpty();
        assertThat(broker().deadLetterCount()).isZero();
    }
}
