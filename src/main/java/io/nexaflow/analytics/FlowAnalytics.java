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
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Per-node flow analytics (docs/architecture.md, "Flow analytics"): what the calls of one revision did, read from
 * the steps of their audit trail (call.CallPath: the path's events and the requests of http nodes). PostgreSQL
 * does the per-call work: it groups the calls whose steps are the same (one row per distinct path, with how many
 * calls took it) and takes each gather's median wait; PathTally then counts each distinct path once, weighted. So
 * only aggregates cross the wire, however many calls the range holds. Both statements read the steps from the
 * index call_event_steps alone (V11). No state of its own; the REST resource and the campaign results
 * ({@code GET /v1/campaigns/{id}/analytics}) both ask it.
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

    /**
     * The calls by status and steps: one row per distinct (status, steps in order), with how many calls; a call
     * without steps has NULL steps (it counts in the statuses only).
     */
    private static final String PATHS = """
            SELECT p.status, to_jsonb(p.steps)::text, count(*)
              FROM (SELECT c.status, array_agg(%1$s ORDER BY e.id) FILTER (WHERE %1$s IS NOT NULL) AS steps
                      FROM call c LEFT JOIN call_event e ON e.call_id = c.id AND %1$s IS NOT NULL
                     WHERE %2$s
                     GROUP BY c.id) p
             GROUP BY p.status, p.steps""";

    /**
     * Per gather, the median of its waits: from the call's previous step of the path (for the first gather, the
     * originate) to the input, in whole milliseconds. percentile_disc(0.5) is the lower median, a wait that
     * happened; it is taken over the intervals themselves (whole milliseconds keep their order), so only the
     * medians are converted.
     */
    private static final String MEDIAN_WAITS = """
            SELECT m.node, floor(extract(epoch FROM m.waited) * 1000)::bigint
              FROM (SELECT w.node, percentile_disc(0.5) WITHIN GROUP (ORDER BY GREATEST(interval '0', w.waited))
                               AS waited
                      FROM (SELECT e.type, e.step ->> 'node' AS node,
                                   e.at - lag(e.at) OVER (PARTITION BY e.call_id ORDER BY e.id) AS waited
                              FROM call c JOIN call_event e ON e.call_id = c.id
                             WHERE %s AND %s) w
                     WHERE w.type = 'DTMF' AND w.waited IS NOT NULL
                     GROUP BY w.node) m""";

    private static final TypeReference<List<Step>> STEPS = new TypeReference<>() {
    };

    /** One element of a path as call_event_step writes it (V11). */
    private record Step(String type, String node, RouteReason reason, String digits, String target,
                        List<String> entered, List<String> exhausted, Boolean ok) {
    }

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
        Map<String, Long> medianWaits = new HashMap<>();
        try (Connection connection = dataSource.getConnection()) {
            // One snapshot for both statements, and a cursor (autocommit off) so rows stream FETCH at a time.
            int isolation = connection.getTransactionIsolation();
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                read(connection, revision.id, since, until, createdBy, statuses, tally, medianWaits);
            } finally {
                connection.rollback();
                connection.setTransactionIsolation(isolation);
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("analytics query failed: " + e.getMessage(), e);
        }
        var nodes = tally.nodes(medianWaits);
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
                      Map<Call.Status, Long> statuses, PathTally tally, Map<String, Long> medianWaits)
            throws SQLException {
        String calls = createdBy == null ? CALLS : CALLS + MADE_BY;
        // Sorting a range's calls by id for the join takes more than the default 4 MB. Parallel workers were
        // slower on the shared cores (a week: 1 s instead of 0.35 s in the bench) and one request must not take
        // the cores from the callbacks; the scans are in call order, so one process does it in a single pass.
        try (var statement = connection.createStatement()) {
            statement.execute("SET LOCAL work_mem = '64MB'");
            statement.execute("SET LOCAL max_parallel_workers_per_gather = 0");
            // A plan for the range given: a generic one (the driver prepares a statement used five times) guesses a
            // handful of calls and probes the index once per call, 3 s instead of 0.8 s for 100,000 calls.
            statement.execute("SET LOCAL plan_cache_mode = force_custom_plan");
        }
        try (PreparedStatement statement = connection.prepareStatement(PATHS.formatted(CallPath.STEP, calls))) {
            bind(statement, revision, since, until, createdBy);
            try (ResultSet rows = statement.executeQuery()) {
                long path = 0;
                while (rows.next()) {
                    Call.Status status = Call.Status.valueOf(rows.getString(1));
                    long n = rows.getLong(3);
                    statuses.merge(status, n, Long::sum);
                    String steps = rows.getString(2);
                    if (steps != null) {
                        // Each distinct path is one "call" of the tally, weighted by the calls that took it.
                        UUID call = new UUID(0, ++path);
                        for (Step step : steps(steps)) {
                            tally.add(new PathTally.Event(call, status, step.type(), step.node(), step.reason(),
                                    step.digits(), step.target(), step.entered(), step.exhausted(), step.ok()), n);
                        }
                    }
                }
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(
                MEDIAN_WAITS.formatted(calls, CallPath.EVENTS))) {
            bind(statement, revision, since, until, createdBy);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    medianWaits.put(rows.getString(1), rows.getLong(2));
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

    private List<Step> steps(String array) {
        try {
            return json.readValue(array, STEPS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
