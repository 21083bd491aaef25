package io.nexaflow.security;

import io.nexaflow.config.NexaflowConfig;
import io.nexaflow.db.Timestamps;
import jakarta.enterprise.context.ApplicationScoped;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Sign-ins to the console (io.nexaflow.console): a browser's EventSource and links cannot send an API key header,
 * so the key is entered once and the browser keeps a session cookie instead. The cookie never holds the key: it is
 * a token naming the key (its id, or for the bootstrap key a fingerprint of it) and an expiry, signed with
 * HMAC-SHA256 under a key derived from NEXAFLOW_WEBHOOK_SECRET, which every replica shares. The key is looked up
 * again on every request, so a revoked key stops working at once, on every replica; changing the webhook secret
 * signs everybody out.
 */
@ApplicationScoped
public class ConsoleSessions {

    /** The cookie's name. */
    public static final String COOKIE = "nexaflow_console";

    private static final byte VERSION = 1;
    private static final byte STORED = 'S';
    private static final byte BOOTSTRAP = 'B';
    private static final int SUBJECT_BYTES = 16;
    private static final int PAYLOAD_BYTES = 2 + SUBJECT_BYTES + Long.BYTES;
    private static final int MAC_BYTES = 32;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    /** Who is signed in: the key's name and role, never the key. */
    public record Viewer(String name, String role) {
        /** Whether the key's role grants one of these roles, as the API decides it. */
        public boolean mayAny(String... roles) {
            Set<String> granted = Roles.granted(role);
            return Arrays.stream(roles).anyMatch(granted::contains);
        }
    }

    /** A new sign-in: the cookie value and who it is. */
    public record Opened(String token, Viewer viewer) {
    }

    private final ApiKeyIdentityProvider keys;
    private final ApiKeyIdentityProvider.StoredKeys stored;
    private final SecretKeySpec signingKey;
    private final Duration ttl;

    public ConsoleSessions(NexaflowConfig config, ApiKeyIdentityProvider keys,
                           ApiKeyIdentityProvider.StoredKeys stored) {
        this.keys = keys;
        this.stored = stored;
        this.signingKey = new SecretKeySpec(hmac(new SecretKeySpec(
                config.webhookSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"),
                "nexaflow console session".getBytes(StandardCharsets.UTF_8)), "HmacSHA256");
        this.ttl = config.console().sessionTtl();
    }

    public Duration ttl() {
        return ttl;
    }

    /** Signs in with an API key; empty when the key is unknown or revoked. Blocks on the database. */
    public Optional<Opened> open(String key) {
        if (key == null || key.isBlank()) {
            return Optional.empty();
        }
        return keys.holder(key.strip()).map(holder -> {
            byte[] subject = holder.id() == null ? bootstrapFingerprint().orElseThrow() : bytes(holder.id());
            String token = token(holder.id() == null ? BOOTSTRAP : STORED, subject, Timestamps.now().plus(ttl));
            return new Opened(token, new Viewer(holder.name(), holder.role()));
        });
    }

    /**
     * Who a cookie signs in, if its signature holds, it has not expired and its key is still there and not
     * revoked. Blocks on the database.
     */
    public Optional<Viewer> resume(String token) {
        byte[] raw;
        try {
            raw = token == null ? new byte[0] : Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (raw.length != PAYLOAD_BYTES + MAC_BYTES || raw[0] != VERSION) {
            return Optional.empty();
        }
        byte[] payload = Arrays.copyOf(raw, PAYLOAD_BYTES);
        byte[] mac = Arrays.copyOfRange(raw, PAYLOAD_BYTES, raw.length);
        if (!MessageDigest.isEqual(hmac(signingKey, payload), mac)) {
            return Optional.empty();
        }
        ByteBuffer read = ByteBuffer.wrap(payload, 1, PAYLOAD_BYTES - 1);
        byte kind = read.get();
        byte[] subject = new byte[SUBJECT_BYTES];
        read.get(subject);
        if (Instant.ofEpochSecond(read.getLong()).isBefore(Timestamps.now())) {
            return Optional.empty();
        }
        if (kind == BOOTSTRAP) {
            return bootstrapFingerprint().filter(f -> MessageDigest.isEqual(f, subject))
                    .map(f -> new Viewer(ApiKeyIdentityProvider.BOOTSTRAP_NAME, Roles.ADMIN));
        }
        ByteBuffer id = ByteBuffer.wrap(subject);
        return stored.byId(new UUID(id.getLong(), id.getLong())).map(k -> new Viewer(k.name(), k.role()));
    }

    private String token(byte kind, byte[] subject, Instant expires) {
        byte[] payload = ByteBuffer.allocate(PAYLOAD_BYTES).put(VERSION).put(kind).put(subject)
                .putLong(expires.getEpochSecond()).array();
        byte[] mac = hmac(signingKey, payload);
        return ENCODER.encodeToString(ByteBuffer.allocate(payload.length + mac.length).put(payload).put(mac).array());
    }

    /** Names the bootstrap key without carrying its hash: a changed bootstrap key ends its sessions. */
    private Optional<byte[]> bootstrapFingerprint() {
        return keys.bootstrapHash().map(hash -> Arrays.copyOf(hmac(signingKey, hash), SUBJECT_BYTES));
    }

    private static byte[] bytes(UUID id) {
        return ByteBuffer.allocate(SUBJECT_BYTES).putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits()).array();
    }

    private static byte[] hmac(SecretKeySpec key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
