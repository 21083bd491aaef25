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
            Field.audio("audioUrl", true, "HTTPS media served from Nexafone or your CDN; may hold `{{…}}` templates."),
            Field.node(NodeType.NEXT, "Node to run after playback."),
            Field.node(NodeType.ON_ERROR, "Node when `audioUrl` does not render to an https URL (else the fallback verb).")),

    GATHER("gather", "Collects DTMF digits. Nexafone posts them to nexaflow, which routes them to the next node.",
            Field.audio("audioUrl", false, "Prompt played while collecting digits; may hold `{{…}}` templates."),
            Field.integer("maxDigits", 1, 32, 1, "Digits to capture before returning."),
            Field.integer("timeout", 1_000, 600_000, 10_000, "Milliseconds to wait for the first digit."),
            Field.integer("digitTimeout", 500, 120_000, 5_000, "Milliseconds to wait between digits."),
            Field.key("terminator", "Key that immediately ends collection (0-9, * or #)."),
            Field.routes("routes", "Digits pressed → node id, e.g. {\"1\": \"sales\"}."),
            Field.node("default", "Node for any other non-empty input."),
            Field.node("onTimeout", "Node when nothing was pressed (else treated as invalid input)."),
            Field.node("onInvalid", "Node for unmatched input when there is no `default` (else the gather repeats)."),
            Field.integer("maxAttempts", 1, 10, 3, "How many times a caller may enter this gather in one call."),
            Field.node("onMaxAttempts", "Node once `maxAttempts` is used up (else the call hangs up)."),
            Field.of("saveAs", Kind.VAR_NAME, "Variable that receives the digits pressed (without the terminator)."),
            Field.of("validDigits", Kind.REGEX, "Regular expression the whole input must match; other input goes to "
                    + "`onInvalid` and counts as an attempt."),
            Field.of("sensitive", Kind.FLAG, "Mask the digits (and `saveAs`) in events, exports, logs and responses."),
            Field.node(NodeType.ON_ERROR, "Node when `audioUrl` does not render to an https URL (else the fallback verb).")),

    DIAL("dial", "Bridges the caller to a number, then continues at `next`.",
            Field.dialTarget("number", "PSTN number (E.164 or national), `sip:` URI, or 2–6 digit extension; may hold "
                    + "`{{…}}` templates."),
            Field.integer("timeout", 1, 600, 30, "Seconds to wait for the dialled leg to answer."),
            Field.bool("moh", false, "Music on hold while bridging."),
            Field.node(NodeType.NEXT, "Node to run after the dialled leg ends."),
            Field.node(NodeType.ON_ERROR, "Node when `number` does not render to a number that parses (else the "
                    + "fallback verb).")),

    HANGUP("hangup", "Ends the call."),

    HTTP("http", "Calls the business's own API from nexaflow, between verbs. A 2xx JSON answer sets the `extract`ed "
            + "variables and continues at `next`; any other status, a timeout, a refused address or a body that is "
            + "not JSON continues at `onError`.",
            Field.required("method", Kind.HTTP_METHOD, "GET, POST, PUT, PATCH or DELETE."),
            Field.required("url", Kind.URL_TEMPLATE, "https URL; may hold `{{call.…}}` and `{{vars.…}}` templates, "
                    + "URL-encoded when rendered."),
            Field.of("headers", Kind.HEADERS, "Header name → value template; values may use `{{secret.NAME}}` "
                    + "(read from NEXAFLOW_SECRET_NAME, never stored or logged)."),
            Field.of("body", Kind.JSON_TEMPLATE, "JSON sent as the body; its strings may hold templates."),
            Field.integer("timeoutMs", 100, 10_000, 1_500, "Milliseconds to wait for the answer."),
            Field.of("extract", Kind.EXTRACT, "Variable name → JSON pointer into the answer, e.g. {\"balance\": "
                    + "\"/account/balance\"}; JSON types are kept."),
            Field.node(NodeType.NEXT, "Node after a 2xx JSON answer."),
            Field.requiredNode(NodeType.ON_ERROR, "Node after any other answer, a timeout or a refused request.")),

    SWITCH("switch", "Goes to the first case whose condition holds, else to `default`. Conditions are Common "
            + "Expression Language (CEL) over `vars` and `call`, type-checked when the flow is validated.",
            Field.required("cases", Kind.CASES, "[{\"when\": \"vars.balance > 0\", \"next\": \"owing\"}, …], "
                    + "tried in order."),
            Field.requiredNode("default", "Node when no case holds.")),

    SET("set", "Sets variables, then continues at `next`.",
            Field.required("vars", Kind.VARS, "Variable name → template, e.g. {\"greeting\": \"hello {{call.from}}\"}."),
            Field.node(NodeType.NEXT, "Node to run next."));

    /** Where a play or dial node continues. */
    public static final String NEXT = "next";

    /** Where a node goes when its request or its rendered value fails. */
    public static final String ON_ERROR = "onError";

    private final String id;
    private final String description;
    private final List<Field> fields;
    private final List<Field> references;

    NodeType(String id, String description, Field... fields) {
        this.id = id;
        this.description = description;
        this.fields = List.of(fields);
        this.references = this.fields.stream().filter(f -> f.kind() == Kind.NODE_REF || f.kind() == Kind.ROUTES
                || f.kind() == Kind.CASES).toList();
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

    /** The fields that lead to other nodes: node ids, routes (digits → node id) and cases (condition → node id). */
    public List<Field> references() {
        return references;
    }

    /** Play and dial run straight on into {@link #NEXT}, with no input between them: one nested verb. */
    public boolean chained() {
        return this == PLAY || this == DIAL;
    }

    /** Http, switch and set run inside nexaflow between verbs: Nexafone never sees them. */
    public boolean internal() {
        return this == HTTP || this == SWITCH || this == SET;
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
        AUDIO_URL, NODE_REF, INTEGER, BOOLEAN, KEY, DIAL_TARGET, ROUTES,
        /** A variable name (`saveAs`). */
        VAR_NAME,
        /** A Java regular expression the whole input must match. */
        REGEX,
        /** true or false, with no default written into the canonical form (absent means false). */
        FLAG,
        HTTP_METHOD, URL_TEMPLATE, HEADERS, JSON_TEMPLATE, EXTRACT, CASES, VARS
    }

    /** One field of a node type. {@code min}/{@code max}/{@code defaultValue} apply to integers and booleans. */
    public record Field(String name, Kind kind, boolean required, Integer min, Integer max, Object defaultValue,
                        String description) {

        static Field of(String name, Kind kind, String description) {
            return new Field(name, kind, false, null, null, null, description);
        }

        static Field required(String name, Kind kind, String description) {
            return new Field(name, kind, true, null, null, null, description);
        }

        static Field requiredNode(String name, String description) {
            return new Field(name, Kind.NODE_REF, true, null, null, null, description);
        }

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
