package nl.schakel.broker;

import nl.schakel.Settings;
import nl.schakel.directory.Directory;
import nl.schakel.directory.Institution;
import nl.schakel.disk.DiskWiring;
import nl.schakel.health.PartHealthCheck;
import nl.schakel.ledger.Ledger;
import nl.schakel.message.Headers;
import nl.schakel.message.OutgoingProperties;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.support.service.ServiceSupport;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Wires the broker part: who may log in, the embedded Artemis broker (or an external one), and the
 * two pooled JMS components the routes use: {@code jms} for consumers and {@code jms-send} for the
 * gateway's own sends, which commit on their own and carry documented properties only.
 */
public final class BrokerSetup {
    /** The only directory demo passwords ever apply to. */
    public static final String DEMO_DIRECTORY = "classpath:demo-directory.yaml";
    private static final Logger LOG = LoggerFactory.getLogger(BrokerSetup.class);

    private BrokerSetup() {
    }

    /**
     * Broker logins for the institutions on the queue channel: from the credentials file when one is
     * set; demo passwords only in demo mode with the bundled demo directory. Any other combination
     * stops the start, saying what to configure.
     */
    public static BrokerAccounts accounts(Settings settings, Directory directory, String directoryLocation) throws IOException {
        List<String> queueCodes = directory.withChannel(Institution.Channel.QUEUE).stream().map(Institution::code).toList();
        boolean demo = settings.flag("schakel.demo");
        var file = settings.optional("schakel.broker.credentials-file");
        if (file.isPresent()) {
            if (demo) {
                LOG.info("schakel.broker.credentials-file is set: institutions log in with its passwords, not demo passwords");
            }
            return BrokerAccounts.fromFile(Path.of(file.get()), queueCodes);
        }
        if (!demo) {
            throw new IllegalArgumentException("schakel.demo=false needs schakel.broker.credentials-file: a file of hashed institution"
                    + " passwords (make a hash with java -jar schakel-gateway.jar hash-password)");
        }
        if (!DEMO_DIRECTORY.equals(directoryLocation)) {
            throw new IllegalArgumentException("schakel.demo=true gives demo passwords only with the bundled directory " + DEMO_DIRECTORY
                    + ", not with " + directoryLocation + ": set schakel.broker.credentials-file to a file of hashed passwords"
                    + " for its queue-channel institutions (java -jar schakel-gateway.jar hash-password) and schakel.demo=false");
        }
        return BrokerAccounts.demo(queueCodes);
    }

