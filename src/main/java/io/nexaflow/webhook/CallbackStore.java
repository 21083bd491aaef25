package io.nexaflow.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.nexaflow.call.Call;
import io.nexaflow.call.CallEvent;
import io.nexaflow.call.StatusChange;
import io.nexaflow.commit.GroupCommit;
import io.nexaflow.config.NexaflowConfig;
import io.nexaflow.engine.FlowProgram;
import io.nexaflow.engine.Turn;
import io.nexaflow.telemetry.Tracing;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Makes callbacks durable: their SQL, written through a {@link GroupCommit} (one statement per batch, answered
 * after commit), and the classification of callbacks that were not recorded (duplicate or rejected).
 */
@ApplicationScoped
public class CallbackStore {

    /** What the store writes: a routed callback, or an audit event on its own. */
    public sealed interface Write permits CallbackWrite, EventWrite {
    }

    private static final String FLOW_ENDED = "the flow ended";

    /**
     * One statement per batch: record each callback once with the verb it was answered (the partial unique index
     * decides), then for the fresh ones the numbers dialled, the completion, and the call's new state. Package-private:
     * CallbackSqlFileTest keeps bench/lib/callback-write.sql, the benchmark's database ceiling, equal to it.
     */
    static final String WRITE_CALLBACKS = """
            WITH input AS (
                SELECT * FROM unnest(?::uuid[], ?::text[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[],
                                     ?::text[], ?::text[], ?::text[], ?::text[], ?::bool[], ?::timestamptz[],
                                     ?::text[])
                    AS t(call_id, platform_call_id, node, attempt, dtmf, route, callback, verb, next_node,
                         attempts, dialed, ended, at, variables)
            ), live AS (
                SELECT i.*, c.status AS old_status FROM input i JOIN call c ON c.id = i.call_id
                 WHERE c.status IN %1$s
                   AND (c.platform_call_id IS NULL OR c.platform_call_id = i.platform_call_id)
            ), recorded AS (
                INSERT INTO call_event (call_id, type, node, attempt, dtmf, route, payload, verb, at)
                SELECT call_id, 'DTMF', node, attempt, dtmf, route, callback::jsonb, verb::jsonb, at FROM live
                ON CONFLICT (call_id, node, attempt) WHERE type = 'DTMF' DO NOTHING
                RETURNING call_id, node, attempt
            ), fresh AS (
                SELECT l.* FROM live l JOIN recorded r USING (call_id, node, attempt)
            ), followers AS (
                INSERT INTO call_event (call_id, type, node, attempt, payload, at)
                SELECT f.call_id, 'DIAL', f.node, f.attempt, jsonb_build_object('number', d.number), f.at
                  FROM fresh f, jsonb_array_elements_text(f.dialed::jsonb) AS d(number)
                UNION ALL
                SELECT call_id, 'STATUS', next_node, NULL,
                       %2$s, at
                  FROM fresh WHERE ended
            ), advanced AS (
                -- Only when a reader needs the row to change: the status (the call ended, or its first callback
                -- overtook the originate's answer), Nexafone's callId, a number dialled, new variables. Where a
                -- call waits and its gather attempts are read from its latest DTMF row instead (call.CallState).
                -- No index may name a column set here, or the update cannot be HOT (HotCallUpdateTest).
                UPDATE call c SET current_node = f.next_node,
                                  attempts = f.attempts::jsonb,
                                  status = CASE WHEN f.ended THEN %3$s ELSE %4$s END,
                                  ended_at = CASE WHEN f.ended THEN f.at ELSE c.ended_at END,
                                  bridged_to = COALESCE(f.dialed::jsonb ->> -1, c.bridged_to),
                                  platform_call_id = COALESCE(c.platform_call_id, f.platform_call_id),
                                  variables = COALESCE(f.variables::jsonb, c.variables),
                                  updated_at = f.at
                  FROM fresh f WHERE c.id = f.call_id
                   AND (f.ended OR c.status <> %4$s OR c.platform_call_id IS NULL OR f.dialed <> '[]'
                        OR (f.variables IS NOT NULL AND f.variables::jsonb IS DISTINCT FROM c.variables))
            )
            SELECT call_id, node, attempt FROM recorded""".formatted(Call.Status.sql(Call.Status.LIVE),
            StatusChange.sqlEvent("old_status", StatusChange.sql(Call.Status.COMPLETED), "'" + FLOW_ENDED + "'"),
            StatusChange.sql(Call.Status.COMPLETED), StatusChange.sql(Call.Status.IN_PROGRESS));

