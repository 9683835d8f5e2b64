package nl.schakel.console;

/** An action the console cannot take as asked; the message says why and carries ids and codes only. */
public final class ActionRefused extends RuntimeException {
    public enum Kind { NOT_FOUND, CONFLICT, INVALID }

    private final Kind kind;

    public ActionRefused(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
