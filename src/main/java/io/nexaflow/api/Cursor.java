package io.nexaflow.api;

import io.nexaflow.problem.ProblemException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * A keyset position (time, id) in a list ordered newest first, as an opaque URL-safe string.
 * Stable under concurrent inserts: rows written after the first page never shift later pages.
 */
public record Cursor(Instant at, String id) {

    public String encode() {
        String raw = at.getEpochSecond() + ":" + at.getNano() + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** Null for the first page; a 400 problem for a cursor this service did not make. */
    public static Cursor decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(":", 3);
            return new Cursor(Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])), parts[2]);
        } catch (RuntimeException e) {
            throw notOurs();
        }
    }

    /** The id of a row keyed by UUID; a 400 problem when the cursor holds something else. */
    public UUID uuid() {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw notOurs();
        }
    }

    /** The id of a row keyed by a sequence number; a 400 problem when the cursor holds something else. */
    public long sequence() {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw notOurs();
        }
    }

    private static ProblemException notOurs() {
        return ProblemException.badRequest("'cursor' is not a cursor returned by this API");
    }
}