    /** For callbacks that were not recorded: an earlier answer to repeat, or why the call does not take it. */
    private static final String CLASSIFY = """
            SELECT i.idx, c.id IS NOT NULL, c.status, c.platform_call_id, v.verb::text
              FROM unnest(?::uuid[], ?::text[], ?::int[], ?::int[]) AS i(call_id, node, attempt, idx)
              LEFT JOIN call c ON c.id = i.call_id
              LEFT JOIN call_event v ON v.call_id = i.call_id AND v.node = i.node AND v.attempt = i.attempt
                                    AND v.type = 'DTMF'""";

    private static final String WRITE_EVENTS = """
            INSERT INTO call_event (call_id, type, node, attempt, dtmf, payload, at)
            SELECT call_id, type, node, attempt, dtmf, payload::jsonb, at
              FROM unnest(?::uuid[], ?::text[], ?::text[], ?::int[], ?::text[], ?::text[], ?::timestamptz[])
                AS t(call_id, type, node, attempt, dtmf, payload, at)""";

    private final ObjectMapper json;
    private final GroupCommit<Write, CallbackWriteResult> commit;
    private final long stallAfterNanos;

    public CallbackStore(AgroalDataSource dataSource, ObjectMapper json, NexaflowConfig config, MeterRegistry meters,
                         Tracing tracing) {
        this.json = json;
        NexaflowConfig.Callback callback = config.callback();
        this.stallAfterNanos = callback.stallAfter().toNanos();
        this.commit = new GroupCommit<>(dataSource, this::write, CallbackWriteResult.Failed::new,
                new GroupCommit.Names("callback-writer", "nexaflow.callback", "callback"),
                new GroupCommit.Sizes(callback.queueCapacity(), callback.writers(), callback.maxBatch()), meters,
                tracing.tracer());
    }

    void start(@Observes StartupEvent startup) {
        commit.start();
    }

