package io.nexaflow.sandbox;

import io.nexaflow.config.NexaflowConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The calls the sandbox plays, by id, at most max-calls of them; the oldest finished ones make room for new ones. */
@ApplicationScoped
public class SimulatedCalls {

    private final NexaflowConfig.Sandbox config;
    /** Insertion order is age, so eviction finds the oldest finished calls first. Guarded by itself. */
    private final Map<String, SimulatedCall> calls = new LinkedHashMap<>();

    public SimulatedCalls(NexaflowConfig config) {
        this.config = config.sandbox();
    }

    /** Adds the call unless the sandbox is full even after evicting finished calls; then says how many it runs. */
    Optional<Integer> add(SimulatedCall call) {
        synchronized (calls) {
            evictFinished();
            if (calls.size() >= config.maxCalls()) {
                return Optional.of(calls.size());
            }
            calls.put(call.id, call);
            return Optional.empty();
        }
    }

    Optional<SimulatedCall> find(String callId) {
        synchronized (calls) {
            return Optional.ofNullable(calls.get(callId));
        }
    }

    /** Oldest first. */
    List<SimulatedCall> all() {
        synchronized (calls) {
            return new ArrayList<>(calls.values());
        }
    }

    private void evictFinished() {
        for (Iterator<SimulatedCall> oldest = calls.values().iterator(); oldest.hasNext() && calls.size() >= config.maxCalls(); ) {
            if (oldest.next().ended()) {
                oldest.remove();
            }
        }
    }
}
