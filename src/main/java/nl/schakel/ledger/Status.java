package nl.schakel.ledger;

/** The steps of a transfer's timeline. */
public enum Status {
    RECEIVED, REJECTED, ACCEPTED, DUPLICATE, QUEUED, PICKED_UP, ACKNOWLEDGED, DECLINED, FOLLOW_UP_RECEIVED
}
