package io.nexaflow.security;

import io.nexaflow.config.NexaflowConfig;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.security.MessageDigest;
import java.util.Optional;
import java.util.UUID;

/** Turns an API key into an identity with one role: the bootstrap key first, then the stored keys. */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    public static final String BOOTSTRAP_NAME = "bootstrap-admin";

    private final Optional<byte[]> bootstrapHash;
    private final StoredKeys storedKeys;

    public ApiKeyIdentityProvider(NexaflowConfig config, StoredKeys storedKeys) {
        this.bootstrapHash = config.adminApiKey().filter(k -> !k.isBlank()).map(KeyHash::sha256);
        this.storedKeys = storedKeys;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        String key = request.getToken().getToken();
        if (key == null || key.isEmpty()) {
            return Uni.createFrom().failure(new AuthenticationFailedException());
        }
        byte[] hash = KeyHash.sha256(key);
        if (isBootstrap(hash)) {
            return Uni.createFrom().item(identity(BOOTSTRAP_NAME, Roles.ADMIN));
        }
        return context.runBlocking(() -> storedKeys.byHash(hash)
                .map(k -> identity(k.name(), k.role()))
                .orElseThrow(AuthenticationFailedException::new));
    }

    /** Who holds this key: the bootstrap admin (no id) or a stored, unrevoked key. Blocks on the database. */
    Optional<StoredKeys.Found> holder(String key) {
        byte[] hash = KeyHash.sha256(key);
        if (isBootstrap(hash)) {
            return Optional.of(new StoredKeys.Found(null, BOOTSTRAP_NAME, Roles.ADMIN));
        }
        return storedKeys.byHash(hash);
    }

    /** The SHA-256 of the bootstrap key, when one is configured. */
    Optional<byte[]> bootstrapHash() {
        return bootstrapHash.map(byte[]::clone);
    }

    /** Compared as digests, in constant time: the comparison tells nothing about the key. */
    boolean isBootstrap(byte[] hash) {
        return bootstrapHash.isPresent() && MessageDigest.isEqual(bootstrapHash.get(), hash);
    }

    private static SecurityIdentity identity(String name, String role) {
        return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(name))
                .addRoles(Roles.granted(role)).build();
    }

    /** The database side, in its own bean so the lookup runs in a transaction. */
    @ApplicationScoped
    public static class StoredKeys {
        public record Found(UUID id, String name, String role) {
        }

        @Transactional
        public Optional<Found> byHash(byte[] hash) {
            return ApiKey.findActiveByHash(hash).map(StoredKeys::found);
        }

        /** The key a console session names, unless it has been revoked since. */
        @Transactional
        public Optional<Found> byId(UUID id) {
            return ApiKey.<ApiKey>find("id = ?1 and revokedAt is null", id).firstResultOptional()
                    .map(StoredKeys::found);
        }

        private static Found found(ApiKey key) {
            return new Found(key.id, key.name, key.role);
        }
    }
}
