package io.nexaflow.campaign;

import io.nexaflow.campaign.CampaignDtos.ImportResult;
import io.nexaflow.campaign.CampaignDtos.LineError;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * One upload on its way into the database: rows are stored a batch at a time and forgotten, so memory stays flat
 * however long the file is; only the counts and the first {@link CampaignDtos#MAX_ERRORS} errors are kept.
 */
final class Upload {

    /** Rows per INSERT: large enough that a million rows are 200 statements, small enough to stay a few MB. */
    static final int BATCH = 5_000;

    /** A valid row: its line, its number in E.164, and what is stored with it (variables JSON, or a reason). */
    record Row(long line, String number, String value) {
    }

    /** What one batch stored: rows inserted, and how many of them were stored as suppressed. */
    record Stored(long inserted, long suppressed) {
    }

    /** Stores a batch, in the upload's transaction. */
    interface Store {
        Stored store(List<Row> rows) throws SQLException;
    }

    private final Store store;
    private final List<Row> batch = new ArrayList<>(BATCH);
    private final List<LineError> errors = new ArrayList<>();
    private long accepted;
    private long suppressed;
    private long duplicates;
    private long rejected;

    Upload(Store store) {
        this.store = store;
    }

    void add(Row row) throws SQLException {
        batch.add(row);
        if (batch.size() == BATCH) {
            flush();
        }
    }

    void reject(long line, String message) {
        rejected++;
        if (errors.size() < CampaignDtos.MAX_ERRORS) {
            errors.add(new LineError(line, message));
        }
    }

    ImportResult finish() throws SQLException {
        flush();
        return new ImportResult(accepted, suppressed, duplicates, rejected, List.copyOf(errors));
    }

    private void flush() throws SQLException {
        if (batch.isEmpty()) {
            return;
        }
        Stored stored = store.store(batch);
        accepted += stored.inserted();
        suppressed += stored.suppressed();
        // A row not inserted met ON CONFLICT: its number was there already, from this upload or an earlier one.
        duplicates += batch.size() - stored.inserted();
        batch.clear();
    }
}
