package nl.schakel.ledger;

/**
 * A write that matters (a claim, its confirmation, a delivery record) was refused: this instance's
 * lease in the ledger ran out, or another epoch replaced it. Nothing was written. The instance pauses
 * its work and takes a new epoch before it acts again (docs/RELIABILITY.md, "More than one instance");
 * the work in hand is left where it was (the file in the inbox, the message on the broker) for
 * whichever instance takes it next.
 */
public final class LeaseExpiredException extends RuntimeException {
    public LeaseExpiredException(String instanceId, long epoch) {
        super("the lease of gateway instance " + instanceId + " epoch " + epoch + " is not valid: the write was refused");
    }
}
