package io.nexaflow.engine;

import io.nexaflow.expr.Condition;
import io.nexaflow.expr.Masking;
import io.nexaflow.expr.Scope;
import io.nexaflow.expr.Template;
import io.nexaflow.flow.model.FlowDefinition;
import io.nexaflow.flow.model.Node;
import io.nexaflow.verb.Keypad;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One flow revision, ready to run calls: walks the graph, routes gather input and renders the Nexafone verb
 * JSON (docs/architecture.md, "Flows and the engine"). Built once per revision; immutable and thread-safe.
 *
 * <p>Rendering is on the callback hot path (docs/architecture.md, "The callback path"), so each node's verb text is
 * computed here once, with a slot for what is only known per call: the nested next verb, the callback URL and the
 * channelId.
 */
public final class FlowProgram {

    /** Nodes one walk may visit before it is cut off with a hangup; validation keeps real flows far below. */
    public static final int MAX_STEPS = 256;

    /** The hangup verb, as Nexafone expects it; also what a walk that runs out of options ends in. */
    public static final String HANGUP_VERB = VerbJson.HANGUP;
    private static final String CLOSE = VerbJson.CLOSE;

    private final FlowDefinition flow;
    private final Map<String, Compiled> nodes;
    /** Data-driven flows: every template text and condition of the flow, parsed and compiled once. */
    private final Map<String, Template> templates = new HashMap<>();
    private final Map<String, Condition> conditions = new HashMap<>();
    private final Map<String, Pattern> validDigits = new HashMap<>();
    private final Function<String, String> dialTarget;
    private final boolean dataDriven;
    private final java.util.Set<String> sensitiveVars;

    /** A program whose templated dial numbers never parse (tests and flows without them). */
    public FlowProgram(FlowDefinition flow) {
        this(flow, raw -> null);
    }

    /**
     * @param dialTarget a dial number filled in from templates, normalised, or null when it does not parse
     * @throws IllegalArgumentException when the flow does not hold together (validate it first)
     */
    public FlowProgram(FlowDefinition flow, Function<String, String> dialTarget) {
        this.flow = Objects.requireNonNull(flow, "flow");
        this.dialTarget = Objects.requireNonNull(dialTarget, "dialTarget");
        var compiled = new HashMap<String, Compiled>();
        flow.nodes().forEach((id, node) -> compiled.put(id, compile(node)));
        flow.nodes().values().forEach(this::compileData);
        this.dataDriven = !templates.isEmpty() || !conditions.isEmpty() || !validDigits.isEmpty()
                || flow.nodes().values().stream().anyMatch(n -> n.type().internal()
                || n instanceof Node.Gather g && (g.saveAs() != null || g.masksDigits()));
        for (var entry : flow.nodes().entrySet()) {
            for (String target : entry.getValue().targets()) {
                if (!compiled.containsKey(target)) {
                    throw new IllegalArgumentException("node '" + entry.getKey() + "' leads to node '" + target
                            + "', which does not exist");
                }
            }
        }
        if (!compiled.containsKey(flow.start())) {
            throw new IllegalArgumentException("start node '" + flow.start() + "' does not exist");
        }
        this.nodes = Map.copyOf(compiled);
        var sensitive = new java.util.TreeSet<String>();
        flow.nodes().values().forEach(n -> {
            if (n instanceof Node.Gather g && g.masksDigits() && g.saveAs() != null) {
                sensitive.add(g.saveAs());
            }
        });
        this.sensitiveVars = java.util.Collections.unmodifiableSet(sensitive);
    }

    public FlowDefinition flow() {
        return flow;
    }

    /**
     * True when the flow uses variables, templates, conditions, requests or input rules: its turns run through
     * {@link #begin} and {@link #resume}, with the call's {@link Scope}. Other flows run as they always did.
     */
    public boolean dataDriven() {
        return dataDriven;
    }

    /** A data-driven turn from {@code from} (a new call's start, or where a gather's input leads). */
    public DataTurn.Progress begin(String from, Attempts attempts, Scope scope) {
        Objects.requireNonNull(from, "from");
        return DataTurn.start(this, from, attempts, scope);
    }

    /**
     * After a gather's input was routed: its digits go to {@code saveAs} when they were accepted (a route or the
     * default), then the turn walks on from where they lead.
     */
    public DataTurn.Progress resume(String gatherNode, Routing routing, Attempts attempts, Scope scope) {
        Node.Gather gather = gather(gatherNode);
        Scope after = scope;
        if (gather.saveAs() != null
                && (routing.reason() == RouteReason.MATCH || routing.reason() == RouteReason.DEFAULT)) {
            after = scope.withVars(Map.of(gather.saveAs(), routing.digits()));
        }
        return begin(routing.target(), attempts, after);
    }

