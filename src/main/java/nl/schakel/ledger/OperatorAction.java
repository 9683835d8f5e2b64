package nl.schakel.ledger;

import java.time.OffsetDateTime;

/** Something an operator did: retry, discard, suspend, resume, reload; the reason is a code. */
public record OperatorAction(OffsetDateTime at, String operator, String action, String target, String reason) {
}
