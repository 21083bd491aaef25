package io.nexaflow.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every branch of gather routing (docs/architecture.md, "Flows and the engine"). */
class RoutingTest {

    private static final String PLAY = "{ \"type\": \"play\", \"audioUrl\": \"https://cdn.test/%s.wav\", \"next\": \"bye\" }";

    /** ask: every way out; strict: onInvalid only, no terminator; plain: nowhere to go but round again. */
    private static final FlowProgram PROGRAM = new FlowProgram(TestFlows.flow("""
            {
              "start": "ask",
              "nodes": {
                "ask": { "type": "gather", "maxDigits": 3, "terminator": "#",
                         "routes": { "1": "one", "2": "two", "*9": "star" },
                         "default": "other", "onTimeout": "silence", "onInvalid": "bad",
                         "maxAttempts": 2, "onMaxAttempts": "too-many" },
                "strict": { "type": "gather", "maxDigits": 2, "routes": { "1": "one", "1#": "one-hash" }, "onInvalid": "bad" },
                "plain": { "type": "gather", "maxDigits": 2, "routes": { "1": "one" } },
                "one": %s, "two": %s, "star": %s, "other": %s, "silence": %s, "bad": %s, "too-many": %s, "one-hash": %s,
                "bye": { "type": "hangup" }
              }
            }""".formatted(play("one"), play("two"), play("star"), play("other"), play("silence"), play("bad"),
            play("too-many"), play("one-hash"))));

    private static String play(String name) {
        return PLAY.formatted(name);
    }

    @ParameterizedTest(name = "{0} ← {1}: {3} {4}")
    @CsvSource(nullValues = "NULL", textBlock = """
            # gather, dtmf,  digits, reason,  target
            ask,    1,       1,      MATCH,   one
            ask,    2,       2,      MATCH,   two
            ask,    *9,      *9,     MATCH,   star
            ask,    1#,      1,      MATCH,   one
            ask,    1#5,     1,      MATCH,   one
            ask,    5,       5,      DEFAULT, other
            ask,    123,     123,    DEFAULT, other
            ask,    *,       *,      DEFAULT, other
            ask,    NULL,    '',     TIMEOUT, silence
            ask,    '',      '',     TIMEOUT, silence
            ask,    '#',     '',     TIMEOUT, silence
            ask,    1a,      1a,     INVALID, bad
            ask,    ' 1',    ' 1',   INVALID, bad
            ask,    A#,      A,      INVALID, bad
            strict, NULL,    '',     INVALID, bad
            strict, 9,       9,      INVALID, bad
            strict, x,       x,      INVALID, bad
            strict, 1#,      1#,     MATCH,   one-hash
            plain,  1,       1,      MATCH,   one
            plain,  NULL,    '',     REPEAT,  plain
            plain,  9,       9,      REPEAT,  plain
            plain,  x,       x,      REPEAT,  plain
            plain,  1#,      1#,     REPEAT,  plain
            """)
    void routes(String gather, String dtmf, String digits, RouteReason reason, String target) {
        assertThat(PROGRAM.route(gather, dtmf)).isEqualTo(new Routing(digits, reason, target));
    }

    @Test
    void routingIsOnlyForGathers() {
        assertThatThrownBy(() -> PROGRAM.route("one", "1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a gather");
        assertThatThrownBy(() -> PROGRAM.route("nope", "1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope");
    }

    @Test
    void callbackWalksOnFromTheTarget() {
        var step = PROGRAM.callback("ask", Attempts.of(java.util.Map.of("ask", 1)), "5");

        assertThat(step.routing().target()).isEqualTo("other");
        assertThat(step.turn().nodes()).containsExactly("other", "bye");
        assertThat(step.turn().hangup()).isTrue();
    }
}
