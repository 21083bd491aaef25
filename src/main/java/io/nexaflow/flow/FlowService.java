package io.nexaflow.flow;

import io.nexaflow.turn.TurnRunner;
import com.fasterxml.jackson.databind.JsonNode;
import io.nexaflow.db.Timestamps;
import io.nexaflow.api.Cursor;
import io.nexaflow.api.Page;
import io.nexaflow.api.PageRequest;
import io.nexaflow.flow.FlowDtos.FlowRequest;
import io.nexaflow.flow.FlowDtos.FlowView;
import io.nexaflow.flow.FlowDtos.RevisionView;
import io.nexaflow.flow.FlowDtos.ValidationView;
import io.nexaflow.flow.model.FlowJson;
import io.nexaflow.flow.model.FlowValidator;
import io.nexaflow.number.PhoneNumbers;
import io.nexaflow.problem.Problem;
import io.nexaflow.problem.Problem.FieldError;
import io.nexaflow.problem.ProblemException;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/** Flows and their revisions: every create or update stores a new immutable revision. */
@ApplicationScoped
public class FlowService {

    private static final Logger LOG = Logger.getLogger(FlowService.class);

    private final FlowValidator validator;
    private final RunningCalls runningCalls;

    public FlowService(PhoneNumbers numbers, RunningCalls runningCalls) {
        this.validator = new FlowValidator(numbers, name -> TurnRunner.secret(name).isPresent());
        this.runningCalls = runningCalls;
    }

    public ValidationView validate(JsonNode definition) {
        FlowValidator.Result result = validator.validate(definition, "/definition");
        return new ValidationView(result.valid(), result.errors(), result.warnings());
    }

    @Transactional
    public FlowView create(FlowRequest request, String who) {
        Checked checked = check(request);
        if (Flow.count("lower(name) = ?1 and deletedAt is null", checked.name.toLowerCase()) > 0) {
            throw nameTaken(checked.name);
        }
        Instant now = Timestamps.now();
        Flow flow = new Flow();
        flow.id = UUID.randomUUID();
        flow.name = checked.name;
        flow.description = request.description();
        flow.latestVersion = 1;
        flow.createdAt = now;
        flow.updatedAt = now;
        flow.persist();
        FlowRevision revision = newRevision(flow, checked, request.comment(), who, now);
        flushOrConflict(checked.name);
        if (Boolean.TRUE.equals(request.publish())) {
            activate(flow, 1, who, now);
        }
        if (flow.activeVersion != null) {
            PublishedRevisions.announce(Flow.getEntityManager(), revision.id);
        }
        LOG.infof("flow %s '%s' created by %s (revision 1%s)", flow.id, flow.name, who,
                flow.activeVersion != null ? ", published" : "");
        return view(flow, revision.definition, checked.result.warnings());
    }

    @Transactional
    public FlowView update(UUID id, FlowRequest request, String who) {
        Checked checked = check(request);
        Flow flow = live(id, LockModeType.PESSIMISTIC_WRITE);
        if (!flow.name.equalsIgnoreCase(checked.name)
                && Flow.count("lower(name) = ?1 and deletedAt is null and id <> ?2", checked.name.toLowerCase(), id) > 0) {
            throw nameTaken(checked.name);
        }
        Instant now = Timestamps.now();
        FlowRevision latest = revisionEntity(flow, flow.latestVersion);
        FlowRevision current = latest;
        // An unchanged definition is not a new revision: equal flows compare equal by their canonical hash.
        boolean changed = !latest.definitionSha256.equals(checked.sha256);
        if (changed) {
            flow.latestVersion += 1;
            current = newRevision(flow, checked, request.comment(), who, now);
        }
        if (Boolean.TRUE.equals(request.publish())) {
            activate(flow, current.version, who, now);
        }
        flow.name = checked.name;
        flow.description = request.description();
        flow.updatedAt = now;
        flushOrConflict(checked.name);
        if (Boolean.TRUE.equals(request.publish())) {
            PublishedRevisions.announce(Flow.getEntityManager(), current.id);
        }
        LOG.infof("flow %s updated by %s (latest revision %d, active %s)", flow.id, who, flow.latestVersion,
                flow.activeVersion);
        return view(flow, current.definition, checked.result.warnings(), changed);
    }

