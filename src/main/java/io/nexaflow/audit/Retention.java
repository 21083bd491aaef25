package io.nexaflow.audit;

import io.agroal.api.AgroalDataSource;
import io.nexaflow.db.Timestamps;
import io.nexaflow.call.Call;
import io.nexaflow.config.NexaflowConfig;
import io.nexaflow.config.NexaflowConfig.Retention.Mode;
import io.nexaflow.number.PhoneNumbers;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sweeps ended calls older than NEXAFLOW_RETENTION_DAYS out of the audit trail: deletes them with their events,
 * or (mode anonymise) keeps the rows and counts but masks the numbers and drops digits and payloads.
 * Each batch is one short transaction that alone may touch call_event (the V3 trigger). Batches lock their
 * calls with SKIP LOCKED, so replicas sweeping at the same time share the work and never take the same call.
 * With NEXAFLOW_RETENTION_ROLE set, each batch switches to that role for its own transaction (SET LOCAL ROLE): the
 * runtime role itself may not delete or change call_event (db/migration/R__grants.sql).
 */
@ApplicationScoped
public class Retention {

    private static final Logger LOG = Logger.getLogger(Retention.class);

    /** Statuses after which nothing more happens to a call (UNKNOWN included: nexaflow cannot tell whether it was placed). */
    private static final String ENDED = Call.Status.sql(Call.Status.ENDED);

    /** Events that name no call (forged or unknown callbacks) are swept in batches this many times larger. */
    private static final int ORPHANS_PER_CALL = 10;

    private static final String ALLOW = "SELECT set_config('nexaflow.retention', 'on', true)";

    private static final String ALLOW_AS_ROLE =
            "SELECT set_config('nexaflow.retention', 'on', true), set_config('role', ?, true)";

    private static final String DELETE_CALLS = """
            WITH aged AS (
                SELECT id FROM call
                 WHERE created_at < ? AND status IN""" + ENDED + """
                 ORDER BY created_at LIMIT ? FOR UPDATE SKIP LOCKED
            ), events AS (
                DELETE FROM call_event e USING aged WHERE e.call_id = aged.id RETURNING 1
            ), calls AS (
                DELETE FROM call c USING aged WHERE c.id = aged.id RETURNING 1
            )
            SELECT (SELECT count(*) FROM calls), (SELECT count(*) FROM events)""";

    private static final String DELETE_ORPHANS = """
            WITH aged AS (
                SELECT id FROM call_event WHERE call_id IS NULL AND at < ?
                 ORDER BY at LIMIT ? FOR UPDATE SKIP LOCKED
            )
            DELETE FROM call_event e USING aged WHERE e.id = aged.id""";

    private static final String PICK_FOR_ANONYMISING = """
            SELECT id, from_number, to_number, bridged_to, error FROM call
             WHERE anonymised_at IS NULL AND created_at < ? AND status IN""" + ENDED + """
             ORDER BY created_at LIMIT ? FOR UPDATE SKIP LOCKED""";

    private static final String ANONYMISE_CALLS = """
            UPDATE call c SET from_number = a.from_number, to_number = a.to_number, bridged_to = a.bridged_to,
                              error = a.error, request_sha256 = NULL, variables = NULL,
                              anonymised_at = ?
              FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[])
                AS a(id, from_number, to_number, bridged_to, error)
             WHERE c.id = a.id""";

    /**
     * Status changes keep their from/to (the counts), key presses where they led (call.LatestPress reads where a
     * call waited from them); every other payload may name numbers or digits.
     */
    private static final String ANONYMISE_EVENTS = """
            UPDATE call_event SET dtmf = NULL, verb = NULL,
                                  payload = CASE WHEN type = 'STATUS' THEN payload - 'reason'
                                                 WHEN type = 'DTMF' THEN NULLIF(jsonb_strip_nulls(jsonb_build_object(
                                                     'entered', payload -> 'entered', 'gather', payload -> 'gather',
                                                     'attempts', payload -> 'attempts')), '{}') END
             WHERE call_id = ANY (?)""";

    private static final String ANONYMISE_ORPHANS = """
            WITH aged AS (
                SELECT id FROM call_event
                 WHERE call_id IS NULL AND at < ? AND (dtmf IS NOT NULL OR payload IS NOT NULL)
                 ORDER BY at LIMIT ? FOR UPDATE SKIP LOCKED
            )
            UPDATE call_event e SET dtmf = NULL, payload = NULL, verb = NULL FROM aged WHERE e.id = aged.id""";

    /** Digit runs that look like phone numbers inside free text (a platform error message). */
    private static final Pattern NUMBER_IN_TEXT = Pattern.compile("\\+?[0-9][0-9 ()-]{5,}[0-9]");

    /** What one sweep did. */
    public record Swept(Mode mode, Instant before, long calls, long events, int batches, long millis) {
    }

    private final DataSource dataSource;
    private final NexaflowConfig.Retention config;

    @Inject
    public Retention(AgroalDataSource dataSource, NexaflowConfig config) {
        this(dataSource, config.retention());
    }

    Retention(DataSource dataSource, NexaflowConfig.Retention config) {
        this.dataSource = dataSource;
        this.config = config;
    }

    void announce(@Observes StartupEvent startup) {
        if (config.days().isEmpty()) {
            LOG.info("retention: off (NEXAFLOW_RETENTION_DAYS is not set); the audit trail is kept forever");
            return;
        }
        if (config.days().get() < 1 || config.batchSize() < 1) {
            throw new IllegalStateException("NEXAFLOW_RETENTION_DAYS and nexaflow.retention.batch-size must be 1 or "
                    + "more, were " + config.days().get() + " and " + config.batchSize());
        }
        LOG.infof("retention: %s ended calls older than %d days, every %s, %d calls per transaction, as role %s",
                config.mode() == Mode.DELETE ? "deleting" : "anonymising", config.days().get(), config.every(),
                config.batchSize(), config.role().orElse("of the datasource"));
    }

