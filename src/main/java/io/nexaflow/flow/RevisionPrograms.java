package io.nexaflow.flow;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.nexaflow.engine.FlowProgram;
import io.nexaflow.flow.model.FlowDefinition;
import io.nexaflow.flow.model.FlowJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiled flow programs by revision id. Revisions are immutable, so an entry never goes stale: a callback
 * costs no definition parse, only its own writes.
 */
@ApplicationScoped
public class RevisionPrograms {

    private static final int MAX_ENTRIES = 2_000;

    private final ConcurrentHashMap<UUID, FlowProgram> programs = new ConcurrentHashMap<>();

    /** Without blocking: the program when it is cached. */
    public Optional<FlowProgram> cached(UUID revision) {
        return Optional.ofNullable(programs.get(revision));
    }

    /** Blocking: loads and compiles the revision on a miss. Empty when no such revision exists. */
    @Transactional
    public Optional<FlowProgram> load(UUID revision) {
        FlowProgram cached = programs.get(revision);
        if (cached != null) {
            return Optional.of(cached);
        }
        FlowRevision stored = FlowRevision.findById(revision);
        if (stored == null) {
            return Optional.empty();
        }
        return Optional.of(remember(revision, stored));
    }

    /** The program of a revision already in hand. */
    public FlowProgram of(FlowRevision revision) {
        FlowProgram cached = programs.get(revision.id);
        return cached != null ? cached : remember(revision.id, revision);
    }

    private FlowProgram remember(UUID id, FlowRevision stored) {
        FlowProgram program;
        try {
            program = new FlowProgram(FlowJson.MAPPER.treeToValue(stored.definition, FlowDefinition.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored revision " + id + " does not map onto the flow model", e);
        }
        if (programs.size() >= MAX_ENTRIES) {
            programs.clear(); // crude, but revisions in use at once are far fewer; they reload on demand
        }
        programs.put(id, program);
        return program;
    }
}
