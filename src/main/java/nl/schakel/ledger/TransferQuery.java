package nl.schakel.ledger;

import java.time.OffsetDateTime;

/** Filters for listing transfers; a null field does not filter. */
public record TransferQuery(Status status, String sender, String receiver, OffsetDateTime from, OffsetDateTime until) {

    public static TransferQuery all() {
        return new TransferQuery(null, null, null, null, null);
    }

    public TransferQuery withStatus(Status s) {
        return new TransferQuery(s, sender, receiver, from, until);
    }

    public TransferQuery withSender(String code) {
        return new TransferQuery(status, code, receiver, from, until);
    }

    public TransferQuery withReceiver(String code) {
        return new TransferQuery(status, sender, code, from, until);
    }

    public TransferQuery between(OffsetDateTime start, OffsetDateTime end) {
        return new TransferQuery(status, sender, receiver, start, end);
    }
}
