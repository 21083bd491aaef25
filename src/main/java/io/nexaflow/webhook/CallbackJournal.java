package io.nexaflow.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nexaflow.engine.Attempts;
import io.nexaflow.engine.FlowProgram;
import io.nexaflow.engine.RouteReason;
import io.nexaflow.engine.Routing;
import io.nexaflow.engine.Turn;
import io.nexaflow.journal.Journal;
import io.nexaflow.telemetry.CallContext;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Callbacks that PostgreSQL did not commit in time, kept in the {@link Journal} and replayed through the
 * {@link CallbackStore}'s own write (idempotent on (call, node, attempt)). Keeps an index of the journaled
 * callbacks so that a redelivery is answered the same verb without a second entry.
 */
@ApplicationScoped
public class CallbackJournal {

    private static final Logger LOG = Logger.getLogger(CallbackJournal.class);

    /** A {@link CallbackWrite} as journaled: flat, so it reads back without the flow program. */
    record Entry(UUID call, String platformCallId, String node, int attempt, String dtmf, String channelId,
                 String digits, RouteReason reason, String target, List<String> nodes, String gather,
                 Map<String, Integer> attempts, boolean hangup, List<String> exhausted, List<String> dialed,
                 String verb, Instant at, String variables) {

        static Entry of(CallbackWrite w) {
            Routing routing = w.step().routing();
            Turn turn = w.step().turn();
            return new Entry(w.call(), w.platformCallId(), w.node(), w.attempt(), w.dtmf(), w.channelId(),
                    routing.digits(), routing.reason(), routing.target(), turn.nodes(), turn.gather(),
                    turn.attempts().asMap(), turn.hangup(), turn.exhausted(), turn.dialed(), w.verb(), w.at(),
                    w.variables());
        }

        CallbackWrite write() {
            return new CallbackWrite(call, platformCallId, node, attempt, dtmf, channelId, new FlowProgram.Routed(
                    new Routing(digits, reason, target),
                    new Turn(nodes, gather, Attempts.of(attempts), hangup, exhausted, dialed)), verb, at, variables);
        }
    }

    private final Journal journal;
    private final CallbackStore store;
    private final ObjectMapper json;
    /** Journaled and not yet drained: the verb answered (null while its write is on its way, then failed). */
    private final Map<CallbackWrite.Key, CompletableFuture<String>> journaled = new ConcurrentHashMap<>();
    /** Per call, how many of its callbacks are in {@link #journaled}: its next callback must follow them. */
    private final Map<UUID, Integer> heldByCall = new ConcurrentHashMap<>();

    public CallbackJournal(Journal journal, CallbackStore store, ObjectMapper json) {
        this.journal = journal;
        this.store = store;
        this.json = json;
    }

    /** Before the HTTP server takes callbacks: index what the journal holds, then drain it in the background. */
    void start(@Observes StartupEvent startup) {
        // The codec's round trip, once: checks it, and the first callbacks of an outage do not pay Jackson's warm-up.
        Entry sample = new Entry(UUID.randomUUID(), "c", "menu", 1, "1", null, "1", RouteReason.MATCH, "next",
                List.of("next"), null, Map.of("menu", 1), true, List.of(), List.of(), "{}", Instant.now(),
                "{\"n\":1}");
        try {
            if (!json.readValue(json.writeValueAsBytes(sample), Entry.class).equals(sample)) {
                throw new IllegalStateException("the journal's codec does not read back what it wrote");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (byte[] record : journal.readBack()) {
            CallbackWrite write = decode(record);
            if (journaled.put(write.key(), CompletableFuture.completedFuture(write.verb())) == null) {
                held(write.call(), 1);
            }
        }
        journal.startDrain(this::replay);
    }

    /** True while callbacks wait in the journal or are on their way to it. */
    public boolean holdsCallbacks() {
        return journal.holdsRecords();
    }

    /**
     * True while callbacks of this call wait in the journal: its next one must follow them there, or it could
     * overtake them in PostgreSQL. Other calls go on to PostgreSQL directly.
     */
    public boolean holdsCallbacks(UUID call) {
        return heldByCall.containsKey(call);
    }

    private void held(UUID call, int change) {
        heldByCall.compute(call, (id, count) -> {
            int now = (count == null ? 0 : count) + change;
            return now <= 0 ? null : now;
        });
    }

    private void release(CallbackWrite.Key key, CompletableFuture<String> answered) {
        if (journaled.remove(key, answered)) {
            held(key.call(), -1);
        }
    }

    /**
     * Journals a callback; completes with the verb to answer once it is on disk: its own, or for a redelivery the
     * one answered the first time. Completes with null when the journal cannot take it (full, unavailable).
     */
    public CompletableFuture<String> append(CallbackWrite write) {
        CompletableFuture<String> answered = new CompletableFuture<>();
        CompletableFuture<String> earlier = journaled.putIfAbsent(write.key(), answered);
        if (earlier != null) {
            return earlier;
        }
        held(write.call(), 1);
        journal.append(() -> encode(write)).thenAccept(written -> {
            if (!written) {
                release(write.key(), answered);
            }
            answered.complete(written ? write.verb() : null);
        });
        return answered;
    }

    /**
     * Records of one or more frames, oldest first, through the store: in waves in which no call appears twice, each
     * wave committed before the next, so a call's callbacks reach PostgreSQL in the order they were answered (two
     * writers could otherwise commit a later one first). Kept (retried later) unless each got the database's answer.
     */
    boolean replay(List<byte[]> records) throws Exception {
        List<CallbackWrite> writes = new ArrayList<>(records.size());
        for (byte[] record : records) {
            writes.add(decode(record));
        }
        int from = 0;
        while (from < writes.size()) {
            java.util.Set<UUID> calls = new java.util.HashSet<>();
            int to = from;
            while (to < writes.size() && calls.add(writes.get(to).call())) {
                to++;
            }
            if (!wave(writes.subList(from, to))) {
                // Stop here: a later wave may hold the same calls' next callbacks. The waves that did commit are
                // harmless to replay again ((call, node, attempt) makes them duplicates).
                return false;
            }
            from = to;
        }
        for (CallbackWrite write : writes) {
            CompletableFuture<String> answered = journaled.get(write.key());
            if (answered != null) {
                release(write.key(), answered);
            }
        }
        return true;
    }

    private boolean wave(List<CallbackWrite> writes) throws Exception {
        List<CompletableFuture<CallbackWriteResult>> results = new ArrayList<>(writes.size());
        for (CallbackWrite write : writes) {
            results.add(store.submit(write));
        }
        boolean durable = true;
        for (int i = 0; i < writes.size(); i++) {
            CallbackWriteResult result = results.get(i).get(30, TimeUnit.SECONDS);
            if (result instanceof CallbackWriteResult.Failed) {
                durable = false;
            } else if (result instanceof CallbackWriteResult.Rejected rejected) {
                // Recorded as CALLBACK_REJECTED by the store, in the same transaction.
                try (CallContext logged = CallContext.of(writes.get(i).call(), writes.get(i).platformCallId(), null)) {
                    LOG.warnf("journaled callback for call %s rejected on replay: %s", writes.get(i).call(),
                            rejected.reason());
                }
            }
        }
        return durable;
    }

    byte[] encode(CallbackWrite write) {
        try {
            return json.writeValueAsBytes(Entry.of(write));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CallbackWrite decode(byte[] record) {
        try {
            return json.readValue(record, Entry.class).write();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
