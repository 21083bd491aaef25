package io.nexaflow.flow.model;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every node type and its fields, declared once, as data. Validation ({@link FlowValidator}) and the
 * OpenAPI schemas of nodes are both driven from this declaration.
 */
public enum NodeType {

    PLAY("play", "Streams prerecorded audio to the caller, then continues at `next` (or the call ends after playback).",
            Field.audio("audioUrl", true, "HTTPS media served from Nexafone or your CDN."),
            Field.node(NodeType.NEXT, "Node to run after playback.")),

    GATHER("gather", "Collects DTMF digits. Nexafone posts them to nexaflow, which routes them to the next node.",
            Field.audio("audioUrl", false, "Prompt played while collecting digits."),
            Field.integer("maxDigits", 1, 32, 1, "Digits to capture before returning."),
            Field.integer("timeout", 1_000, 600_000, 10_000, "Milliseconds to wait for the first digit."),
            Field.integer("digitTimeout", 500, 120_000, 5_000, "Milliseconds to wait between digits."),
            Field.key("terminator", "Key that immediately ends collection (0-9, * or #)."),
            Field.routes("routes", "Digits pressed → node id, e.g. {\"1\": \"sales\"}."),
            Field.node("default", "Node for any other non-empty input."),
            Field.node("onTimeout", "Node when nothing was pressed (else treated as invalid input)."),
            Field.node("onInvalid", "Node for unmatched input when there is no `default` (else the gather repeats)."),
            Field.integer("maxAttempts", 1, 10, 3, "How many times a caller may enter this gather in one call."),
            Field.node("onMaxAttempts", "Node once `maxAttempts` is used up (else the call hangs up).")),

    DIAL("dial", "Bridges the caller to a number, then continues at `next`.",
            Field.dialTarget("number", "PSTN number (E.164 or national), `sip:` URI, or 2–6 digit extension."),
            Field.integer("timeout", 1, 600, 30, "Seconds to wait for the dialled leg to answer."),
            Field.bool("moh", false, "Music on hold while bridging."),
            Field.node(NodeType.NEXT, "Node to run after the dialled leg ends.")),

    HANGUP("hangup", "Ends the call.");

    /** Where a play or dial node continues. */
    public static final String NEXT = "next";

    private final String id;
    private final String description;
    private final List<Field> fields;
    private final List<Field> references;

    NodeType(String id, String description, Field... fields) {
        this.id = id;
        this.description = description;
        this.fields = List.of(fields);
        this.references = this.fields.stream().filter(f -> f.kind() == Kind.NODE_REF || f.kind() == Kind.ROUTES).toList();
    }

    public String id() {
        return id;
    }

    public String description() {
        return description;
    }

    public List<Field> fields() {
        return fields;
    }

    /** The fields that lead to other nodes: node ids, and routes (digits → node id). */
    public List<Field> references() {
        return references;
    }

    /** Play and dial run straight on into {@link #NEXT}, with no input between them: one nested verb. */
    public boolean chained() {
        return this == PLAY || this == DIAL;
    }

    public Optional<Field> field(String name) {
        return fields.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    public static Optional<NodeType> of(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst();
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(NodeType::id).toList();
    }

    /** What a field holds; each kind has one validation rule. */
    public enum Kind {
        AUDIO_URL, NODE_REF, INTEGER, BOOLEAN, KEY, DIAL_TARGET, ROUTES
    }

    /** One field of a node type. {@code min}/{@code max}/{@code defaultValue} apply to integers and booleans. */
    public record Field(String name, Kind kind, boolean required, Integer min, Integer max, Object defaultValue,
                        String description) {

        static Field audio(String name, boolean required, String description) {
            return new Field(name, Kind.AUDIO_URL, required, null, null, null, description);
        }

        static Field node(String name, String description) {
            return new Field(name, Kind.NODE_REF, false, null, null, null, description);
        }

        static Field integer(String name, int min, int max, int defaultValue, String description) {
            return new Field(name, Kind.INTEGER, false, min, max, defaultValue, description);
        }

        static Field bool(String name, boolean defaultValue, String description) {
            return new Field(name, Kind.BOOLEAN, false, null, null, defaultValue, description);
        }

        static Field key(String name, String description) {
            return new Field(name, Kind.KEY, false, null, null, null, description);
        }

        static Field routes(String name, String description) {
            return new Field(name, Kind.ROUTES, false, null, null, null, description);
        }

        static Field dialTarget(String name, String description) {
            return new Field(name, Kind.DIAL_TARGET, true, null, null, null, description);
        }
    }
}
