package nl.schakel.validation;

/**
 * Thrown inside the reading stages when the input cannot be read any further; carries the
 * message id when it was read completely before the stop, so the receipt can name it.
 */
final class RejectedInput extends Exception {
    private final transient ValidationError error;
    private final String messageId;

    RejectedInput(ValidationError error) {
        this(error, null);
    }

    RejectedInput(ValidationError error, String messageId) {
        super(error.code(), null, false, false);
        this.error = error;
        this.messageId = messageId;
    }

    ValidationError error() {
        return error;
    }

    /** The message id read before the stop, as it was in the document (not yet checked), or null. */
    String messageId() {
        return messageId;
    }
}
