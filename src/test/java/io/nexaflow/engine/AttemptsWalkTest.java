package io.nexaflow.engine;

import io.nexaflow.flow.model.FlowDefinition;
import io.nexaflow.flow.model.Node;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.nexaflow.engine.TestFlows.CALLBACK;
import static io.nexaflow.engine.TestFlows.assertSameJson;
import static io.nexaflow.engine.TestFlows.tree;
import static org.assertj.core.api.Assertions.assertThat;

/** maxAttempts per gather and the way walks end (docs/architecture.md, "Flows and the engine"). */
class AttemptsWalkTest {

    private static final String HANGUP = "{\"type\":\"hangup\",\"data\":{}}";

    /** menu repeats on anything but "1"; "1" plays and comes back; after two entries it says sorry. */
    private final FlowProgram menu = new FlowProgram(TestFlows.flow("""
            {
              "start": "menu",
              "nodes": {
                "menu":  { "type": "gather", "routes": { "1": "again" }, "maxAttempts": 2, "onMaxAttempts": "sorry" },
                "again": { "type": "play", "audioUrl": "https://cdn.test/again.wav", "next": "menu" },
                "sorry": { "type": "play", "audioUrl": "https://cdn.test/sorry.wav", "next": "bye" },
                "bye":   { "type": "hangup" }
              }
            }"""));

    @Test
    void startCountsTheFirstEntry() {
        Turn start = menu.start();

        assertThat(start).isEqualTo(new Turn(List.of("menu"), "menu", Attempts.of(Map.of("menu", 1)), false,
                List.of(), List.of()));
    }

    @Test
    void repeatPromptsAgainAndCountsUp() {
        var step = menu.callback("menu", Attempts.of(Map.of("menu", 1)), "9");

        assertThat(step.routing()).isEqualTo(new Routing("9", RouteReason.REPEAT, "menu"));
        assertThat(step.turn()).isEqualTo(new Turn(List.of("menu"), "menu", Attempts.of(Map.of("menu", 2)), false,
                List.of(), List.of()));
    }

    @Test
    void comingBackThroughAPlayCountsUpToo() {
        Turn path = menu.callback("menu", Attempts.of(Map.of("menu", 1)), "1").turn();

        assertThat(path.nodes()).containsExactly("again", "menu");
        assertThat(path.gather()).isEqualTo("menu");
        assertThat(path.attempts().of("menu")).isEqualTo(2);
    }

    @Test
    void maxAttemptsReachedGoesToOnMaxAttempts() {
        var step = menu.callback("menu", Attempts.of(Map.of("menu", 2)), "9");

        assertThat(step.routing().reason()).isEqualTo(RouteReason.REPEAT);
        assertThat(step.turn()).isEqualTo(new Turn(List.of("sorry", "bye"), null, Attempts.of(Map.of("menu", 2)), true,
                List.of("menu"), List.of()));
        assertSameJson(menu.render(step.turn(), CALLBACK, null), tree("""
                {"type":"play","data":{"audioUrl":"https://cdn.test/sorry.wav","action":{"type":"hangup","data":{}}}}"""));
    }

    @Test
    void maxAttemptsReachedAfterAPlayNestsOnMaxAttemptsInThePlay() {
        Turn path = menu.callback("menu", Attempts.of(Map.of("menu", 2)), "1").turn();

        assertThat(path.nodes()).containsExactly("again", "sorry", "bye");
        assertThat(path.exhausted()).containsExactly("menu");
        assertSameJson(menu.render(path, CALLBACK, null), tree("""
                {"type":"play","data":{"audioUrl":"https://cdn.test/again.wav","action":
                  {"type":"play","data":{"audioUrl":"https://cdn.test/sorry.wav","action":{"type":"hangup","data":{}}}}}}"""));
    }

    @Test
    void maxAttemptsReachedWithoutOnMaxAttemptsHangsUp() {
        var program = new FlowProgram(TestFlows.flow("""
                {
                  "start": "intro",
                  "nodes": {
                    "intro": { "type": "play", "audioUrl": "https://cdn.test/intro.wav", "next": "menu" },
                    "menu":  { "type": "gather", "routes": { "1": "intro" }, "maxAttempts": 1 }
                  }
                }"""));
        Attempts once = program.start().attempts();

        Turn repeat = program.callback("menu", once, "9").turn();
        assertThat(repeat).isEqualTo(new Turn(List.of(), null, once, true, List.of("menu"), List.of()));
        assertThat(repeat.ended()).isTrue();
        assertSameJson(program.render(repeat, CALLBACK, "ch-1"), tree(HANGUP));

        Turn viaPlay = program.callback("menu", once, "1").turn();
        assertThat(viaPlay).isEqualTo(new Turn(List.of("intro"), null, once, true, List.of("menu"), List.of()));
        assertSameJson(program.render(viaPlay, CALLBACK, null), tree("""
                {"type":"play","data":{"audioUrl":"https://cdn.test/intro.wav","action":{"type":"hangup","data":{}}}}"""));
    }

