package nl.schakel.validation;

/**
 * One problem found in a received message: a stable code, a message that never quotes values
 * from the message, and where it is (line and column, or a path).
 */
public record ValidationError(Stage stage, String code, String message, Integer line, Integer column, String path) {

    public enum Stage { PARSE, SCHEMA, RULES, CONTEXT }

    public static ValidationError at(Stage stage, String code, String message) {
        return new ValidationError(stage, code, message, null, null, null);
    }

    public static ValidationError atPath(Stage stage, String code, String message, String path) {
        return new ValidationError(stage, code, message, null, null, path);
    }
}
