package nl.schakel.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import nl.schakel.AfterStart;
import nl.schakel.Settings;
import nl.schakel.broker.EmbeddedBroker;
import nl.schakel.directory.Directory;
import nl.schakel.directory.Institution;
import nl.schakel.ledger.Ledger;
import nl.schakel.validation.DocumentCatalogue;
import nl.schakel.validation.DocumentType;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.support.service.ServiceSupport;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Wires the gateway's metrics into the meter registry Camel's Prometheus endpoint scrapes
 * ({@code /observe/metrics} on the management port): the registry bound as {@code metricsRegistry}
 * (camel-micrometer's name; made here when camel-micrometer-prometheus has not made it yet, and
 * then found by it), the {@link GatewayMetrics} bean, the queue gauges of the embedded broker, and
 * the figures that cost a query or a walk over a folder, refreshed every
 * {@code schakel.metrics.refresh-interval-ms} by {@link Figures} so that a scrape never does that work.
 */
public final class MetricsWiring {
    private MetricsWiring() {
    }

    public static GatewayMetrics install(CamelContext context, Settings settings, Directory directory, DocumentCatalogue catalogue,
                                         Ledger ledger, Path dataDir, Clock clock) throws Exception {
        MeterRegistry registry = context.getRegistry().lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class);
        if (registry == null) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            context.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, registry);
        }
        GatewayMetrics metrics = new GatewayMetrics(registry, catalogue.all().stream().map(DocumentType::id).toList(), clock);
        context.getRegistry().bind(GatewayMetrics.BEAN, metrics);

        Figures figures = new Figures(ledger, catalogue.dossierTypeIds(), dataDir, settings.number("schakel.disk.min-free-bytes"), clock);
        for (Institution i : directory.all()) {
            metrics.gauge("schakel.oldest.undelivered.seconds", "Age of the oldest dossier on the institution's queue or in its outbox"
                    + " waiting to be picked up (QUEUED, not PICKED_UP); 0 when none", List.of("institution", i.code()),
                    () -> figures.oldestUndeliveredSeconds(i.code()));
        }
        metrics.gauge("schakel.quarantine.files", "Files kept in <data-dir>/quarantine", List.of(), figures::quarantineFiles);
        metrics.gauge("schakel.quarantine.bytes", "Bytes kept in <data-dir>/quarantine", List.of(), figures::quarantineBytes);
        metrics.gauge("schakel.disk.free.bytes", "Free bytes on the data folder's disk", List.of("folder", "data"), figures::dataFreeBytes);
        metrics.gauge("schakel.disk.min.free.bytes", "The floor schakel.disk.min-free-bytes: below it intake and delivery pause",
                List.of("folder", "data"), figures::dataMinFreeBytes);
        metrics.gauge("schakel.ledger.up", "1 while the ledger database is reachable, 0 while it is away (intake and delivery pause)",
                List.of(), () -> ledger.isAvailable() ? 1 : 0);
        metrics.gauge("schakel.metrics.refresh.age.seconds", "Seconds since the figures of the last refresh (oldest undelivered,"
                + " quarantine, disk) were taken", List.of(), figures::ageSeconds);

        // queue depths: the embedded broker keeps the counts, a gauge reads them at the scrape. An external
        // broker exports its own (Artemis' Prometheus plugin): the gateway does not reach into it
        EmbeddedBroker broker = context.getRegistry().lookupByNameAndType("broker", EmbeddedBroker.class);
        if (broker != null) {
            for (Institution i : directory.all()) {
                String queue = "inbox." + i.code();
                metrics.gauge("schakel.inbox.depth", "Messages waiting on the institution's queue inbox.<code>", List.of("institution", i.code()),
                        () -> Math.max(0, broker.messageCount(queue)));
            }
            // every dead-letter queue there can be: one per queue the gateway or an institution consumes
            List<String> deadLetterQueues = new java.util.ArrayList<>(List.of("DLQ." + EmbeddedBroker.INBOUND));
            directory.all().forEach(i -> deadLetterQueues.add("DLQ.inbox." + i.code()));
            for (String dlq : deadLetterQueues) {
                metrics.gauge("schakel.dead.letter.depth", "Messages on a dead-letter queue DLQ.<queue>, waiting for the operator",
                        List.of("queue", dlq), () -> Math.max(0, broker.messageCount(dlq)));
            }
            metrics.gauge("schakel.dead.letters", "Messages on all dead-letter queues DLQ.* together", List.of(), broker::deadLetterCount);
        }

        long interval = settings.number("schakel.metrics.refresh-interval-ms");
        ScheduledExecutorService refresh = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(figures, "metrics-refresh");
        AfterStart.run(context, ctx -> refresh.scheduleWithFixedDelay(figures::refresh, 0, interval, TimeUnit.MILLISECONDS));
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                context.getExecutorServiceManager().shutdownNow(refresh);
            }
        }, true, true);
        return metrics;
    }

    /** The gateway's metrics bean, or metrics nobody reads when the gateway was wired without them. */
    public static GatewayMetrics of(CamelContext context) {
        GatewayMetrics metrics = context.getRegistry().lookupByNameAndType(GatewayMetrics.BEAN, GatewayMetrics.class);
        return metrics != null ? metrics : GatewayMetrics.none();
    }
}
