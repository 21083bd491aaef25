package io.nexaflow.state;

import io.nexaflow.config.NexaflowConfig;
import io.nexaflow.engine.Attempts;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Signs and verifies state tokens: a compact binary record, HMAC-SHA256 over it (truncated to 128 bits),
 * base64url without padding. A token that fails to verify is rejected without saying why.
 */
@ApplicationScoped
public class StateTokens {

    private static final byte VERSION = 1;
    private static final int MAC_BYTES = 16;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final ThreadLocal<Mac> macs;

    @Inject
    public StateTokens(NexaflowConfig config) {
        this(config.webhookSecret());
    }

    StateTokens(String secret) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("NEXAFLOW_WEBHOOK_SECRET must not be empty");
        }
        SecretKeySpec key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    public String sign(StateToken token) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(96);
        out.write(VERSION);
        writeUuid(out, token.call());
        writeUuid(out, token.revision());
        writeString(out, token.node());
        Map<String, Integer> attempts = token.attempts().asMap();
        out.write(attempts.size());
        attempts.forEach((node, count) -> {
            writeString(out, node);
            out.write(Math.min(count, 255));
        });
        byte[] body = out.toByteArray();
        byte[] mac = mac(body);
        byte[] signed = Arrays.copyOf(body, body.length + MAC_BYTES);
        System.arraycopy(mac, 0, signed, body.length, MAC_BYTES);
        return ENCODER.encodeToString(signed);
    }

    /** The token's content when its signature holds; empty for anything forged, altered or malformed. */
    public Optional<StateToken> verify(String token) {
        if (token == null || token.isEmpty() || token.length() > 4096) {
            return Optional.empty();
        }
        byte[] signed;
        try {
            signed = DECODER.decode(token);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (signed.length < 1 + 32 + 2 + MAC_BYTES) {
            return Optional.empty();
        }
        byte[] body = Arrays.copyOf(signed, signed.length - MAC_BYTES);
        byte[] given = Arrays.copyOfRange(signed, body.length, signed.length);
        if (!MessageDigest.isEqual(Arrays.copyOf(mac(body), MAC_BYTES), given)) {
            return Optional.empty();
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(body);
            if (in.get() != VERSION) {
                return Optional.empty();
            }
            UUID call = new UUID(in.getLong(), in.getLong());
            UUID revision = new UUID(in.getLong(), in.getLong());
            String node = readString(in);
            int entries = Byte.toUnsignedInt(in.get());
            Map<String, Integer> attempts = new TreeMap<>();
            for (int i = 0; i < entries; i++) {
                attempts.put(readString(in), Byte.toUnsignedInt(in.get()));
            }
            return in.hasRemaining() ? Optional.empty()
                    : Optional.of(new StateToken(call, revision, node, Attempts.of(attempts)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private byte[] mac(byte[] body) {
        return macs.get().doFinal(body);
    }

    private static void writeUuid(ByteArrayOutputStream out, UUID id) {
        out.writeBytes(ByteBuffer.allocate(16).putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits()).array());
    }

    private static void writeString(ByteArrayOutputStream out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length > 255) {
            throw new IllegalArgumentException("node id too long for a state token");
        }
        out.write(bytes.length);
        out.writeBytes(bytes);
    }

    private static String readString(ByteBuffer in) {
        byte[] bytes = new byte[Byte.toUnsignedInt(in.get())];
        in.get(bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
