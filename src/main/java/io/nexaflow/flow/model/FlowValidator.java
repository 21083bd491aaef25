package io.nexaflow.flow.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.nexaflow.expr.Condition;
import io.nexaflow.expr.ExpressionProblem;
import io.nexaflow.expr.Parsed;
import io.nexaflow.expr.Template;
import io.nexaflow.expr.Variables;
import io.nexaflow.number.PhoneNumbers;
import io.nexaflow.problem.JsonPointer;
import io.nexaflow.problem.Problem.FieldError;
import io.nexaflow.verb.HttpsUrl;
import io.nexaflow.verb.Keypad;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks a flow definition against {@link NodeType} and reports every problem at once, each with a JSON
 * pointer. A definition without errors comes back as a typed {@link FlowDefinition} in canonical form:
 * defaults filled in, phone numbers normalised.
 */
public final class FlowValidator {

    public static final Pattern NODE_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    public static final int MAX_NODES = 500;
    /** Longest run of play/dial nodes sent in one response; deeper nesting helps nobody. */
    public static final int MAX_CHAIN = 50;

    /** Most cases in one switch node. */
    public static final int MAX_CASES = 50;
    /** Longest {@code validDigits} expression. */
    public static final int MAX_REGEX = 200;
    /** The http methods an http node may use. */
    public static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");
    private static final Pattern VAR_IN_CONDITION = Pattern.compile(
            "(has\\(\\s*)?\\bvars(?:\\.([A-Za-z_][A-Za-z0-9_]*)|\\[\\s*[\"']([A-Za-z_][A-Za-z0-9_]*)[\"']\\s*\\])");
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}");

    private final PhoneNumbers numbers;
    private final Predicate<String> secretExists;

    public FlowValidator(PhoneNumbers numbers) {
        this(numbers, name -> false);
    }

    /** @param secretExists whether {@code {{secret.NAME}}} can be read (NEXAFLOW_SECRET_NAME is set) */
    public FlowValidator(PhoneNumbers numbers, Predicate<String> secretExists) {
        this.numbers = numbers;
        this.secretExists = secretExists;
    }

    public record Result(List<FieldError> errors, List<FieldError> warnings, FlowDefinition definition) {
        public boolean valid() {
            return errors.isEmpty();
        }
    }

    /** @param base pointer of the definition inside the request body, e.g. "/definition" */
    public Result validate(JsonNode definition, String base) {
        var run = new Run(base);
        run.check(definition);
        if (!run.errors.isEmpty()) {
            return new Result(List.copyOf(run.errors), List.copyOf(run.warnings), null);
        }
        try {
            FlowDefinition typed = FlowJson.MAPPER.treeToValue(run.canonical, FlowDefinition.class);
            return new Result(List.of(), List.copyOf(run.warnings), typed);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a validated definition must map onto the model", e);
        }
    }

    private final class Run {
        final String base;
        final List<FieldError> errors = new ArrayList<>();
        final List<FieldError> warnings = new ArrayList<>();
        final ObjectNode canonical = JsonNodeFactory.instance.objectNode();
        /** Every node reference seen, with where it was seen, checked once all node ids are known. */
        final List<String[]> references = new ArrayList<>();
        final Map<String, ObjectNode> nodes = new HashMap<>();
        /** Per node id: variables it reads (name → pointer of the first use), for the "set on every path" check. */
        final Map<String, Map<String, String>> uses = new HashMap<>();
        /** The node being checked. */
        String current;

        Run(String base) {
            this.base = base;
        }

        void error(String pointer, String message) {
            errors.add(new FieldError(pointer, message));
        }

        void check(JsonNode definition) {
            if (definition == null || definition.isNull() || definition.isMissingNode()) {
                error(base, "a flow definition is required");
                return;
            }
            if (!definition.isObject()) {
                error(base, "must be an object with 'start' and 'nodes'");
                return;
            }
            for (Iterator<String> it = definition.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!name.equals("start") && !name.equals("nodes")) {
                    error(base + "/" + JsonPointer.escape(name), "unknown field; a definition has only 'start' and 'nodes'");
                }
            }
            JsonNode start = definition.get("start");
            if (start == null || start.isNull()) {
                error(base + "/start", "is required: the id of the first node");
            } else if (!start.isTextual()) {
                error(base + "/start", "must be a node id (string)");
            } else {
                canonical.put("start", start.asText());
                references.add(new String[] {base + "/start", start.asText()});
            }
            JsonNode nodeMap = definition.get("nodes");
            if (nodeMap == null || nodeMap.isNull()) {
                error(base + "/nodes", "is required: an object of node id → node");
                return;
            }
            if (!nodeMap.isObject()) {
                error(base + "/nodes", "must be an object of node id → node");
                return;
            }
            if (nodeMap.isEmpty()) {
                error(base + "/nodes", "must contain at least one node");
                return;
            }
            if (nodeMap.size() > MAX_NODES) {
                error(base + "/nodes", "has " + nodeMap.size() + " nodes; at most " + MAX_NODES + " are allowed");
                return;
            }
            ObjectNode canonicalNodes = canonical.putObject("nodes");
            for (Iterator<Map.Entry<String, JsonNode>> it = nodeMap.fields(); it.hasNext(); ) {
                var entry = it.next();
                String id = entry.getKey();
                String pointer = base + "/nodes/" + JsonPointer.escape(id);
                if (!NODE_ID.matcher(id).matches()) {
                    error(pointer, "node id must match " + NODE_ID.pattern());
                }
                current = id;
                ObjectNode node = checkNode(pointer, entry.getValue());
                if (node != null) {
                    canonicalNodes.set(id, node);
                    nodes.put(id, node);
                }
            }
            checkGraph(nodeMap);
        }

        /** The node with defaults filled in, or null when it is too broken to take part in graph checks. */
        ObjectNode checkNode(String pointer, JsonNode raw) {
            if (!raw.isObject()) {
                error(pointer, "must be an object with a 'type'");
                return null;
            }
            JsonNode typeField = raw.get("type");
            if (typeField == null || !typeField.isTextual()) {
                error(pointer + "/type", "is required: one of " + NodeType.ids());
                return null;
            }
            var type = NodeType.of(typeField.asText());
            if (type.isEmpty()) {
                error(pointer + "/type", "unknown node type '" + typeField.asText() + "'; expected one of " + NodeType.ids());
                return null;
            }
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.put("type", type.get().id());
            for (Iterator<String> it = raw.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!name.equals("type") && type.get().field(name).isEmpty()) {
                    error(pointer + "/" + JsonPointer.escape(name), "unknown field for a " + type.get().id() + " node"
                            + (type.get().fields().isEmpty() ? "; it has no fields"
                            : "; its fields are " + type.get().fields().stream().map(NodeType.Field::name).toList()));
                }
            }
            for (NodeType.Field field : type.get().fields()) {
                checkField(pointer + "/" + field.name(), field, raw.get(field.name()), out);
            }
            return out;
        }

        void checkField(String pointer, NodeType.Field field, JsonNode value, ObjectNode out) {
            if (value == null || value.isNull()) {
                if (field.required()) {
                    error(pointer, "is required");
                } else if (field.defaultValue() instanceof Integer i) {
                    out.put(field.name(), i);
                } else if (field.defaultValue() instanceof Boolean b) {
                    out.put(field.name(), b);
                }
                return;
            }
            switch (field.kind()) {
                case AUDIO_URL -> {
                    if (!value.isTextual()) {
                        error(pointer, "must be a string");
                        return;
                    }
                    Template template = template(pointer, value.asText(), false);
                    if (template == null) {
                        return;
                    }
                    String problem = template.isConstant() ? HttpsUrl.problem(value.asText())
                            : value.asText().startsWith("https://") || value.asText().startsWith("{{") ? null
                            : "must be an https URL (checked again once its templates are filled in)";
                    if (problem != null) {
                        error(pointer, problem);
                    } else {
                        out.put(field.name(), value.asText());
                    }
                }
                case NODE_REF -> {
                    if (!value.isTextual()) {
                        error(pointer, "must be a node id (string)");
                    } else {
                        out.put(field.name(), value.asText());
                        references.add(new String[] {pointer, value.asText()});
                    }
                }
                case INTEGER -> {
                    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                        error(pointer, "must be an integer between " + field.min() + " and " + field.max());
                    } else if (value.asInt() < field.min() || value.asInt() > field.max()) {
                        error(pointer, "must be between " + field.min() + " and " + field.max() + ", was " + value.asInt());
                    } else {
                        out.put(field.name(), value.asInt());
                    }
                }
                case BOOLEAN -> {
                    if (!value.isBoolean()) {
                        error(pointer, "must be true or false");
                    } else {
                        out.put(field.name(), value.asBoolean());
                    }
                }
                case KEY -> {
                    if (!value.isTextual() || !Keypad.isKey(value.asText())) {
                        error(pointer, "must be one key: 0-9, * or #");
                    } else {
                        out.put(field.name(), value.asText());
                    }
                }
                case DIAL_TARGET -> {
                    if (!value.isTextual()) {
                        error(pointer, "must be a string");
                    } else if (value.asText().contains("{{")) {
                        // Parsed as a number once its templates are filled in, when the call runs.
                        if (template(pointer, value.asText(), false) != null) {
                            out.put(field.name(), value.asText());
                        }
                    } else {
                        try {
                            out.put(field.name(), numbers.dialTarget(value.asText()));
                        } catch (PhoneNumbers.InvalidNumber e) {
                            error(pointer, e.getMessage());
                        }
                    }
                }
                case ROUTES -> {
                    if (!value.isObject()) {
                        error(pointer, "must be an object of digits → node id");
                        return;
                    }
                    ObjectNode routes = out.putObject(field.name());
                    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                        var route = it.next();
                        String routePointer = pointer + "/" + JsonPointer.escape(route.getKey());
                        if (!Keypad.isKeys(route.getKey(), 1, Keypad.MAX_DIGITS)) {
                            error(routePointer, "route key must be 1–" + Keypad.MAX_DIGITS + " of the keys 0-9, * and #");
                        } else if (!route.getValue().isTextual()) {
                            error(routePointer, "must be a node id (string)");
                        } else {
                            routes.put(route.getKey(), route.getValue().asText());
                            references.add(new String[] {routePointer, route.getValue().asText()});
                        }
                    }
                }
                case VAR_NAME -> {
                    if (!value.isTextual() || !Variables.isName(value.asText())) {
                        error(pointer, "must be a variable name matching " + Variables.NAME.pattern());
                    } else {
                        out.put(field.name(), value.asText());
                    }
                }
                case REGEX -> {
                    if (!value.isTextual() || value.asText().isEmpty() || value.asText().length() > MAX_REGEX) {
                        error(pointer, "must be a regular expression of 1–" + MAX_REGEX + " characters");
                        return;
                    }
                    try {
                        Pattern.compile(value.asText());
                        out.put(field.name(), value.asText());
                    } catch (PatternSyntaxException e) {
                        error(pointer, "is not a valid regular expression: " + e.getDescription()
                                + " near index " + e.getIndex());
                    }
                }
                case FLAG -> {
                    if (!value.isBoolean()) {
                        error(pointer, "must be true or false");
                    } else if (value.asBoolean()) {
                        out.put(field.name(), true);
                    }
                }
                case HTTP_METHOD -> {
                    if (!value.isTextual() || !METHODS.contains(value.asText())) {
                        error(pointer, "must be one of " + METHODS);
                    } else {
                        out.put(field.name(), value.asText());
                    }
                }
                case URL_TEMPLATE -> {
                    if (!value.isTextual()) {
                        error(pointer, "must be a string");
                        return;
                    }
                    String url = value.asText();
                    Template template = template(pointer, url, false);
                    if (template == null) {
                        return;
                    }
                    int hostEnd = url.indexOf('/', "https://".length());
                    String origin = hostEnd < 0 ? url : url.substring(0, hostEnd);
                    if (!url.startsWith("https://") && !url.startsWith("http://")) {
                        error(pointer, "must be an https URL");
                    } else if (origin.contains("{{")) {
                        error(pointer, "the scheme and host must be written out, not templated: only the path "
                                + "and query may hold templates");
                    } else if (url.startsWith("http://")) {
                        warnings.add(new FieldError(pointer, "is not https: only hosts listed in "
                                + "NEXAFLOW_HTTP_INSECURE_HOSTS may be called over http; others go to onError"));
                        out.put(field.name(), url);
                    } else {
                        out.put(field.name(), url);
                    }
                }
                case HEADERS -> {
                    if (!value.isObject()) {
                        error(pointer, "must be an object of header name → value");
                        return;
                    }
                    ObjectNode headers = out.putObject(field.name());
                    value.fields().forEachRemaining(header -> {
                        String headerPointer = pointer + "/" + JsonPointer.escape(header.getKey());
                        if (!HEADER_NAME.matcher(header.getKey()).matches()) {
                            error(headerPointer, "is not a valid header name");
                        } else if (!header.getValue().isTextual()) {
                            error(headerPointer, "must be a string");
                        } else if (template(headerPointer, header.getValue().asText(), true) != null) {
                            headers.put(header.getKey(), header.getValue().asText());
                        }
                    });
                }
                case JSON_TEMPLATE -> {
                    checkJsonTemplates(pointer, value);
                    out.set(field.name(), value.deepCopy());
                }
                case EXTRACT -> {
                    if (!value.isObject()) {
                        error(pointer, "must be an object of variable name → JSON pointer");
                        return;
                    }
                    ObjectNode extract = out.putObject(field.name());
                    value.fields().forEachRemaining(e -> {
                        String extractPointer = pointer + "/" + JsonPointer.escape(e.getKey());
                        if (!Variables.isName(e.getKey())) {
                            error(extractPointer, "variable names must match " + Variables.NAME.pattern());
                        } else if (!e.getValue().isTextual()
                                || !(e.getValue().asText().isEmpty() || e.getValue().asText().startsWith("/"))) {
                            error(extractPointer, "must be a JSON pointer into the answer, such as \"/balance\"");
                        } else {
                            extract.put(e.getKey(), e.getValue().asText());
                        }
                    });
                }
                case CASES -> {
                    if (!value.isArray() || value.isEmpty() || value.size() > MAX_CASES) {
                        error(pointer, "must be a list of 1–" + MAX_CASES + " cases {when, next}");
                        return;
                    }
                    ArrayNode cases = out.putArray(field.name());
                    for (int i = 0; i < value.size(); i++) {
                        JsonNode c = value.get(i);
                        String casePointer = pointer + "/" + i;
                        if (!c.isObject() || !c.path("when").isTextual() || !c.path("next").isTextual()) {
                            error(casePointer, "must be {\"when\": \"<CEL condition>\", \"next\": \"<node id>\"}");
                            continue;
                        }
                        c.fieldNames().forEachRemaining(name -> {
                            if (!name.equals("when") && !name.equals("next")) {
                                error(casePointer + "/" + JsonPointer.escape(name), "unknown field; a case has 'when' and 'next'");
                            }
                        });
                        Parsed<Condition> condition = Condition.compile(c.get("when").asText());
                        condition.problems().forEach(p -> error(casePointer + "/when", p.describe()));
                        condition.value().ifPresent(compiled -> usesVars(casePointer + "/when", conditionVars(c.get("when").asText())));
                        references.add(new String[] {casePointer + "/next", c.get("next").asText()});
                        cases.addObject().put("when", c.get("when").asText()).put("next", c.get("next").asText());
                    }
                }
                case VARS -> {
                    if (!value.isObject() || value.isEmpty()) {
                        error(pointer, "must be an object of variable name → template, with at least one");
                        return;
                    }
                    ObjectNode vars = out.putObject(field.name());
                    value.fields().forEachRemaining(v -> {
                        String varPointer = pointer + "/" + JsonPointer.escape(v.getKey());
                        if (!Variables.isName(v.getKey())) {
                            error(varPointer, "variable names must match " + Variables.NAME.pattern());
                        } else if (!v.getValue().isTextual()) {
                            error(varPointer, "must be a string template, such as \"{{vars.amount}}\"");
                        } else if (template(varPointer, v.getValue().asText(), false) != null) {
                            vars.put(v.getKey(), v.getValue().asText());
                        }
                    });
                }
            }
        }

        /**
         * Parses a template, reporting its problems at {@code pointer}; secrets only where {@code secrets} allows
         * them (http header values), and only ones that can be read. Records the variables it reads.
         */
        Template template(String pointer, String text, boolean secrets) {
            Parsed<Template> parsed = Template.parse(text);
            if (!parsed.ok()) {
                parsed.problems().forEach(p -> error(pointer, describe(p)));
                return null;
            }
            Template template = parsed.orElseThrow();
            boolean fine = true;
            for (Template.Reference reference : template.references()) {
                if (reference.kind() == Template.Reference.Kind.SECRET) {
                    if (!secrets) {
                        error(pointer, "{{" + reference + "}}: secrets may be used in http header values only");
                        fine = false;
                    } else if (!secretExists.test(reference.name())) {
                        error(pointer, "{{" + reference + "}}: unknown secret; set NEXAFLOW_SECRET_" + reference.name());
                        fine = false;
                    }
                } else if (reference.kind() == Template.Reference.Kind.VAR) {
                    usesVars(pointer, Set.of(reference.name()));
                }
            }
            return fine ? template : null;
        }

        /** The variables a condition reads ({@code vars.NAME} or {@code vars["NAME"]}), except inside has(). */
        Set<String> conditionVars(String expression) {
            Set<String> names = new TreeSet<>();
            var matcher = VAR_IN_CONDITION.matcher(expression);
            while (matcher.find()) {
                if (matcher.group(1) == null) {
                    names.add(matcher.group(2) != null ? matcher.group(2) : matcher.group(3));
                }
            }
            return names;
        }

        String describe(ExpressionProblem problem) {
            return problem.offset() < 0 ? problem.message() : "at character " + problem.offset() + ": " + problem.message();
        }

        void checkJsonTemplates(String pointer, JsonNode value) {
            if (value.isTextual()) {
                template(pointer, value.asText(), false);
            } else if (value.isObject()) {
                value.fields().forEachRemaining(e -> checkJsonTemplates(pointer + "/" + JsonPointer.escape(e.getKey()), e.getValue()));
            } else if (value.isArray()) {
                for (int i = 0; i < value.size(); i++) {
                    checkJsonTemplates(pointer + "/" + i, value.get(i));
                }
            }
        }

        void usesVars(String pointer, Set<String> names) {
            Map<String, String> mine = uses.computeIfAbsent(current, id -> new HashMap<>());
            names.forEach(name -> mine.putIfAbsent(name, pointer));
        }

        void checkGraph(JsonNode rawNodes) {
            for (String[] reference : references) {
                if (!nodes.containsKey(reference[1]) && !rawNodes.has(reference[1])) {
                    error(reference[0], "refers to node '" + reference[1] + "', which does not exist");
                }
            }
            for (var entry : nodes.entrySet()) {
                String pointer = base + "/nodes/" + JsonPointer.escape(entry.getKey());
                ObjectNode node = entry.getValue();
                if (typeOf(node) == NodeType.GATHER) {
                    checkGather(entry.getKey(), pointer, node);
                }
            }
            checkChains();
            checkLoops();
            checkReachable();
            checkVariablesSet();
        }

        /** A node's ways out, each with the variables that are set when the call takes it. */
        Map<String, Set<String>> edges(ObjectNode node) {
            Map<String, Set<String>> edges = new HashMap<>();
            NodeType type = typeOf(node);
            Set<String> defined = new HashSet<>();
            if (type == NodeType.SET) {
                node.path("vars").fieldNames().forEachRemaining(defined::add);
            } else if (type == NodeType.HTTP) {
                node.path("extract").fieldNames().forEachRemaining(defined::add);
            }
            String saveAs = type == NodeType.GATHER ? node.path("saveAs").asText(null) : null;
            for (NodeType.Field reference : type.references()) {
                JsonNode target = node.get(reference.name());
                if (target == null || target.isNull()) {
                    continue;
                }
                if (reference.kind() == NodeType.Kind.ROUTES) {
                    target.forEach(route -> edge(edges, route.asText(), saveAs == null ? Set.of() : Set.of(saveAs)));
                } else if (reference.kind() == NodeType.Kind.CASES) {
                    target.forEach(c -> edge(edges, c.path("next").asText(), Set.of()));
                } else if (reference.name().equals(NodeType.NEXT)) {
                    edge(edges, target.asText(), defined);
                } else if (reference.name().equals("default") && saveAs != null) {
                    edge(edges, target.asText(), Set.of(saveAs));
                } else {
                    edge(edges, target.asText(), Set.of());
                }
            }
            return edges;
        }

        /** Two ways to one node set what both set. */
        void edge(Map<String, Set<String>> edges, String target, Set<String> defined) {
            edges.merge(target, defined, (a, b) -> {
                Set<String> both = new HashSet<>(a);
                both.retainAll(b);
                return both;
            });
        }

        /**
         * Nodes that run on without waiting for input (play, dial, http, switch, set) must not loop: a turn would
         * never end. Loops of play and dial alone are reported by {@link #checkChains()}.
         */
        void checkLoops() {
            Map<String, Integer> state = new HashMap<>(); // 1 on the stack, 2 done
            for (String from : new TreeSet<>(nodes.keySet())) {
                if (runsOn(from)) {
                    findLoop(from, new ArrayList<>(), state);
                }
            }
        }

        boolean runsOn(String id) {
            ObjectNode node = nodes.get(id);
            return node != null && (typeOf(node).chained() || typeOf(node).internal());
        }

        void findLoop(String id, List<String> stack, Map<String, Integer> state) {
            Integer seen = state.get(id);
            if (seen != null) {
                if (seen == 1) {
                    List<String> loop = new ArrayList<>(stack.subList(stack.indexOf(id), stack.size()));
                    if (loop.stream().anyMatch(n -> typeOf(nodes.get(n)).internal())) {
                        loop.add(id);
                        error(base + "/nodes/" + JsonPointer.escape(loop.get(0)), "nodes loop without a gather: "
                                + String.join(" → ", loop) + "; the turn would never end");
                    }
                }
                return;
            }
            state.put(id, 1);
            stack.add(id);
            for (String target : new TreeSet<>(edges(nodes.get(id)).keySet())) {
                if (runsOn(target)) {
                    findLoop(target, stack, state);
                }
            }
            stack.remove(stack.size() - 1);
            state.put(id, 2);
        }

        /**
         * A warning for each variable read where some path from the start has not set it: unless the call is
         * started with it in {@code variables}, the node's {@code onError} (or the fallback) runs there.
         */
        void checkVariablesSet() {
            String start = canonical.path("start").asText(null);
            if (uses.isEmpty() || start == null || !nodes.containsKey(start)) {
                return;
            }
            Map<String, Map<String, Set<String>>> out = new HashMap<>();
            Map<String, Set<String>> setBy = new HashMap<>();
            Set<String> universe = new HashSet<>();
            nodes.forEach((id, node) -> {
                Map<String, Set<String>> edges = edges(node);
                out.put(id, edges);
                List<String> sets = new ArrayList<>();
                node.path("vars").fieldNames().forEachRemaining(sets::add);
                node.path("extract").fieldNames().forEachRemaining(sets::add);
                if (node.hasNonNull("saveAs")) {
                    sets.add(node.get("saveAs").asText());
                }
                sets.forEach(v -> {
                    universe.add(v);
                    setBy.computeIfAbsent(v, x -> new TreeSet<>()).add(id);
                });
            });
            uses.values().forEach(u -> universe.addAll(u.keySet()));
            Map<String, Set<String>> in = new HashMap<>();
            nodes.keySet().forEach(id -> in.put(id, new HashSet<>(universe)));
            in.put(start, new HashSet<>());
            boolean changed = true;
            for (int round = 0; changed && round < nodes.size() + 2; round++) {
                changed = false;
                for (String id : new TreeSet<>(nodes.keySet())) {
                    Set<String> here = id.equals(start) ? new HashSet<>() : null;
                    for (var from : out.entrySet()) {
                        Set<String> defined = from.getValue().get(id);
                        if (defined == null) {
                            continue;
                        }
                        Set<String> arriving = new HashSet<>(in.get(from.getKey()));
                        arriving.addAll(defined);
                        if (here == null) {
                            here = arriving;
                        } else {
                            here.retainAll(arriving);
                        }
                    }
                    if (here != null && !here.equals(in.get(id))) {
                        in.put(id, here);
                        changed = true;
                    }
                }
            }
            for (var use : new TreeMap<>(uses).entrySet()) {
                for (var variable : new TreeMap<>(use.getValue()).entrySet()) {
                    if (in.getOrDefault(use.getKey(), Set.of()).contains(variable.getKey())) {
                        continue;
                    }
                    Set<String> setters = setBy.get(variable.getKey());
                    warnings.add(new FieldError(variable.getValue(), "vars." + variable.getKey() + (setters == null
                            ? " is not set by any node: the call must be started with it in `variables`"
                            : " is not set on every path to here (set by " + String.join(", ", setters)
                            + "): a call that did not pass there must be started with it in `variables`")));
                }
            }
        }

        void checkGather(String id, String pointer, ObjectNode gather) {
            int maxDigits = gather.path("maxDigits").asInt(1);
            String terminator = gather.path("terminator").asText(null);
            for (Iterator<String> it = gather.path("routes").fieldNames(); it.hasNext(); ) {
                String digits = it.next();
                if (digits.length() > maxDigits) {
                    error(pointer + "/routes/" + JsonPointer.escape(digits), "has " + digits.length()
                            + " digits but maxDigits is " + maxDigits + ": it can never match");
                } else if (terminator != null && digits.contains(terminator)) {
                    error(pointer + "/routes/" + JsonPointer.escape(digits), "contains the terminator '" + terminator
                            + "', which ends collection: it can never match");
                }
            }
            if (id.equals(gather.path("onMaxAttempts").asText(null))) {
                error(pointer + "/onMaxAttempts", "must lead somewhere else than the gather whose attempts are used up");
            }
            if (gather.path("routes").isEmpty() && !gather.has("default")) {
                warnings.add(new FieldError(pointer + "/routes",
                        "no routes and no default: every input goes to onInvalid or repeats the gather"));
            }
        }

        /** A run of play/dial nodes is sent as one nested verb; it must end, and not be absurdly long. */
        void checkChains() {
            for (String from : new TreeSet<>(nodes.keySet())) {
                Set<String> seen = new LinkedHashSet<>();
                String at = from;
                while (at != null && nodes.containsKey(at) && isChained(nodes.get(at))) {
                    if (!seen.add(at)) {
                        if (at.equals(from) && from.equals(Collections.min(seen))) {
                            error(base + "/nodes/" + JsonPointer.escape(from) + "/" + NodeType.NEXT, "play/dial nodes loop without a gather: "
                                    + String.join(" → ", seen) + " → " + at + "; the chain would never end");
                        }
                        break;
                    }
                    if (seen.size() > MAX_CHAIN) {
                        error(base + "/nodes/" + JsonPointer.escape(from), "starts a run of more than " + MAX_CHAIN
                                + " play/dial nodes without a gather or hangup");
                        break;
                    }
                    at = nodes.get(at).path(NodeType.NEXT).asText(null);
                }
            }
        }

        boolean isChained(ObjectNode node) {
            return typeOf(node).chained();
        }

        /** The type of a node that passed {@link #checkNode}. */
        NodeType typeOf(ObjectNode node) {
            return NodeType.of(node.path("type").asText()).orElseThrow();
        }

        void checkReachable() {
            String start = canonical.path("start").asText(null);
            if (start == null || !nodes.containsKey(start)) {
                return;
            }
            Set<String> reached = new HashSet<>();
            var todo = new ArrayDeque<String>();
            todo.add(start);
            while (!todo.isEmpty()) {
                String id = todo.poll();
                if (!reached.add(id) || !nodes.containsKey(id)) {
                    continue;
                }
                todo.addAll(new TreeSet<>(edges(nodes.get(id)).keySet()));
            }
            for (String id : new TreeSet<>(nodes.keySet())) {
                if (!reached.contains(id)) {
                    warnings.add(new FieldError(base + "/nodes/" + JsonPointer.escape(id), "unreachable from start node '" + start + "'"));
                }
            }
        }
    }
}
