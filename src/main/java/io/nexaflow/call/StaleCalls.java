package io.nexaflow.call;

import io.agroal.api.AgroalDataSource;
import io.nexaflow.config.NexaflowConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;

/**
 * Ends calls that stopped moving, so they neither look live forever nor keep their flow from being deleted.
 * Nexafone sends no call-ended event: a call waiting at a gather whose caller hung up simply goes quiet.
 * Safe with many replicas: each run locks the rows it ends with SKIP LOCKED.
 */
@ApplicationScoped
public class StaleCalls {

    private static final Logger LOG = Logger.getLogger(StaleCalls.class);
    private static final int BATCH = 500;

    private static final String END = """
            WITH stale AS (
                SELECT id, status FROM call c
                 WHERE status = ANY (?::text[]) AND updated_at < now() - ?::interval
                   -- A key press that only moved the caller on is its DTMF record alone (call.LatestPress).
                   AND NOT EXISTS (SELECT 1 FROM call_event e WHERE e.call_id = c.id AND e.type = 'DTMF'
                                      AND e.at >= now() - ?::interval)
                 ORDER BY updated_at LIMIT ? FOR UPDATE SKIP LOCKED
            ), ended AS (
                UPDATE call c SET status = ?, error = COALESCE(c.error, ?), updated_at = now(),
                                  ended_at = CASE WHEN ? THEN now() ELSE c.ended_at END
                  FROM stale s WHERE c.id = s.id
                RETURNING c.id, s.status AS old_status
            )
            INSERT INTO call_event (call_id, type, payload, at)
            SELECT id, 'STATUS', %s, now()
              FROM ended""".formatted(StatusChange.sqlEvent("old_status", "?::text", "?::text"));

    private final AgroalDataSource dataSource;
    private final NexaflowConfig.Calls config;

    public StaleCalls(AgroalDataSource dataSource, NexaflowConfig config) {
        this.dataSource = dataSource;
        this.config = config.calls();
    }

    @Scheduled(every = "1m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        try {
            end();
        } catch (SQLException e) {
            LOG.warnf("stale-call sweep failed, will retry: %s", e.getMessage());
        }
    }

    /** Ends every stale call now; returns how many. */
    public int end() throws SQLException {
        int unknown = end(Call.Status.PLACING, config.originateStaleAfter(), Call.Status.UNKNOWN,
                "nexaflow stopped while originating; the call may or may not have been placed");
        int over = end(Set.of(Call.Status.IN_PROGRESS), config.idleAfter(), Call.Status.COMPLETED,
                "no callback for " + config.idleAfter().toMinutes() + " min: the caller is gone");
        if (unknown + over > 0) {
            LOG.infof("stale calls ended: %d UNKNOWN (stuck originating), %d COMPLETED (no callback)", unknown, over);
        }
        return unknown + over;
    }

    private int end(Set<Call.Status> from, Duration after, Call.Status to, String reason) throws SQLException {
        for (Call.Status status : from) {
            StatusChange.of(status, to, reason); // refuses a sweep the lifecycle does not allow
        }
        boolean ends = Call.Status.FINAL.contains(to);
        int total = 0;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(END)) {
            connection.setAutoCommit(true);
            int done;
            do {
                statement.setArray(1, connection.createArrayOf("text", Call.Status.names(from)));
                statement.setString(2, after.toMillis() + " milliseconds");
                statement.setString(3, after.toMillis() + " milliseconds");
                statement.setInt(4, BATCH);
                statement.setString(5, to.name());
                statement.setString(6, reason);
                statement.setBoolean(7, ends);
                statement.setString(8, to.name());
                statement.setString(9, reason);
                done = statement.executeUpdate();
                total += done;
            } while (done == BATCH);
        }
        return total;
    }
}
