package nl.schakel.ledger;

/**
 * The steps of a transfer's timeline, in the order a transfer goes through them. FAILED (a technical
 * failure after the last attempt, or a dead-lettered delivery) ends a transfer until an operator
 * retries it. RECEIPT_UNDELIVERED (the sender's receipt was dead-lettered) is a timeline step only:
 * it never changes where the transfer stands; nor does ATTEMPT_FAILED (one delivery attempt failed, with
 * its cause; the broker tries again, then dead-letters). RETRIED: an operator put the transfer back into the
 * flow; a FAILED transfer stands RETRIED until its next step. DISCARDED: an operator discarded it
 * (the sender had a receipt saying so); nothing comes after it.
 */
public enum Status {
    RECEIVED(0), RECEIPT_UNDELIVERED(0), ATTEMPT_FAILED(0), RETRIED(0), REJECTED(1), ACCEPTED(1), DUPLICATE(1), QUEUED(2), FAILED(3), PICKED_UP(3), ACKNOWLEDGED(4), DECLINED(4), FOLLOW_UP_RECEIVED(5), DISCARDED(6);

    private final int stage;

    Status(int stage) {
        this.stage = stage;
    }

    /** A step recorded in the timeline only, never where the transfer stands. */
    public boolean isTimelineOnly() {
        return this == RECEIPT_UNDELIVERED || this == ATTEMPT_FAILED;
    }

    /** Whether this step comes after (or with) the other: a late record of an earlier step does not turn a transfer back. */
    public boolean isAtOrAfter(Status other) {
        return stage >= other.stage;
    }
}
