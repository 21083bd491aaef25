package io.nexaflow.sandbox;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How a called number behaves: it answers, is busy, rings until the leg times out, or cannot be called at all (the
 * platform refuses an originate to or from it, and a dial to it fails at once).
 */
public enum Answering {
    ANSWER("answer", "answered"), BUSY("busy", "busy"), NO_ANSWER("no-answer", "no-answer"), FAIL("fail", "failed");

    private final String id;
    private final String heard;

    Answering(String id, String heard) {
        this.id = id;
        this.heard = heard;
    }

    @JsonValue
    public String id() {
        return id;
    }

    /** What a transcript says of a leg or a dial to such a number once it is over. */
    public String heard() {
        return heard;
    }

    public static Optional<Answering> of(String id) {
        return Arrays.stream(values()).filter(o -> o.id.equals(id)).findFirst();
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(Answering::id).toList();
    }
}