    /** Variables saved from sensitive gathers: their values are masked wherever a request is shown. */
    public java.util.Set<String> sensitiveVars() {
        return sensitiveVars;
    }

    /** The values of the sensitive variables among {@code vars}, as text: what {@link Masking#mask} hides. */
    public List<String> sensitiveValues(Map<String, Object> vars) {
        List<String> hidden = new ArrayList<>();
        for (String name : sensitiveVars) {
            Object value = vars.get(name);
            if (value != null) {
                hidden.add(String.valueOf(value));
            }
        }
        return hidden;
    }

    /**
     * {@code vars} as people may see them (a call's view, a simulation step): a sensitive variable reads
     * {@link Masking#MASK}, and a text that holds a sensitive value (copied by a set node, say) has it masked.
     */
    public Map<String, Object> shownVars(Map<String, Object> vars) {
        List<String> hidden = sensitiveValues(vars);
        Map<String, Object> shown = new java.util.LinkedHashMap<>();
        vars.forEach((name, value) -> shown.put(name, sensitiveVars.contains(name) ? Masking.MASK
                : value instanceof String text ? Masking.mask(text, hidden) : value));
        return shown;
    }

    /** True when digits pressed at {@code gatherNode} are masked in events, exports, logs and responses. */
    public boolean masksDigits(String gatherNode) {
        return gather(gatherNode).masksDigits();
    }

    Template template(String text) {
        Template template = templates.get(text);
        return template != null ? template : Template.parse(text).orElseThrow();
    }

    Condition condition(String expression) {
        Condition condition = conditions.get(expression);
        if (condition == null) {
            throw new IllegalArgumentException("no condition '" + expression + "' in this flow");
        }
        return condition;
    }

    Function<String, String> dialTarget() {
        return dialTarget;
    }

    private void compileData(Node node) {
        if (node instanceof Node.Play play) {
            templated(play.audioUrl());
        } else if (node instanceof Node.Gather gather) {
            templated(gather.audioUrl());
            if (gather.validDigits() != null) {
                validDigits.put(gather.validDigits(), Pattern.compile(gather.validDigits()));
            }
        } else if (node instanceof Node.Dial dial) {
            templated(dial.number());
        } else if (node instanceof Node.Http http) {
            template(http.url(), true);
            http.headers().values().forEach(value -> template(value, true));
            if (http.body() != null) {
                bodyTemplates(http.body());
            }
        } else if (node instanceof Node.Set set) {
            set.vars().values().forEach(value -> template(value, true));
        } else if (node instanceof Node.Switch choice) {
            for (Node.Switch.Case c : choice.cases()) {
                conditions.computeIfAbsent(c.when(), when -> Condition.compile(when).value().orElseThrow(() ->
                        new IllegalArgumentException("condition '" + when + "' does not compile")));
            }
        }
    }

    private void templated(String text) {
        if (text != null && text.contains("{{")) {
            template(text, true);
        }
    }

    private void template(String text, boolean keep) {
        Template template = Template.parse(text).value().orElseThrow(() ->
                new IllegalArgumentException("template '" + text + "' does not parse"));
        if (keep) {
            templates.put(text, template);
        }
    }

    private void bodyTemplates(com.fasterxml.jackson.databind.JsonNode body) {
        if (body.isTextual()) {
            template(body.asText(), true);
        } else {
            body.forEach(this::bodyTemplates);
        }
    }

    /** What a new call runs first. */
    public Turn start() {
        return walk(flow.start(), Attempts.none());
    }

