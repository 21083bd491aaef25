package io.nexaflow.security;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** A stored API key: only its SHA-256 is kept. */
@Entity
@Table(name = "api_key")
public class ApiKey extends PanacheEntityBase {

    @Id
    public UUID id;

    public String name;

    public String role;

    @Column(name = "key_hash")
    public byte[] keyHash;

    @Column(name = "key_prefix")
    public String keyPrefix;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    public static Optional<ApiKey> findActiveByHash(byte[] hash) {
        return find("keyHash = ?1 and revokedAt is null", (Object) hash).firstResultOptional();
    }
}
