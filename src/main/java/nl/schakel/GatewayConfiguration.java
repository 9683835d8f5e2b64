package nl.schakel;

import nl.schakel.broker.BrokerAccounts;
import nl.schakel.broker.EmbeddedBroker;
import nl.schakel.delivery.DeadLetters;
import nl.schakel.broker.LoginThrottle;
import nl.schakel.delivery.Formats;
import nl.schakel.delivery.Outbox;
import nl.schakel.directory.Directory;
import nl.schakel.directory.Institution;
import nl.schakel.health.PartHealthCheck;
import nl.schakel.intake.Forwarding;
import nl.schakel.intake.Failures;
import nl.schakel.intake.InboxFiles;
import nl.schakel.intake.InboxReadLock;
import nl.schakel.intake.RetryLog;
import nl.schakel.health.FailedWorkHealthCheck;
import nl.schakel.ledger.Ledger;
import nl.schakel.ledger.LedgerGuard;
import nl.schakel.ledger.RetentionWiring;
import nl.schakel.disk.DiskWiring;
import nl.schakel.ledger.Status;
import nl.schakel.intake.Headers;
import nl.schakel.intake.OutgoingProperties;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import nl.schakel.intake.Intake;
import nl.schakel.intake.Quarantine;
import nl.schakel.intake.QueueIntake;
import nl.schakel.intake.Receipts;
import nl.schakel.validation.DocumentCatalogue;
import nl.schakel.validation.MessageValidator;
import nl.schakel.validation.Spool;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.service.ServiceSupport;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.Map;
import java.util.Optional;

/**
 * Wires the gateway once: data folders, directory, document catalogue, validator, the broker
 * (embedded by default) and one pooled JMS connection factory. All settings are schakel.* keys.
 */
