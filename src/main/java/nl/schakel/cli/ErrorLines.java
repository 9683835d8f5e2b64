package nl.schakel.cli;

/** One coded error as a line of text, the same from validate and from the gateway's answer to send. */
final class ErrorLines {
    private ErrorLines() {
    }

    /** {@code   CODE at line 12, column 5 (/a/b): message}, or {@code at /a/b}; line, column and path may be null. */
    static String line(String code, Integer line, Integer column, String path, String message) {
        StringBuilder b = new StringBuilder("  ").append(code);
        if (line != null) {
            b.append(" at line ").append(line);
            if (column != null) {
                b.append(", column ").append(column);
            }
            if (path != null) {
                b.append(" (").append(path).append(')');
            }
        } else if (path != null) {
            b.append(" at ").append(path);
        }
        return message == null ? b.toString() : b.append(": ").append(message).toString();
    }
}
