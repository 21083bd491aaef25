package io.nexaflow.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nexaflow.nexafone.VendorPage;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.nexaflow.nexafone.VendorPage.parse;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** The platform's own contract at the sandbox: tokens, bearer auth, and strict payload validation. */
@QuarkusTest
class SandboxPlatformTest {

    @Test
    void issuesAnExpiringTokenForTheConfiguredCredentials() {
        given().contentType(ContentType.JSON)
                .body(Map.of("apiKey", "ak_sandbox_key", "apiSecret", "as_sandbox_secret"))
                .post("/sandbox/auth/get-access-token/{account}", Sandbox.accountId())
                .then().statusCode(200)
                .body("accessToken.length()", org.hamcrest.Matchers.greaterThan(20))
                .body("expiresIn", equalTo(600));
    }

    @Test
    void refusesWrongCredentialsWith401() {
        assertThat(tokenRequest(Sandbox.accountId(), "ak_sandbox_key", "wrong").statusCode(401).extract().asString())
                .isEqualTo("{\"message\":\"Invalid account, API key or API secret\"}");
        tokenRequest(Sandbox.accountId(), "wrong", "as_sandbox_secret").statusCode(401);
        tokenRequest("someone-else", "ak_sandbox_key", "as_sandbox_secret").statusCode(401);
    }

    @Test
    void aTokenRequestWithoutKeyAndSecretIs400() {
        JsonNode body = parse(given().contentType(ContentType.JSON).body("{\"apiKey\":42}")
                .post("/sandbox/auth/get-access-token/{account}", Sandbox.accountId())
                .then().statusCode(400).extract().asString());
        assertThat(body).isEqualTo(parse("""
                {"message":"Invalid request","errors":[
                  {"pointer":"/apiKey","message":"is required (a string)"},
                  {"pointer":"/apiSecret","message":"is required (a string)"}]}"""));
    }

    @Test
    void originateNeedsABearerToken() {
        originate(null, VendorPage.ADVANCED).statusCode(401).header("WWW-Authenticate", "Bearer")
                .body("message", equalTo("Missing access token: send 'Authorization: Bearer <accessToken>'"));
        originate("Bearer made-up", VendorPage.ADVANCED).statusCode(401)
                .body("message", equalTo("Invalid or expired access token"));
        originate("Basic " + Sandbox.token(), VendorPage.ADVANCED).statusCode(401);
    }

    @Test
    void anExpiredTokenIs401() {
        String token = Sandbox.token();
        given().post("/sandbox/tokens/expire").then().statusCode(200)
                .body("expired", org.hamcrest.Matchers.greaterThanOrEqualTo(1));
        originate("Bearer " + token, advanced().toString()).statusCode(401)
                .body("message", equalTo("Invalid or expired access token"));
        originate("Bearer " + Sandbox.token(), advanced().toString()).statusCode(200);
    }

    @Test
    void acceptsTheAdvancedBlueprintAndQueuesTheCall() {
        JsonNode body = parse(originate("Bearer " + Sandbox.token(), advanced().toString()).statusCode(200)
                .extract().asString());
        assertThat(body.fieldNames()).toIterable().containsExactly("callId", "status");
        assertThat(body.get("status").asText()).isEqualTo("queued");
        Sandbox.call(body.get("callId").asText());
    }

    @Test
    void anInvalidPayloadIs400NamingEveryProblem() {
        ObjectNode payload = advanced();
        payload.remove("to");
        ((ObjectNode) payload.at("/action/data")).put("audioUrl", "http://cdn.example/a.wav");
        JsonNode body = parse(originate("Bearer " + Sandbox.token(), payload.toString()).statusCode(400).extract().asString());
        assertThat(body).isEqualTo(parse(SandboxExamples.INVALID_PAYLOAD));
    }

    @Test
    void anotherAccountsPayloadIs400() {
        ObjectNode payload = advanced().put("accountId", "68b6b9f023fe9b8f89193652");
        JsonNode body = parse(originate("Bearer " + Sandbox.token(), payload.toString()).statusCode(400).extract().asString());
        assertThat(body).isEqualTo(parse("""
                {"message":"Invalid payload: /accountId does not match the account of the access token",
                 "errors":[{"pointer":"/accountId","message":"does not match the account of the access token"}]}"""));
    }

    @Test
    void aBodyThatIsNotJsonIs400() {
        originate("Bearer " + Sandbox.token(), "{not json").statusCode(400)
                .body("errors[0].pointer", equalTo(""));
    }

    @Test
    void theOpenApiDocumentListsTheSandbox() {
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("paths.'/sandbox/voice/v1/calls'.post.tags[0]", equalTo("Sandbox"))
                .body("paths.'/sandbox/calls/{callId}/dtmf'", org.hamcrest.Matchers.notNullValue());
    }

    private static ObjectNode advanced() {
        return SandboxCallTest.advanced("0965099xxxx", "http://127.0.0.1:9/api/handle-dtmf");
    }

    private static ValidatableResponse tokenRequest(String account, String key, String secret) {
        return given().contentType(ContentType.JSON).body(Map.of("apiKey", key, "apiSecret", secret))
                .post("/sandbox/auth/get-access-token/{account}", account).then();
    }

    private static ValidatableResponse originate(String authorization, String body) {
        var request = given().contentType(ContentType.JSON).body(body);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request.post("/sandbox/voice/v1/calls").then();
    }
}
