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
import java.util.UUID;

/** A call nexaflow placed through Nexafone, pinned to the flow revision it runs. */
@Entity
@Table(name = "call")
public class Call extends PanacheEntityBase {

    public enum Kind { FLOW, CLICK_TO_CALL, RAW }

    /**
     * QUEUED → ORIGINATING → IN_PROGRESS (the platform accepted) → COMPLETED (nexaflow handed over the call's
     * last verbs); or FAILED (certainly not placed), or UNKNOWN (no answer in time: may have been placed).
     */
    public enum Status {
        QUEUED, ORIGINATING, IN_PROGRESS, COMPLETED, FAILED, UNKNOWN;

        public boolean running() {
            return this == QUEUED || this == ORIGINATING || this == IN_PROGRESS;
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
