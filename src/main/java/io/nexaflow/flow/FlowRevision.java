package io.nexaflow.flow;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.UUID;

/** One immutable version of a flow's definition, in canonical form. */
@Entity
@Table(name = "flow_revision")
public class FlowRevision extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "flow_id")
    public UUID flowId;

    public int version;

    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode definition;

    @Column(name = "definition_sha256")
    public String definitionSha256;

    public String comment;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "created_at")
    public Instant createdAt;
}
