package io.nexaflow.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.DistributionSummary;
import io.nexaflow.call.CallEvent;
import io.nexaflow.config.NexaflowConfig;
import io.nexaflow.engine.FlowProgram;
import io.nexaflow.engine.Path;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Makes callbacks durable with group commit (ARCHITECTURE §11): handlers queue their writes; each writer thread
 * takes everything queued, writes it as one statement, commits, and only then completes the handlers' futures.
 * Nothing is answered before its row is committed. A failed batch is retried one by one, so one bad
 * callback cannot fail its neighbours.
 */
@ApplicationScoped
public class CallbackWriter {

    private static final Logger LOG = Logger.getLogger(CallbackWriter.class);

    /** Statuses in which a call still takes callbacks (UNKNOWN: the platform may have placed it after all). */
    static final String LIVE = "('ORIGINATING', 'IN_PROGRESS', 'UNKNOWN')";

    /**
     * One statement per batch: record each callback once (the partial unique index decides), then for the
     * fresh ones the verb sent, the numbers dialled, the completion, and the call's new state.
     */
    private static final String WRITE_CALLBACKS = """
            WITH input AS (
                SELECT * FROM unnest(?::uuid[], ?::text[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[],
                                     ?::text[], ?::text[], ?::text[], ?::text[], ?::bool[], ?::timestamptz[])
                    AS t(call_id, platform_call_id, node, attempt, dtmf, route, callback, verb, next_node,
                         attempts, dialed, ended, at)
            ), live AS (
                SELECT i.*, c.status AS old_status FROM input i JOIN call c ON c.id = i.call_id
                 WHERE c.status IN""" + LIVE + """
                   AND (c.platform_call_id IS NULL OR c.platform_call_id = i.platform_call_id)
            ), recorded AS (
                INSERT INTO call_event (call_id, type, node, attempt, dtmf, route, payload, at)
                SELECT call_id, 'DTMF', node, attempt, dtmf, route, callback::jsonb, at FROM live
                ON CONFLICT (call_id, node, attempt) WHERE type = 'DTMF' DO NOTHING
                RETURNING call_id, node, attempt
            ), fresh AS (
                SELECT l.* FROM live l JOIN recorded r USING (call_id, node, attempt)
            ), followers AS (
                INSERT INTO call_event (call_id, type, node, attempt, payload, at)
                SELECT call_id, 'VERB_SENT', node, attempt, verb::jsonb, at FROM fresh
                UNION ALL
                SELECT f.call_id, 'DIAL', f.node, f.attempt, jsonb_build_object('number', d.number), f.at
                  FROM fresh f, jsonb_array_elements_text(f.dialed::jsonb) AS d(number)
                UNION ALL
                SELECT call_id, 'STATUS', next_node, NULL,
                       jsonb_build_object('from', old_status, 'to', 'COMPLETED', 'reason', 'the flow ended'), at
                  FROM fresh WHERE ended
            ), advanced AS (
                -- No index may name a column set here, or the update cannot be HOT (HotCallUpdateTest).
                UPDATE call c SET current_node = f.next_node,
                                  attempts = f.attempts::jsonb,
                                  status = CASE WHEN f.ended THEN 'COMPLETED' ELSE 'IN_PROGRESS' END,
                                  ended_at = CASE WHEN f.ended THEN f.at ELSE c.ended_at END,
                                  bridged_to = COALESCE(f.dialed::jsonb ->> -1, c.bridged_to),
                                  platform_call_id = COALESCE(c.platform_call_id, f.platform_call_id),
                                  updated_at = f.at
                  FROM fresh f WHERE c.id = f.call_id
            )
            SELECT call_id, node, attempt FROM recorded""";

    /** For callbacks that were not recorded: an earlier answer to repeat, or why the call does not take it. */
    private static final String CLASSIFY = """
            SELECT i.idx, c.id IS NOT NULL, c.status, c.platform_call_id, v.payload::text
              FROM unnest(?::uuid[], ?::text[], ?::int[], ?::int[]) AS i(call_id, node, attempt, idx)
              LEFT JOIN call c ON c.id = i.call_id
              LEFT JOIN call_event v ON v.call_id = i.call_id AND v.node = i.node AND v.attempt = i.attempt
                                    AND v.type = 'VERB_SENT'""";

    private static final String WRITE_EVENTS = """
            INSERT INTO call_event (call_id, type, node, attempt, dtmf, payload, at)
            SELECT call_id, type, node, attempt, dtmf, payload::jsonb, at
              FROM unnest(?::uuid[], ?::text[], ?::text[], ?::int[], ?::text[], ?::text[], ?::timestamptz[])
                AS t(call_id, type, node, attempt, dtmf, payload, at)""";