    @Transactional
    public FlowView get(UUID id) {
        Flow flow = live(id, LockModeType.NONE);
        return view(flow, revisionEntity(flow, flow.latestVersion).definition, null);
    }

    @Transactional
    public Page<FlowView> list(PageRequest<Cursor> page) {
        Cursor after = page.after();
        List<Flow> flows = after == null
                ? Flow.find("deletedAt is null", Sort.descending("createdAt", "id")).page(0, page.fetch()).list()
                : Flow.find("deletedAt is null and (createdAt < ?1 or (createdAt = ?1 and id < ?2))",
                        Sort.descending("createdAt", "id"), after.at(), after.uuid()).page(0, page.fetch()).list();
        return page.page(flows.stream().map(f -> view(f, null, null)).toList(),
                f -> new Cursor(f.createdAt(), f.id().toString()).encode());
    }

    @Transactional
    public void delete(UUID id, String who) {
        Flow flow = live(id, LockModeType.PESSIMISTIC_WRITE);
        long running = runningCalls.count(flow.id);
        if (running > 0) {
            throw ProblemException.conflict("flow-in-use",
                    running + " call(s) are running on flow " + id + "; delete it once they have ended");
        }
        // Kept, marked deleted: the audit trail of past calls still points at its revisions.
        flow.deletedAt = Timestamps.now();
        LOG.infof("flow %s '%s' deleted by %s", flow.id, flow.name, who);
    }

    @Transactional
    public List<RevisionView> revisions(UUID id) {
        Flow flow = live(id, LockModeType.NONE);
        List<FlowRevision> revisions = FlowRevision.list("flowId", Sort.descending("version"), flow.id);
        return revisions.stream().map(r -> revisionView(flow, r, false)).toList();
    }

    @Transactional
    public RevisionView revision(UUID id, int version) {
        Flow flow = live(id, LockModeType.NONE);
        return revisionView(flow, revisionEntity(flow, version), true);
    }

    @Transactional
    public FlowView publish(UUID id, Integer version, String who) {
        if (version == null) {
            throw ProblemException.invalid("Invalid publish request",
                    List.of(new FieldError("/version", "is required: the revision number to publish")));
        }
        Flow flow = live(id, LockModeType.PESSIMISTIC_WRITE);
        FlowRevision revision = revisionEntity(flow, version);
        if (!Objects.equals(flow.activeVersion, version)) {
            LOG.infof("flow %s: revision %d published by %s (was %s)", flow.id, version, who, flow.activeVersion);
            activate(flow, version, who, Timestamps.now());
            flow.updatedAt = Timestamps.now();
        }
        // Publish and rollback alike: every replica holds the revision before a call can start on it.
        PublishedRevisions.announce(Flow.getEntityManager(), revision.id);
        return view(flow, revision.definition, null);
    }

    /** The named revision, else the published one, else the latest: what a dry run or a check looks at. */
    @Transactional
    public FlowRevision revisionToInspect(UUID flowId, Integer version) {
        Flow flow = live(flowId, LockModeType.NONE);
        return revisionEntity(flow, version != null ? version
                : flow.activeVersion != null ? flow.activeVersion : flow.latestVersion);
    }

    /** The revision a new call runs: the named one, else the published one. */
    @Transactional
    public FlowRevision revisionForCall(UUID flowId, Integer version) {
        Flow flow = live(flowId, LockModeType.NONE);
        if (version != null) {
            FlowRevision named = revisionEntity(flow, version);
            if (!Objects.equals(flow.activeVersion, version)) {
                // A call pins an unpublished revision: the replicas that take its callbacks must hold it too.
                PublishedRevisions.announce(Flow.getEntityManager(), named.id);
            }
            return named;
        }
        if (flow.activeVersion == null) {
            throw ProblemException.conflict("flow-not-published",
                    "flow " + flowId + " has no published revision; publish one or name 'flowVersion'");
        }
        return revisionEntity(flow, flow.activeVersion);
    }

    private record Checked(String name, FlowValidator.Result result, String canonical, String sha256) {
    }

