package nl.schakel.ledger;

import java.time.OffsetDateTime;

/** Filters for listing transfers; a null field does not filter. */
public record TransferQuery(Status status, String sender, String receiver, String documentType, OffsetDateTime from, OffsetDateTime until,
                            String channelOwner) {

    public static TransferQuery all() {
        return new TransferQuery(null, null, null, null, null, null, null);
    }

    public TransferQuery withStatus(Status s) {
        return new TransferQuery(s, sender, receiver, documentType, from, until, channelOwner);
    }

    public TransferQuery withSender(String code) {
        return new TransferQuery(status, code, receiver, documentType, from, until, channelOwner);
    }

    public TransferQuery withReceiver(String code) {
        return new TransferQuery(status, sender, code, documentType, from, until, channelOwner);
    }

    public TransferQuery withDocumentType(String type) {
        return new TransferQuery(status, sender, receiver, type, from, until, channelOwner);
    }

    /** Submitted by this institution (the owner of the channel it came by). */
    public TransferQuery withChannelOwner(String code) {
        return new TransferQuery(status, sender, receiver, documentType, from, until, code);
    }

    public TransferQuery between(OffsetDateTime start, OffsetDateTime end) {
        return new TransferQuery(status, sender, receiver, documentType, start, end, channelOwner);
    }
}