    private record Pending(Object write, CompletableFuture<Outcome> done) {
    }

    private final AgroalDataSource dataSource;
    private final ObjectMapper json;
    private final BlockingQueue<Pending> queue;
    private final int writers;
    private final int maxBatch;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    private final Timer commits;
    private final DistributionSummary batchSizes;
    private final Counter retriedBatches;
    private final Counter shed;

    public CallbackWriter(AgroalDataSource dataSource, ObjectMapper json, NexaflowConfig config, MeterRegistry meters) {
        this.dataSource = dataSource;
        this.json = json;
        this.queue = new ArrayBlockingQueue<>(config.callback().queueCapacity());
        this.writers = config.callback().writers();
        this.maxBatch = config.callback().maxBatch();
        this.commits = Timer.builder("nexaflow.callback.commit").description("One group commit of callbacks")
                .register(meters);
        this.batchSizes = DistributionSummary.builder("nexaflow.callback.batch.size")
                .description("Callbacks committed together").register(meters);
        this.retriedBatches = Counter.builder("nexaflow.callback.batch.retried")
                .description("Batches that failed and were retried one by one").register(meters);
        this.shed = Counter.builder("nexaflow.callback.shed")
                .description("Writes refused because the queue was full").register(meters);
        meters.gauge("nexaflow.callback.queue.depth", queue, BlockingQueue::size);
    }

    void start(@Observes StartupEvent startup) {
        running = true;
        for (int i = 0; i < writers; i++) {
            Thread thread = new Thread(this::run, "callback-writer-" + i);
            thread.start();
            threads.add(thread);
        }
    }

