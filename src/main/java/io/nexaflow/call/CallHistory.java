package io.nexaflow.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.nexaflow.api.Cursor;
import io.nexaflow.api.Page;
import io.nexaflow.api.PageRequest;
import io.nexaflow.export.Column;
import io.nexaflow.export.Export;
import io.nexaflow.export.ExportFormat;
import io.nexaflow.export.QueryExport;
import io.nexaflow.export.ExportWriter;
import io.nexaflow.call.CallDtos.CallView;
import io.nexaflow.call.CallDtos.DtmfView;
import io.nexaflow.call.CallDtos.EventView;
import io.nexaflow.problem.ProblemException;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.StreamingOutput;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The read side of the audit trail (docs/architecture.md, "Data model"): calls and DTMF inputs by number, flow, revision, status
 * and time, newest first. Pages use keyset cursors; exports stream from a database cursor, row by row.
 */
@ApplicationScoped
public class CallHistory {

    private static final Logger LOG = Logger.getLogger(CallHistory.class);

    /** Rows per round trip of an export's database cursor: memory stays at about this many rows. */
    static final int FETCH_SIZE = QueryExport.FETCH_SIZE;

    private static final String CALLS = """
            SELECT c.id, c.platform_call_id, c.kind, c.status, c.flow_id, c.flow_version, c.from_number, c.to_number,
                   %s, (%s)::text, c.bridged_to, c.error, c.created_at, %s, c.ended_at, c.anonymised_at
              FROM call c %s""".formatted(LatestPress.CURRENT_NODE, LatestPress.ATTEMPTS, LatestPress.UPDATED_AT,
            LatestPress.JOIN);

    private static final String DTMF = """
            SELECT e.id, e.call_id, c.platform_call_id, c.flow_id, c.flow_version, c.from_number, c.to_number,
                   e.node, e.attempt, e.dtmf, e.route, e.payload ->> 'reason', e.at
              FROM call_event e JOIN call c ON c.id = e.call_id""";

    static final List<Column<CallView>> CALL_COLUMNS = List.of(
            Column.of("id", CallView::id),
            Column.of("callId", CallView::callId),
            Column.of("kind", CallView::kind),
            Column.of("status", CallView::status),
            Column.of("flowId", CallView::flowId),
            Column.of("flowVersion", CallView::flowVersion),
            Column.of("from", CallView::from),
            Column.of("to", CallView::to),
            Column.of("currentNode", CallView::currentNode),
            Column.of("attempts", CallView::attempts),
            Column.of("bridgedTo", CallView::bridgedTo),
            Column.of("error", CallView::error),
            Column.of("createdAt", CallView::createdAt),
            Column.of("updatedAt", CallView::updatedAt),
            Column.of("endedAt", CallView::endedAt),
            Column.of("anonymisedAt", CallView::anonymisedAt));

    static final List<Column<DtmfView>> DTMF_COLUMNS = List.of(
            Column.of("seq", DtmfView::seq),
            Column.of("at", DtmfView::at),
            Column.of("call", DtmfView::call),
            Column.of("callId", DtmfView::callId),
            Column.of("flowId", DtmfView::flowId),
            Column.of("flowVersion", DtmfView::flowVersion),
            Column.of("from", DtmfView::from),
            Column.of("to", DtmfView::to),
            Column.of("node", DtmfView::node),
            Column.of("attempt", DtmfView::attempt),
            Column.of("digits", DtmfView::digits),
            Column.of("route", DtmfView::route),
            Column.of("reason", DtmfView::reason));

    /** Reads one row of a result into its view. */
    @FunctionalInterface
    private interface Row<V> {
        V read(ResultSet rows) throws SQLException;
    }

    private final AgroalDataSource dataSource;
    private final ObjectMapper json;

