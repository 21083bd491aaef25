package io.nexaflow.flow.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.TreeSet;
import java.util.regex.Pattern;

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

    private final PhoneNumbers numbers;

    public FlowValidator(PhoneNumbers numbers) {
        this.numbers = numbers;
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
                    String problem = value.isTextual() ? HttpsUrl.problem(value.asText()) : "must be a string";
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
            }
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
            checkReachable();
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
                ObjectNode node = nodes.get(id);
                for (NodeType.Field reference : typeOf(node).references()) {
                    JsonNode target = node.get(reference.name());
                    if (target == null || target.isNull()) {
                        continue;
                    }
                    if (reference.kind() == NodeType.Kind.ROUTES) {
                        target.forEach(route -> todo.add(route.asText()));
                    } else {
                        todo.add(target.asText());
                    }
                }
            }
            for (String id : new TreeSet<>(nodes.keySet())) {
                if (!reached.contains(id)) {
                    warnings.add(new FieldError(base + "/nodes/" + JsonPointer.escape(id), "unreachable from start node '" + start + "'"));
                }
            }
        }
    }
}
