package io.nexaflow.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.nexaflow.expr.Scope;
import io.nexaflow.flow.model.FlowDefinition;
import io.nexaflow.flow.model.FlowValidator;
import io.nexaflow.number.PhoneNumbers;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.nexaflow.engine.TestFlows.CALLBACK;
import static io.nexaflow.engine.TestFlows.assertSameJson;
import static io.nexaflow.engine.TestFlows.tree;
import static org.assertj.core.api.Assertions.assertThat;

/** Data-driven turns: saveAs and validDigits, http as a pause the runtime fills, switch, set, templated verbs. */
class DataTurnTest {

    /** The account-balance IVR of issue 13: gather with saveAs → http → switch → templated prompt. */
    static final String BALANCE = """
            {
              "start": "ask",
              "nodes": {
                "ask":    { "type": "gather", "audioUrl": "https://cdn.test/enter-account.wav", "maxDigits": 7,
                            "terminator": "#", "saveAs": "account", "validDigits": "[0-9]{6}", "sensitive": true,
                            "default": "lookup", "onInvalid": "sorry" },
                "sorry":  { "type": "play", "audioUrl": "https://cdn.test/six-digits.wav", "next": "ask" },
                "lookup": { "type": "http", "method": "GET", "url": "https://api.test/accounts/{{vars.account}}",
                            "headers": { "Authorization": "Bearer {{secret.BANK_TOKEN}}" },
                            "extract": { "balance": "/balance", "holder": "/name" },
                            "next": "route", "onError": "later" },
                "route":  { "type": "switch", "cases": [ { "when": "vars.balance > 0.0", "next": "owing" } ],
                            "default": "clear" },
                "owing":  { "type": "gather", "audioUrl": "https://tts.test/say?text={{vars.holder}}%20owes%20{{vars.balance}}",
                            "routes": { "1": "pay" }, "default": "bye" },
                "pay":    { "type": "dial", "number": "+919876543210", "next": "bye" },
                "clear":  { "type": "play", "audioUrl": "https://cdn.test/nothing-due.wav", "next": "bye" },
                "later":  { "type": "play", "audioUrl": "https://cdn.test/try-later.wav", "next": "bye" },
                "bye":    { "type": "hangup" }
              }
            }""";

    private static final Scope CALLER = new Scope(new Scope.Call("+919800000001", "+918000000002", "call-1"),
            Map.of(), name -> name.equals("BANK_TOKEN") ? Optional.of("s3cr3t-token") : Optional.empty());

    private final FlowProgram program = new FlowProgram(validated(BALANCE));

    static FlowDefinition validated(String json) {
        var result = new FlowValidator(new PhoneNumbers("IN", true), name -> name.equals("BANK_TOKEN"))
                .validate(tree(json), "/definition");
        assertThat(result.errors()).as("test flow must be valid").isEmpty();
        return result.definition();
    }

    @Test
    void aBalanceIsLookedUpAndPlayedBack() {
        assertThat(program.dataDriven()).isTrue();
        DataTurn.Progress.Finished first = finished(program.begin("ask", Attempts.none(), CALLER));
        assertThat(first.turn().gather()).isEqualTo("ask");

        Routing routing = program.route("ask", "123456#");
        assertThat(routing).isEqualTo(new Routing("123456", RouteReason.DEFAULT, "lookup"));
        DataTurn.Progress progress = program.resume("ask", routing, first.turn().attempts(), first.scope());
        assertThat(progress).isInstanceOf(DataTurn.Progress.Awaiting.class);
        DataTurn.Request request = ((DataTurn.Progress.Awaiting) progress).request();
        assertThat(request).isEqualTo(new DataTurn.Request("lookup", "GET", "https://api.test/accounts/123456",
                Map.of("Authorization", "Bearer s3cr3t-token"), null, 1500, List.of("s3cr3t-token")));

        DataTurn.Progress.Finished owing = finished(((DataTurn.Progress.Awaiting) progress).turn()
                .resume(new DataTurn.Answer(200, tree("{\"balance\": 150.5, \"name\": \"Asha K\", \"extra\": [1]}"), null)));
        assertThat(owing.failed()).isNull();
        assertThat(owing.scope().vars()).isEqualTo(Map.of("account", "123456", "balance", 150.5, "holder", "Asha K"));
        assertThat(owing.turn().nodes()).isEqualTo(List.of("owing"));
        assertThat(owing.requests()).hasSize(1).allSatisfy(e -> assertThat(e.ok()).isTrue());
        assertSameJson(program.render(owing.turn(), CALLBACK, null), tree("""
                {"type":"gather","data":{"audioUrl":"https://tts.test/say?text=Asha%20K%20owes%20150.5",
                 "maxDigits":1,"timeout":10000,"digitTimeout":5000,"action":"https://example.test/api/handle-dtmf?s=TOKEN"}}"""));
    }

