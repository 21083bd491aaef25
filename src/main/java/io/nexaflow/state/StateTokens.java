package io.nexaflow.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nexaflow.expr.Variables;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import java.security.SecureRandom;

import io.nexaflow.config.NexaflowConfig;
import io.nexaflow.engine.Attempts;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Signs and verifies state tokens: a compact binary record, HMAC-SHA256 over it (truncated to 128 bits),
 * base64url without padding. A token that fails to verify is rejected without saying why.
 * <p>
 * NEXAFLOW_WEBHOOK_SECRET may hold several comma-separated keys so that it can be rotated while calls hold tokens
 * (README, "Rotating the webhook secret"): tokens are signed with the first key and accepted when any key signed them.
 */
@ApplicationScoped
@Startup // a malformed key list stops the start instead of the first callback
public class StateTokens {

    private static final byte VERSION = 1;
    /** A token that also carries {@link StateToken.CallData}, AES-GCM encrypted after the attempts. */
    private static final byte VERSION_WITH_DATA = 2;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int MAX_TOKEN = 8192;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAC_BYTES = 16;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    /** One per key, the signing key first; verify tries them in this order, so the common case costs one HMAC. */
    private final List<ThreadLocal<Mac>> macs;
    /** Per key, in the same order: the AES key that encrypts call data, derived from it (never the key itself). */
    private final List<SecretKeySpec> ciphers;

    @Inject
    public StateTokens(NexaflowConfig config) {
        this(config.webhookSecret());
    }

    StateTokens(String secrets) {
        if (secrets == null || secrets.isBlank()) {
            throw new IllegalArgumentException("NEXAFLOW_WEBHOOK_SECRET must not be empty");
        }
        String[] keys = secrets.split(",", -1);
        List<ThreadLocal<Mac>> macs = new ArrayList<>(keys.length);
        List<SecretKeySpec> ciphers = new ArrayList<>(keys.length);
        for (int i = 0; i < keys.length; i++) {
            macs.add(mac(keys[i], i + 1, keys.length));
            ciphers.add(cipherKey(keys[i]));
        }
        this.macs = List.copyOf(macs);
        this.ciphers = List.copyOf(ciphers);
    }

    private static ThreadLocal<Mac> mac(String secret, int position, int count) {
        if (secret.isBlank()) {
            throw new IllegalArgumentException("NEXAFLOW_WEBHOOK_SECRET: key " + position + " of " + count
                    + " is empty; separate the keys with one comma and no trailing comma");
        }
        if (!secret.equals(secret.strip())) {
            // "new, old" would otherwise make " old" the key, and tokens signed with "old" would silently fail
            throw new IllegalArgumentException("NEXAFLOW_WEBHOOK_SECRET: key " + position + " of " + count
                    + " starts or ends with whitespace; separate the keys with a comma only");
        }
        SecretKeySpec key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        return ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** An AES-256 key of its own for call data: HMAC-SHA256 of a fixed label under the webhook key. */
    private static SecretKeySpec cipherKey(String secret) {
        try {
            Mac derive = Mac.getInstance("HmacSHA256");
            derive.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return new SecretKeySpec(derive.doFinal("nexaflow state token call data v1".getBytes(StandardCharsets.US_ASCII)), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String sign(StateToken token) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(96);
        out.write(token.data() == null ? VERSION : VERSION_WITH_DATA);
        writeUuid(out, token.call());
        writeUuid(out, token.revision());
        writeString(out, token.node());
        Map<String, Integer> attempts = token.attempts().asMap();
        out.write(attempts.size());
        attempts.forEach((node, count) -> {
            writeString(out, node);
            out.write(Math.min(count, 255));
        });
        if (token.data() != null) {
            out.writeBytes(encrypt(token.data()));
        }
        byte[] body = out.toByteArray();
        byte[] mac = macs.get(0).get().doFinal(body);
        byte[] signed = Arrays.copyOf(body, body.length + MAC_BYTES);
        System.arraycopy(mac, 0, signed, body.length, MAC_BYTES);
        return ENCODER.encodeToString(signed);
    }

    /** The token's content when its signature holds; empty for anything forged, altered or malformed. */
    public Optional<StateToken> verify(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN) {
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
        int key = signedBy(body, given);
        if (key < 0) {
            return Optional.empty();
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(body);
            byte version = in.get();
            if (version != VERSION && version != VERSION_WITH_DATA) {
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
            StateToken.CallData data = null;
            if (version == VERSION_WITH_DATA) {
                byte[] sealed = new byte[in.remaining()];
                in.get(sealed);
                data = decrypt(sealed, ciphers.get(key));
            }
            return in.hasRemaining() ? Optional.empty()
                    : Optional.of(new StateToken(call, revision, node, Attempts.of(attempts), data));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The index of the key that signed {@code body}, or -1. */
    private int signedBy(byte[] body, byte[] given) {
        for (int i = 0; i < macs.size(); i++) {
            if (MessageDigest.isEqual(Arrays.copyOf(macs.get(i).get().doFinal(body), MAC_BYTES), given)) {
                return i;
            }
        }
        return -1;
    }

    /** nonce | AES-GCM({from, to, vars}) under the signing key's cipher key. */
    private byte[] encrypt(StateToken.CallData data) {
        try {
            ObjectNode plain = JSON.createObjectNode();
            plain.put("f", data.from());
            plain.put("t", data.to());
            plain.set("v", Variables.toJson(data.vars()));
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, ciphers.get(0), new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = cipher.doFinal(JSON.writeValueAsBytes(plain));
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot encrypt a state token's call data", e);
        }
    }

    private static StateToken.CallData decrypt(byte[] sealed, SecretKeySpec key) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            JsonNode plain = JSON.readTree(cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES));
            return new StateToken.CallData(plain.path("f").textValue(), plain.path("t").textValue(),
                    Variables.fromJson(plain.path("v")));
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("call data does not decrypt");
        }
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