    public CallHistory(AgroalDataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    public Page<CallView> calls(CallFilter filter, PageRequest<Cursor> page) {
        Query query = callQuery(filter);
        if (page.after() != null) {
            query.and("(c.created_at, c.id) < (?, ?)", page.after().at(), page.after().uuid());
        }
        List<CallView> calls = fetch(query.sql("c.created_at DESC, c.id DESC", page.fetch()), query.params, this::call);
        return page.page(calls, c -> new Cursor(c.createdAt(), c.id().toString()).encode());
    }

    public Page<DtmfView> dtmf(CallFilter filter, PageRequest<Cursor> page) {
        Query query = dtmfQuery(filter);
        if (page.after() != null) {
            query.and("(e.at, e.id) < (?, ?)", page.after().at(), page.after().sequence());
        }
        List<DtmfView> inputs = fetch(query.sql("e.at DESC, e.id DESC", page.fetch()), query.params, CallHistory::dtmf);
        return page.page(inputs, d -> new Cursor(d.at(), String.valueOf(d.seq())).encode());
    }

    /** One call with its whole audit trail, oldest event first. */
    @Transactional
    public CallView callWithEvents(UUID id) {
        Call call = find(id);
        List<CallEvent> events = CallEvent.list("call", Sort.ascending("id"), id);
        return CallView.of(call, events);
    }

    /** The nodes a call went through, in order (call.CallPath); empty for a call that entered none. */
    public List<String> path(UUID id) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT " + CallPath.nodes("?"))) {
            statement.setObject(1, id);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                java.sql.Array nodes = rows.getArray(1);
                return nodes == null ? List.of() : List.of((String[]) nodes.getArray());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("audit query failed: " + e.getMessage(), e);
        }
    }

    /** A page of one call's events, oldest first, after the event whose seq the request names (0: from the start). */
    @Transactional
    public Page<EventView> events(UUID id, PageRequest<Long> page) {
        find(id);
        List<CallEvent> events = CallEvent.find("call = ?1 and id > ?2", Sort.ascending("id"), id, page.after())
                .page(0, page.fetch()).list();
        return EventView.page(events, page);
    }

    /** Every call the filter matches, newest first, written to the response as the database hands them over. */
    public Export exportCalls(CallFilter filter, ExportFormat format, String who) {
        Query query = callQuery(filter);
        return new Export(stream(query.sql("c.created_at DESC, c.id DESC", 0), query.params, this::call, CALL_COLUMNS,
                format, "calls for " + who), format, "calls");
    }

    public Export exportDtmf(CallFilter filter, ExportFormat format, String who) {
        Query query = dtmfQuery(filter);
        return new Export(stream(query.sql("e.at DESC, e.id DESC", 0), query.params, CallHistory::dtmf, DTMF_COLUMNS,
                format, "DTMF history for " + who), format, "dtmf");
    }

    private static Call find(UUID id) {
        Call call = Call.findById(id);
        if (call == null) {
            throw ProblemException.notFound("No call " + id);
        }
        return call;
    }

    private static Query callQuery(CallFilter filter) {
        Query query = new Query(CALLS);
        callConditions(query, filter);
        query.and("c.created_at >= ?", filter.since());
        query.and("c.created_at < ?", filter.until());
        return query;
    }

    private static Query dtmfQuery(CallFilter filter) {
        Query query = new Query(DTMF);
        query.and("e.type = 'DTMF'");
        callConditions(query, filter);
        query.and("e.at >= ?", filter.since());
        query.and("e.at < ?", filter.until());
        return query;
    }

    private static void callConditions(Query query, CallFilter filter) {
        query.and("c.from_number = ?", filter.from());
        query.and("c.to_number = ?", filter.to());
        query.and("c.flow_id = ?", filter.flowId());
        query.and("c.flow_version = ?", filter.flowVersion());
        if (filter.statuses().size() == 1) {
            query.and("c.status = ?", filter.statuses().iterator().next().name());
        } else if (!filter.statuses().isEmpty()) {
            query.and("c.status = ANY (?)", (Object) filter.statuses().stream().map(Enum::name).toArray(String[]::new));
        }
    }

    private <V> List<V> fetch(String sql, List<Object> params, Row<V> row) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(connection, statement, params);
            List<V> found = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    found.add(row.read(rows));
                }
            }
            return found;
        } catch (SQLException e) {
            throw new IllegalStateException("audit query failed: " + e.getMessage(), e);
        }
    }

    private <V> StreamingOutput stream(String sql, List<Object> params, Row<V> row, List<Column<V>> columns,
                                       ExportFormat format, String what) {
        return QueryExport.stream(dataSource, sql, (connection, statement) -> bind(connection, statement, params),
                row::read, columns, json, format, what);
    }

    private CallView call(ResultSet rows) throws SQLException {
        return new CallView(rows.getObject(1, UUID.class), rows.getString(2), Call.Kind.valueOf(rows.getString(3)),
                Call.Status.valueOf(rows.getString(4)), rows.getObject(5, UUID.class), (Integer) rows.getObject(6),
                rows.getString(7), rows.getString(8), rows.getString(9), jsonb(rows.getString(10)), rows.getString(11),
                rows.getString(12), instant(rows, 13), instant(rows, 14), instant(rows, 15), instant(rows, 16), null, null);
    }

    private static DtmfView dtmf(ResultSet rows) throws SQLException {
        return new DtmfView(rows.getLong(1), rows.getObject(2, UUID.class), rows.getString(3),
                rows.getObject(4, UUID.class), (Integer) rows.getObject(5), rows.getString(6), rows.getString(7),
                rows.getString(8), (Integer) rows.getObject(9), rows.getString(10), rows.getString(11),
                rows.getString(12), instant(rows, 13));
    }

    private JsonNode jsonb(String text) {
        try {
            return text == null ? null : json.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Instant instant(ResultSet rows, int column) throws SQLException {
        OffsetDateTime at = rows.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    private static void bind(Connection connection, PreparedStatement statement, List<Object> params)
            throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object value = params.get(i);
            if (value instanceof Instant at) {
                statement.setObject(i + 1, at.atOffset(ZoneOffset.UTC));
            } else if (value instanceof String[] texts) {
                statement.setArray(i + 1, connection.createArrayOf("text", texts));
            } else {
                statement.setObject(i + 1, value);
            }
        }
    }

    /** A SELECT and its AND-ed conditions; a condition whose value is absent is left out. */
    private static final class Query {
        private final StringBuilder sql;
        private final List<Object> params = new ArrayList<>();
        private boolean where;

        Query(String select) {
            this.sql = new StringBuilder(select);
        }

        void and(String condition, Object... values) {
            for (Object value : values) {
                if (value == null) {
                    return;
                }
            }
            sql.append(where ? "\n   AND " : "\n WHERE ").append(condition);
            where = true;
            params.addAll(List.of(values));
        }

        /** The limit is written into the SQL, not bound: a plan that knows it wants 51 rows walks an index. */
        String sql(String order, int limit) {
            return sql + "\n ORDER BY " + order + (limit > 0 ? "\n LIMIT " + limit : "");
        }
    }
}