    @Scheduled(identity = "retention", every = "{nexaflow.retention.every}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (config.days().isPresent()) {
            sweepNow();
        }
    }

    /** One sweep with the configured age, mode and batch size; null when retention is off. */
    public Swept sweepNow() {
        if (config.days().isEmpty()) {
            return null;
        }
        return sweep(Timestamps.now().minus(Duration.ofDays(config.days().get())), config.mode(), config.batchSize());
    }

    /** Sweeps ended calls placed before {@code before} (and call-less events that arrived before it). */
    public Swept sweep(Instant before, Mode mode, int batchSize) {
        long started = System.nanoTime();
        long calls = 0;
        long events = 0;
        int batches = 0;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                while (true) {
                    long[] done = mode == Mode.DELETE ? deleteBatch(connection, before, batchSize)
                            : anonymiseBatch(connection, before, batchSize);
                    connection.commit();
                    if (done[0] == 0) {
                        break;
                    }
                    calls += done[0];
                    events += done[1];
                    batches++;
                    LOG.debugf("retention: batch %d: %d calls, %d events", batches, done[0], done[1]);
                    if (done[0] < batchSize) {
                        break; // the rest is locked by another replica, or there is no rest
                    }
                }
                int orphanBatch = batchSize * ORPHANS_PER_CALL;
                long orphans;
                do {
                    orphans = orphans(connection, before, mode, orphanBatch);
                    connection.commit();
                    events += orphans;
                    batches += orphans > 0 ? 1 : 0;
                } while (orphans == orphanBatch);
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            LOG.errorf("retention: sweep failed after %d calls and %d events: %s", calls, events, e.getMessage());
            throw new IllegalStateException("retention sweep failed", e);
        }
        Swept swept = new Swept(mode, before, calls, events, batches, (System.nanoTime() - started) / 1_000_000);
        if (calls > 0 || events > 0) {
            LOG.infof("retention: %s %d ended calls placed before %s and %d events, in %d batches (%d ms)",
                    mode == Mode.DELETE ? "deleted" : "anonymised", calls, before.atOffset(ZoneOffset.UTC), events,
                    batches, swept.millis());
        } else {
            LOG.debugf("retention: nothing placed before %s to sweep", before);
        }
        return swept;
    }

    private long[] deleteBatch(Connection connection, Instant before, int batchSize) throws SQLException {
        allow(connection);
        try (PreparedStatement statement = connection.prepareStatement(DELETE_CALLS)) {
            statement.setObject(1, before.atOffset(ZoneOffset.UTC));
            statement.setInt(2, batchSize);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return new long[] {rows.getLong(1), rows.getLong(2)};
            }
        }
    }

    private long[] anonymiseBatch(Connection connection, Instant before, int batchSize) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        List<String> from = new ArrayList<>(), to = new ArrayList<>(), bridged = new ArrayList<>(),
                errors = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(PICK_FOR_ANONYMISING)) {
            statement.setObject(1, before.atOffset(ZoneOffset.UTC));
            statement.setInt(2, batchSize);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getObject(1, UUID.class));
                    from.add(PhoneNumbers.mask(rows.getString(2)));
                    to.add(PhoneNumbers.mask(rows.getString(3)));
                    bridged.add(PhoneNumbers.mask(rows.getString(4)));
                    errors.add(maskNumbersIn(rows.getString(5)));
                }
            }
        }
        if (ids.isEmpty()) {
            return new long[] {0, 0};
        }
        allow(connection);
        Array calls = connection.createArrayOf("uuid", ids.toArray());
        try (PreparedStatement statement = connection.prepareStatement(ANONYMISE_CALLS)) {
            statement.setObject(1, Timestamps.now().atOffset(ZoneOffset.UTC));
            statement.setArray(2, calls);
            statement.setArray(3, connection.createArrayOf("text", from.toArray()));
            statement.setArray(4, connection.createArrayOf("text", to.toArray()));
            statement.setArray(5, connection.createArrayOf("text", bridged.toArray()));
            statement.setArray(6, connection.createArrayOf("text", errors.toArray()));
            statement.executeUpdate();
        }
        try (PreparedStatement statement = connection.prepareStatement(ANONYMISE_EVENTS)) {
            statement.setArray(1, calls);
            return new long[] {ids.size(), statement.executeUpdate()};
        }
    }

    private long orphans(Connection connection, Instant before, Mode mode, int batchSize) throws SQLException {
        allow(connection);
        try (PreparedStatement statement = connection.prepareStatement(
                mode == Mode.DELETE ? DELETE_ORPHANS : ANONYMISE_ORPHANS)) {
            statement.setObject(1, before.atOffset(ZoneOffset.UTC));
            statement.setInt(2, batchSize);
            return statement.executeUpdate();
        }
    }

    /** Lifts the append-only guard of call_event, and takes the retention role, for this transaction only. */
    private void allow(Connection connection) throws SQLException {
        Optional<String> role = config.role();
        try (PreparedStatement statement = connection.prepareStatement(role.isPresent() ? ALLOW_AS_ROLE : ALLOW)) {
            if (role.isPresent()) {
                statement.setString(1, role.get());
            }
            statement.execute();
        }
    }

    static String maskNumbersIn(String text) {
        if (text == null) {
            return null;
        }
        Matcher found = NUMBER_IN_TEXT.matcher(text);
        StringBuilder masked = new StringBuilder();
        while (found.find()) {
            found.appendReplacement(masked, Matcher.quoteReplacement(PhoneNumbers.mask(found.group())));
        }
        return found.appendTail(masked).toString();
    }
}
