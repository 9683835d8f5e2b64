package nl.schakel.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import nl.schakel.message.Headers;
import nl.schakel.validation.ValidationError;
import nl.schakel.validation.Verdict;
import org.apache.camel.Exchange;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The gateway's own metrics, {@code schakel_*} in Prometheus (docs/operations/METRICS.md). The
 * intake and delivery beans call it with one line each. Labels carry codes only, and few of them:
 * channel (file, queue), outcome, document type ids from the catalogue (else {@code unknown}), message
 * kinds, institution codes from the directory, and the first {@link #MAX_ERROR_CODES} distinct error
 * codes (later ones are counted as {@code other}). Never a value from inside a message.
 */
public final class GatewayMetrics {
    /** The bean name the routes and the gateway's parts find it under. */
    public static final String BEAN = "gatewayMetrics";
    public static final int MAX_ERROR_CODES = 200;
    static final String UNKNOWN = "unknown";
    static final String OTHER = "other";
    private static final Set<String> CHANNELS = Set.of("file", "queue");
    private static final Set<String> OUTCOMES = Set.of("accepted", "rejected", "duplicate", "failed");
    private static final Set<String> KINDS = Set.of("dossier", "acknowledgement", "follow-up", "receipt");
    /** Bucket bounds of the latency histogram: a file delivery takes a second, a school may collect from its queue days later. */
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(4),
            Duration.ofDays(1), Duration.ofDays(7)};

    private final MeterRegistry registry;
    private final Set<String> documentTypes;
    private final Set<String> errorCodes = ConcurrentHashMap.newKeySet();
    private final Clock clock;

    /** The clock is the ledger's: a latency runs from the time received on the transfer's timeline. */
    public GatewayMetrics(MeterRegistry registry, Collection<String> documentTypes, Clock clock) {
        this.registry = registry;
        this.documentTypes = Set.copyOf(documentTypes);
        this.clock = clock;
    }

    /** Metrics nobody reads: for a bean used outside the gateway (a unit test). */
    public static GatewayMetrics none() {
        return new GatewayMetrics(new SimpleMeterRegistry(), List.of(), Clock.systemUTC());
    }

    public MeterRegistry registry() {
        return registry;
    }

    public Clock clock() {
        return clock;
    }

    /**
     * A submission ended with its receipt sent: counted by channel, document type and outcome
     * (accepted, rejected, duplicate); a rejection also once per distinct error code.
     */
    public void submitted(Exchange exchange) {
        String outcome = exchange.getIn().getHeader(Headers.OUTCOME, String.class);
        Verdict verdict = exchange.getProperty(Headers.VERDICT, Verdict.class);
        submission(exchange.getIn().getHeader("schakelChannel", String.class), exchange.getIn().getHeader(Headers.DOCUMENT_TYPE, String.class),
                outcome, "rejected".equals(outcome) && verdict != null
                        ? verdict.errors().stream().map(ValidationError::code).distinct().toList() : List.of());
    }

    /** A submission that failed technically after its last attempt, and got a FAILED receipt (not an earlier one). */
    public void failed(Exchange exchange, String channel) {
        Verdict verdict = exchange.getProperty(Headers.VERDICT, Verdict.class);
        submission(channel, verdict == null || verdict.type() == null ? null : verdict.type().id(), "failed", List.of());
    }

    /** Counts one submission; every label is reduced to a known value. */
    public void submission(String channel, String documentType, String outcome, Collection<String> rejectionCodes) {
        Counter.builder("schakel.submissions")
                .description("Submissions that ended in a receipt, by channel, document type and outcome")
                .tag("channel", known(channel, CHANNELS))
                .tag("document_type", known(documentType, documentTypes))
                .tag("outcome", known(outcome, OUTCOMES))
                .register(registry).increment();
        for (String code : rejectionCodes) {
            Counter.builder("schakel.rejections")
                    .description("Rejected submissions by error code (each distinct code of a rejection once)")
                    .tag("code", errorCode(code))
                    .register(registry).increment();
        }
    }

    /**
     * A message reached its receiver: written into a file-channel outbox, or consumed by a queue-channel
     * institution. The latency runs from the moment the gateway received the submission.
     */
    public void delivered(String channel, String kind, OffsetDateTime receivedAt) {
        if (receivedAt == null) {
            return;
        }
        Duration latency = Duration.between(receivedAt.toInstant(), clock.instant());
        Timer.builder("schakel.delivery.latency")
                .description("From received by the gateway to written into the receiver's outbox (file) or consumed from its queue (queue)")
                .tag("channel", known(channel, CHANNELS))
                .tag("type", known(kind, KINDS))
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry).record(latency.isNegative() ? Duration.ZERO : latency);
    }

    /**
     * As {@link #delivered(String, String, OffsetDateTime)}, with the time received looked up (in the
     * ledger): a lookup that fails costs the observation, never the delivery.
     */
    public void delivered(String channel, String kind, Supplier<OffsetDateTime> receivedAt) {
        OffsetDateTime received;
        try {
            received = receivedAt.get();
        } catch (RuntimeException e) {
            return;
        }
        delivered(channel, kind, received);
    }

    /** A gauge read at every scrape: the function must be cheap (a counter the broker keeps, a cached figure). */
    public <T> void gauge(String name, String description, List<String> tags, T source, ToDoubleFunction<T> value) {
        Gauge.builder(name, source, value).description(description).tags(tags.toArray(String[]::new)).strongReference(true).register(registry);
    }

    /** A gauge over a supplier (see {@link #gauge(String, String, List, Object, ToDoubleFunction)}). */
    public void gauge(String name, String description, List<String> tags, Supplier<Number> value) {
        gauge(name, description, tags, value, s -> {
            Number n = s.get();
            return n == null ? Double.NaN : n.doubleValue();
        });
    }

    /** The code itself among the first {@link #MAX_ERROR_CODES} distinct ones, {@code other} after that. */
    String errorCode(String code) {
        if (code == null || code.isBlank() || !code.matches("[A-Z0-9][A-Za-z0-9._-]{0,79}")) {
            return UNKNOWN;
        }
        if (errorCodes.contains(code)) {
            return code;
        }
        synchronized (errorCodes) {
            if (errorCodes.size() < MAX_ERROR_CODES) {
                errorCodes.add(code);
                return code;
            }
        }
        return errorCodes.contains(code) ? code : OTHER;
    }

    private static String known(String value, Set<String> known) {
        return value != null && known.contains(value) ? value : UNKNOWN;
    }
}
