package nl.schakel.intake;

import nl.schakel.ledger.Ledger;

/**
 * The exactly-once rule for forwarding, in one place. Per sender and message id the ledger holds a
 * claim (none, CLAIMED by a transfer, SENT); the broker's duplicate-id cache holds what it was sent.
 * A transfer id is derived from the input, so the same input taken again after a crash or a
 * redelivery is the same transfer. Diagram and crash windows: docs/RELIABILITY.md.
 * <pre>
 *   (none) --claim--> CLAIMED --broker took it--> SENT
 *                        |  \--broker: seen before--> SENT (this transfer's own earlier send, or a duplicate)
 *                        \--crash: the same transfer claims again, finds CLAIMED (UNCONFIRMED) and sends again
 * </pre>
 * With several gateway instances a claim names its holder (instance and epoch): a claim held by
 * another instance with a valid lease is HELD (wait), one whose holder's lease ran out is taken over
 * (UNCONFIRMED for the taker). docs/RELIABILITY.md, "More than one instance".
 */
public final class ExactlyOnce {
    /** What forwarding does next. */
    public enum Decision {
        /** Send it to the receiver's queue (the broker refuses a repeat of an earlier send). */
        SEND,
        /** This very transfer sent it before (an earlier attempt): nothing to send, still ACCEPTED for the sender. */
        SENT_BY_THIS_TRANSFER,
        /** Another transfer with the same sender and message id sent it: DUPLICATE. */
        DUPLICATE,
        /**
         * Another gateway instance with a valid lease holds the claim and is sending it: not sent here;
         * the input waits and is taken again (then SENT, or taken over once that lease ran out).
         */
        WAIT
    }

    private ExactlyOnce() {
    }

    /** After claiming the message id, before the send. */
    public static Decision onClaim(Ledger.Claim claim, String transferId) {
        return switch (claim.kind()) {
            case NEW, UNCONFIRMED -> Decision.SEND;
            case HELD -> Decision.WAIT;
            case SENT -> byThisTransfer(claim, transferId) ? Decision.SENT_BY_THIS_TRANSFER : Decision.DUPLICATE;
        };
    }

    /** The broker refused the send: it has seen this sender and message id (its duplicate-id cache). */
    public static Decision onBrokerRefusal(Ledger.Claim claim, String transferId) {
        return byThisTransfer(claim, transferId) ? Decision.SENT_BY_THIS_TRANSFER : Decision.DUPLICATE;
    }

    private static boolean byThisTransfer(Ledger.Claim claim, String transferId) {
        return claim.originalTransferId() != null && claim.originalTransferId().equals(transferId);
    }
}
