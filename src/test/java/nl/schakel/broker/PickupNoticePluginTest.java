package nl.schakel.broker;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ActiveMQServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The standalone broker's pick-up notices, on a real Artemis broker with the plugin as broker.xml
 * loads it: a notice for every message of the gateway's an institution takes from its inbox, in the
 * same transaction as the take, with ids only.
 */
class PickupNoticePluginTest {
    @TempDir
    Path dir;
    private ActiveMQServer server;
    private ServerLocator locator;
    private ClientSessionFactory factory;
    private ClientSession session;

    @BeforeEach
    void start() throws Exception {
        Configuration config = new ConfigurationImpl().setPersistenceEnabled(true).setSecurityEnabled(false)
                .setJournalDirectory(dir.resolve("journal").toString()).setBindingsDirectory(dir.resolve("bindings").toString())
                .setPagingDirectory(dir.resolve("paging").toString()).setLargeMessagesDirectory(dir.resolve("large").toString())
                .addAcceptorConfiguration("in-vm", "vm://7");
        config.registerBrokerPlugin(new PickupNoticePlugin());
        for (String queue : new String[] {"inbox.31AB00", "other.queue", PickupNoticePlugin.ADDRESS}) {
            config.addQueueConfiguration(QueueConfiguration.of(queue).setRoutingType(RoutingType.ANYCAST).setDurable(true));
        }
        server = ActiveMQServers.newActiveMQServer(config, false);
        server.start();
        locator = ActiveMQClient.createServerLocator("vm://7");
        factory = locator.createSessionFactory();
        session = factory.createSession(false, false, false);
        session.start();
    }

    @AfterEach
    void stop() throws Exception {
        session.close();
        factory.close();
        locator.close();
        server.stop();
    }

    @Test
    void a_dossier_taken_from_an_inbox_leaves_a_notice_with_its_transfer_id_type_and_queue_only() throws Exception {
        send("inbox.31AB00", "R-1", "dossier");
        take("inbox.31AB00", true);

        ClientMessage notice = receive(PickupNoticePlugin.ADDRESS);
        assertThat(notice).isNotNull();
        assertThat(notice.getStringProperty("schakelTransferId")).isEqualTo("R-1");
        assertThat(notice.getStringProperty("schakelType")).isEqualTo("dossier");
        assertThat(notice.getStringProperty(PickupNoticePlugin.QUEUE)).isEqualTo("inbox.31AB00");
        assertThat(notice.isDurable()).isTrue();
        assertThat(notice.getPropertyNames().stream().map(SimpleString::toString).filter(n -> !n.startsWith("_AMQ")).collect(Collectors.toSet()))
                .isEqualTo(Set.of("schakelTransferId", "schakelType", PickupNoticePlugin.QUEUE));
        assertThat(receive(PickupNoticePlugin.ADDRESS)).as("one notice per take").isNull();
    }

    @Test
    void a_take_that_is_rolled_back_leaves_no_notice_and_its_redelivery_leaves_one() throws Exception {
        send("inbox.31AB00", "R-2", "dossier");
        take("inbox.31AB00", false);
        assertThat(receive(PickupNoticePlugin.ADDRESS)).as("notice of a rolled-back take").isNull();

        take("inbox.31AB00", true);
        assertThat(receive(PickupNoticePlugin.ADDRESS).getStringProperty("schakelTransferId")).isEqualTo("R-2");
        assertThat(receive(PickupNoticePlugin.ADDRESS)).isNull();
    }

    @Test
    void messages_not_sent_by_the_gateway_or_taken_from_other_queues_leave_none() throws Exception {
        send("inbox.31AB00", null, "dossier");
        send("other.queue", "R-3", "dossier");
        take("inbox.31AB00", true);
        take("other.queue", true);
        assertThat(receive(PickupNoticePlugin.ADDRESS)).isNull();
    }

    private void send(String queue, String transferId, String type) throws Exception {
        try (ClientProducer producer = session.createProducer(queue)) {
            ClientMessage m = session.createMessage(true);
            if (transferId != null) {
                m.putStringProperty("schakelTransferId", transferId);
            }
            m.putStringProperty("schakelType", type);
            m.getBodyBuffer().writeString("<transferDossier>a fictitious pupil</transferDossier>");
            producer.send(m);
        }
        session.commit();
    }

    private void take(String queue, boolean commit) throws Exception {
        try (ClientConsumer consumer = session.createConsumer(queue)) {
            ClientMessage m = consumer.receive(2000);
            assertThat(m).as("a message on " + queue).isNotNull();
            m.acknowledge();
        }
        if (commit) {
            session.commit();
        } else {
            session.rollback();
        }
    }

    private ClientMessage receive(String queue) throws Exception {
        try (ClientConsumer consumer = session.createConsumer(queue)) {
            ClientMessage m = consumer.receive(500);
            if (m != null) {
                m.acknowledge();
            }
            session.commit();
            return m;
        }
    }
}
