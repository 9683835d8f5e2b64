package nl.schakel.ledger;

/** The ledger's database cannot be reached; work that needs a record must wait. */
public final class LedgerUnavailableException extends RuntimeException {
    public LedgerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
