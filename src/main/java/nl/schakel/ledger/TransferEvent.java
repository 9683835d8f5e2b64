package nl.schakel.ledger;

import java.time.OffsetDateTime;

/**
 * One step in a transfer's timeline; the detail holds codes (error codes, queue, receipt id), the
 * actor the operator's account name when an operator took the step.
 */
public record TransferEvent(Status status, OffsetDateTime at, String detail, String actor) {
    public TransferEvent(Status status, OffsetDateTime at, String detail) {
        this(status, at, detail, null);
    }
}