    /** After HTTP stopped taking requests: finish what is queued, then stop. */
    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(10_000);
        }
    }

    /** Queues a callback's write; the future completes after commit (or with a failure, never exceptionally). */
    public CompletableFuture<Outcome> submit(CallbackWrite write) {
        return enqueue(write);
    }

    /** Queues an audit event on its own. */
    public CompletableFuture<Outcome> record(EventWrite event) {
        return enqueue(event);
    }

    private CompletableFuture<Outcome> enqueue(Object write) {
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        if (!running || !queue.offer(new Pending(write, done))) {
            shed.increment();
            done.complete(new Outcome.Failed(running ? "the callback queue is full" : "shutting down"));
        }
        return done;
    }

    private void run() {
        Connection connection = null;
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                if (connection == null || connection.isClosed()) {
                    connection = open();
                }
                connection = process(connection, batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                // Could not even get a connection: every write of this batch fails, the next batch tries again.
                LOG.errorf("callback writer cannot reach the database: %s", e.getMessage());
                batch.forEach(p -> p.done.complete(new Outcome.Failed("database unavailable")));
                connection = closeQuietly(connection);
                pause();
            } finally {
                batch.clear();
            }
        }
        closeQuietly(connection);
    }

    /** Writes a batch; on failure retries its writes one by one. Returns the connection to go on with. */
    private Connection process(Connection connection, List<Pending> batch) throws SQLException {
        try {
            Map<Pending, Outcome> outcomes = commits.recordCallable(() -> write(connection, batch));
            connection.commit();
            batchSizes.record(batch.size());
            outcomes.forEach((pending, outcome) -> pending.done.complete(outcome));
            return connection;
        } catch (Exception e) {
            rollbackQuietly(connection);
            Connection usable = connection.isValid(1) ? connection : closeQuietly(connection);
            if (batch.size() == 1) {
                LOG.errorf("callback write failed: %s", e.getMessage());
                batch.get(0).done.complete(new Outcome.Failed("write failed"));
                return usable;
            }
            retriedBatches.increment();
            for (Pending pending : batch) {
                if (usable == null) {
                    usable = open();
                }
                usable = process(usable, List.of(pending));
            }
            return usable;
        }
    }

    private Map<Pending, Outcome> write(Connection connection, List<Pending> batch) throws Exception {
        Map<Pending, Outcome> outcomes = new LinkedHashMap<>();
        Map<CallbackWrite.Key, Pending> callbacks = new LinkedHashMap<>();
        Map<Pending, Pending> sameAs = new HashMap<>();
        List<EventWrite> events = new ArrayList<>();
        for (Pending pending : batch) {
            if (pending.write instanceof CallbackWrite callback) {
                Pending first = callbacks.putIfAbsent(callback.key(), pending);
                if (first != null) {
                    sameAs.put(pending, first); // the same callback twice in one batch: one write, one answer
                }
            } else {
                events.add((EventWrite) pending.write);
                outcomes.put(pending, Outcome.ACCEPTED);
            }
        }
        if (!callbacks.isEmpty()) {
            Set<CallbackWrite.Key> recorded = writeCallbacks(connection, callbacks.keySet().stream()
                    .map(k -> (CallbackWrite) callbacks.get(k).write).toList());
            List<CallbackWrite> others = new ArrayList<>();
            for (var entry : callbacks.entrySet()) {
                if (recorded.contains(entry.getKey())) {
                    outcomes.put(entry.getValue(), Outcome.ACCEPTED);
                } else {
                    others.add((CallbackWrite) entry.getValue().write);
                }
            }
            if (!others.isEmpty()) {
                Outcome[] classified = classify(connection, others, events);
                for (int i = 0; i < others.size(); i++) {
                    outcomes.put(callbacks.get(others.get(i).key()), classified[i]);
                }
            }
        }
        if (!events.isEmpty()) {
            writeEvents(connection, events);
        }
        sameAs.forEach((pending, first) -> outcomes.put(pending, outcomes.get(first)));
        return outcomes;
    }

    private Set<CallbackWrite.Key> writeCallbacks(Connection connection, List<CallbackWrite> writes) throws Exception {
        int n = writes.size();
        UUID[] calls = new UUID[n];
        String[] platformIds = new String[n], nodes = new String[n], dtmfs = new String[n], routes = new String[n],
                payloads = new String[n], verbs = new String[n], nextNodes = new String[n], attemptMaps = new String[n],
                dialed = new String[n];
        Integer[] attempts = new Integer[n];
        Boolean[] ended = new Boolean[n];
        String[] at = new String[n];
        for (int i = 0; i < n; i++) {
            CallbackWrite w = writes.get(i);
            Path path = w.step().path();
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
            statement.setArray(p, connection.createArrayOf("text", at));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    recorded.add(new CallbackWrite.Key(rows.getObject(1, UUID.class), rows.getString(2), rows.getInt(3)));
                }
            }
        }
        return recorded;
    }

    private Outcome[] classify(Connection connection, List<CallbackWrite> writes, List<EventWrite> events)
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
        Outcome[] outcomes = new Outcome[n];
        try (PreparedStatement statement = connection.prepareStatement(CLASSIFY)) {
            statement.setArray(1, connection.createArrayOf("uuid", calls));
            statement.setArray(2, connection.createArrayOf("text", nodes));
            statement.setArray(3, connection.createArrayOf("int4", attempts));
            statement.setArray(4, connection.createArrayOf("int4", index));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    int i = rows.getInt(1);
                    CallbackWrite w = writes.get(i);
                    String storedVerb = rows.getString(5);
                    if (storedVerb != null) {
                        outcomes[i] = new Outcome.Duplicate(storedVerb);
                        continue;
                    }
                    String reason;
                    if (!rows.getBoolean(2)) {
                        reason = "unknown call";
                    } else if (rows.getString(4) != null && !rows.getString(4).equals(w.platformCallId())) {
                        reason = "callId " + w.platformCallId() + " is not the call's callId";
                    } else {
                        reason = "call is " + rows.getString(3);
                    }
                    outcomes[i] = new Outcome.Rejected(reason);
                    events.add(EventWrite.refusedCallback(CallEvent.Type.CALLBACK_REJECTED,
                            rows.getBoolean(2) ? w.call() : null, w.node(), w.attempt(), w.platformCallId(), w.dtmf(),
                            w.channelId(), reason, w.at()));
                }
            }
        }
        return outcomes;
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
                           List<String> entered, String gather, List<String> exhausted) {
    }

    private String callbackPayload(CallbackWrite w) throws Exception {
        FlowProgram.Step step = w.step();
        return json.writeValueAsString(new CallbackPayload(w.platformCallId(), w.channelId(), step.routing().digits(),
                step.routing().reason().name(), step.routing().target(), step.path().nodes(), step.path().gather(),
                step.path().exhausted().isEmpty() ? null : step.path().exhausted()));
    }

    private Connection open() throws SQLException {
        Connection connection = dataSource.getConnection();
        connection.setAutoCommit(false);
        return connection;
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException | RuntimeException ignored) {
            // the connection is replaced below when it is broken
        }
    }

    private static Connection closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException | RuntimeException ignored) {
                // already broken
            }
        }
        return null;
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