    private Checked check(FlowRequest request) {
        List<FieldError> errors = new ArrayList<>();
        String name = request.name() == null ? "" : request.name().trim();
        if (name.isEmpty()) {
            errors.add(new FieldError("/name", "is required"));
        } else if (name.length() > 200) {
            errors.add(new FieldError("/name", "must be at most 200 characters"));
        }
        if (request.description() != null && request.description().length() > 2000) {
            errors.add(new FieldError("/description", "must be at most 2000 characters"));
        }
        if (request.comment() != null && request.comment().length() > 500) {
            errors.add(new FieldError("/comment", "must be at most 500 characters"));
        }
        FlowValidator.Result result = validator.validate(request.definition(), "/definition");
        errors.addAll(result.errors());
        if (!errors.isEmpty()) {
            String detail = errors.size() == 1 ? errors.get(0).pointer() + ": " + errors.get(0).message()
                    : errors.size() + " problems, listed in 'errors'";
            throw new ProblemException(Problem.of(422, "invalid-flow", "Flow definition is invalid", detail)
                    .withErrors(errors, result.warnings()));
        }
        String canonical = FlowJson.canonical(result.definition());
        return new Checked(name, result, canonical, FlowJson.sha256(canonical));
    }

    private FlowRevision newRevision(Flow flow, Checked checked, String comment, String who, Instant now) {
        FlowRevision revision = new FlowRevision();
        revision.id = UUID.randomUUID();
        revision.flowId = flow.id;
        revision.version = flow.latestVersion;
        revision.definition = FlowJson.tree(checked.result.definition());
        revision.definitionSha256 = checked.sha256;
        revision.comment = comment;
        revision.createdBy = who;
        revision.createdAt = now;
        revision.persist();
        return revision;
    }

    private static Flow live(UUID id, LockModeType lock) {
        Flow flow = Flow.findById(id, lock);
        if (flow == null || flow.deletedAt != null) {
            throw ProblemException.notFound("No flow " + id);
        }
        return flow;
    }

    private static FlowRevision revisionEntity(Flow flow, int version) {
        FlowRevision revision = FlowRevision.find("flowId = ?1 and version = ?2", flow.id, version).firstResult();
        if (revision == null) {
            throw ProblemException.notFound("Flow " + flow.id + " has no revision " + version
                    + " (latest is " + flow.latestVersion + ")");
        }
        return revision;
    }

    private static void flushOrConflict(String name) {
        try {
            Flow.flush();
        } catch (jakarta.persistence.PersistenceException e) {
            if (e.getCause() instanceof org.hibernate.exception.ConstraintViolationException) {
                throw nameTaken(name);
            }
            throw e;
        }
    }

    private static ProblemException nameTaken(String name) {
        return ProblemException.conflict("flow-name-taken", "A flow named '" + name + "' already exists");
    }

    static FlowView view(Flow flow, JsonNode definition, List<FieldError> warnings) {
        return view(flow, definition, warnings, null);
    }

    private static FlowView view(Flow flow, JsonNode definition, List<FieldError> warnings, Boolean newRevision) {
        return new FlowView(flow.id, flow.name, flow.description, flow.activeVersion, flow.latestVersion,
                flow.createdAt, flow.updatedAt, definition, warnings, newRevision);
    }

    /** Who published which revision of a flow, and when: newest first. */
    public record Publication(int version, String publishedBy, Instant publishedAt) {
    }

    @Transactional
    public List<Publication> publications(UUID id) {
        Flow flow = live(id, LockModeType.NONE);
        List<FlowPublication> rows = FlowPublication.list("flowId", Sort.descending("id"), flow.id);
        return rows.stream().map(p -> new Publication(p.version, p.publishedBy, p.publishedAt)).toList();
    }

    /** Makes {@code version} the revision new calls run, and records who did it (flow_publication). */
    private static void activate(Flow flow, int version, String who, Instant now) {
        if (Objects.equals(flow.activeVersion, version)) {
            return;
        }
        flow.activeVersion = version;
        FlowPublication publication = new FlowPublication();
        publication.flowId = flow.id;
        publication.version = version;
        publication.publishedBy = who;
        publication.publishedAt = now;
        publication.persist();
    }

    private static RevisionView revisionView(Flow flow, FlowRevision r, boolean withDefinition) {
        return new RevisionView(r.version, r.comment, r.createdBy, r.createdAt,
                Objects.equals(flow.activeVersion, r.version), r.definitionSha256,
                withDefinition ? r.definition : null);
    }
}
