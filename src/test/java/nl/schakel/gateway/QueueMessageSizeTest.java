package nl.schakel.gateway;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Message sizes on the queue channel: a text message is size-checked from what the broker knows
 * before its text is read, and the broker refuses a message over its own limit at the send.
 */
class QueueMessageSizeTest extends GatewayTestSupport {
    static final int LIMIT = 512 * 1024;
    static final int BROKER_LIMIT = 16 * 1024 * 1024;

    @Override
    protected Properties extraProperties() {
        return properties("schakel.max-message-bytes", String.valueOf(LIMIT), "schakel.broker.max-message-bytes", String.valueOf(BROKER_LIMIT));
    }

    /** Bytes allocated so far by each of the threads that consume gateway.inbound. */
    static Map<Long, Long> intakeAllocations() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Map<Long, Long> allocated = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().contains("JmsConsumer[gateway.inbound]")) {
                allocated.put(t.getId(), threads.getThreadAllocatedBytes(t.getId()));
            }
        }
        return allocated;
    }

    static long allocatedSince(Map<Long, Long> before) {
        long total = 0;
        for (Map.Entry<Long, Long> now : intakeAllocations().entrySet()) {
            total += now.getValue() - before.getOrDefault(now.getKey(), 0L);
        }
        return total;
    }

    @Test
    void a_text_message_over_the_size_limit_is_rejected_without_its_text_being_read() throws Exception {
        try (School isk = School.connect(brokerPort, "31AA00")) {
            // warm-up, and proof the text channel works: a small text dossier is read and validated
            isk.send(isk.session.createTextMessage("<x/>"));
            assertThat(School.body(isk.receive(30_000))).contains("REJECTED", "DOC-UNKNOWN-TYPE");

            // 4 million characters: 8 MB as the broker holds it, 4 MB in UTF-8, eight times the limit
            StringBuilder text = new StringBuilder(4_000_010).append("<x>");
            text.append("y".repeat(4_000_000)).append("</x>");
            TextMessage huge = isk.session.createTextMessage(text.toString());
            Map<Long, Long> before = intakeAllocations();
            isk.send(huge);

            Message receipt = isk.receive(30_000);
            assertThat(receipt).isNotNull();
            String body = School.body(receipt);
            long allocated = allocatedSince(before);
            System.out.printf("intake threads allocated %d KB for an 8 MB text message over the limit%n", allocated >> 10);
            assertThat(body).contains("<status>REJECTED</status>", "<code>PARSE-TOO-LARGE</code>", String.valueOf(LIMIT));
            // the Artemis JMS client itself takes the body in at receive (its 8 MB buffer and an 8 MB copy);
            // reading the text would add a String of 4 M chars (8 MB to decode) and 4 MB of UTF-8: 40 MB measured
            assertThat(allocated).as("bytes the intake threads allocated").isLessThan(32L << 20);
        }
        assertThat(broker().messagesAdded("inbox.31AB00")).isZero();
        assertThat(broker().messageCount("DLQ.gateway.inbound")).isLessThanOrEqualTo(0);
    }

    @Test
    void a_message_over_the_brokers_own_limit_is_refused_at_the_send_and_never_reaches_the_gateway() throws Exception {
        try (School isk = School.connect(brokerPort, "31AA00")) {
            BytesMessage huge = isk.session.createBytesMessage();
            byte[] chunk = new byte[1024 * 1024];
            Arrays.fill(chunk, (byte) ' ');
            for (int i = 0; i < 20; i++) {
                huge.writeBytes(chunk);
            }
            assertThatThrownBy(() -> isk.send(huge)).isInstanceOf(JMSException.class)
                    .hasMessageContaining("the gateway takes at most " + BROKER_LIMIT + " bytes");
            // the connection is still good: a message under the limit gets its receipt
            isk.send(isk.bytes("<x/>"));
            assertThat(School.body(isk.receive(30_000))).contains("REJECTED", "DOC-UNKNOWN-TYPE");
        }
        assertThat(broker().messagesAdded("gateway.inbound")).isEqualTo(1);
        // the refused large message left no file behind
        await().atMost(Duration.ofSeconds(10)).until(() -> files(dataDir.resolve("broker").resolve("large-messages"), "*").isEmpty());
    }
}
