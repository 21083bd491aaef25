package io.nexaflow.problem;

import org.hibernate.exception.JDBCConnectionException;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.TimeoutException;

/**
 * Tells a failure that says "PostgreSQL cannot be reached right now" (down, restarting, switching over, or the pool
 * could not get a connection in time) from a bug, however deeply Hibernate, Narayana or Agroal wrapped it.
 */
public final class DatabaseUnavailable {

    /** What a client is told to wait before retrying: a CloudNativePG switchover takes a few seconds. */
    public static final int RETRY_AFTER_SECONDS = 2;

    private DatabaseUnavailable() {
    }

    public static boolean causes(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof JDBCConnectionException || cause instanceof SQLTransientConnectionException) {
                return true;
            }
            if (cause instanceof SQLException sql && (unavailable(sql.getSQLState()) || poolTimedOut(sql))) {
                return true;
            }
        }
        return false;
    }

    public static Problem problem() {
        return Problem.of(503, "database-unavailable", "Database unavailable",
                "The database cannot be reached right now; retry in " + RETRY_AFTER_SECONDS + " seconds");
    }

    /**
     * 08: connection exceptions; 57P01-57P03: the server is shutting down or starting (a switchover); 25006: a
     * read-only transaction, i.e. a demoted primary still answering.
     */
    private static boolean unavailable(String sqlState) {
        return sqlState != null && (sqlState.startsWith("08") || sqlState.equals("57P01")
                || sqlState.equals("57P02") || sqlState.equals("57P03") || sqlState.equals("25006"));
    }

    /**
     * Agroal's acquisition timeout carries no SQLState: a TimeoutException as its cause, or only its message
     * ("Sorry, acquisition timeout!" when the pool is full and no connection came back in time).
     */
    private static boolean poolTimedOut(SQLException sql) {
        String message = sql.getMessage();
        return sql.getCause() instanceof TimeoutException || message != null
                && (message.startsWith("Acquisition timeout") || message.startsWith("Sorry, acquisition timeout"));
    }
}
