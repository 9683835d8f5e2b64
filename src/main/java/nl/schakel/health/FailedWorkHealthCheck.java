package nl.schakel.health;

import nl.schakel.intake.Failures;
import nl.schakel.intake.InboxReadLock;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.Supplier;

/**
 * Readiness: DOWN while work waits for an operator because the gateway could not finish it itself:
 * messages on the dead-letter queues DLQ.*, and inbox files it could not even set aside. The counts,
 * per dead-letter queue too (queue names hold institution codes only), are in the message and the
 * details; each such transfer is FAILED in the ledger.
 */
public final class FailedWorkHealthCheck extends AbstractHealthCheck {
    private final Failures failures;
    private final InboxReadLock inboxReadLock;
    private final Supplier<SortedMap<String, Long>> deadLetters;

    public FailedWorkHealthCheck(Failures failures, InboxReadLock inboxReadLock, Supplier<SortedMap<String, Long>> deadLetters) {
        super("schakel", "failed-work");
        this.failures = failures;
        this.inboxReadLock = inboxReadLock;
        this.deadLetters = deadLetters;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        int held = inboxReadLock.heldFiles();
        SortedMap<String, Long> perQueue = deadLetters.get();
        long dead = perQueue.values().stream().mapToLong(Long::longValue).sum();
        builder.detail("failed.files", failures.failedFiles());
        builder.detail("failed.queue-messages", failures.failedQueueMessages());
        builder.detail("held.inbox-files", held);
        builder.detail("dead-letters", dead);
        perQueue.forEach((queue, count) -> builder.detail("dead-letters." + queue, count));
        List<String> waiting = new ArrayList<>();
        if (dead > 0) {
            waiting.add(dead + " message(s) on the dead-letter queues DLQ.* (" + String.join(", ", perQueue.entrySet().stream()
                    .filter(e -> e.getValue() > 0).map(e -> e.getKey() + ": " + e.getValue()).toList()) + ")");
        }
        if (held > 0) {
            waiting.add(held + " inbox file(s) that failed and could not be set aside");
        }
        if (waiting.isEmpty()) {
            builder.up();
        } else {
            builder.message("Waiting for the operator: " + String.join("; ", waiting)).down();
        }
    }
}
