package nl.schakel.health;

import nl.schakel.intake.Failures;
import nl.schakel.intake.InboxReadLock;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;

/**
 * Readiness: DOWN while work waits for an operator because the gateway could not finish it
 * itself: inbox files it could not even set aside. Counts of everything that failed since the
 * start are in the details, and are kept for the operator in the ledger (status FAILED).
 */
public final class FailedWorkHealthCheck extends AbstractHealthCheck {
    private final Failures failures;
    private final InboxReadLock inboxReadLock;

    public FailedWorkHealthCheck(Failures failures, InboxReadLock inboxReadLock) {
        super("schakel", "failed-work");
        this.failures = failures;
        this.inboxReadLock = inboxReadLock;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        int held = inboxReadLock.heldFiles();
        builder.detail("failed.files", failures.failedFiles());
        builder.detail("failed.queue-messages", failures.failedQueueMessages());
        builder.detail("held.inbox-files", held);
        if (held > 0) {
            builder.message(held + " inbox file(s) failed and could not be set aside: they wait in the inbox for the operator").down();
        } else {
            builder.up();
        }
    }
}
