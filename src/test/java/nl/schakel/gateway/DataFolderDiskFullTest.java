package nl.schakel.gateway;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The data folder's free-space floor is set above the free space its disk has: intake and delivery
 * wait (files untouched in the inbox), the broker refuses institutions' messages saying why, readiness
 * says why with the numbers; when the floor is lowered at runtime everything is delivered.
 */
class DataFolderDiskFullTest extends GatewayTestSupport {
    private School school;

    @Override
    protected Properties extraProperties() {
        try {
            long aboveFree = Files.getFileStore(dataDir).getTotalSpace() + 1;
            return properties("schakel.disk.min-free-bytes", String.valueOf(aboveFree), "schakel.disk.check-interval-ms", "200");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterEach
    void closeSchool() throws Exception {
        if (school != null) {
            school.close();
        }
    }

    @Test
    void intake_and_delivery_wait_while_the_data_folder_is_below_its_floor_and_resume_when_there_is_room() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> paused("intake-file-30AA00") && paused("intake-queue") && paused("delivery-file-30AB00"));
        assertThat(health()).contains("\"status\":\"DOWN\"", "the data folder's disk has", "below schakel.disk.min-free-bytes");

        drop("30AA00", "waiting.xml", Files.readString(EXAMPLES.resolve("isk-to-vo.xml")).replace("ISK30AA-2026-0001", "DISK-D-1")
                .getBytes(StandardCharsets.UTF_8));
        school = School.connect(brokerPort, "31AA00");
        assertThatThrownBy(() -> school.send(school.bytes(QueueChannelTest.utrechtDossier("DISK-Q-2"))))
                .isInstanceOf(JMSException.class).hasMessageContaining("The gateway takes no messages now: its disk is nearly full");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> Files.exists(inbox("30AA00").resolve("waiting.xml")));
        assertThat(files(outbox("30AA00"), "*")).isEmpty();
        assertThat(files(outbox("30AB00"), "*")).isEmpty();
        assertThat(files(quarantine("30AA00"), "*")).isEmpty();
        assertThat(broker().messagesAdded("gateway.inbound")).isZero();

        // the operator lowers the floor while the gateway runs
        context.getPropertiesComponent().addOverrideProperty("schakel.disk.min-free-bytes", "1");

        awaitFiles(outbox("30AB00"), "dossier-*DISK-D-1.xml", 1);
        assertThat(read(awaitFiles(outbox("30AA00"), "receipt-DISK-D-1-*.xml", 1).get(0))).contains("<status>ACCEPTED</status>");
        // the school sends again what was refused
        school.send(school.bytes(QueueChannelTest.utrechtDossier("DISK-Q-2")));
        Message receipt = school.receive(30_000);
        assertThat(receipt).isNotNull();
        assertThat(School.body(receipt)).contains("<status>ACCEPTED</status>");
        await().atMost(Duration.ofSeconds(20)).until(() -> health().contains("\"status\":\"UP\""));
        assertThat(files(quarantine("30AA00"), "*")).isEmpty();
        assertThat(broker().deadLetterCount()).isZero();
    }
}
