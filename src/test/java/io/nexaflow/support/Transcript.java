package io.nexaflow.support;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** Reading a sandbox call's transcript ({@code GET /sandbox/calls/{id}}): its steps by kind. */
public final class Transcript {

    private Transcript() {
    }

    /** The steps of one kind ("play", "gather", "webhook", …), in order. */
    public static List<JsonNode> steps(JsonNode transcript, String kind) {
        List<JsonNode> steps = new ArrayList<>();
        transcript.get("steps").forEach(s -> {
            if (s.get("kind").asText().equals(kind)) {
                steps.add(s);
            }
        });
        return steps;
    }

    /** The audio played by play verbs, in order. */
    public static List<String> plays(JsonNode transcript) {
        return steps(transcript, "play").stream().map(s -> s.get("audioUrl").asText()).toList();
    }

    /** The prompts of gather verbs that had one, in order. */
    public static List<String> gatherPrompts(JsonNode transcript) {
        return steps(transcript, "gather").stream().filter(s -> s.has("audioUrl"))
                .map(s -> s.get("audioUrl").asText()).toList();
    }

    /** Each webhook exchange: {@code {request, response}}. */
    public static List<JsonNode> webhooks(JsonNode transcript) {
        return steps(transcript, "webhook").stream().map(s -> s.get("webhook")).toList();
    }
}