    @Test
    void gathersExhaustedIntoEachOtherTerminate() {
        var program = new FlowProgram(TestFlows.flow("""
                {
                  "start": "a",
                  "nodes": {
                    "a": { "type": "gather", "routes": { "1": "b" }, "maxAttempts": 1, "onMaxAttempts": "b" },
                    "b": { "type": "gather", "routes": { "1": "a" }, "maxAttempts": 1, "onMaxAttempts": "a" }
                  }
                }"""));
        Attempts both = Attempts.of(Map.of("a", 1, "b", 1));

        Turn path = program.walk("a", both);

        assertThat(path).isEqualTo(new Turn(List.of(), null, both, true, List.of("a", "b"), List.of()));
        assertSameJson(program.render(path, CALLBACK, null), tree(HANGUP));
    }

    @Test
    void gathersExhaustedIntoEachOtherThroughPlaysTerminate() {
        var program = new FlowProgram(TestFlows.flow("""
                {
                  "start": "a",
                  "nodes": {
                    "a": { "type": "gather", "routes": { "1": "b" }, "maxAttempts": 1, "onMaxAttempts": "p" },
                    "p": { "type": "play", "audioUrl": "https://cdn.test/p.wav", "next": "b" },
                    "b": { "type": "gather", "routes": { "1": "a" }, "maxAttempts": 1, "onMaxAttempts": "q" },
                    "q": { "type": "play", "audioUrl": "https://cdn.test/q.wav", "next": "a" }
                  }
                }"""));

        Turn path = program.walk("a", Attempts.of(Map.of("a", 1, "b", 1)));

        assertThat(path.nodes()).containsExactly("p", "q");
        assertThat(path.exhausted()).containsExactly("a", "b");
        assertThat(path.hangup()).isTrue();
        assertThat(path.gather()).isNull();
    }

    @Test
    void exhaustedGatherOnMaxAttemptsCanLeadToAFreshGather() {
        var program = new FlowProgram(TestFlows.flow("""
                {
                  "start": "a",
                  "nodes": {
                    "a": { "type": "gather", "routes": { "1": "b" }, "maxAttempts": 1, "onMaxAttempts": "b" },
                    "b": { "type": "gather", "routes": { "1": "a" } }
                  }
                }"""));

        Turn path = program.walk("a", Attempts.of(Map.of("a", 1)));

        assertThat(path).isEqualTo(new Turn(List.of("b"), "b", Attempts.of(Map.of("a", 1, "b", 1)), false,
                List.of("a"), List.of()));
    }

    @Test
    void dialsAreListedAndAPlayWithoutNextEndsWithoutHangup() {
        var program = new FlowProgram(TestFlows.flow("""
                {
                  "start": "sales",
                  "nodes": {
                    "sales":   { "type": "dial", "number": "+911203135800", "next": "support" },
                    "support": { "type": "dial", "number": "sip:support@pbx.test", "moh": true, "timeout": 20, "next": "bye" },
                    "bye":     { "type": "play", "audioUrl": "https://cdn.test/bye.wav" }
                  }
                }"""));

        Turn path = program.start();

        assertThat(path).isEqualTo(new Turn(List.of("sales", "support", "bye"), null, Attempts.none(), false,
                List.of(), List.of("+911203135800", "sip:support@pbx.test")));
        assertSameJson(program.render(path, null, null), tree("""
                {"type":"dial","timeout":30,"data":{"number":"+911203135800","action":
                  {"type":"dial","timeout":20,"moh":{"enable":true},"data":{"number":"sip:support@pbx.test","action":
                    {"type":"play","data":{"audioUrl":"https://cdn.test/bye.wav"}}}}}}"""));
    }

    @Test
    void aLoopThatValidationWouldRejectIsCutOffWithAHangup() {
        String audio = "https://cdn.test/loop.wav";
        var program = new FlowProgram(new FlowDefinition("a", Map.of(
                "a", new Node.Play(audio, "b"),
                "b", new Node.Play(audio, "a"))));

        Turn path = program.start();

        assertThat(path.nodes()).hasSize(FlowProgram.MAX_STEPS);
        assertThat(path.hangup()).isTrue();
        assertThat(path.ended()).isTrue();
        assertThat(tree(program.render(path, null, null)).toString()).endsWith(HANGUP + "}}".repeat(FlowProgram.MAX_STEPS));
    }
}
