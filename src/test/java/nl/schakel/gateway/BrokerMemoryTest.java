package nl.schakel.gateway;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Thousands of 200 KB messages wait on the broker with nobody taking them: they go to page files
 * on disk, and the broker's memory stays within the configured bound. The messages are sent as
 * regular (not large) messages, which Artemis otherwise keeps whole in memory: a Core client
 * chooses that itself (minLargeMessageSize), and so does the gateway for its own sends with
 * schakel.broker.min-large-message-bytes.
 */
class BrokerMemoryTest extends GatewayTestSupport {
    static final int MESSAGES = 2000;
    static final int SIZE = 200 * 1024;
    static final long ADDRESS_MAX_BYTES = 1024 * 1024;

    @Override
    protected Properties extraProperties() {
        return properties("schakel.broker.address-max-bytes", String.valueOf(ADDRESS_MAX_BYTES),
                "schakel.broker.address-max-messages", "1000", "schakel.broker.global-max-bytes", String.valueOf(8 * ADDRESS_MAX_BYTES),
                // the gateway's own 200 KB sends stay regular messages too
                "schakel.broker.min-large-message-bytes", String.valueOf(256 * 1024));
    }

    static byte[] filler() {
        byte[] body = new byte[SIZE];
        Arrays.fill(body, (byte) 'x');
        return body;
    }

    static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private void assertBounded(String address, long heapBefore, long started) {
        long heapGrowth = usedHeapAfterGc() - heapBefore;
        long inMemory = broker().addressMemoryBytes(address);
        System.out.printf("%s: %d messages of %d KB waiting (%d MB) in %d ms; paging %s; in memory %d KB; heap growth %d MB%n",
                address, broker().messageCount(address), SIZE / 1024, (long) MESSAGES * SIZE >> 20, (System.nanoTime() - started) / 1_000_000,
                broker().isPaging(address), inMemory >> 10, heapGrowth >> 20);
        assertThat(broker().isPaging(address)).as("paging").isTrue();
        // the bound, plus the one message that crossed it
        assertThat(inMemory).as("bytes of %s in memory", address).isBetween(0L, ADDRESS_MAX_BYTES + SIZE + 16 * 1024);
        // 400 MB wait; the heap holds a small part of it (without paging it would hold them all)
        assertThat(heapGrowth).as("heap growth").isLessThan(64L << 20);
    }

    @Test
    void a_school_flooding_gateway_inbound_while_intake_is_paused_fills_page_files_not_the_heap() throws Exception {
        // intake not taking messages (paused, or slower than the flood): the messages wait on the broker.
        // Removed, not only stopped: the ledger guard starts a stopped intake route again
        context.getRouteController().stopRoute("intake-queue");
        context.removeRoute("intake-queue");
        long heapBefore = usedHeapAfterGc();
        long started = System.nanoTime();
        ActiveMQConnectionFactory factory = School.factory(brokerPort, "31AA00", "demo-31AA00");
        // the client's own choice: 200 KB bodies go as regular messages, not streamed large ones
        factory.setMinLargeMessageSize(1024 * 1024);
        factory.setBlockOnDurableSend(false);
        factory.setConfirmationWindowSize(1024 * 1024);
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("gateway.inbound"));
            byte[] body = filler();
            for (int i = 0; i < MESSAGES; i++) {
                BytesMessage message = session.createBytesMessage();
                message.writeBytes(body);
                producer.send(message);
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> broker().messageCount("gateway.inbound") == MESSAGES);
        assertBounded("gateway.inbound", heapBefore, started);
    }

    @Test
    void an_inbox_its_school_never_reads_pages_to_disk_and_keeps_the_gateways_memory_bounded() throws Exception {
        long heapBefore = usedHeapAfterGc();
        long started = System.nanoTime();
        // the gateway's own sends to the receiver's queue, as intake-send makes them; 31AB00 never connects
        ProducerTemplate gateway = context.createProducerTemplate();
        byte[] body = filler();
        for (int i = 0; i < MESSAGES; i++) {
            gateway.sendBody("jms-send:queue:inbox.31AB00", body);
        }
        gateway.stop();
        await().atMost(Duration.ofSeconds(60)).until(() -> broker().messageCount("inbox.31AB00") == MESSAGES);
        assertBounded("inbox.31AB00", heapBefore, started);
    }
}
