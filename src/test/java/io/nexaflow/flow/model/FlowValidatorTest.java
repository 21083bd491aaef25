package io.nexaflow.flow.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nexaflow.number.PhoneNumbers;
import io.nexaflow.problem.Problem.FieldError;
import io.nexaflow.support.Flows;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FlowValidatorTest {

    private final FlowValidator sandbox = new FlowValidator(new PhoneNumbers("IN", true));
    private final FlowValidator strict = new FlowValidator(new PhoneNumbers("IN", false));

    @Test
    void theSeedIvrIsValidAndComesBackCanonical() {
        FlowValidator.Result result = sandbox.validate(Flows.seedDefinition(), "/definition");

        assertThat(result.errors()).isEmpty();
        assertThat(result.warnings()).isEmpty();
        JsonNode canonical = FlowJson.tree(result.definition());
        // Defaults are filled in, so what will run is what is stored.
        assertThat(canonical.at("/nodes/menu/maxAttempts").asInt()).isEqualTo(3);
        assertThat(canonical.at("/nodes/agent")).isEqualTo(Flows.parse(
                "{\"type\":\"dial\",\"number\":\"072178xxxxx\",\"timeout\":15,\"moh\":true,\"next\":\"feedback\"}"));
        assertThat(canonical.at("/nodes/bye")).isEqualTo(Flows.parse("{\"type\":\"hangup\"}"));
    }

    @Test
    void reportsEveryProblemAtOnceWithPointers() {
        ObjectNode definition = Flows.seedDefinition();
        ObjectNode nodes = (ObjectNode) definition.get("nodes");
        ((ObjectNode) nodes.get("menu")).put("maxDigits", 40);
        ((ObjectNode) nodes.get("menu")).with("routes").put("3", "nowhere");
        ((ObjectNode) nodes.get("welcome")).put("audioUrl", "http://insecure.example/a.wav");
        ((ObjectNode) nodes.get("agent")).put("number", "not-a-number");
        ((ObjectNode) nodes.get("thanks")).put("volume", 11);
        nodes.putObject("mystery").put("type", "record");
        definition.put("start", "nope");

        var errors = sandbox.validate(definition, "/definition").errors();

        assertThat(errors).extracting(FieldError::pointer).containsExactlyInAnyOrder(
                "/definition/nodes/menu/maxDigits",
                "/definition/nodes/menu/routes/3",
                "/definition/nodes/welcome/audioUrl",
                "/definition/nodes/agent/number",
                "/definition/nodes/thanks/volume",
                "/definition/nodes/mystery/type",
                "/definition/start");
        assertThat(errors).filteredOn(e -> e.pointer().endsWith("maxDigits"))
                .extracting(FieldError::message).containsExactly("must be between 1 and 32, was 40");
        assertThat(errors).filteredOn(e -> e.pointer().endsWith("routes/3"))
                .extracting(FieldError::message).containsExactly("refers to node 'nowhere', which does not exist");
    }

    @Test
    void missingPiecesAreNamed() {
        var errors = sandbox.validate(Flows.parse("{\"nodes\":{\"a\":{\"type\":\"play\"},\"B!\":{\"type\":\"hangup\"},"
                + "\"c\":{}}}"), "/definition").errors();

        assertThat(errors).extracting(FieldError::pointer).containsExactlyInAnyOrder(
                "/definition/start", "/definition/nodes/a/audioUrl", "/definition/nodes/B!", "/definition/nodes/c/type");
        assertThat(sandbox.validate(null, "/definition").errors()).extracting(FieldError::pointer)
                .containsExactly("/definition");
        assertThat(sandbox.validate(Flows.parse("[]"), "/definition").errors()).hasSize(1);
    }

    @Test
    void aPlayDialLoopWithoutGatherIsAnError() {
        JsonNode loop = Flows.parse("""
                {"start":"a","nodes":{
                  "a":{"type":"play","audioUrl":"https://x.test/a.wav","next":"b"},
                  "b":{"type":"dial","number":"+911203135800","next":"a"}}}""");

        var errors = sandbox.validate(loop, "/definition").errors();

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.pointer()).isEqualTo("/definition/nodes/a/next");
            assertThat(e.message()).contains("a → b → a");
        });
    }

    @Test
    void aLoopThroughAGatherIsFine() {
        JsonNode menu = Flows.parse("""
                {"start":"menu","nodes":{
                  "menu":{"type":"gather","routes":{"9":"again"}},
                  "again":{"type":"play","audioUrl":"https://x.test/a.wav","next":"menu"}}}""");

        assertThat(sandbox.validate(menu, "/definition").errors()).isEmpty();
    }

    @Test
    void unreachableNodesAreWarningsNotErrors() {
        JsonNode flow = Flows.parse("""
                {"start":"a","nodes":{
                  "a":{"type":"hangup"},
                  "orphan":{"type":"play","audioUrl":"https://x.test/a.wav"}}}""");

        FlowValidator.Result result = sandbox.validate(flow, "/definition");

        assertThat(result.errors()).isEmpty();
        assertThat(result.warnings()).containsExactly(
                new FieldError("/definition/nodes/orphan", "unreachable from start node 'a'"));
    }

    @Test
    void routesThatCanNeverMatchAreErrors() {
        JsonNode flow = Flows.parse("""
                {"start":"g","nodes":{
                  "g":{"type":"gather","maxDigits":2,"terminator":"#","routes":{"123":"h","1#":"h","x":"h"},
                       "onMaxAttempts":"g"},
                  "h":{"type":"hangup"}}}""");

        assertThat(sandbox.validate(flow, "/definition").errors()).extracting(FieldError::pointer)
                .containsExactlyInAnyOrder("/definition/nodes/g/routes/123", "/definition/nodes/g/routes/1#",
                        "/definition/nodes/g/routes/x", "/definition/nodes/g/onMaxAttempts");
    }

    @Test
    void placeholderNumbersOnlyInSandboxMode() {
        assertThat(sandbox.validate(Flows.seedDefinition(), "/d").errors()).isEmpty();
        assertThat(strict.validate(Flows.seedDefinition(), "/d").errors()).singleElement()
                .satisfies(e -> {
                    assertThat(e.pointer()).isEqualTo("/d/nodes/agent/number");
                    assertThat(e.message()).contains("placeholder");
                });
    }

    @Test
    void dialTargetsAreNormalised() {
        JsonNode flow = Flows.parse("""
                {"start":"a","nodes":{
                  "a":{"type":"dial","number":"098765 43210","next":"b"},
                  "b":{"type":"dial","number":"sip:agent@pbx.example.com","next":"c"},
                  "c":{"type":"dial","number":"1001"}}}""");

        FlowDefinition definition = strict.validate(flow, "/definition").definition();

        assertThat(((Node.Dial) definition.node("a")).number()).isEqualTo("+919876543210");
        assertThat(((Node.Dial) definition.node("b")).number()).isEqualTo("sip:agent@pbx.example.com");
        assertThat(((Node.Dial) definition.node("c")).number()).isEqualTo("1001");
    }

    @Test
    void equalFlowsHaveEqualCanonicalForms() {
        JsonNode written = Flows.parse("""
                {"nodes":{"b":{"type":"hangup"},"g":{"terminator":null,"type":"gather","maxDigits":1,"routes":{"1":"b"}},
                          "a":{"audioUrl":"https://x.test/a.wav","type":"play","next":"g"}},"start":"a"}""");
        JsonNode reordered = Flows.parse("""
                {"start":"a","nodes":{"a":{"type":"play","next":"g","audioUrl":"https://x.test/a.wav"},
                                      "g":{"type":"gather","routes":{"1":"b"}},"b":{"type":"hangup"}}}""");

        String one = FlowJson.canonical(sandbox.validate(written, "/d").definition());
        String two = FlowJson.canonical(sandbox.validate(reordered, "/d").definition());

        assertThat(one).isNotEqualTo("null").isEqualTo(two);
        assertThat(FlowJson.sha256(one)).isEqualTo(FlowJson.sha256(two));
    }
}
