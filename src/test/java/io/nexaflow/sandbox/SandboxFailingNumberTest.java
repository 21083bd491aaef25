package io.nexaflow.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nexaflow.nexafone.VendorPage;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static io.nexaflow.nexafone.VendorPage.parse;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outcome {@code fail}: the platform cannot call the number. An originate naming it is refused with 400 in the
 * platform's error shape and places nothing; a dial to it fails at once.
 */
@QuarkusTest
class SandboxFailingNumberTest {

    /** Nothing listens on the discard port: a webhook there fails, which these tests do not look at. */
    private static final String NO_WEBHOOK = "http://127.0.0.1:9/api/handle-dtmf";

    @Test
    void anOriginateToAFailingNumberIs400AndPlacesNoCall() {
        String to = number();
        JsonNode set = parse(setOutcome(to, "fail").statusCode(200).extract().asString());
        assertThat(set).isEqualTo(parse("{\"number\":\"" + to + "\",\"outcome\":\"fail\"}"));

        JsonNode refused = parse(originate(SandboxCallTest.advanced(to, NO_WEBHOOK)).statusCode(400).extract().asString());

        assertThat(refused).isEqualTo(parse(SandboxExamples.REFUSED_NUMBER));
        assertThat(callsTo(to)).isEmpty();
    }

    @Test
    void aFailingFromNumberIsNamedAtItsPointerToo() {
        String from = number();
        String to = number();
        setOutcome(from, "fail").statusCode(200);
        setOutcome(to, "fail").statusCode(200);

        JsonNode refused = parse(originate(SandboxCallTest.advanced(to, NO_WEBHOOK).put("from", from))
                .statusCode(400).extract().asString());

        assertThat(refused).isEqualTo(parse("""
                {"message": "The platform cannot place this call",
                 "errors": [{"pointer": "/from", "message": "the platform cannot place calls from this number"},
                            {"pointer": "/to", "message": "the platform cannot place calls to this number"}]}"""));
    }

    @Test
    void anInvalidPayloadIsReportedAsInvalidEvenToAFailingNumber() {
        String to = number();
        setOutcome(to, "fail").statusCode(200);
        ObjectNode payload = SandboxCallTest.advanced(to, NO_WEBHOOK);
        payload.remove("from");

        JsonNode refused = parse(originate(payload).statusCode(400).extract().asString());

        assertThat(refused).isEqualTo(parse("""
                {"message": "Invalid payload: /from is required",
                 "errors": [{"pointer": "/from", "message": "is required"}]}"""));
    }

    @Test
    void aRefusedOriginateLeavesTheNumbersScriptForItsNextCall() {
        String to = number();
        given().contentType(ContentType.JSON).body(Map.of("to", to, "digits", List.of("7")))
                .post("/sandbox/scripts").then().statusCode(201);
        setOutcome(to, "fail").statusCode(200);
        originate(SandboxCallTest.advanced(to, NO_WEBHOOK)).statusCode(400);

        setOutcome(to, "answer").statusCode(200);
        JsonNode call = Sandbox.awaitEnded(Sandbox.originate(SandboxCallTest.advanced(to, NO_WEBHOOK)));

        JsonNode pressed = steps(call, "dtmf").get(0);
        assertThat(pressed.get("digits").asText()).isEqualTo("7");
        assertThat(pressed.get("source").asText()).isEqualTo("script");
    }

    @Test
    void aDialToAFailingNumberFailsAtOnceAndTheChainGoesOn() {
        String target = number();
        setOutcome(target, "fail").statusCode(200);
        ObjectNode payload = parse(VendorPage.CLICK_TO_CALL).put("accountId", Sandbox.accountId()).put("to", number());
        ((ObjectNode) payload.at("/action/data")).put("number", target);

        JsonNode call = Sandbox.awaitEnded(Sandbox.originate(payload));

        assertThat(call.get("steps").findValuesAsText("kind"))
                .containsExactly("queued", "leg", "leg", "leg", "leg", "dial", "dialed", "ended");
        JsonNode dialed = steps(call, "dialed").get(0);
        assertThat(dialed.get("outcome").asText()).isEqualTo("failed");
        assertThat(dialed.get("durationMs").asLong()).isZero();
        assertThat(call.get("reason").asText()).isEqualTo("completed");
    }

    private static ValidatableResponse setOutcome(String number, String outcome) {
        return given().contentType(ContentType.JSON).body(Map.of("number", number, "outcome", outcome))
                .post("/sandbox/numbers").then();
    }

    private static ValidatableResponse originate(JsonNode payload) {
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + Sandbox.token())
                .body(payload.toString()).post("/sandbox/voice/v1/calls").then();
    }

    private static List<String> callsTo(String to) {
        return given().queryParam("to", to).get("/sandbox/calls").then().statusCode(200)
                .extract().jsonPath().getList("items.callId");
    }

    private static List<JsonNode> steps(JsonNode call, String kind) {
        return ((ArrayNode) call.get("steps")).valueStream().filter(s -> s.get("kind").asText().equals(kind)).toList();
    }

    /** A mobile number of this test's own, in E.164 (as the sandbox echoes it), so outcomes do not leak between tests. */
    private static String number() {
        return "+9193" + String.format("%08d", ThreadLocalRandom.current().nextInt(100_000_000));
    }
}
