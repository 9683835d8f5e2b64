package nl.schakel.validation;

/** Thrown inside the reading stages when the input cannot be read any further. */
final class RejectedInput extends Exception {
    private final transient ValidationError error;

    RejectedInput(ValidationError error) {
        super(error.code(), null, false, false);
        this.error = error;
    }

    ValidationError error() {
        return error;
    }
}
