package nl.schakel;

import nl.schakel.broker.EmbeddedBroker;
import nl.schakel.delivery.DeadLetters;
import nl.schakel.delivery.Formats;
import nl.schakel.delivery.Outbox;
import nl.schakel.directory.Directory;
import nl.schakel.directory.Institution;
import nl.schakel.health.FailedWorkHealthCheck;
import nl.schakel.intake.Failures;
import nl.schakel.intake.Forwarding;
import nl.schakel.intake.InboxFiles;
import nl.schakel.intake.InboxReadLock;
import nl.schakel.intake.Intake;
import nl.schakel.intake.Quarantine;
import nl.schakel.intake.QueueIntake;
import nl.schakel.intake.Receipts;
import nl.schakel.intake.RetryLog;
import nl.schakel.ledger.Ledger;
import nl.schakel.ledger.RetentionWiring;
import nl.schakel.metrics.GatewayMetrics;
import nl.schakel.metrics.MetricsWiring;
import nl.schakel.validation.MessageValidator;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.Registry;

import java.time.Clock;
import java.util.Map;

/**
 * Wires the channels: the beans the routes in routes/ call by name (intake, forwarding, receipts,
 * quarantine, the file channel's read lock and pollers, failures, outbox, dead letters, retention),
 * the failed-work health check, and one intake and one delivery route per file-channel institution.
 */
final class ChannelSetup {
    private ChannelSetup() {
    }

    static void bind(CamelContext context, Settings settings, DataFolder folders, Directory directory, Ledger ledger,
                     MessageValidator validator, Formats formats, int maxMessageBytes, Clocks clocks) throws Exception {
        Registry registry = context.getRegistry();
        Clock clock = clocks.wall();
        // counted by the beans that end a submission or a delivery (bound by MetricsWiring before)
        GatewayMetrics metrics = MetricsWiring.of(context);
        // every channel
        registry.bind("intake", new Intake(validator, ledger, directory));
        registry.bind("forwarding", new Forwarding(ledger, clock));
        registry.bind("receipts", new Receipts(metrics));
        registry.bind("formats", formats);
        registry.bind("quarantine", new Quarantine(folders.root().resolve("quarantine"), clock));
        registry.bind("retryLog", new RetryLog());
        // the file channel: a poller per institution on shared threads, a read lock that never opens a link
        // compared with the times of the files the schools write: the system clock
        InboxReadLock inboxReadLock = new InboxReadLock(settings.number("schakel.file.min-age-ms"), Clock.systemUTC(), sharedPickup(context, settings, ledger),
                inboxWatch(context, settings, directory, folders));
        registry.bind("inboxFiles", new InboxFiles());
        registry.bind("inboxReadLock", inboxReadLock);
        registry.bind("inboxPollers", context.getExecutorServiceManager().newScheduledThreadPool(context, "inbox-poller",
                settings.integer("schakel.file.pollers")));
        Failures failures = new Failures(ledger, directory, inboxReadLock, metrics);
        registry.bind("failures", failures);
        // the queue channel
        registry.bind("queueIntake", new QueueIntake(settings.integer("schakel.broker.max-delivery-attempts"), maxMessageBytes));
        // delivery and what failed there
        registry.bind("outbox", new Outbox(ledger, folders, metrics));
        registry.bind("deadLetters", new DeadLetters(ledger));
        registry.bind("pickups", new nl.schakel.delivery.Pickups(context, () -> ledger, nl.schakel.delivery.Pickups.queueInboxes(directory)));
        // retention that a jump of the wall clock cannot make forget message ids early
        registry.bind("retention", RetentionWiring.retention(context, settings, ledger, folders.root(), clocks));

        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health != null) {
            EmbeddedBroker broker = registry.lookupByNameAndType("broker", EmbeddedBroker.class);
            health.register(new FailedWorkHealthCheck(failures, inboxReadLock, broker == null ? java.util.TreeMap::new : broker::deadLetterCounts));
        }
    }

    /**
     * The watch that lets the file channel take a file as soon as its writer closed it or renamed it
     * into the inbox (schakel.file.watch, Linux); none when it is off. Closed with the context.
     */
    private static nl.schakel.intake.InboxWatch inboxWatch(CamelContext context, Settings settings, Directory directory, DataFolder folders)
            throws Exception {
        if (!settings.flag("schakel.file.watch")) {
            return nl.schakel.intake.InboxWatch.none();
        }
        java.util.List<java.nio.file.Path> inboxes = new java.util.ArrayList<>();
        for (Institution i : directory.withChannel(Institution.Channel.FILE)) {
            inboxes.add(folders.root().resolve("inbox").resolve(i.code()));
        }
        nl.schakel.intake.InboxWatch watch = nl.schakel.intake.InboxWatch.of(inboxes);
        context.addService(new org.apache.camel.support.service.ServiceSupport() {
            @Override
            protected void doStop() {
                watch.close();
            }
        }, true, true);
        return watch;
    }

    /**
     * The pick-up lock shared with other gateway instances on the same inbox folder, in the ledger's
     * database (schakel.file.shared-lock); none for a gateway on its own folder, the default. Its
     * keep-alive runs from the start of the context until it stops.
     */
    private static nl.schakel.intake.SharedPickup sharedPickup(CamelContext context, Settings settings, Ledger ledger) throws Exception {
        if (!settings.flag("schakel.file.shared-lock")) {
            return null;
        }
        nl.schakel.intake.SharedPickup shared = new nl.schakel.intake.SharedPickup(ledger.dataSource(), context,
                settings.number("schakel.file.lock-max-age-ms"), settings.number("schakel.file.lock-keep-alive-ms"));
        context.addService(new org.apache.camel.support.service.ServiceSupport() {
            @Override
            protected void doStart() {
                shared.start();
            }

            @Override
            protected void doStop() {
                shared.stop();
            }
        }, true, true);
        return shared;
    }

    /** One intake and one delivery route per file-channel institution, from the templates in routes/. */
    static void addFileRoutes(CamelContext context, Directory directory) throws Exception {
        for (Institution i : directory.withChannel(Institution.Channel.FILE)) {
            context.addRouteFromTemplate("intake-file-" + i.code(), "intake-file", Map.of("code", i.code()));
            context.addRouteFromTemplate("delivery-file-" + i.code(), "delivery-file", Map.of("code", i.code()));
        }
    }
}
