package io.nexaflow.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nexaflow.api.Examples;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.nexaflow.engine.TestFlows.CALLBACK;
import static io.nexaflow.engine.TestFlows.JSON;
import static io.nexaflow.engine.TestFlows.assertSameJson;
import static io.nexaflow.engine.TestFlows.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The per-call slots of a rendered verb: callback URL and channelId (docs/architecture.md, "Flows and the engine"). */
class RenderTest {

    private final FlowProgram program = new FlowProgram(TestFlows.flow("""
            {
              "start": "menu",
              "nodes": {
                "menu":  { "type": "gather", "routes": { "1": "again" } },
                "again": { "type": "play", "audioUrl": "https://cdn.test/again.wav", "next": "menu" }
              }
            }"""));

    private final Turn againThenMenu = program.callback("menu", Attempts.of(Map.of("menu", 1)), "1").turn();

    @Test
    void channelIdIsEchoedIntoTheFollowingGather() {
        assertSameJson(program.render(againThenMenu, CALLBACK, "ch-42"), tree("""
                {"type":"play","data":{"audioUrl":"https://cdn.test/again.wav","action":
                  {"type":"gather","data":{"maxDigits":1,"timeout":10000,"digitTimeout":5000,"channelId":"ch-42",
                   "action":"https://example.test/api/handle-dtmf?s=TOKEN"}}}}"""));
    }

    @Test
    void noChannelIdNoKey() {
        assertSameJson(program.render(againThenMenu, CALLBACK, null), tree("""
                {"type":"play","data":{"audioUrl":"https://cdn.test/again.wav","action":
                  {"type":"gather","data":{"maxDigits":1,"timeout":10000,"digitTimeout":5000,
                   "action":"https://example.test/api/handle-dtmf?s=TOKEN"}}}}"""));
    }

    @Test
    void channelIdIsEchoedIntoTheSeedMenuToo() {
        var seed = new FlowProgram(TestFlows.flow(Examples.SEED_IVR_DEFINITION));

        JsonNode verb = tree(seed.render(seed.start(), CALLBACK, "leg-7"));

        assertThat(verb.at("/data/action/data/channelId").textValue()).isEqualTo("leg-7");
    }

    @Test
    void quotesBackslashesAndControlCharactersAreEscaped() {
        String url = "https://example.test/cb?s=\"quoted\"\\back\\slash&x=</script>";
        String channel = "ch\"1\\2\n\t\u0001\u2028é€😀";

        String verb = program.render(new Turn(List.of("menu"), "menu", Attempts.of(Map.of("menu", 1)), false,
                List.of(), List.of()), url, channel);

        ObjectNode expected = JSON.createObjectNode().put("type", "gather");
        expected.putObject("data").put("maxDigits", 1).put("timeout", 10000).put("digitTimeout", 5000)
                .put("channelId", channel).put("action", url);
        assertSameJson(verb, expected);
        assertThat(tree(verb).at("/data/action").textValue()).isEqualTo(url);
        assertThat(tree(verb).at("/data/channelId").textValue()).isEqualTo(channel);
    }

    @Test
    void audioUrlsAndNumbersAreEscapedOnceAtBuildTime() {
        // Validation refuses quotes and backslashes in sip: URIs; the engine must escape them regardless.
        var dial = new FlowProgram(TestFlows.unchecked("""
                { "start": "d", "nodes": { "d": { "type": "dial", "number": "sip:100@pbx.test;x=\\"a\\\\b\\"" } } }"""));

        JsonNode verb = tree(dial.render(dial.start(), null, null));

        assertThat(verb.at("/data/number").textValue()).isEqualTo("sip:100@pbx.test;x=\"a\\b\"");
    }

    @Test
    void renderingDoesNotDependOnEarlierCalls() {
        String first = program.render(againThenMenu, CALLBACK, "a");
        program.render(againThenMenu, "https://other.test/", "b");

        assertThat(program.render(againThenMenu, CALLBACK, "a")).isEqualTo(first);
    }

    @Test
    void pathsThatNoWalkProducesAreRejected() {
        Attempts once = Attempts.of(Map.of("menu", 1));
        assertThatThrownBy(() -> program.render(new Turn(List.of("menu", "again"), "menu", once, false, List.of(), List.of()),
                CALLBACK, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> program.render(new Turn(List.of("menu"), null, once, false, List.of(), List.of()),
                CALLBACK, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> program.render(new Turn(List.of(), null, once, false, List.of(), List.of()),
                CALLBACK, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> program.render(new Turn(List.of("ghost"), null, once, true, List.of(), List.of()),
                CALLBACK, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> program.render(againThenMenu, null, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("callbackUrl");
    }
}
