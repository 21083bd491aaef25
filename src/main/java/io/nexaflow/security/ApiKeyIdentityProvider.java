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
        // Compared as digests, in constant time: the comparison tells nothing about the key.
        if (bootstrapHash.isPresent() && MessageDigest.isEqual(bootstrapHash.get(), hash)) {
            return Uni.createFrom().item(identity(BOOTSTRAP_NAME, Roles.ADMIN));
        }
        return context.runBlocking(() -> storedKeys.find(hash)
                .map(k -> identity(k.name(), k.role()))
                .orElseThrow(AuthenticationFailedException::new));
    }

    private static SecurityIdentity identity(String name, String role) {
        var identity = QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(name)).addRole(role);
        if (Roles.ADMIN.equals(role)) {
            // An admin may do everything an operator or an auditor may.
            identity.addRole(Roles.OPERATOR).addRole(Roles.AUDITOR);
        }
        return identity.build();
    }

    /** The database side, in its own bean so the lookup runs in a transaction. */
    @ApplicationScoped
    public static class StoredKeys {
        public record Found(String name, String role) {
        }

        @Transactional
        public Optional<Found> find(byte[] hash) {
            return ApiKey.findActiveByHash(hash).map(k -> new Found(k.name, k.role));
        }
    }
}