    /**
     * Starts the embedded broker when {@code accounts} is given (else connects to schakel.broker.url)
     * and adds the {@code jms} and {@code jms-send} components. A dossier an institution consumes from
     * its queue inbox is recorded as picked up in the ledger once it opens.
     */
    public static void connect(CamelContext context, Settings settings, Directory directory, BrokerAccounts accounts, Path brokerFolder,
                               Future<Ledger> ledger, int maxMessageBytes) throws Exception {
        JmsPoolConnectionFactory pool = new JmsPoolConnectionFactory();
        pool.setMaxConnections(settings.integer("schakel.broker.max-connections"));
        if (accounts != null) {
            String password = randomSecret();
            accounts.addGateway("schakel-gateway", password);
            EmbeddedBroker broker = embedded(context, settings, directory, accounts, brokerFolder, ledger, maxMessageBytes);
            broker.start();
            context.addService(broker, true, true);
            context.getRegistry().bind("broker", broker);
            HealthCheckRegistry health = HealthCheckRegistry.get(context);
            if (health != null) {
                health.register(new PartHealthCheck("broker", broker::isActive, () -> "The embedded Artemis broker is not active"));
            }
            pool.setConnectionFactory(new ActiveMQConnectionFactory(broker.inVmUrl(), "schakel-gateway", password));
        } else {
            pool.setConnectionFactory(new ActiveMQConnectionFactory(settings.text("schakel.broker.url"),
                    settings.optional("schakel.broker.user").orElse(null), settings.optional("schakel.broker.password").orElse(null)));
        }
        // the gateway's own messages stay journal records up to this size instead of becoming large-message
        // files; above the journal buffer (490 KiB) the broker would make them large messages anyway,
        // after the client had held them whole
        int minLargeMessageBytes = settings.integer("schakel.broker.min-large-message-bytes");
        if (minLargeMessageBytes < 1 || minLargeMessageBytes > 490 * 1024) {
            throw new IllegalArgumentException("schakel.broker.min-large-message-bytes must be between 1 and 501760, not " + minLargeMessageBytes);
        }
        if (pool.getConnectionFactory() instanceof ActiveMQConnectionFactory factory) {
            factory.setMinLargeMessageSize(minLargeMessageBytes);
        }
        context.addComponent("jms", JmsComponent.jmsComponent(pool));
        // a second pool for the gateway's own sends: a connection factory of its own keeps them out
        // of any consumer's transaction, so a send commits (or fails on a duplicate) right away
        JmsPoolConnectionFactory sendPool = new JmsPoolConnectionFactory();
        sendPool.setConnectionFactory(pool.getConnectionFactory());
        sendPool.setMaxConnections(pool.getMaxConnections());
        JmsComponent send = JmsComponent.jmsComponent(sendPool);
        // what the gateway sends carries its documented properties only, whatever headers the exchange holds
        send.setHeaderFilterStrategy(new OutgoingProperties());
        context.addComponent("jms-send", send);
        // the pools close before the broker stops: services stop in reverse order
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                sendPool.stop();
                pool.stop();
            }
        }, true, true);
    }

    private static EmbeddedBroker embedded(CamelContext context, Settings settings, Directory directory, BrokerAccounts accounts,
                                           Path brokerFolder, Future<Ledger> ledger, int maxMessageBytes) {
        List<String> codes = directory.all().stream().map(Institution::code).toList();
        EmbeddedBroker.Listener listener = new EmbeddedBroker.Listener(settings.text("schakel.broker.host"),
                settings.integer("schakel.broker.port"),
                settings.optional("schakel.broker.tls.keystore").orElse(null),
                settings.optional("schakel.broker.tls.keystore-password").orElse(null));
        EmbeddedBroker broker = new EmbeddedBroker(brokerFolder, settings.integer("schakel.broker.in-vm-id"), accounts, new HashSet<>(codes),
                listener, settings.integer("schakel.broker.max-delivery-attempts"), settings.number("schakel.broker.redelivery-delay-ms"));
        broker.journalBufferTimeoutMicros(settings.integer("schakel.broker.journal-buffer-timeout-us"));
        // Artemis' own disk monitoring of the broker folder: schakel.broker.max-disk-usage, min-disk-free
        broker.diskLimits(DiskWiring.brokerLimits(settings));
        broker.limits(new EmbeddedBroker.Limits(settings.number("schakel.broker.address-max-bytes"),
                settings.number("schakel.broker.address-max-messages"),
                settings.number("schakel.broker.global-max-bytes"),
                // blank: room for a text message of schakel.max-message-bytes, which Artemis holds as two bytes a character
                settings.optional("schakel.broker.max-message-bytes").map(Long::parseLong).orElse(2L * maxMessageBytes + 1024 * 1024)));
        broker.loginThrottle(new LoginThrottle.Settings(settings.integer("schakel.broker.login.max-failures"),
                settings.integer("schakel.broker.login.max-failures-per-source"),
                Duration.ofMillis(settings.number("schakel.broker.login.window-ms")),
                Duration.ofMillis(settings.number("schakel.broker.login.lockout-ms"))));
        // a dossier consumed by an institution on the queue channel: picked up; any message: its latency
        ExecutorService ledgerWrites = context.getExecutorServiceManager().newSingleThreadExecutor(broker, "ledger-consumed");
        java.util.Set<String> queueInboxes = nl.schakel.delivery.Pickups.queueInboxes(directory);
        nl.schakel.delivery.Pickups pickups = new nl.schakel.delivery.Pickups(context, ledger::get, queueInboxes);
        broker.onConsumed(queueInboxes,
                (queue, message) -> {
                    String transferId = message.getStringProperty(Headers.TRANSFER_ID);
                    String type = message.getStringProperty(Headers.TYPE);
                    if (transferId != null) {
                        ledgerWrites.execute(() -> pickups.record(queue, transferId, type));
                    }
                });
        return broker;
    }

    private static String randomSecret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
