package io.nexaflow.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.StreamingOutput;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Streams one SELECT as an export. A server-side cursor (autocommit off and a fetch size) hands rows over
 * {@link #FETCH_SIZE} at a time; each is written and forgotten, so memory does not grow with the export. One
 * statement, so the export is one consistent snapshot however long it takes.
 */
public final class QueryExport {

    private static final Logger LOG = Logger.getLogger(QueryExport.class);
    public static final int FETCH_SIZE = 1_000;

    private QueryExport() {
    }

    /** Sets the statement's parameters. */
    public interface Binder {
        void bind(Connection connection, PreparedStatement statement) throws SQLException;
    }

    /** Reads the current row. */
    public interface Row<V> {
        V read(ResultSet rows) throws SQLException;
    }

    public static <V> StreamingOutput stream(DataSource dataSource, String sql, Binder binder, Row<V> row,
                                             List<Column<V>> columns, ObjectMapper json, ExportFormat format,
                                             String what) {
        return output -> {
            long written = 0;
            long started = System.nanoTime();
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try (PreparedStatement statement = connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY,
                        ResultSet.CONCUR_READ_ONLY)) {
                    statement.setFetchSize(FETCH_SIZE);
                    binder.bind(connection, statement);
                    ExportWriter<V> writer = new ExportWriter<>(format, columns, json, output);
                    writer.header();
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            writer.row(row.read(rows));
                            written++;
                        }
                    }
                    writer.flush();
                } finally {
                    connection.rollback(); // read only: nothing to keep, and the cursor is closed with it
                    connection.setAutoCommit(true);
                }
            } catch (SQLException e) {
                // The response has begun: all that is left is to cut it short, so the client sees a broken stream.
                LOG.errorf("export of %s failed after %d rows: %s", what, written, e.getMessage());
                throw new IOException("export failed", e);
            }
            LOG.infof("export of %s: %d rows as %s in %d ms", what, Long.valueOf(written), format,
                    Long.valueOf((System.nanoTime() - started) / 1_000_000));
        };
    }
}
