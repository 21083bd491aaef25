package io.nexaflow.engine;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How many times each gather node has been entered in one call. Immutable, with value equality; a node
 * never entered is simply absent, so {@code Attempts.of(Map.of("menu", 0))} equals {@link #none()}.
 */
public final class Attempts {

    private static final Attempts NONE = new Attempts(new TreeMap<>());

    private final Map<String, Integer> counts;

    private Attempts(TreeMap<String, Integer> counts) {
        this.counts = Collections.unmodifiableMap(counts);
    }

    public static Attempts none() {
        return NONE;
    }

    /** @throws IllegalArgumentException for a negative count; null keys or counts throw NullPointerException */
    public static Attempts of(Map<String, Integer> counts) {
        var sorted = new TreeMap<String, Integer>();
        counts.forEach((node, count) -> {
            Objects.requireNonNull(node, "gather node id");
            Objects.requireNonNull(count, "attempt count");
            if (count < 0) {
                throw new IllegalArgumentException("attempt count of '" + node + "' is negative: " + count);
            }
            if (count > 0) {
                sorted.put(node, count);
            }
        });
        return sorted.isEmpty() ? NONE : new Attempts(sorted);
    }

    /** Times {@code gatherNode} was entered; 0 when never. */
    public int of(String gatherNode) {
        return counts.getOrDefault(gatherNode, 0);
    }

    /** These counts with {@code gatherNode} entered once more. */
    public Attempts enter(String gatherNode) {
        Objects.requireNonNull(gatherNode, "gather node id");
        var next = new TreeMap<>(counts);
        next.merge(gatherNode, 1, Integer::sum);
        return new Attempts(next);
    }

    /** Sorted by node id, unmodifiable. */
    public Map<String, Integer> asMap() {
        return counts;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Attempts that && counts.equals(that.counts);
    }

    @Override
    public int hashCode() {
        return counts.hashCode();
    }

    @Override
    public String toString() {
        return "Attempts" + counts;
    }
}
