package io.nexaflow.analytics;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.nexaflow.call.Call;
import io.nexaflow.call.CallFilter;
import io.nexaflow.call.CallPath;
import io.nexaflow.engine.RouteReason;
import io.nexaflow.flow.FlowRevision;
import io.nexaflow.flow.FlowService;
import io.nexaflow.flow.RevisionPrograms;
import io.nexaflow.flow.model.FlowDefinition;
import io.nexaflow.problem.Problem;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Per-node flow analytics (docs/architecture.md, "Flow analytics"): what the calls of one revision did, read from
 * the audit trail: their paths as call.CallPath reads them, the gather inputs of their DTMF events, and the
 * requests of http nodes. One read-only statement pair, no state of its own; the REST resource and the campaign
 * results ({@code GET /v1/campaigns/{id}/analytics}) both ask it.
 */
@ApplicationScoped
public class FlowAnalytics {

    /** The range when none is given: the last week. */
    public static final Duration DEFAULT_SPAN = Duration.ofDays(7);
    /** The longest range one request may count: a quarter, so one answer stays bounded. */
    public static final Duration MAX_SPAN = Duration.ofDays(92);

    /** The calls counted: one revision's, placed in the range (index call_revision_created, V11). */
    private static final String CALLS = "c.revision_id = ? AND c.created_at >= ? AND c.created_at < ?";
    /** Only a campaign's calls (its created_by). */
    private static final String MADE_BY = " AND c.created_by = ?";

    private static final String STATUSES = "SELECT c.status, count(*) FROM call c WHERE %s GROUP BY c.status";

    /** A call's path steps and its http requests, call by call, oldest first. */
    private static final String EVENTS = """
            SELECT c.id, c.status, e.type, COALESCE(e.node, e.payload ->> 'node'), e.at,
                   e.payload ->> 'reason', e.payload ->> 'digits', e.payload ->> 'target',
                   (e.payload -> 'entered')::text, (e.payload -> 'exhausted')::text, (e.payload ->> 'ok')::boolean
              FROM call c JOIN call_event e ON e.call_id = c.id
             WHERE %s AND (%s OR e.type = 'HTTP_REQUEST')
             ORDER BY c.id, e.id""";

    private static final TypeReference<List<String>> NODES = new TypeReference<>() {
    };

    private final AgroalDataSource dataSource;
    private final FlowService flows;
    private final RevisionPrograms programs;
    private final ObjectMapper json;

    public FlowAnalytics(AgroalDataSource dataSource, FlowService flows, RevisionPrograms programs, ObjectMapper json) {
        this.dataSource = dataSource;
        this.flows = flows;
        this.programs = programs;
        this.json = json;
    }

    /**
     * The analytics of one revision of a flow.
     *
     * @param version the revision; null for the published one (else the latest)
     * @param from    calls placed from this instant on; null for {@link #DEFAULT_SPAN} before {@code to}
     * @param to      calls placed before this instant; null for now
     * @throws io.nexaflow.problem.ProblemException 404 for an unknown flow or revision, 400 for a bad range
     */
    public FlowAnalyticsView compute(UUID flowId, Integer version, Instant from, Instant to) {
        return compute(flowId, version, from, to, null);
    }

    /** As {@link #compute(UUID, Integer, Instant, Instant)}, counting only the calls made by {@code createdBy}. */
    public FlowAnalyticsView compute(UUID flowId, Integer version, Instant from, Instant to, String createdBy) {
        Instant until = to != null ? to : Instant.now();
        Instant since = from != null ? from : until.minus(DEFAULT_SPAN);
        List<Problem.FieldError> errors = new ArrayList<>();
        if (!since.isBefore(until)) {
            errors.add(CallFilter.Params.error(to != null ? "to" : "from", "must be after from" + (to != null
                    ? "" : " (to defaults to now)")));
        } else if (Duration.between(since, until).compareTo(MAX_SPAN) > 0) {
            errors.add(CallFilter.Params.error("from", "the range may span at most " + MAX_SPAN.toDays()
                    + " days, was " + Duration.between(since, until).toDays()));
        }
        CallFilter.Params.refuse(errors);
        FlowRevision revision = flows.revisionToInspect(flowId, version);
        FlowDefinition flow = programs.of(revision).flow();
        PathTally tally = new PathTally(flow);
        Map<Call.Status, Long> statuses = new EnumMap<>(Call.Status.class);
        try (Connection connection = dataSource.getConnection()) {
            // One snapshot for both statements, and a cursor (autocommit off) so rows stream FETCH at a time.
            int isolation = connection.getTransactionIsolation();
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                read(connection, revision.id, since, until, createdBy, statuses, tally);
            } finally {
                connection.rollback();
                connection.setTransactionIsolation(isolation);
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("analytics query failed: " + e.getMessage(), e);
        }
        var nodes = tally.nodes();
        var totals = new FlowAnalyticsView.Totals(
                statuses.values().stream().mapToLong(Long::longValue).sum(), tally.placed(),
                statuses.getOrDefault(Call.Status.COMPLETED, 0L),
                Call.Status.RUNNING.stream().mapToLong(s -> statuses.getOrDefault(s, 0L)).sum(),
                statuses.getOrDefault(Call.Status.FAILED, 0L), statuses.getOrDefault(Call.Status.UNKNOWN, 0L),
                tally.keyPresses(), nodes.stream().mapToLong(FlowAnalyticsView.NodeStats::invalid).sum(),
                nodes.stream().mapToLong(FlowAnalyticsView.NodeStats::timeout).sum(),
                nodes.stream().mapToLong(FlowAnalyticsView.NodeStats::maxAttempts).sum(),
                nodes.stream().mapToLong(FlowAnalyticsView.NodeStats::httpErrors).sum());
        return new FlowAnalyticsView(flowId, revision.version, since, until, totals, nodes, tally.edges());
    }

    private void read(Connection connection, UUID revision, Instant since, Instant until, String createdBy,
                      Map<Call.Status, Long> statuses, PathTally tally) throws SQLException {
        String calls = createdBy == null ? CALLS : CALLS + MADE_BY;
        try (PreparedStatement statement = connection.prepareStatement(STATUSES.formatted(calls))) {
            bind(statement, revision, since, until, createdBy);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    statuses.put(Call.Status.valueOf(rows.getString(1)), rows.getLong(2));
                }
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(EVENTS.formatted(calls, CallPath.EVENTS))) {
            bind(statement, revision, since, until, createdBy);
            statement.setFetchSize(5_000);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    tally.add(event(rows));
                }
            }
        }
    }

    private static void bind(PreparedStatement statement, UUID revision, Instant since, Instant until,
                             String createdBy) throws SQLException {
        statement.setObject(1, revision);
        statement.setObject(2, since.atOffset(ZoneOffset.UTC));
        statement.setObject(3, until.atOffset(ZoneOffset.UTC));
        if (createdBy != null) {
            statement.setString(4, createdBy);
        }
    }

    private PathTally.Event event(ResultSet rows) throws SQLException {
        String reason = rows.getString(6);
        Object ok = rows.getObject(11);
        return new PathTally.Event(rows.getObject(1, UUID.class), Call.Status.valueOf(rows.getString(2)),
                rows.getString(3), rows.getString(4), rows.getObject(5, OffsetDateTime.class).toInstant(),
                reason == null ? null : RouteReason.valueOf(reason), rows.getString(7), rows.getString(8),
                nodes(rows.getString(9)), nodes(rows.getString(10)), (Boolean) ok);
    }

    private List<String> nodes(String array) {
        try {
            return array == null ? null : json.readValue(array, NODES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
