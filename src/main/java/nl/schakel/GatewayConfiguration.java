package nl.schakel;

import nl.schakel.broker.BrokerAccounts;
import nl.schakel.broker.BrokerSetup;
import nl.schakel.broker.EmbeddedBroker;
import nl.schakel.delivery.Formats;
import nl.schakel.directory.Directory;
import nl.schakel.disk.DiskWiring;
import nl.schakel.directory.Institution;
import nl.schakel.ledger.Ledger;
import nl.schakel.ledger.LedgerGuard;
import nl.schakel.ledger.LedgerSetup;
import nl.schakel.health.HealthWiring;
import nl.schakel.http.HttpWiring;
import nl.schakel.metrics.MetricsWiring;
import nl.schakel.validation.DocumentCatalogue;
import nl.schakel.validation.MessageValidator;
import nl.schakel.validation.Spool;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Map;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Wires the gateway once, part by part: the data folder and directory, the ledger, the broker and
 * its JMS components (broker.BrokerSetup), validation, and the channels (ChannelSetup). The
 * routes themselves are in routes/; every setting is a schakel.* key (application.properties).
 */
public class GatewayConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context.getPropertiesComponent());
        // the wall and monotonic clocks: the system's, or a test's bound in the registry
        Clocks clocks = Clocks.of(context);
        CrashPoints.configure(settings.optional("schakel.test.halt-at").orElse(""));
        Path dataDir = Path.of(settings.text("schakel.data-dir")).toAbsolutePath().normalize();
        // routes use the absolute folder, whatever directory the gateway was started from
        settings.override("schakel.data-dir", dataDir.toString());
        int maxBytes = settings.integer("schakel.max-message-bytes");
        int maxDepth = settings.integer("schakel.max-element-depth");

        // the directory, and who may log in, are settled before anything is created or started: a gateway
        // that would fall back on demo passwords outside the demo stops here
        String directoryLocation = settings.text("schakel.directory");
        Directory directory;
        try (InputStream in = locate(context, directoryLocation).openStream()) {
            directory = Directory.read(in, directoryLocation);
        }
        BrokerAccounts accounts = settings.flag("schakel.broker.embedded") ? BrokerSetup.accounts(settings, directory, directoryLocation) : null;

        // the data folder
        DataFolder folders = new DataFolder(dataDir, settings.text("schakel.permissions.exchange-folders"),
                settings.text("schakel.permissions.exchange-files"));
        for (String own : List.of("quarantine", "spool", "ledger", "broker")) {
            folders.privateFolder(own);
        }
        // the spool is this process's own: cleared at every start, so several gateways sharing one data
        // folder (docs/DEPLOYMENT.md) each need their own, schakel.spool-dir
        Path spoolDir = settings.optional("schakel.spool-dir").filter(s -> !s.isBlank())
                .map(s -> Path.of(s).toAbsolutePath().normalize()).orElse(dataDir.resolve("spool"));
        if (!spoolDir.equals(dataDir.resolve("spool"))) {
            DataFolder.restrictFolder(java.nio.file.Files.createDirectories(spoolDir));
        }
        for (Institution i : directory.withChannel(Institution.Channel.FILE)) {
            folders.exchangeFolder("inbox", i.code());
            folders.exchangeFolder("outbox", i.code());
        }
        // a large message a delivery route consumes is cached on disk beside the spool, not in /tmp
        context.getStreamCachingStrategy().setSpoolEnabled(true);
        context.getStreamCachingStrategy().setSpoolDirectory(spoolDir.resolve("camel").toFile());
        // bodies over schakel.large-message-bytes are handled from files under <data-dir>/spool (or schakel.spool-dir)
        Spool spool = new Spool(spoolDir, settings.integer("schakel.large-message-bytes"),
                settings.integer("schakel.large-message-concurrency"));
        int leftOver = spool.clean();
        if (leftOver > 0) {
            LOG.info("Deleted {} spool files of an earlier run (their messages are still in the inbox or on the broker)", leftOver);
        }

        // compiling the schemas and rules, building the JSON models and opening the ledger take a second
        // or two each: they run beside the broker's start
        ExecutorService startup = Executors.newFixedThreadPool(3, r -> {
            Thread t = new Thread(r, "schakel-startup");
            t.setDaemon(true);
            return t;
        });
        List<URL> catalogues = Locations.urls(settings.text("schakel.catalogue"), settings.text("schakel.catalogue-extensions"),
                context.getClassResolver()::loadResourceAsURL);
        Future<DocumentCatalogue> catalogueLoading = startup.submit(() -> DocumentCatalogue.load(catalogues,
                Map.of("standards", settings.text("schakel.standards-dir")),
                skipped -> LOG.warn("Document type {} is not accepted: set schakel.standards-dir to the folder with the standard's files", skipped)));
        Future<Formats> formatsLoading = startup.submit(() -> new Formats(directory, maxBytes, maxDepth, spool, clocks.wall()));
        Future<Ledger> ledgerOpening = startup.submit(() -> LedgerSetup.open(settings, dataDir, clocks.wall()));
        startup.shutdown();

        // the broker and the JMS components
        BrokerSetup.connect(context, settings, directory, accounts, dataDir.resolve("broker"), ledgerOpening, maxBytes);
        // the ledger
        Ledger ledger = finished(ledgerOpening);
        LedgerSetup.use(context, settings, ledger);
        LedgerGuard guard = LedgerSetup.guard(ledger);
        // this process's lease: claims and delivery records are written only while it holds
        nl.schakel.ledger.LeaseKeeper leaseKeeper = LedgerSetup.lease(settings, ledger, dataDir);
        // validation
        DocumentCatalogue catalogue = finished(catalogueLoading);
        MessageValidator validator = new MessageValidator(catalogue, directory, ledger::findDelivered, maxBytes, maxDepth, spool);
        context.getRegistry().bind("directory", directory);
        context.getRegistry().bind("catalogue", catalogue);
        context.getRegistry().bind("ledger", ledger);
        // observability: metrics at /observe/metrics, readiness of each drop folder and route (docs/operations/METRICS.md)
        MetricsWiring.install(context, settings, directory, catalogue, ledger, dataDir, clocks.wall());
        HealthWiring.install(context, settings, directory, dataDir);
        // the channels
        Formats formats = finished(formatsLoading);
        ChannelSetup.bind(context, settings, folders, directory, ledger, validator, formats, maxBytes, clocks);
        // the HTTP API on Camel's HTTP server (camel.server.*): routes/http-api.camel.yaml
        HttpWiring.install(context, settings, directory, directoryLocation, ledger, formats, maxBytes);

        AfterStart.run(context, ctx -> {
            guard.start(ctx, settings.number("schakel.ledger.check-interval-ms"));
            leaseKeeper.start(ctx, settings.number("schakel.instance.renew-interval-ms"));
            ChannelSetup.addFileRoutes(ctx, directory);
            announce(settings, directory, dataDir);
        });
        // the operator console on its own port, and what operators suspended earlier
        ConsoleWiring.install(context, settings, directory, ledger, folders, clocks, () -> locate(context, directoryLocation));
        // intake and delivery pause while the data folder's or the broker's disk is nearly full (its guard
        // starts after the routes above are added)
        DiskWiring.install(context, settings, dataDir);
    }

    /** Where the schools connect and drop files: the first thing a newcomer reads. */
    private static void announce(Settings settings, Directory directory, Path dataDir) {
        LOG.info("Schakel is ready. Data folder: {}", dataDir);
        settings.optional("schakel.broker.port").filter(p -> !"0".equals(p)).ifPresent(p -> LOG.info(
                "  Institutions on the queue channel connect to {}:{} (AMQP 1.0 or Core), send to {} and receive from inbox.<code>",
                settings.text("schakel.broker.host"), p, EmbeddedBroker.INBOUND));
        for (Institution i : directory.withChannel(Institution.Channel.FILE)) {
            LOG.info("  {} {} ({}, {}): drop files into {}  -  deliveries in {}", i.code(), i.kind().value(), i.region(),
                    i.name(), dataDir.resolve("inbox").resolve(i.code()), dataDir.resolve("outbox").resolve(i.code()));
        }
    }

    /** The result of a start-up task, with its own failure (a bad schema, say) rethrown as is. */
    private static <T> T finished(Future<T> task) throws Exception {
        try {
            return task.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** A location is classpath:... or a file path. */
    private static URL locate(CamelContext context, String location) throws IOException {
        return Locations.url(location, context.getClassResolver()::loadResourceAsURL);
    }
}
