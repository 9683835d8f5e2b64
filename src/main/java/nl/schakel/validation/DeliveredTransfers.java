package nl.schakel.validation;

import java.util.Optional;

/** Looks up a transfer that was delivered, for messages that answer one (acknowledgements, follow-ups). */
@FunctionalInterface
public interface DeliveredTransfers {
    /** Knows no transfers: every answer is refused. */
    DeliveredTransfers NONE = (messageId, sender, receiver) -> Optional.empty();

    /** The transfer id of the delivered transfer with this message id from sender to receiver. */
    Optional<String> find(String messageId, String sender, String receiver);
}
