package io.nexaflow.call;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/** A call nexaflow placed through Nexafone, pinned to the flow revision it runs. */
@Entity
@Table(name = "call")
public class Call extends PanacheEntityBase {

    public enum Kind { FLOW, CLICK_TO_CALL, RAW }

    /**
     * QUEUED → ORIGINATING → IN_PROGRESS (the platform accepted) → COMPLETED (nexaflow handed over the call's
     * last verbs); or FAILED (certainly not placed), or UNKNOWN (no answer in time: may have been placed).
     * The one owner of which statuses belong to which set and which moves are allowed.
     */
    public enum Status {
        QUEUED, ORIGINATING, IN_PROGRESS, COMPLETED, FAILED, UNKNOWN;

        /** nexaflow may still move the call: a flow with running calls cannot be deleted. */
        public static final Set<Status> RUNNING = Collections.unmodifiableSet(EnumSet.of(QUEUED, ORIGINATING, IN_PROGRESS));

        /** The call takes gather callbacks (UNKNOWN: the platform may have placed it after all). */
        public static final Set<Status> LIVE = Collections.unmodifiableSet(EnumSet.of(ORIGINATING, IN_PROGRESS, UNKNOWN));

        /** Not running any more: retention may mask and delete it (UNKNOWN included, it may still take callbacks). */
        public static final Set<Status> ENDED = Collections.unmodifiableSet(EnumSet.complementOf(EnumSet.copyOf(RUNNING)));

        /** Final: no move leaves it, and entering it sets ended_at. */
        public static final Set<Status> FINAL = Collections.unmodifiableSet(EnumSet.of(COMPLETED, FAILED));

        /** Waiting for the platform's answer to originate: a stale one may or may not have been placed. */
        public static final Set<Status> PLACING = Collections.unmodifiableSet(EnumSet.of(QUEUED, ORIGINATING));

        /** Every allowed move, from → to; staying in a status is not a move. */
        private static final Map<Status, Set<Status>> MOVES = Map.of(
                QUEUED, EnumSet.of(ORIGINATING, UNKNOWN),
                ORIGINATING, EnumSet.of(IN_PROGRESS, COMPLETED, FAILED, UNKNOWN),
                IN_PROGRESS, EnumSet.of(COMPLETED),
                UNKNOWN, EnumSet.of(IN_PROGRESS, COMPLETED),
                COMPLETED, EnumSet.noneOf(Status.class),
                FAILED, EnumSet.noneOf(Status.class));

        /** Whether a call may move from {@code from} to {@code to}; a new call (from null) starts QUEUED. */
        public static boolean allows(Status from, Status to) {
            return from == null ? to == QUEUED : MOVES.get(from).contains(to);
        }

        public boolean running() {
            return RUNNING.contains(this);
        }

        /** The set as an SQL list, {@code ('A', 'B')}, in declaration order; only for the fixed sets above. */
        public static String sql(Set<Status> statuses) {
            return statuses.stream().sorted().map(s -> "'" + s.name() + "'")
                    .collect(Collectors.joining(", ", "(", ")"));
        }

        /** The set's names, to bind as a {@code text[]}. */
        public static String[] names(Set<Status> statuses) {
            return statuses.stream().sorted().map(Status::name).toArray(String[]::new);
        }
    }

    @Id
    public UUID id;

    @Column(name = "platform_call_id")
    public String platformCallId;

    @Enumerated(EnumType.STRING)
    public Kind kind;

    @Column(name = "flow_id")
    public UUID flowId;

    @Column(name = "flow_version")
    public Integer flowVersion;

    @Column(name = "revision_id")
    public UUID revisionId;

    @Column(name = "from_number")
    public String fromNumber;

    @Column(name = "to_number")
    public String toNumber;

    @Enumerated(EnumType.STRING)
    public Status status;

    @Column(name = "current_node")
    public String currentNode;

    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode attempts;

    @Column(name = "bridged_to")
    public String bridgedTo;

    /** A data-driven call's variables after its latest turn, sensitive values masked (shown, never routed on). */
    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode variables;

    public String error;

    @Column(name = "idempotency_key")
    public String idempotencyKey;

    @Column(name = "request_sha256")
    public String requestSha256;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Column(name = "ended_at")
    public Instant endedAt;

    /** Set when retention masked the numbers and dropped the digits of this call. */
    @Column(name = "anonymised_at")
    public Instant anonymisedAt;
}
