package nl.schakel.broker;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;
import org.apache.camel.Service;

import java.nio.file.Path;
import java.util.Set;

/**
 * The Artemis broker embedded in the gateway: persistent NIO journal under the data folder,
 * reachable in-VM only, security on, and broker-managed redelivery with dead-lettering.
 */
public final class EmbeddedBroker implements Service {
    public static final String GATEWAY_ROLE = "gateway";

    private final Path directory;
    private final int serverId;
    private final String user;
    private final String password;
    private final int maxDeliveryAttempts;
    private final long redeliveryDelayMs;
    private EmbeddedActiveMQ server;

    public EmbeddedBroker(Path directory, int serverId, String user, String password, int maxDeliveryAttempts, long redeliveryDelayMs) {
        this.directory = directory;
        this.serverId = serverId;
        this.user = user;
        this.password = password;
        this.maxDeliveryAttempts = maxDeliveryAttempts;
        this.redeliveryDelayMs = redeliveryDelayMs;
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
            // broker-managed redelivery: a rolled-back delivery returns after a delay, and after
            // the last attempt it goes to DLQ.<queue> on the dead-letter address
            config.addAddressSetting("#", new AddressSettings()
                    .setDeadLetterAddress(SimpleString.of("DLA"))
                    .setAutoCreateDeadLetterResources(true)
                    .setDeadLetterQueuePrefix(SimpleString.of("DLQ."))
                    .setExpiryAddress(SimpleString.of("EXPIRY"))
                    .setAutoCreateExpiryResources(true)
                    .setMaxDeliveryAttempts(maxDeliveryAttempts)
                    .setRedeliveryDelay(redeliveryDelayMs)
                    .setRedeliveryMultiplier(2.0)
                    .setMaxRedeliveryDelay(60_000));
            config.putSecurityRoles("#", Set.of(new Role(GATEWAY_ROLE, true, true, true, true, true, true, true, true, true, true, true, true)));

            SecurityConfiguration users = new SecurityConfiguration();
            users.addUser(user, password);
            users.addRole(user, GATEWAY_ROLE);
            EmbeddedActiveMQ embedded = new EmbeddedActiveMQ();
            embedded.setConfiguration(config);
            embedded.setSecurityManager(new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), users));
            embedded.start();
            server = embedded;
        } catch (Exception e) {
            throw new IllegalStateException("the embedded broker did not start (data in " + directory + ")", e);
        }
    }

    public synchronized boolean isActive() {
        return server != null && server.getActiveMQServer().isActive();
    }

    /** Messages waiting on a queue, or -1 when the queue does not exist. */
    public long messageCount(String queue) {
        var binding = server.getActiveMQServer().locateQueue(SimpleString.of(queue));
        return binding == null ? -1 : binding.getMessageCount();
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
