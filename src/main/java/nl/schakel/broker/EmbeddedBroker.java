package nl.schakel.broker;

import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.camel.Service;

import java.nio.file.Path;
import java.util.Set;

/**
 * The Artemis broker embedded in the gateway: persistent NIO journal under the data folder,
 * in-VM for the gateway and, when a port is set, AMQP 1.0 and Core over TCP for institutions
 * (loopback by default, TLS optional). Login is required; each institution may send to
 * gateway.inbound and consume its own inbox.&lt;code&gt; only. Redelivery and dead-lettering are
 * the broker's.
 */
public final class EmbeddedBroker implements Service {
    public static final String GATEWAY_ROLE = "gateway";
    public static final String INBOUND = "gateway.inbound";
    /** The dead-letter address: DLQ.<queue> for the operator, and one copy of each for the gateway to act on. */
    public static final String DEAD_LETTER_ADDRESS = "DLA";
    public static final String DEAD_LETTER_NOTICES = "gateway.dead-letters";

    /** TCP listener for institutions; port 0 means none. TLS when a keystore is given. */
    public record Listener(String host, int port, String keystorePath, String keystorePassword) {
    }

    private final Path directory;
    private final int serverId;
    private final BrokerAccounts accounts;
    private final Set<String> institutions;
    private final Listener listener;
    private final int maxDeliveryAttempts;
    private final long redeliveryDelayMs;
    private Set<String> consumedQueues = Set.of();
    private java.util.function.BiConsumer<String, org.apache.activemq.artemis.api.core.Message> onConsumed;
    private int journalBufferTimeoutMicros = 500;
    private EmbeddedActiveMQ server;

    public EmbeddedBroker(Path directory, int serverId, BrokerAccounts accounts, Set<String> institutions, Listener listener,
                          int maxDeliveryAttempts, long redeliveryDelayMs) {
        this.directory = directory;
        this.serverId = serverId;
        this.accounts = accounts;
        this.institutions = Set.copyOf(institutions);
        this.listener = listener;
        this.maxDeliveryAttempts = maxDeliveryAttempts;
        this.redeliveryDelayMs = redeliveryDelayMs;
    }

    /** Calls back when an institution consumes a message from one of these queues (before {@link #start()}). */
    public void onConsumed(Set<String> queues, java.util.function.BiConsumer<String, org.apache.activemq.artemis.api.core.Message> callback) {
        this.consumedQueues = Set.copyOf(queues);
        this.onConsumed = callback;
    }

    /**
     * How long the journal gathers writes before one sync (before {@link #start()}). Every
     * persistent send and transaction commit waits for a sync, so this bounds both the latency of a
     * commit and how many commits share one fsync. Artemis' NIO default is 3,333 µs.
     */
    public void journalBufferTimeoutMicros(int micros) {
        this.journalBufferTimeoutMicros = micros;
    }

    /** The URL a client in this JVM connects with. */
    public String inVmUrl() {
        return "vm://" + serverId;
    }

