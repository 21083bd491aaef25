package io.nexaflow.engine;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AttemptsTest {

    @Test
    void countsEntriesWithoutChangingTheOriginal() {
        Attempts once = Attempts.none().enter("menu");
        Attempts twice = once.enter("menu").enter("other");

        assertThat(once.of("menu")).isEqualTo(1);
        assertThat(twice.of("menu")).isEqualTo(2);
        assertThat(twice.of("other")).isEqualTo(1);
        assertThat(twice.of("never")).isZero();
        assertThat(Attempts.none().asMap()).isEmpty();
    }

    @Test
    void hasValueEquality() {
        assertThat(Attempts.none().enter("b").enter("a")).isEqualTo(Attempts.of(Map.of("a", 1, "b", 1)))
                .hasSameHashCodeAs(Attempts.of(Map.of("a", 1, "b", 1)));
        assertThat(Attempts.of(Map.of("a", 0))).isEqualTo(Attempts.none());
        assertThat(Attempts.of(Map.of("a", 1))).isNotEqualTo(Attempts.of(Map.of("a", 2)));
    }

    @Test
    void mapIsSortedUnmodifiableAndACopy() {
        var source = new HashMap<>(Map.of("zeta", 1, "alpha", 3, "mid", 2));
        Attempts attempts = Attempts.of(source);
        source.put("alpha", 9);

        assertThat(attempts.asMap()).containsExactly(Map.entry("alpha", 3), Map.entry("mid", 2), Map.entry("zeta", 1));
        assertThatThrownBy(() -> attempts.asMap().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void rejectsNegativeCounts() {
        assertThatThrownBy(() -> Attempts.of(Map.of("menu", -1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("menu");
    }
}