    /**
     * Enters {@code from} and follows the flow until a gather waits for input or the call ends.
     *
     * @throws IllegalArgumentException when {@code from} is not a node of this flow
     */
    public Turn walk(String from, Attempts attempts) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(attempts, "attempts");
        var entered = new ArrayList<String>();
        var exhausted = new ArrayList<String>(0);
        var dialed = new ArrayList<String>(0);
        String at = from;
        for (int step = 0; step < MAX_STEPS; step++) {
            if (at == null) {
                return new Turn(entered, null, attempts, false, exhausted, dialed);
            }
            Node node = compiled(at).node;
            if (node instanceof Node.Play play) {
                entered.add(at);
                at = play.next();
            } else if (node instanceof Node.Dial dial) {
                entered.add(at);
                dialed.add(dial.number());
                at = dial.next();
            } else if (node instanceof Node.Hangup) {
                entered.add(at);
                return new Turn(entered, null, attempts, true, exhausted, dialed);
            } else if (node instanceof Node.Gather gather) {
                if (outOfAttempts(attempts, at, gather)) {
                    at = wayOutWhenExhausted(at, gather, exhausted);
                    if (at == null) {
                        return new Turn(entered, null, attempts, true, exhausted, dialed);
                    }
                } else {
                    entered.add(at);
                    return new Turn(entered, at, attempts.enter(at), false, exhausted, dialed);
                }
            } else {
                throw new IllegalStateException("unknown node kind " + node.getClass());
            }
        }
        return new Turn(entered, null, attempts, true, exhausted, dialed);
    }

    /**
     * Decides where a gather's input leads (docs/architecture.md, "Flows and the engine").
     *
     * @param dtmf what Nexafone reported; null or "" when nothing was pressed
     * @throws IllegalArgumentException when {@code gatherNode} is not a gather of this flow
     */
    public Routing route(String gatherNode, String dtmf) {
        Node.Gather gather = gather(gatherNode);
        String input = dtmf == null ? "" : dtmf;
        if (gather.terminator() != null) {
            int cut = input.indexOf(gather.terminator());
            if (cut >= 0) {
                input = input.substring(0, cut);
            }
        }
        if (!Keypad.isKeys(input)) {
            return invalid(gatherNode, gather, input);
        }
        if (gather.validDigits() != null && !input.isEmpty()
                && !validDigits.get(gather.validDigits()).matcher(input).matches()) {
            return invalid(gatherNode, gather, input);
        }
        if (input.isEmpty()) {
            return gather.onTimeout() != null
                    ? new Routing(input, RouteReason.TIMEOUT, gather.onTimeout())
                    : invalid(gatherNode, gather, input);
        }
        String route = gather.routes().get(input);
        if (route != null) {
            return new Routing(input, RouteReason.MATCH, route);
        }
        if (gather.defaultRoute() != null) {
            return new Routing(input, RouteReason.DEFAULT, gather.defaultRoute());
        }
        return invalid(gatherNode, gather, input);
    }

    /** A gather callback: routes the input, then walks on from where it leads. */
    public Routed callback(String gatherNode, Attempts attempts, String dtmf) {
        Routing routing = route(gatherNode, dtmf);
        return new Routed(routing, walk(routing.target(), attempts));
    }

    /**
     * The verb JSON Nexafone runs for {@code path}: its nodes nested through {@code action}.
     *
     * @param callbackUrl where the ending gather posts its input; required only when the path ends in a gather
     * @param channelId   echoed into the ending gather's data when not null
     * @throws IllegalArgumentException when the path does not fit this flow (no walk of it yields such a path)
     */
    public String render(Turn path, String callbackUrl, String channelId) {
        List<String> ids = path.nodes();
        int count = ids.size();
        if (path.gather() != null) {
            if (path.hangup() || count == 0 || !ids.get(count - 1).equals(path.gather())) {
                throw new IllegalArgumentException("a path's gather must be its last node and nothing follows it: " + path);
            }
            Objects.requireNonNull(callbackUrl, "callbackUrl is required when the path ends in a gather");
        } else if (count == 0 && !path.hangup()) {
            throw new IllegalArgumentException("the path runs nothing: " + path);
        }
        Compiled[] chain = new Compiled[count];
        int capacity = HANGUP_VERB.length();
        for (int i = 0; i < count; i++) {
            chain[i] = compiled(ids.get(i));
            String filled = path.rendered().get(ids.get(i));
            if (filled != null) {
                chain[i] = compile(chain[i].node, filled);
            }
            capacity += (chain[i].open == null ? 0 : chain[i].open.length()) + CLOSE.length();
        }
        if (path.gather() != null) {
            capacity += callbackUrl.length() + (channelId == null ? 0 : channelId.length() + 16) + 16;
        }
        var out = new StringBuilder(capacity);
        int open = 0;
        boolean endsInHangupNode = false;
        for (int i = 0; i < count; i++) {
            Compiled verb = chain[i];
            boolean last = i == count - 1;
            switch (verb.kind) {
                case CHAINED -> {
                    if (last && !path.hangup()) {
                        out.append(verb.leaf);
                    } else {
                        out.append(verb.open);
                        open++;
                    }
                }
                case HANGUP -> {
                    if (!last) {
                        throw new IllegalArgumentException("nothing can follow hangup node '" + ids.get(i) + "': " + path);
                    }
                    out.append(HANGUP_VERB);
                    endsInHangupNode = true;
                }
                case INTERNAL -> throw new IllegalArgumentException("node '" + ids.get(i)
                        + "' runs inside nexaflow and is never sent: " + path);
                case GATHER -> {
                    if (!last || path.gather() == null) {
                        throw new IllegalArgumentException("gather '" + ids.get(i) + "' must end the path: " + path);
                    }
                    out.append(verb.open);
                    VerbJson.gatherEnd(out, channelId, callbackUrl);
                }
            }
        }
        if (path.hangup() && !endsInHangupNode) {
            out.append(HANGUP_VERB);
        }
        for (int i = 0; i < open; i++) {
            out.append(CLOSE);
        }
        return out.toString();
    }

    /** Entering {@code gather} once more would go past its maxAttempts. */
    static boolean outOfAttempts(Attempts attempts, String at, Node.Gather gather) {
        return attempts.of(at) + 1 > gather.maxAttempts();
    }

    /**
     * A gather whose attempts ran out, met by a walk: recorded in {@code exhausted} (once), and where the walk goes
     * on, or null when the call hangs up there (no onMaxAttempts, or a gather exhausted twice in one walk: its way
     * out leads back to it).
     */
    static String wayOutWhenExhausted(String at, Node.Gather gather, List<String> exhausted) {
        boolean again = exhausted.contains(at);
        if (!again) {
            exhausted.add(at);
        }
        return again ? null : gather.onMaxAttempts();
    }

    /** The outcome of one gather callback: how the input was routed, and what runs next. */
    public record Routed(Routing routing, Turn turn) {
    }

    private Routing invalid(String gatherNode, Node.Gather gather, String input) {
        return gather.onInvalid() != null
                ? new Routing(input, RouteReason.INVALID, gather.onInvalid())
                : new Routing(input, RouteReason.REPEAT, gatherNode);
    }

    private Compiled compiled(String id) {
        Compiled compiled = nodes.get(id);
        if (compiled == null) {
            throw new IllegalArgumentException("no node '" + id + "' in this flow");
        }
        return compiled;
    }

    private Node.Gather gather(String id) {
        if (compiled(id).node instanceof Node.Gather gather) {
            return gather;
        }
        throw new IllegalArgumentException("node '" + id + "' is not a gather");
    }

    private enum Kind { CHAINED, GATHER, HANGUP, INTERNAL }

    /**
     * A node and its verb text. CHAINED (play, dial): {@code open} ends in {@code "action":}, to be followed by
     * the next verb and {@link #CLOSE}; {@code leaf} is the whole verb when nothing follows. GATHER: {@code open}
     * is the verb up to its last fixed field, to be followed by channelId, action and {@link #CLOSE}.
     */
    private record Compiled(Node node, Kind kind, String open, String leaf) {
    }

    /** Each node's verb, written by {@link VerbJson} up to what is only known per call. */
    private static Compiled compile(Node node) {
        return compile(node, null);
    }

    /** @param filled the node's audioUrl or number with its templates filled in, or null to use it as written */
    private static Compiled compile(Node node, String filled) {
        var text = new StringBuilder(128);
        if (node instanceof Node.Play play) {
            VerbJson.head(text, new Verb.Play(filled != null ? filled : play.audioUrl(), null));
            return chained(node, text);
        }
        if (node instanceof Node.Dial dial) {
            VerbJson.head(text, new Verb.Dial(filled != null ? filled : dial.number(), dial.timeout(), dial.moh(), null));
            return chained(node, text);
        }
        if (node instanceof Node.Gather gather) {
            VerbJson.head(text, new Verb.Gather(filled != null ? filled : gather.audioUrl(), gather.maxDigits(),
                    gather.timeout(), gather.digitTimeout(), gather.terminator(), null, null));
            return new Compiled(node, Kind.GATHER, text.toString(), null);
        }
        if (node instanceof Node.Hangup) {
            return new Compiled(node, Kind.HANGUP, HANGUP_VERB, HANGUP_VERB);
        }
        if (node.type().internal()) {
            // Run inside nexaflow between verbs; never part of a verb chain.
            return new Compiled(node, Kind.INTERNAL, null, null);
        }
        throw new IllegalArgumentException("unknown node kind " + node.getClass());
    }

    private static Compiled chained(Node node, StringBuilder head) {
        String open = head + VerbJson.ACTION;
        String leaf = head + CLOSE;
        return new Compiled(node, Kind.CHAINED, open, leaf);
    }
}
