package io.nexaflow.flow;

import io.nexaflow.number.PhoneNumbers;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.nexaflow.engine.FlowProgram;
import io.nexaflow.flow.model.FlowDefinition;
import io.nexaflow.flow.model.FlowJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiled flow programs by revision id. Revisions are immutable, so an entry never goes stale: a callback
 * costs no definition parse, only its own writes.
 *
 * <p>Two kinds of entry. <em>Held</em> ones are every revision a call can run (published, or pinned by a live
 * call), kept by {@link PublishedRevisions} from start and from every publish on any replica, so a callback
 * never reads a revision while the database is away; they are never evicted on size. The others were loaded on
 * demand (a dry run, an old revision) and are dropped when too many pile up.
 */
@ApplicationScoped
public class RevisionPrograms {

    private static final int MAX_LOADED_ON_DEMAND = 2_000;

    private final ConcurrentHashMap<UUID, FlowProgram> held = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<UUID, FlowProgram> loaded = new ConcurrentHashMap<>();
    private final PhoneNumbers numbers;

    public RevisionPrograms(PhoneNumbers numbers) {
        this.numbers = numbers;
    }

    /** A dial number filled in from a data-driven flow's templates, normalised; null when it does not parse. */
    private String dialTarget(String raw) {
        try {
            return numbers.dialTarget(raw);
        } catch (PhoneNumbers.InvalidNumber e) {
            return null;
        }
    }

    /** Without blocking: the program when it is cached. */
    public Optional<FlowProgram> cached(UUID revision) {
        FlowProgram program = held.get(revision);
        return Optional.ofNullable(program != null ? program : loaded.get(revision));
    }

    /** Blocking: loads and compiles the revision on a miss. Empty when no such revision exists. */
    @Transactional
    public Optional<FlowProgram> load(UUID revision) {
        Optional<FlowProgram> cached = cached(revision);
        if (cached.isPresent()) {
            return cached;
        }
        FlowRevision stored = FlowRevision.findById(revision);
        if (stored == null) {
            return Optional.empty();
        }
        return Optional.of(remember(revision, stored));
    }

    /** The program of a revision already in hand. */
    public FlowProgram of(FlowRevision revision) {
        return cached(revision.id).orElseGet(() -> remember(revision.id, revision));
    }

    /** Whether a call can run this revision without the database: it is held. */
    boolean holds(UUID revision) {
        return held.containsKey(revision);
    }

    /** How many revisions are held. */
    int heldCount() {
        return held.size();
    }

    /** Holds the revision whose stored definition (jsonb as text) is given; compiles it unless already cached. */
    void hold(UUID revision, String definition) {
        FlowProgram program = cached(revision).orElse(null);
        if (program == null) {
            try {
                program = new FlowProgram(FlowJson.MAPPER.readValue(definition, FlowDefinition.class), this::dialTarget);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("stored revision " + revision + " does not map onto the flow model", e);
            }
        }
        held.put(revision, program);
        loaded.remove(revision);
    }

    /** Stops holding revisions no call can run any more; they reload on demand if ever needed. */
    void holdOnly(Set<UUID> revisions) {
        held.keySet().retainAll(revisions);
    }

    private FlowProgram remember(UUID id, FlowRevision stored) {
        FlowProgram program;
        try {
            program = new FlowProgram(FlowJson.MAPPER.treeToValue(stored.definition, FlowDefinition.class), this::dialTarget);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored revision " + id + " does not map onto the flow model", e);
        }
        if (loaded.size() >= MAX_LOADED_ON_DEMAND) {
            loaded.clear(); // crude, but held revisions are untouched and these reload on demand
        }
        loaded.put(id, program);
        return program;
    }
}
