package io.nexaflow.campaign;

import io.nexaflow.campaign.CampaignDtos.ImportResult;
import io.nexaflow.campaign.CampaignDtos.LineError;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One upload on its way into the database: rows are stored a batch at a time and forgotten, so memory stays flat
 * however long the file is; only the counts and the first {@link CampaignDtos#MAX_ERRORS} errors are kept.
 *
 * <p>A batch is stored on a thread of its own while the next one is read, so reading (libphonenumber is most of
 * it) and PostgreSQL work at once: a million rows take about as long as the slower of the two, not their sum.
 * At most one batch is being stored and one filled; the connection is never used by two threads at a time.
 */
final class Upload implements AutoCloseable {

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
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "upload-writer");
        thread.setDaemon(true);
        return thread;
    });
    private List<Row> batch = new ArrayList<>(BATCH);
    private final List<LineError> errors = new ArrayList<>();
    private Future<Stored> storing;
    private int storingSize;
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
        collect();
        return new ImportResult(accepted, suppressed, duplicates, rejected, List.copyOf(errors));
    }

    /** Waits for the batch being stored, if any: the transaction may only end once nobody else uses it. */
    @Override
    public void close() {
        try {
            collect();
        } catch (SQLException | RuntimeException e) {
            // The upload already failed for another reason, which is the one reported.
        } finally {
            writer.shutdown();
        }
    }

    private void flush() throws SQLException {
        if (batch.isEmpty()) {
            return;
        }
        collect();
        List<Row> rows = batch;
        batch = new ArrayList<>(BATCH);
        storingSize = rows.size();
        storing = writer.submit(() -> store.store(rows));
    }

    private void collect() throws SQLException {
        if (storing == null) {
            return;
        }
        Stored stored;
        try {
            stored = storing.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("upload interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
        } finally {
            storing = null;
        }
        accepted += stored.inserted();
        suppressed += stored.suppressed();
        // A row not inserted met ON CONFLICT: its number was there already, from this upload or an earlier one.
        duplicates += storingSize - stored.inserted();
    }
}
