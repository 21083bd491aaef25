package io.nexaflow.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nexaflow.problem.JsonPointer;
import io.nexaflow.problem.Problem.FieldError;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rules for a call's variables ({@code vars.NAME}): their names, their values (strings, numbers, booleans) and
 * the {@code variables} object given to {@code POST /v1/calls} (flat, at most 4 KiB of JSON). Also the one
 * conversion between that JSON and the map a {@link Scope} holds, keeping JSON types: an integer stays a
 * {@link Long}, a fraction a {@link Double} (or a {@link BigDecimal} when Jackson read it as one).
 */
public final class Variables {

    /** A variable (or secret) name: a letter or underscore, then up to 63 letters, digits or underscores. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

    /** The largest {@code variables} object, serialized as compact UTF-8 JSON. */
    public static final int MAX_BYTES = 4096;

    private static final String VALUE_TYPES = "must be a string, number or boolean";

    private Variables() {
    }

    public static boolean isName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** Every problem of a {@code variables} object found at {@code /variables} of the request body. */
    public static List<FieldError> check(JsonNode variables) {
        return check(variables, "/variables");
    }

    /**
     * Every problem of a {@code variables} object, each with a JSON pointer below {@code pointer}. Absent (null or
     * missing) is no variables and fine.
     */
    public static List<FieldError> check(JsonNode variables, String pointer) {
        List<FieldError> problems = new ArrayList<>();
        if (variables == null || variables.isMissingNode() || variables.isNull()) {
            return problems;
        }
        if (!variables.isObject()) {
            problems.add(new FieldError(pointer, "must be a JSON object of variable names to strings, numbers or booleans"));
            return problems;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = variables.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String at = pointer + "/" + JsonPointer.escape(field.getKey());
            if (!isName(field.getKey())) {
                problems.add(new FieldError(at, "is not a variable name: " + NAME.pattern()));
            }
            JsonNode value = field.getValue();
            if (!(value.isTextual() || value.isNumber() || value.isBoolean())) {
                problems.add(new FieldError(at, VALUE_TYPES));
            } else if (value.isBigInteger() && !value.canConvertToLong()) {
                problems.add(new FieldError(at, "must be an integer between -2^63 and 2^63-1"));
            }
        }
        int size = variables.toString().getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_BYTES) {
            problems.add(new FieldError(pointer, "must be at most " + MAX_BYTES + " bytes of JSON, is " + size));
        }
        return problems;
    }

    /**
     * A checked {@code variables} object as the map a {@link Scope} holds, in the object's order; null is empty.
     *
     * @throws IllegalArgumentException when {@link #check(JsonNode)} finds a problem
     */
    public static Map<String, Object> fromJson(JsonNode variables) {
        List<FieldError> problems = check(variables);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid variables: " + problems.get(0).pointer() + " "
                    + problems.get(0).message());
        }
        Map<String, Object> map = new LinkedHashMap<>();
        if (variables != null && variables.isObject()) {
            variables.fields().forEachRemaining(field -> map.put(field.getKey(), fromJsonValue(field.getValue())));
        }
        return Collections.unmodifiableMap(map);
    }

    /** One JSON value as a variable's value; for values an http node extracts (null when it is not a scalar). */
    public static Object fromJsonValue(JsonNode value) {
        if (value == null) {
            return null;
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (value.isBigDecimal()) {
            return value.decimalValue();
        }
        if (value.isFloatingPointNumber()) {
            return value.doubleValue();
        }
        return null;
    }

    /** Variables back as a JSON object: integers as JSON integers, decimals as written, in the map's order. */
    public static ObjectNode toJson(Map<String, Object> variables) {
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        variables.forEach((name, value) -> object.set(name, toJsonValue(name, value)));
        return object;
    }

    private static JsonNode toJsonValue(String name, Object value) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        Object normal = normalize(name, value);
        if (normal instanceof String s) {
            return json.textNode(s);
        }
        if (normal instanceof Boolean b) {
            return json.booleanNode(b);
        }
        if (normal instanceof Long l) {
            // As Jackson reads it: an int-sized integer is an IntNode, so a round trip gives an equal tree.
            return l == l.intValue() ? json.numberNode(l.intValue()) : json.numberNode(l);
        }
        if (normal instanceof Double d) {
            return json.numberNode(d);
        }
        return DecimalNode.valueOf((BigDecimal) normal); // as written: 100.50 keeps its zero
    }

    /**
     * A variable's value in the one form kept: String, Long, Double (finite), BigDecimal or Boolean; an Integer,
     * Short or Byte becomes a Long and a Float a Double.
     *
     * @throws IllegalArgumentException naming the variable (never its value) for any other type
     */
    public static Object normalize(String name, Object value) {
        if (value instanceof String || value instanceof Long || value instanceof BigDecimal || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isFinite(d)) {
                return d;
            }
            throw new IllegalArgumentException("variable '" + name + "' is not a finite number");
        }
        throw new IllegalArgumentException("variable '" + name + "' " + VALUE_TYPES + ", not "
                + (value == null ? "null" : value.getClass().getSimpleName()));
    }

    /**
     * A value as text in a template: strings as they are, integral numbers without a fraction (42, not 42.0),
     * a BigDecimal as its plain string (100.50), booleans as true/false.
     */
    public static String format(Object value) {
        if (value instanceof Double d) {
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        if (value instanceof BigDecimal b) {
            return b.toPlainString();
        }
        return String.valueOf(value);
    }
}