    @Override
    public synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            Configuration config = new ConfigurationImpl()
                    .setName("schakel")
                    .setPersistenceEnabled(true)
                    .setJournalType(JournalType.NIO)
                    .setJournalBufferTimeout_NIO(journalBufferTimeoutMicros * 1000)
                    .setJournalDirectory(directory.resolve("journal").toString())
                    .setBindingsDirectory(directory.resolve("bindings").toString())
                    .setPagingDirectory(directory.resolve("paging").toString())
                    .setLargeMessagesDirectory(directory.resolve("large-messages").toString())
                    .setNodeManagerLockDirectory(directory.toString())
                    .setSecurityEnabled(true)
                    .setJMXManagementEnabled(false)
                    .setPersistIDCache(true)
                    .setIDCacheSize(100_000);
            config.addAcceptorConfiguration("in-vm", inVmUrl());
            if (listener != null && listener.port() > 0) {
                String url = "tcp://" + listener.host() + ":" + listener.port() + "?protocols=AMQP,CORE";
                if (listener.keystorePath() != null && !listener.keystorePath().isBlank()) {
                    url += ";sslEnabled=true;keyStorePath=" + listener.keystorePath() + ";keyStorePassword=" + listener.keystorePassword();
                }
                config.addAcceptorConfiguration("institutions", url);
            }
            config.setPopulateValidatedUser(true);
            config.registerBrokerPlugin(new SenderStampPlugin());
            if (onConsumed != null) {
                config.registerBrokerPlugin(new ConsumptionPlugin(consumedQueues, onConsumed));
            }
            config.addQueueConfiguration(QueueConfiguration.of(INBOUND).setRoutingType(RoutingType.ANYCAST).setDurable(true));
            // every dead-lettered message also lands here, so the gateway can record it and tell the sender,
            // while DLQ.<queue> keeps it for the operator
            config.addQueueConfiguration(QueueConfiguration.of(DEAD_LETTER_NOTICES).setAddress(DEAD_LETTER_ADDRESS)
                    .setRoutingType(RoutingType.MULTICAST).setDurable(true));
            for (String code : institutions) {
                config.addQueueConfiguration(QueueConfiguration.of("inbox." + code).setRoutingType(RoutingType.ANYCAST).setDurable(true));
            }
            // broker-managed redelivery: a rolled-back delivery returns after a delay, and after
            // the last attempt it goes to DLQ.<queue> on the dead-letter address
            config.addAddressSetting("#", new AddressSettings()
                    .setDeadLetterAddress(SimpleString.of(DEAD_LETTER_ADDRESS))
                    .setAutoCreateDeadLetterResources(true)
                    .setDeadLetterQueuePrefix(SimpleString.of("DLQ."))
                    .setExpiryAddress(SimpleString.of("EXPIRY"))
                    .setAutoCreateExpiryResources(true)
                    .setMaxDeliveryAttempts(maxDeliveryAttempts)
                    .setRedeliveryDelay(redeliveryDelayMs)
                    .setRedeliveryMultiplier(2.0)
                    .setMaxRedeliveryDelay(60_000));
            // least privilege: institutions send to gateway.inbound and consume their own inbox, nothing else
            Role gateway = new Role(GATEWAY_ROLE, true, true, true, true, true, true, true, true, true, true, true, true);
            config.putSecurityRoles("#", Set.of(gateway));
            config.putSecurityRoles(INBOUND, Set.of(gateway,
                    new Role(BrokerAccounts.SENDER_ROLE, true, false, false, false, false, false, false, false, false, false, false, false)));
            for (String code : institutions) {
                config.putSecurityRoles("inbox." + code, Set.of(gateway, new Role(BrokerAccounts.INSTITUTION_ROLE_PREFIX + code,
                        false, true, false, false, false, false, false, false, false, false, false, false)));
            }

            EmbeddedActiveMQ embedded = new EmbeddedActiveMQ();
            embedded.setConfiguration(config);
            embedded.setSecurityManager(new InstitutionSecurityManager(accounts));
            embedded.start();
            server = embedded;
        } catch (Exception e) {
            throw new IllegalStateException("the embedded broker did not start (data in " + directory + ")", e);
        }
    }

    public synchronized boolean isActive() {
        return server != null && server.getActiveMQServer().isActive();
    }

    /** The running Artemis server, for management (address settings, queue controls). */
    public synchronized ActiveMQServer activeMqServer() {
        return server == null ? null : server.getActiveMQServer();
    }

    /** Messages waiting on a queue, or -1 when the queue does not exist. */
    public long messageCount(String queue) {
        var binding = server.getActiveMQServer().locateQueue(SimpleString.of(queue));
        return binding == null ? -1 : binding.getMessageCount();
    }

    /** Messages waiting on the dead-letter queues DLQ.* for the operator. */
    public long deadLetterCount() {
        ActiveMQServer active = activeMqServer();
        if (active == null) {
            return 0;
        }
        return active.getPostOffice().getAllBindings()
                .filter(b -> b instanceof org.apache.activemq.artemis.core.postoffice.QueueBinding q && q.getQueue().getName().toString().startsWith("DLQ."))
                .mapToLong(b -> ((org.apache.activemq.artemis.core.postoffice.QueueBinding) b).getQueue().getMessageCount())
                .sum();
    }

    /** Messages ever added to a queue since the broker started, or -1 when the queue does not exist. */
    public long messagesAdded(String queue) {
        var binding = server.getActiveMQServer().locateQueue(SimpleString.of(queue));
        return binding == null ? -1 : binding.getMessagesAdded();
    }

    @Override
    public synchronized void stop() {
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                throw new IllegalStateException("the embedded broker did not stop cleanly", e);
            } finally {
                server = null;
            }
        }
    }
}
