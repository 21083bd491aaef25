package io.nexaflow.campaign;

import io.agroal.api.AgroalDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain JDBC for the campaign tables: uploads insert thousands of rows per statement ({@code unnest} of arrays),
 * which Hibernate cannot, and the rest reads as SQL. One transaction per request, on its own connection.
 */
final class Jdbc {

    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    interface Row<T> {
        T read(ResultSet rows) throws SQLException;
    }

    private final AgroalDataSource dataSource;

    Jdbc(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    <T> T transaction(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("campaign query failed: " + e.getMessage(), e);
        }
    }

    static <T> List<T> query(Connection connection, String sql, Row<T> row, Object... params) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(connection, statement, params);
            List<T> found = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    found.add(row.read(rows));
                }
            }
            return found;
        }
    }

    static int update(Connection connection, String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(connection, statement, params);
            return statement.executeUpdate();
        }
    }

    static Instant instant(ResultSet rows, String column) throws SQLException {
        OffsetDateTime at = rows.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    private static void bind(Connection connection, PreparedStatement statement, Object... params)
            throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object value = params[i];
            if (value instanceof Instant at) {
                statement.setObject(i + 1, at.atOffset(ZoneOffset.UTC));
            } else if (value instanceof String[] texts) {
                statement.setArray(i + 1, connection.createArrayOf("text", texts));
            } else if (value instanceof Integer[] ints) {
                statement.setArray(i + 1, connection.createArrayOf("int4", ints));
            } else if (value instanceof Long[] longs) {
                statement.setArray(i + 1, connection.createArrayOf("int8", longs));
            } else {
                statement.setObject(i + 1, value);
            }
        }
    }
}
