package io.nexaflow.expr;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The outcome of parsing a template or compiling a condition: the value, or every problem found in the text. */
public record Parsed<T>(Optional<T> value, List<ExpressionProblem> problems) {

    public Parsed {
        problems = List.copyOf(problems);
        if (value.isPresent() == !problems.isEmpty()) {
            throw new IllegalArgumentException("either a value or problems, not both and not neither");
        }
    }

    static <T> Parsed<T> of(T value) {
        return new Parsed<>(Optional.of(value), List.of());
    }

    static <T> Parsed<T> failed(List<ExpressionProblem> problems) {
        return new Parsed<>(Optional.empty(), problems);
    }

    public boolean ok() {
        return value.isPresent();
    }

    /** The value, or an {@link IllegalArgumentException} listing the problems (for text known to be valid). */
    public T orElseThrow() {
        return value.orElseThrow(() -> new IllegalArgumentException(
                problems.stream().map(ExpressionProblem::describe).collect(Collectors.joining("; "))));
    }
}
