package io.nexaflow.export;

import java.util.function.Function;

/** One CSV column of an export: its header and how a row's value is read. */
public record Column<V>(String name, Function<V, Object> value) {

    public static <V> Column<V> of(String name, Function<V, Object> value) {
        return new Column<>(name, value);
    }
}
