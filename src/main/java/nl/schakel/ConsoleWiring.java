package nl.schakel;

import nl.schakel.broker.EmbeddedBroker;
import nl.schakel.broker.LoginThrottle;
import nl.schakel.console.ConsoleAccounts;
import nl.schakel.console.ConsoleApi;
import nl.schakel.console.ConsoleServer;
import nl.schakel.console.DirectoryReload;
import nl.schakel.console.FailedWork;
import nl.schakel.console.JolokiaAccess;
import nl.schakel.console.Overview;
import nl.schakel.console.Suspensions;
import nl.schakel.directory.Directory;
import nl.schakel.ledger.Ledger;
import nl.schakel.validation.DocumentCatalogue;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Wires the operator console (package console): its accounts, the operators' actions on failed
 * work, routes and institutions, the directory reload, and its web server on its own port, which
 * starts once the routes are there and stops with the gateway. Without accounts (no
 * schakel.console.accounts-file outside demo mode) there is no console, and the log says so.
 */
final class ConsoleWiring {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleWiring.class);

    private ConsoleWiring() {
    }

    static void install(CamelContext context, Settings settings, Directory directory, Ledger ledger, DataFolder folders, Clocks clocks,
                        Callable<URL> directoryFile) throws Exception {
        EmbeddedBroker broker = context.getRegistry().lookupByNameAndType("broker", EmbeddedBroker.class);
        // suspensions exist even without a console: what operators suspended earlier holds after a restart
        Suspensions suspensions = new Suspensions(context, ledger, directory, broker);
        context.getRegistry().bind("suspensions", suspensions);
        AfterStart.run(context, ctx -> suspensions.restore());
        if (!settings.flag("schakel.console.enabled")) {
            LOG.info("Console off (schakel.console.enabled=false)");
            return;
        }
        LoginThrottle.Settings throttle = new LoginThrottle.Settings(settings.integer("schakel.console.login.max-failures"),
                settings.integer("schakel.console.login.max-failures-per-source"),
                Duration.ofMillis(settings.number("schakel.console.login.window-ms")),
                Duration.ofMillis(settings.number("schakel.console.login.lockout-ms")));
        ConsoleAccounts accounts;
        if (settings.optional("schakel.console.accounts-file").isPresent()) {
            accounts = ConsoleAccounts.fromFile(Path.of(settings.text("schakel.console.accounts-file")), throttle);
        } else if (settings.flag("schakel.demo")) {
            accounts = ConsoleAccounts.demo(throttle);
        } else {
            LOG.warn("No console: set schakel.console.accounts-file to a file of console accounts with hashed passwords");
            return;
        }
        Path dataDir = folders.root();
        FailedWork failedWork = new FailedWork(broker, ledger, directory, dataDir.resolve("quarantine"), context.createProducerTemplate());
        DirectoryReload reload = new DirectoryReload(directory, settings.text("schakel.directory"), directoryFile, institution -> {
            folders.exchangeFolder("inbox", institution.code());
            folders.exchangeFolder("outbox", institution.code());
            context.addRouteFromTemplate("intake-file-" + institution.code(), "intake-file", Map.of("code", institution.code()));
            context.addRouteFromTemplate("delivery-file-" + institution.code(), "delivery-file", Map.of("code", institution.code()));
        }, ledger, clocks.wall());
        List<String> dossierTypes = context.getRegistry().lookupByNameAndType("catalogue", DocumentCatalogue.class).dossierTypeIds();
        Overview overview = new Overview(context, directory, ledger, broker, dataDir, suspensions, dossierTypes, clocks.wall());
        ConsoleServer server = new ConsoleServer(new ConsoleServer.Options(settings.text("schakel.console.host"),
                settings.integer("schakel.console.port"), settings.optional("schakel.console.tls.keystore").orElse(null),
                settings.optional("schakel.console.tls.keystore-password").orElse(null), settings.number("schakel.console.session-timeout-ms")),
                accounts, new ConsoleApi(ledger, directory, overview, failedWork, suspensions, reload, clocks.wall()));
        context.getRegistry().bind("consoleAccounts", accounts);
        AfterStart.run(context, ctx -> {
            ctx.getRegistry().bind("consolePort", Integer.class, server.start());
            if (settings.flag("schakel.console.jolokia")) {
                new JolokiaAccess(accounts).mount(ctx);
            }
        });
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                server.stop();
            }
        });
    }
}
