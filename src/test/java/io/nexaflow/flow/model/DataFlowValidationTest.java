package io.nexaflow.flow.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.nexaflow.number.PhoneNumbers;
import io.nexaflow.support.Flows;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Validation of data-driven flows (issue 13): every problem with its JSON pointer, warnings apart. */
class DataFlowValidationTest {

    private final FlowValidator validator = new FlowValidator(new PhoneNumbers("IN", true),
            name -> name.equals("BANK_TOKEN"));

    private static List<String> lines(List<io.nexaflow.problem.Problem.FieldError> problems) {
        return problems.stream().map(p -> p.pointer() + " " + p.message()).toList();
    }

    @Test
    void reportsCelErrorsMissingBranchesBadUrlsAndSecretsEachWithItsPointer() {
        JsonNode flow = Flows.parse("""
                {"start": "lookup", "nodes": {
                  "lookup": { "type": "http", "method": "FETCH", "url": "ftp://api.test/{{vars.account}}",
                              "headers": { "Authorization": "Bearer {{secret.NOPE}}", "X-Ok": "{{secret.BANK_TOKEN}}" },
                              "extract": { "balance": "balance" }, "next": "route" },
                  "route":  { "type": "switch", "cases": [ { "when": "vars.balance >", "next": "bye" },
                                                           { "when": "vars.balance + 1", "next": "bye" } ] },
                  "say":    { "type": "play", "audioUrl": "https://cdn.test/{{secret.BANK_TOKEN}}.wav", "next": "bye" },
                  "bye":    { "type": "hangup" }
                }}""");
        FlowValidator.Result result = validator.validate(flow, "/definition");
        List<String> errors = lines(result.errors());
        assertThat(errors).contains(
                "/definition/nodes/lookup/method must be one of [GET, POST, PUT, PATCH, DELETE]",
                "/definition/nodes/lookup/url must be an https URL",
                "/definition/nodes/lookup/headers/Authorization {{secret.NOPE}}: unknown secret; set NEXAFLOW_SECRET_NOPE",
                "/definition/nodes/lookup/extract/balance must be a JSON pointer into the answer, such as \"/balance\"",
                "/definition/nodes/lookup/onError is required",
                "/definition/nodes/route/default is required",
                "/definition/nodes/say/audioUrl {{secret.BANK_TOKEN}}: secrets may be used in http header values only");
        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("/definition/nodes/route/cases/0/when line 1, column"));
        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("/definition/nodes/route/cases/1/when ")
                .contains("must be true or false"));
        assertThat(errors).noneMatch(e -> e.contains("X-Ok"));
    }

    @Test
    void warnsAboutAVariableThatNoPathHasSetAndAcceptsOneThatEveryPathSets() {
        JsonNode flow = Flows.parse("""
                {"start": "ask", "nodes": {
                  "ask":    { "type": "gather", "maxDigits": 6, "saveAs": "account", "default": "lookup",
                              "routes": { "0": "agent" } },
                  "lookup": { "type": "http", "method": "GET", "url": "https://api.test/a/{{vars.account}}",
                              "extract": { "balance": "/balance" }, "next": "say", "onError": "say" },
                  "agent":  { "type": "set", "vars": { "greeting": "hi {{vars.name}}" }, "next": "say" },
                  "say":    { "type": "play", "audioUrl": "https://tts.test/{{vars.balance}}", "next": "bye" },
                  "bye":    { "type": "hangup" }
                }}""");
        FlowValidator.Result result = validator.validate(flow, "/definition");
        assertThat(result.errors()).isEmpty();
        // account is set on the only way into lookup; balance only when lookup answered; name never.
        assertThat(lines(result.warnings())).containsExactly(
                "/definition/nodes/agent/vars/greeting vars.name is not set by any node: the call must be started "
                        + "with it in `variables`",
                "/definition/nodes/say/audioUrl vars.balance is not set on every path to here (set by lookup): a "
                        + "call that did not pass there must be started with it in `variables`");
    }

    @Test
    void templatesMustParseAndTheHostOfARequestIsWrittenOut() {
        JsonNode flow = Flows.parse("""
                {"start": "lookup", "nodes": {
                  "lookup": { "type": "http", "method": "GET", "url": "https://{{vars.host}}/a",
                              "next": "say", "onError": "say" },
                  "say":    { "type": "play", "audioUrl": "https://cdn.test/{{vars.x", "next": "keys" },
                  "keys":   { "type": "gather", "validDigits": "([0-9]", "saveAs": "9lives" }
                }}""");
        List<String> errors = lines(validator.validate(flow, "/definition").errors());
        assertThat(errors).contains(
                "/definition/nodes/lookup/url the scheme and host must be written out, not templated: only the path "
                        + "and query may hold templates",
                "/definition/nodes/keys/saveAs must be a variable name matching [A-Za-z_][A-Za-z0-9_]{0,63}");
        assertThat(errors).anySatisfy(e -> assertThat(e).isEqualTo("/definition/nodes/say/audioUrl at character 17: unclosed '{{'"));
        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith(
                "/definition/nodes/keys/validDigits is not a valid regular expression: "));
    }

    @Test
    void aFlowWithoutTheNewNodesComesBackExactlyAsBefore() {
        FlowValidator.Result result = validator.validate(Flows.seedDefinition(), "/definition");
        assertThat(result.errors()).isEmpty();
        assertThat(FlowJson.tree(result.definition()).toString()).doesNotContain("sensitive", "onError", "saveAs");
    }
}
