package nl.schakel.ledger;

import java.time.OffsetDateTime;

/** One step in a transfer's timeline; the detail holds codes (error codes, queue, receipt id). */
public record TransferEvent(Status status, OffsetDateTime at, String detail) {
}
