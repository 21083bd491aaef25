package io.nexaflow.expr;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What templates and conditions of one call can see, immutable: {@code call} (from, to, id), the call's
 * {@code vars} (values as {@link Variables#normalize} keeps them) and a lookup of secrets by name. Its toString
 * names the variables but shows no value, number or secret.
 */
public record Scope(Call call, Map<String, Object> vars, Function<String, Optional<String>> secrets) {

    private static final Function<String, Optional<String>> NO_SECRETS = name -> Optional.empty();

    /** {@code call.from}, {@code call.to}, {@code call.id}; a part not known yet is null. */
    public record Call(String from, String to, String id) {

        @Override
        public String toString() {
            return "Call[id=" + id + "]";
        }
    }

    public Scope {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(secrets, "secrets");
        Map<String, Object> copy = new LinkedHashMap<>();
        vars.forEach((name, value) -> {
            if (!Variables.isName(name)) {
                throw new IllegalArgumentException("not a variable name: " + name);
            }
            copy.put(name, Variables.normalize(name, value));
        });
        vars = Collections.unmodifiableMap(copy);
    }

    /** A scope that resolves no secret. */
    public static Scope of(Call call, Map<String, Object> vars) {
        return new Scope(call, vars, NO_SECRETS);
    }

    /** This scope with {@code changes} set over its variables (a set node, an http node's extract). */
    public Scope withVars(Map<String, Object> changes) {
        Map<String, Object> merged = new LinkedHashMap<>(vars);
        merged.putAll(changes);
        return new Scope(call, merged, secrets);
    }

    public Optional<String> secret(String name) {
        return secrets.apply(name);
    }

    @Override
    public String toString() {
        return "Scope[call=" + call + ", vars=" + vars.keySet() + "]";
    }
}