    /** After HTTP stopped taking requests: finish what is queued, then stop. */
    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        commit.stop();
    }

    /** Queues a callback's write; the future completes after commit (or with a failure, never exceptionally). */
    public CompletableFuture<CallbackWriteResult> submit(CallbackWrite write) {
        return commit.submit(write);
    }

    /** True when PostgreSQL is not answering: waiting for a commit is not worth a caller's time (see stall-after). */
    public boolean stalled() {
        return commit.stalled(stallAfterNanos);
    }

    /** Queues an audit event on its own. */
    public CompletableFuture<CallbackWriteResult> record(EventWrite event) {
        return commit.submit(event);
    }

    /** One batch, in one transaction: callbacks in one statement, then the not-recorded ones classified, then events. */
    private List<CallbackWriteResult> write(Connection connection, List<Write> batch) throws Exception {
        CallbackWriteResult[] results = new CallbackWriteResult[batch.size()];
        Map<CallbackWrite.Key, Integer> callbacks = new LinkedHashMap<>();
        int[] sameAs = null;
        List<EventWrite> events = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i) instanceof CallbackWrite callback) {
                Integer first = callbacks.putIfAbsent(callback.key(), i);
                if (first != null) {
                    // the same callback twice in one batch: one write, one answer
                    if (sameAs == null) {
                        sameAs = new int[batch.size()];
                        Arrays.fill(sameAs, -1);
                    }
                    sameAs[i] = first;
                }
            } else {
                events.add((EventWrite) batch.get(i));
                results[i] = CallbackWriteResult.ACCEPTED;
            }
        }
        if (!callbacks.isEmpty()) {
            List<CallbackWrite> unique = new ArrayList<>(callbacks.size());
            for (int i : callbacks.values()) {
                unique.add((CallbackWrite) batch.get(i));
            }
            Set<CallbackWrite.Key> recorded = writeCallbacks(connection, unique);
            List<CallbackWrite> others = new ArrayList<>();
            for (var entry : callbacks.entrySet()) {
                if (recorded.contains(entry.getKey())) {
                    results[entry.getValue()] = CallbackWriteResult.ACCEPTED;
                } else {
                    others.add((CallbackWrite) batch.get(entry.getValue()));
                }
            }
            if (!others.isEmpty()) {
                CallbackWriteResult[] classified = classify(connection, others, events);
                for (int i = 0; i < others.size(); i++) {
                    results[callbacks.get(others.get(i).key())] = classified[i];
                }
            }
        }
        if (!events.isEmpty()) {
            writeEvents(connection, events);
        }
        if (sameAs != null) {
            for (int i = 0; i < sameAs.length; i++) {
                if (sameAs[i] >= 0) {
                    results[i] = results[sameAs[i]];
                }
            }
        }
        return Arrays.asList(results);
    }

    private Set<CallbackWrite.Key> writeCallbacks(Connection connection, List<CallbackWrite> writes) throws Exception {
        int n = writes.size();
        UUID[] calls = new UUID[n];
        String[] platformIds = new String[n], nodes = new String[n], dtmfs = new String[n], routes = new String[n],
                payloads = new String[n], verbs = new String[n], nextNodes = new String[n], attemptMaps = new String[n],
                dialed = new String[n], variables = new String[n];
        Integer[] attempts = new Integer[n];
        Boolean[] ended = new Boolean[n];
        String[] at = new String[n];
        for (int i = 0; i < n; i++) {
            CallbackWrite w = writes.get(i);
            Turn path = w.step().turn();
            calls[i] = w.call();
            platformIds[i] = w.platformCallId();
            nodes[i] = w.node();
            attempts[i] = w.attempt();
            dtmfs[i] = w.dtmf();
            routes[i] = w.step().routing().target();
            payloads[i] = callbackPayload(w);
            verbs[i] = w.verb();
            nextNodes[i] = path.gather() != null ? path.gather()
                    : path.nodes().isEmpty() ? null : path.nodes().get(path.nodes().size() - 1);
            attemptMaps[i] = json.writeValueAsString(path.attempts().asMap());
            dialed[i] = json.writeValueAsString(path.dialed());
            ended[i] = path.ended();
            at[i] = w.at().toString();
            variables[i] = w.variables();
        }
        Set<CallbackWrite.Key> recorded = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement(WRITE_CALLBACKS)) {
            int p = 1;
            statement.setArray(p++, connection.createArrayOf("uuid", calls));
            for (Object[] column : new Object[][] {platformIds, nodes}) {
                statement.setArray(p++, connection.createArrayOf("text", column));
            }
            statement.setArray(p++, connection.createArrayOf("int4", attempts));
            for (Object[] column : new Object[][] {dtmfs, routes, payloads, verbs, nextNodes, attemptMaps, dialed}) {
                statement.setArray(p++, connection.createArrayOf("text", column));
            }
            statement.setArray(p++, connection.createArrayOf("bool", ended));
            statement.setArray(p++, connection.createArrayOf("text", at));
            statement.setArray(p, connection.createArrayOf("text", variables));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    recorded.add(new CallbackWrite.Key(rows.getObject(1, UUID.class), rows.getString(2), rows.getInt(3)));
                }
            }
        }
        return recorded;
    }

    private CallbackWriteResult[] classify(Connection connection, List<CallbackWrite> writes, List<EventWrite> events)
            throws Exception {
        int n = writes.size();
        UUID[] calls = new UUID[n];
        String[] nodes = new String[n];
        Integer[] attempts = new Integer[n], index = new Integer[n];
        for (int i = 0; i < n; i++) {
            calls[i] = writes.get(i).call();
            nodes[i] = writes.get(i).node();
            attempts[i] = writes.get(i).attempt();
            index[i] = i;
        }
        CallbackWriteResult[] results = new CallbackWriteResult[n];
        try (PreparedStatement statement = connection.prepareStatement(CLASSIFY)) {
            statement.setArray(1, connection.createArrayOf("uuid", calls));
            statement.setArray(2, connection.createArrayOf("text", nodes));
            statement.setArray(3, connection.createArrayOf("int4", attempts));
            statement.setArray(4, connection.createArrayOf("int4", index));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    int i = rows.getInt(1);
                    results[i] = classify(writes.get(i), new Found(rows.getBoolean(2), rows.getString(3),
                            rows.getString(4), rows.getString(5)), events);
                }
            }
        }
        return results;
    }

    /** What the database holds for a callback that was not recorded: its call (if any) and an earlier answer. */
    record Found(boolean callExists, String status, String platformCallId, String storedVerb) {
    }

    /**
     * Why a callback was not recorded: a second delivery (answer what was answered then), or a call that does
     * not take it (an unknown call, another callId, an ended call), which is audited as CALLBACK_REJECTED.
     */
    static CallbackWriteResult classify(CallbackWrite w, Found found, List<EventWrite> events) {
        if (found.storedVerb() != null) {
            return new CallbackWriteResult.Duplicate(found.storedVerb());
        }
        String reason;
        if (!found.callExists()) {
            reason = "unknown call";
        } else if (found.platformCallId() != null && !found.platformCallId().equals(w.platformCallId())) {
            reason = "callId " + w.platformCallId() + " is not the call's callId";
        } else {
            reason = "call is " + found.status();
        }
        events.add(EventWrite.refusedCallback(CallEvent.Type.CALLBACK_REJECTED, found.callExists() ? w.call() : null,
                w.node(), w.attempt(), w.platformCallId(), w.dtmf(), w.channelId(), reason, w.at()));
        return new CallbackWriteResult.Rejected(reason);
    }

    private void writeEvents(Connection connection, List<EventWrite> events) throws SQLException {
        int n = events.size();
        UUID[] calls = new UUID[n];
        String[] types = new String[n], nodes = new String[n], dtmfs = new String[n], payloads = new String[n];
        Integer[] attempts = new Integer[n];
        String[] at = new String[n];
        for (int i = 0; i < n; i++) {
            EventWrite e = events.get(i);
            calls[i] = e.call();
            types[i] = e.type().name();
            nodes[i] = e.node();
            attempts[i] = e.attempt();
            dtmfs[i] = e.dtmf();
            payloads[i] = e.payload();
            at[i] = e.at().toString();
        }
        try (PreparedStatement statement = connection.prepareStatement(WRITE_EVENTS)) {
            statement.setArray(1, connection.createArrayOf("uuid", calls));
            statement.setArray(2, connection.createArrayOf("text", types));
            statement.setArray(3, connection.createArrayOf("text", nodes));
            statement.setArray(4, connection.createArrayOf("int4", attempts));
            statement.setArray(5, connection.createArrayOf("text", dtmfs));
            statement.setArray(6, connection.createArrayOf("text", payloads));
            statement.setArray(7, connection.createArrayOf("text", at));
            statement.executeUpdate();
        }
    }

    /** What a DTMF event records beside its columns; written by Jackson straight from a record, no tree. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CallbackPayload(String callId, String channelId, String digits, String reason, String target,
                           List<String> entered, String gather, List<String> exhausted,
                           Map<String, Integer> attempts) {
    }

    private String callbackPayload(CallbackWrite w) throws Exception {
        FlowProgram.Routed step = w.step();
        return json.writeValueAsString(new CallbackPayload(w.platformCallId(), w.channelId(), step.routing().digits(),
                step.routing().reason().name(), step.routing().target(), step.turn().nodes(), step.turn().gather(),
                step.turn().exhausted().isEmpty() ? null : step.turn().exhausted(), step.turn().attempts().asMap()));
    }
}
