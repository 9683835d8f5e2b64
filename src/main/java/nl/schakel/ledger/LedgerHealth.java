package nl.schakel.ledger;

import java.sql.SQLException;
import java.util.Optional;

/**
 * Whether the ledger's database can be used, and why not: set by the periodic check and by any
 * statement whose connection failed; read by health, the ledger guard and intake. A statement the
 * database refused (a value too long, a constraint) says nothing about its health.
 */
final class LedgerHealth {
    private volatile String problem = "not checked yet";

    void up() {
        problem = null;
    }

    /** Marks the ledger unavailable; returns why. */
    String down(Exception e) {
        String why = describe(e);
        problem = why;
        return why;
    }

    boolean isAvailable() {
        return problem == null;
    }

    Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    /** Whether the database could not be reached or the connection broke, rather than a statement being refused. */
    static boolean isConnectionFailure(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause() != t ? t.getCause() : null) {
            if (t instanceof java.sql.SQLTransientConnectionException || t instanceof java.sql.SQLNonTransientConnectionException
                    || t instanceof java.sql.SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null
                    // 08: connection exception; 57P01-03: PostgreSQL shut down or not yet accepting connections
                    && (s.getSQLState().startsWith("08") || s.getSQLState().matches("57P0[123]"))) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