    @Test
    void anAccountWithNothingDueGoesToTheSwitchDefault() {
        DataTurn.Progress.Finished clear = finished(awaitingLookup().turn()
                .resume(new DataTurn.Answer(200, tree("{\"balance\": 0, \"name\": \"Ravi\"}"), null)));
        assertThat(clear.turn().nodes()).isEqualTo(List.of("clear", "bye"));
        assertThat(clear.turn().hangup()).isTrue();
    }

    @Test
    void aNon2xxATimeoutOrAnAnswerWithoutTheExtractedValueGoesToOnError() {
        for (DataTurn.Answer answer : List.of(new DataTurn.Answer(404, tree("{\"error\":\"no such account\"}"), null),
                DataTurn.Answer.failed("timeout after 1500 ms"),
                new DataTurn.Answer(200, null, null),
                new DataTurn.Answer(200, tree("{\"name\": \"no balance here\"}"), null))) {
            DataTurn.Progress.Finished later = finished(awaitingLookup().turn().resume(answer));
            assertThat(later.turn().nodes()).as(answer.toString()).isEqualTo(List.of("later", "bye"));
            assertThat(later.requests()).singleElement().satisfies(e -> assertThat(e.ok()).isFalse());
            assertThat(later.scope().vars()).isEqualTo(Map.of("account", "123456"));
        }
    }

    @Test
    void inputThatDoesNotMatchValidDigitsIsInvalidAndSavesNothing() {
        Routing routing = program.route("ask", "12#");
        assertThat(routing).isEqualTo(new Routing("12", RouteReason.INVALID, "sorry"));
        DataTurn.Progress.Finished sorry = finished(program.resume("ask", routing,
                Attempts.of(Map.of("ask", 1)), CALLER));
        assertThat(sorry.scope().vars()).isEmpty();
        assertThat(sorry.turn().nodes()).isEqualTo(List.of("sorry", "ask"));
        assertThat(sorry.turn().attempts()).isEqualTo(Attempts.of(Map.of("ask", 2)));
    }

    @Test
    void setAndTemplatedDialWithAnumberThatDoesNotParseGoesToOnError() {
        FlowProgram reminder = new FlowProgram(validated("""
                {
                  "start": "greet",
                  "nodes": {
                    "greet": { "type": "set", "vars": { "line": "+91{{vars.agent}}" }, "next": "call" },
                    "call":  { "type": "dial", "number": "{{vars.line}}", "next": "bye", "onError": "oops" },
                    "oops":  { "type": "play", "audioUrl": "https://cdn.test/oops.wav" },
                    "bye":   { "type": "hangup" }
                  }
                }"""), raw -> raw.equals("+919876543210") ? raw : null);
        DataTurn.Progress.Finished dialled = finished(reminder.begin("greet", Attempts.none(),
                CALLER.withVars(Map.of("agent", 9876543210L))));
        assertThat(dialled.turn().dialed()).isEqualTo(List.of("+919876543210"));
        assertThat(dialled.scope().vars()).containsEntry("line", "+919876543210");
        // The vendor's dial shape: timeout beside data (reference, "Dial Action"), as the seed's golden files have it.
        assertSameJson(reminder.render(dialled.turn(), null, null), tree("""
                {"type":"dial","timeout":30,"data":{"number":"+919876543210","action":{"type":"hangup","data":{}}}}"""));

        DataTurn.Progress.Finished oops = finished(reminder.begin("greet", Attempts.none(),
                CALLER.withVars(Map.of("agent", "12"))));
        assertThat(oops.turn().nodes()).isEqualTo(List.of("oops"));
        assertThat(oops.failed()).isNull();
    }

    @Test
    void aLoopThroughSetNodesIsRefusedByTheValidatorAndStoppedAtRunTime() {
        String loop = """
                {"start": "a", "nodes": {
                  "a": { "type": "set", "vars": { "n": "1" }, "next": "b" },
                  "b": { "type": "switch", "cases": [ { "when": "true", "next": "a" } ], "default": "a" }
                }}""";
        var result = new FlowValidator(new PhoneNumbers("IN", true)).validate(tree(loop), "/definition");
        assertThat(result.errors()).extracting(e -> e.pointer() + " " + e.message())
                .containsExactly("/definition/nodes/a nodes loop without a gather: a → b → a; the turn would never end");

        FlowProgram unchecked = new FlowProgram(TestFlows.unchecked(loop));
        DataTurn.Progress.Finished stopped = finished(unchecked.begin("a", Attempts.none(), CALLER));
        assertThat(stopped.failed()).isEqualTo("more than 20 http, switch and set nodes in one turn");
    }

    private DataTurn.Progress.Awaiting awaitingLookup() {
        DataTurn.Progress progress = program.resume("ask", program.route("ask", "123456"),
                Attempts.of(Map.of("ask", 1)), CALLER);
        return (DataTurn.Progress.Awaiting) progress;
    }

    private static DataTurn.Progress.Finished finished(DataTurn.Progress progress) {
        assertThat(progress).isInstanceOf(DataTurn.Progress.Finished.class);
        return (DataTurn.Progress.Finished) progress;
    }

    static JsonNode json(String text) {
        return tree(text);
    }
}
