package nl.schakel.gateway;

import nl.schakel.ledger.Ledger;
import nl.schakel.ledger.Retention;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The wall clock jumps two years forward while the gateway runs: the retention job must not take
 * that for two years passing and forget the message ids inside their duplicate window.
 */
class ClockJumpTest extends GatewayTestSupport {

    /** The system's wall clock, which the test can set forward; the monotonic clock is the system's. */
    static final class JumpingClock extends Clock {
        volatile Duration ahead = Duration.ZERO;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(ahead);
        }
    }

    private static byte[] dossier(String messageId) throws Exception {
        return Files.readString(EXAMPLES.resolve("isk-to-vo.xml")).replace("ISK30AA-2026-0001", messageId).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void a_repeat_of_a_message_sent_before_the_wall_clock_jumped_two_years_is_still_a_duplicate_and_not_delivered_again() throws Exception {
        Ledger ledger = context.getRegistry().lookupByNameAndType("ledger", Ledger.class);
        JumpingClock clock = new JumpingClock();
        // the retention job as the gateway runs it (30 days quarantine, 730 days ledger), on a wall clock that jumps
        Retention retention = new Retention(ledger, dataDir.resolve("quarantine"), Duration.ofDays(30), Duration.ofDays(730), clock);
        drop("30AA00", "first.xml", dossier("CLOCK-0001"));
        awaitFiles(outbox("30AB00"), "dossier-*CLOCK-0001.xml", 1);
        assertThat(read(awaitFiles(outbox("30AA00"), "receipt-CLOCK-0001-*.xml", 1).get(0))).contains("<status>ACCEPTED</status>");

        clock.ahead = Duration.ofDays(2 * 365 + 1);
        int[] deleted = retention.run();

        assertThat(deleted[1]).as("ledger transfers deleted after the jump").isZero();
        drop("30AA00", "again.xml", dossier("CLOCK-0001"));
        await().atMost(Duration.ofSeconds(30)).until(() -> files(outbox("30AA00"), "receipt-CLOCK-0001-*.xml").size() == 2);
        assertThat(files(outbox("30AA00"), "receipt-CLOCK-0001-*.xml")).map(GatewayTestSupport::read)
                .filteredOn(r -> r.contains("<status>DUPLICATE</status>")).hasSize(1);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> files(outbox("30AB00"), "dossier-*CLOCK-0001.xml").size() == 1);
        // the operator is told: readiness is DOWN, saying the clock jumped
        assertThat(health()).contains("\"status\":\"DOWN\"").containsPattern("The wall clock jumped 73[01] days ahead");
    }
}
