package io.nexaflow.flow;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A call flow: a name, its revisions, and which revision is published. */
@Entity
@Table(name = "flow")
public class Flow extends PanacheEntityBase {

    @Id
    public UUID id;

    public String name;

    public String description;

    @Column(name = "latest_version")
    public int latestVersion;

    /** The published revision new calls run on; null until one is published. */
    @Column(name = "active_version")
    public Integer activeVersion;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Column(name = "deleted_at")
    public Instant deletedAt;
}
