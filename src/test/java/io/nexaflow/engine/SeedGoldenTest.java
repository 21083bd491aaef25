package io.nexaflow.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.nexaflow.api.Examples;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.nexaflow.engine.TestFlows.CALLBACK;
import static io.nexaflow.engine.TestFlows.assertSameJson;
import static io.nexaflow.engine.TestFlows.compact;
import static io.nexaflow.engine.TestFlows.golden;
import static org.assertj.core.api.Assertions.assertThat;

/** The seed's demo IVR must produce exactly the vendor page's verb documents (docs/architecture.md, "Flows and the engine"). */
class SeedGoldenTest {

    private final FlowProgram program = new FlowProgram(TestFlows.flow(Examples.SEED_IVR_DEFINITION));
    private final Turn start = program.start();

    @Test
    void startIsTheAdvancedPayloadAction() {
        JsonNode expected = golden("advanced-call-request.json").get("action");

        String verb = program.render(start, CALLBACK, null);

        assertSameJson(verb, expected);
        assertThat(verb).as("key order as on the vendor page").isEqualTo(compact(expected));
        assertThat(start.nodes()).containsExactly("welcome", "menu");
        assertThat(start.gather()).isEqualTo("menu");
        assertThat(start.attempts()).isEqualTo(Attempts.of(Map.of("menu", 1)));
        assertThat(start.ended()).isFalse();
        assertThat(start.hangup()).isFalse();
    }

    @Test
    void pressingOneThanksAndHangsUp() {
        var step = program.callback("menu", start.attempts(), "1");

        assertThat(step.routing()).isEqualTo(new Routing("1", RouteReason.MATCH, "thanks"));
        assertGolden(step.turn(), "handle-dtmf-1.json");
        assertThat(step.turn().nodes()).containsExactly("thanks", "bye");
        assertThat(step.turn().dialed()).isEmpty();
    }

    @Test
    void pressingTwoDialsTheAgentWithMusicOnHold() {
        var step = program.callback("menu", start.attempts(), "2");

        assertThat(step.routing()).isEqualTo(new Routing("2", RouteReason.MATCH, "agent"));
        assertGolden(step.turn(), "handle-dtmf-2.json");
        assertThat(step.turn().nodes()).containsExactly("agent", "feedback", "bye");
        assertThat(step.turn().dialed()).containsExactly("072178xxxxx");
    }

    @Test
    void anyOtherKeyGetsTheFallback() {
        var step = program.callback("menu", start.attempts(), "7");

        assertThat(step.routing()).isEqualTo(new Routing("7", RouteReason.INVALID, "invalid"));
        assertGolden(step.turn(), "handle-dtmf-fallback.json");
    }

    @Test
    void timeoutGetsTheFallback() {
        var step = program.callback("menu", start.attempts(), null);

        assertThat(step.routing()).isEqualTo(new Routing("", RouteReason.TIMEOUT, "invalid"));
        assertGolden(step.turn(), "handle-dtmf-fallback.json");
    }

    private void assertGolden(Turn path, String file) {
        JsonNode expected = golden(file);
        String verb = program.render(path, CALLBACK, "channel-is-not-used-when-no-gather-follows");

        assertSameJson(verb, expected);
        assertThat(verb).as("key order as on the vendor page").isEqualTo(compact(expected));
        assertThat(path.ended()).isTrue();
        assertThat(path.hangup()).isTrue();
        assertThat(path.exhausted()).isEqualTo(List.of());
        assertThat(path.attempts()).isEqualTo(start.attempts());
    }
}
