package io.nexaflow.flow;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;

import java.time.Instant;
import java.util.UUID;

/**
 * One publication of a flow revision (publish, rollback, or create/update with publish): who made that revision
 * the one new calls run, and when. The flow row keeps only the current one; this keeps the history.
 */
@Entity
@Immutable
@Table(name = "flow_publication")
public class FlowPublication extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "flow_id")
    public UUID flowId;

    public int version;

    @Column(name = "published_by")
    public String publishedBy;

    @Column(name = "published_at")
    public Instant publishedAt;
}