public class GatewayConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayConfiguration.class);
    /** The only directory demo passwords ever apply to. */
    static final String DEMO_DIRECTORY = "classpath:demo-directory.yaml";

    @Override
    public void configure(CamelContext context) throws Exception {
        PropertiesComponent props = context.getPropertiesComponent();
        // the wall and monotonic clocks: the system's, or a test's bound in the registry
        Clocks clocks = Clocks.of(context);
        CrashPoints.configure(props.resolveProperty("schakel.test.halt-at").orElse(""));
        Path dataDir = Path.of(setting(props, "schakel.data-dir")).toAbsolutePath().normalize();
        // routes use the absolute folder, whatever directory the gateway was started from
        props.addOverrideProperty("schakel.data-dir", dataDir.toString());
        int maxBytes = Integer.parseInt(setting(props, "schakel.max-message-bytes"));
        int maxDepth = Integer.parseInt(setting(props, "schakel.max-element-depth"));
        Directory directory;
        String directoryLocation = setting(props, "schakel.directory");
        try (InputStream in = open(context, directoryLocation)) {
            directory = Directory.read(in, directoryLocation);
        }
        boolean embeddedBroker = Boolean.parseBoolean(setting(props, "schakel.broker.embedded"));
        // who may log in is settled before anything starts: a gateway that would fall back on demo
        // passwords outside the demo stops here
        BrokerAccounts accounts = embeddedBroker ? brokerAccounts(props, directory, directoryLocation) : null;
        DataFolder folders = new DataFolder(dataDir, setting(props, "schakel.permissions.exchange-folders"),
                setting(props, "schakel.permissions.exchange-files"));
        for (String own : List.of("quarantine", "spool", "ledger", "broker")) {
            folders.privateFolder(own);
        }
        // a large message a delivery route consumes is cached on disk beside the spool, not in /tmp
        context.getStreamCachingStrategy().setSpoolEnabled(true);
        context.getStreamCachingStrategy().setSpoolDirectory(dataDir.resolve("spool").resolve("camel").toFile());
        // bodies over schakel.large-message-bytes are handled from files under <data-dir>/spool
        Spool spool = new Spool(dataDir.resolve("spool"), Integer.parseInt(setting(props, "schakel.large-message-bytes")),
                Integer.parseInt(setting(props, "schakel.large-message-concurrency")));
        int leftOver = spool.clean();
        if (leftOver > 0) {
            LOG.info("Deleted {} spool files of an earlier run (their messages are still in the inbox or on the broker)", leftOver);
        }

        // compiling the schemas and rules and building the JSON models take a second or two: they run
        // beside the ledger's migration and the broker's start
        URL catalogueLocation = locate(context, setting(props, "schakel.catalogue"));
        ExecutorService startup = Executors.newFixedThreadPool(3, r -> {
            Thread t = new Thread(r, "schakel-startup");
            t.setDaemon(true);
            return t;
        });
        Future<DocumentCatalogue> catalogueLoading = startup.submit(() -> DocumentCatalogue.load(catalogueLocation));
        Future<Formats> formatsLoading = startup.submit(() -> new Formats(directory, maxBytes, maxDepth, spool));
        // the ledger's database connects and migrates beside the broker's start
        Future<Ledger> ledgerOpening = startup.submit(() -> openLedger(props, dataDir, clocks.wall()));
        startup.shutdown();

        for (Institution i : directory.withChannel(Institution.Channel.FILE)) {
            folders.exchangeFolder("inbox", i.code());
            folders.exchangeFolder("outbox", i.code());
        }

        JmsPoolConnectionFactory pool = new JmsPoolConnectionFactory();
        pool.setMaxConnections(Integer.parseInt(setting(props, "schakel.broker.max-connections")));
        if (embeddedBroker) {
            String password = randomSecret();
            List<String> codes = directory.all().stream().map(Institution::code).toList();
            accounts.addGateway("schakel-gateway", password);
            EmbeddedBroker.Listener listener = new EmbeddedBroker.Listener(setting(props, "schakel.broker.host"),
                    Integer.parseInt(setting(props, "schakel.broker.port")),
                    props.resolveProperty("schakel.broker.tls.keystore").orElse(null),
                    props.resolveProperty("schakel.broker.tls.keystore-password").orElse(null));
            EmbeddedBroker broker = new EmbeddedBroker(dataDir.resolve("broker"), Integer.parseInt(setting(props, "schakel.broker.in-vm-id")),
                    accounts, new java.util.HashSet<>(codes), listener,
                    Integer.parseInt(setting(props, "schakel.broker.max-delivery-attempts")),
                    Long.parseLong(setting(props, "schakel.broker.redelivery-delay-ms")));
            broker.journalBufferTimeoutMicros(Integer.parseInt(setting(props, "schakel.broker.journal-buffer-timeout-us")));
            broker.limits(new EmbeddedBroker.Limits(Long.parseLong(setting(props, "schakel.broker.address-max-bytes")),
                    Long.parseLong(setting(props, "schakel.broker.address-max-messages")),
                    Long.parseLong(setting(props, "schakel.broker.global-max-bytes")),
                    // blank: room for a text message of schakel.max-message-bytes, which Artemis holds as two bytes a character
                    props.resolveProperty("schakel.broker.max-message-bytes").filter(v -> !v.isBlank()).map(Long::parseLong)
                            .orElse(2L * maxBytes + 1024 * 1024)));
            broker.loginThrottle(new LoginThrottle.Settings(Integer.parseInt(setting(props, "schakel.broker.login.max-failures")),
                    Integer.parseInt(setting(props, "schakel.broker.login.max-failures-per-source")),
                    Duration.ofMillis(Long.parseLong(setting(props, "schakel.broker.login.window-ms"))),
                    Duration.ofMillis(Long.parseLong(setting(props, "schakel.broker.login.lockout-ms")))));
            // a dossier consumed by an institution on the queue channel: picked up
            ExecutorService ledgerWrites = context.getExecutorServiceManager().newSingleThreadExecutor(this, "ledger-consumed");
            broker.onConsumed(directory.withChannel(Institution.Channel.QUEUE).stream().map(i -> "inbox." + i.code()).collect(Collectors.toSet()),
                    (queue, message) -> {
                        String transferId = message.getStringProperty(Headers.TRANSFER_ID);
                        if ("dossier".equals(message.getStringProperty(Headers.TYPE)) && transferId != null) {
                            ledgerWrites.execute(() -> {
                                try {
                                    ledgerOpening.get().record(transferId, Status.PICKED_UP, "consumed from " + queue);
                                } catch (Exception e) {
                                    LOG.warn("Picked-up step of transfer {} not recorded: {}", transferId, e.getClass().getSimpleName());
                                }
                            });
                        }
                    });
            // Artemis' own disk monitoring of the broker folder: schakel.broker.max-disk-usage, min-disk-free
            broker.diskLimits(DiskWiring.brokerLimits(props));
            broker.start();
            context.addService(broker, true, true);
            context.getRegistry().bind("broker", broker);
            HealthCheckRegistry health = HealthCheckRegistry.get(context);
            if (health != null) {
                health.register(new PartHealthCheck("broker", broker::isActive, () -> "The embedded Artemis broker is not active"));
            }
            pool.setConnectionFactory(new ActiveMQConnectionFactory(broker.inVmUrl(), "schakel-gateway", password));
        } else {
            pool.setConnectionFactory(new ActiveMQConnectionFactory(setting(props, "schakel.broker.url"),
                    props.resolveProperty("schakel.broker.user").orElse(null),
                    props.resolveProperty("schakel.broker.password").orElse(null)));
        }
        // the gateway's own messages stay journal records up to this size instead of becoming large-message
        // files; above the journal buffer (490 KiB) the broker would make them large messages anyway,
        // after the client had held them whole
        int minLargeMessageBytes = Integer.parseInt(setting(props, "schakel.broker.min-large-message-bytes"));
        if (minLargeMessageBytes < 1 || minLargeMessageBytes > 490 * 1024) {
            throw new IllegalArgumentException("schakel.broker.min-large-message-bytes must be between 1 and 501760, not " + minLargeMessageBytes);
        }
        if (pool.getConnectionFactory() instanceof ActiveMQConnectionFactory factory) {
            factory.setMinLargeMessageSize(minLargeMessageBytes);
        }
        Ledger ledger = finished(ledgerOpening);
        useLedger(context, props, ledger);
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
        // the pool closes before the broker stops: services stop in reverse order
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                sendPool.stop();
                pool.stop();
            }
        }, true, true);

        DocumentCatalogue catalogue = finished(catalogueLoading);
        MessageValidator validator = new MessageValidator(catalogue, directory, ledger::findDelivered, maxBytes, maxDepth, spool);
        context.getRegistry().bind("directory", directory);
        context.getRegistry().bind("catalogue", catalogue);
        context.getRegistry().bind("ledger", ledger);
        context.getRegistry().bind("intake", new Intake(validator, ledger, directory));
        context.getRegistry().bind("forwarding", new Forwarding(ledger, clocks.wall()));
        context.getRegistry().bind("receipts", new Receipts());
        context.getRegistry().bind("inboxFiles", new InboxFiles());
        InboxReadLock inboxReadLock = new InboxReadLock(Long.parseLong(setting(props, "schakel.file.min-age-ms")), Clock.systemUTC());
        context.getRegistry().bind("inboxReadLock", inboxReadLock);
        // the file channel's pollers, one per institution, share these threads
        context.getRegistry().bind("inboxPollers", context.getExecutorServiceManager().newScheduledThreadPool(this, "inbox-poller",
                Integer.parseInt(setting(props, "schakel.file.pollers"))));
        Failures failures = new Failures(ledger, directory, inboxReadLock);
        context.getRegistry().bind("failures", failures);
        context.getRegistry().bind("retryLog", new RetryLog());
        context.getRegistry().bind("deadLetters", new DeadLetters(ledger));
        context.getRegistry().bind("quarantine", new Quarantine(dataDir.resolve("quarantine"), clocks.wall()));
        context.getRegistry().bind("outbox", new Outbox(ledger, folders));
        context.getRegistry().bind("formats", finished(formatsLoading));
        context.getRegistry().bind("queueIntake", new QueueIntake(Integer.parseInt(setting(props, "schakel.broker.max-delivery-attempts")), maxBytes));
        // retention that a jump of the wall clock cannot make forget message ids early
        context.getRegistry().bind("retention", RetentionWiring.retention(context, props, ledger, dataDir, clocks));
        LedgerGuard guard = new LedgerGuard(ledger, id -> id.startsWith("intake-file-") || id.startsWith("intake-queue") || id.startsWith("delivery-file-") || id.equals("dead-letters"));
        HealthCheckRegistry healthChecks = HealthCheckRegistry.get(context);
        if (healthChecks != null) {
            EmbeddedBroker embedded = context.getRegistry().lookupByNameAndType("broker", EmbeddedBroker.class);
            healthChecks.register(new FailedWorkHealthCheck(failures, inboxReadLock, embedded == null ? () -> 0L : embedded::deadLetterCount));
        }

        // one delivery route per file-channel institution, from the template in routes/delivery-file.camel.yaml
        context.addStartupListener(new ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
                // routes are added once the context has fully started
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext ctx, boolean alreadyStarted) throws Exception {
                guard.start(ctx, Long.parseLong(setting(props, "schakel.ledger.check-interval-ms")));
                for (Institution i : directory.withChannel(Institution.Channel.FILE)) {
                    ctx.addRouteFromTemplate("intake-file-" + i.code(), "intake-file", Map.of("code", i.code()));
                    ctx.addRouteFromTemplate("delivery-file-" + i.code(), "delivery-file", Map.of("code", i.code()));
                }
                LOG.info("Schakel is ready. Data folder: {}", dataDir);
                props.resolveProperty("schakel.broker.port").filter(p -> !"0".equals(p)).ifPresent(p -> LOG.info(
                        "  Institutions on the queue channel connect to {}:{} (AMQP 1.0 or Core), send to {} and receive from inbox.<code>",
                        setting(props, "schakel.broker.host"), p, EmbeddedBroker.INBOUND));
                for (Institution i : directory.withChannel(Institution.Channel.FILE)) {
                    LOG.info("  {} {} ({}, {}): drop files into {}  -  deliveries in {}", i.code(), i.kind().value(), i.region(),
                            i.name(), dataDir.resolve("inbox").resolve(i.code()), dataDir.resolve("outbox").resolve(i.code()));
                }
            }
        });

        // intake and delivery pause while the data folder's or the broker's disk is nearly full
        DiskWiring.install(context, props, dataDir);
    }

    /**
     * Broker logins for the institutions on the queue channel: from the credentials file when one is
     * set; demo passwords only in demo mode with the bundled demo directory. Any other combination
     * stops the start, saying what to configure.
     */
    private static BrokerAccounts brokerAccounts(PropertiesComponent props, Directory directory, String directoryLocation) throws IOException {
        List<String> queueCodes = directory.withChannel(Institution.Channel.QUEUE).stream().map(Institution::code).toList();
        boolean demo = Boolean.parseBoolean(setting(props, "schakel.demo"));
        Optional<String> file = props.resolveProperty("schakel.broker.credentials-file").filter(f -> !f.isBlank());
        if (file.isPresent()) {
            if (demo) {
                LOG.info("schakel.broker.credentials-file is set: institutions log in with its passwords, not demo passwords");
            }
            return BrokerAccounts.fromFile(Path.of(file.get()), queueCodes);
        }
        if (!demo) {
            throw new IllegalArgumentException("schakel.demo=false needs schakel.broker.credentials-file: a file of hashed institution"
                    + " passwords (make a hash with java -cp schakel-gateway.jar nl.schakel.broker.Passwords)");
        }
        if (!DEMO_DIRECTORY.equals(directoryLocation)) {
            throw new IllegalArgumentException("schakel.demo=true gives demo passwords only with the bundled directory " + DEMO_DIRECTORY
                    + ", not with " + directoryLocation + ": set schakel.broker.credentials-file to a file of hashed passwords"
                    + " for its queue-channel institutions (java -cp schakel-gateway.jar nl.schakel.broker.Passwords) and schakel.demo=false");
        }
        return BrokerAccounts.demo(queueCodes);
    }

    /** The ledger on H2 under the data folder, or the database at schakel.ledger.url, migrated when reachable. */
    private static Ledger openLedger(PropertiesComponent props, Path dataDir, Clock clock) throws Exception {
        HikariConfig pool = new HikariConfig();
        String url = props.resolveProperty("schakel.ledger.url").filter(u -> !u.isBlank()).orElse(null);
        if (url == null) {
            // WRITE_DELAY=0: a commit reaches the file before it returns, so a killed gateway keeps every record
            url = "jdbc:h2:file:" + dataDir.resolve("ledger").resolve("schakel") + ";DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=64;WRITE_DELAY=0";
        }
        pool.setJdbcUrl(url);
        props.resolveProperty("schakel.ledger.user").ifPresent(pool::setUsername);
        props.resolveProperty("schakel.ledger.password").ifPresent(pool::setPassword);
        pool.setPoolName("ledger");
        pool.setMaximumPoolSize(Integer.parseInt(setting(props, "schakel.ledger.max-connections")));
        pool.setConnectionTimeout(3000);
        pool.setValidationTimeout(2000);
        // start even when the database is away: health says DOWN and intake waits for it
        pool.setInitializationFailTimeout(-1);
        Ledger ledger = new Ledger(new HikariDataSource(pool), clock);
        ledger.check();
        return ledger;
    }

    /** Health, intake start and closing of the ledger opened by {@link #openLedger}. */
    private static void useLedger(CamelContext context, PropertiesComponent props, Ledger ledger) throws Exception {
        if (!ledger.isAvailable()) {
            LOG.warn("Ledger database unavailable at start ({}): intake waits until it is reachable", ledger.problem().orElse("?"));
            props.addOverrideProperty("schakel.intake.auto-startup", "false");
        }
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health != null) {
            health.register(new PartHealthCheck("ledger", ledger::isAvailable,
                    () -> "Ledger database unavailable: " + ledger.problem().orElse("unknown")));
        }
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                ledger.close();
            }
        }, true, true);
    }

    /** The result of a start-up task, with its own failure (a bad schema, say) rethrown as is. */
    private static <T> T finished(Future<T> task) throws Exception {
        try {
            return task.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private static String setting(PropertiesComponent props, String key) {
        return props.resolveProperty(key).orElseThrow(() -> new IllegalArgumentException("missing setting " + key));
    }

    private static String randomSecret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A location is classpath:... or a file path. */
    private static URL locate(CamelContext context, String location) throws IOException {
        if (location.startsWith("classpath:")) {
            URL url = context.getClassResolver().loadResourceAsURL(location.substring("classpath:".length()));
            if (url == null) {
                throw new IOException("not on the classpath: " + location);
            }
            return url;
        }
        Path file = Path.of(location.startsWith("file:") ? location.substring(5) : location);
        if (!Files.isReadable(file)) {
            throw new IOException("cannot read " + file.toAbsolutePath());
        }
        return file.toUri().toURL();
    }

    private static InputStream open(CamelContext context, String location) throws IOException {
        return locate(context, location).openStream();
    }
}
