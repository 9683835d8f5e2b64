package nl.schakel.ledger;

/**
 * The message id is claimed by another gateway instance whose lease is valid: it is forwarding it
 * now. This instance does not forward; the work in hand waits (a file stays in the inbox, a queue
 * message is redelivered) and finds the claim SENT, or taken over once that lease runs out.
 */
public final class ClaimHeldException extends RuntimeException {
    public ClaimHeldException() {
        super("the message id is claimed by another live gateway instance");
    }
}
