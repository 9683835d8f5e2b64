package nl.schakel.logging;

import org.slf4j.MDC;

/**
 * What a log line says about the transfer it belongs to, on the logging thread's MDC: the transfer
 * id (which follows a dossier through every route), the message id and the outcome; Camel adds the
 * route and exchange ids (camel.main.use-mdc-logging). Ids and codes only. Inside an exchange,
 * Camel removes these keys when the exchange is done (camel.main.mdc-logging-keys-pattern); work
 * outside an exchange uses {@link #scope(String)}. The JSON log layout writes each key as a field.
 */
public final class LogContext {
    public static final String TRANSFER_ID = "transferId";
    public static final String MESSAGE_ID = "messageId";
    /** accepted, rejected, duplicate, failed, delivered, dead-lettered. */
    public static final String OUTCOME = "outcome";

    private LogContext() {
    }

    /** The transfer (and message) the following log lines are about; a null id leaves its key as it is. */
    public static void transfer(String transferId, String messageId) {
        put(TRANSFER_ID, transferId);
        put(MESSAGE_ID, messageId);
    }

    public static void outcome(String outcome) {
        put(OUTCOME, outcome);
    }

    /** For work outside an exchange (a broker callback): the keys go when the scope closes. */
    public static Scope scope(String transferId) {
        put(TRANSFER_ID, transferId);
        return () -> {
            MDC.remove(TRANSFER_ID);
            MDC.remove(MESSAGE_ID);
            MDC.remove(OUTCOME);
        };
    }

    /** A scope of log context that closes without an exception. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private static void put(String key, String value) {
        if (value != null) {
            MDC.put(key, value);
        }
    }
}
