package io.nexaflow.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Makes and hashes API keys. Keys are high-entropy, so a plain SHA-256 is the right hash (no salt, no stretching). */
public final class KeyHash {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX = "nxf_";

    private KeyHash() {
    }

    public static String newKey() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The part of a key that may be shown and logged to tell keys apart. */
    public static String prefix(String key) {
        return key.substring(0, Math.min(key.length(), PREFIX.length() + 4));
    }

    public static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
