package io.nexaflow.sandbox;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** How a called number behaves: it answers, is busy, or rings until the leg times out. */
public enum Answering {
    ANSWER("answer"), BUSY("busy"), NO_ANSWER("no-answer");

    private final String id;

    Answering(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }

    public static Optional<Answering> of(String id) {
        return Arrays.stream(values()).filter(o -> o.id.equals(id)).findFirst();
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(Answering::id).toList();
    }
}
