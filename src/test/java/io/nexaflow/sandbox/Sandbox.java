package io.nexaflow.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.nexaflow.nexafone.VendorPage;
import io.restassured.http.ContentType;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/** Drives the sandbox over HTTP the way nexaflow's client and an end-to-end test do. */
final class Sandbox {

    private Sandbox() {
    }

    static String accountId() {
        return config("nexaflow.sandbox.account-id");
    }

    static String token() {
        return given().contentType(ContentType.JSON)
                .body(Map.of("apiKey", config("nexaflow.sandbox.api-key"), "apiSecret", config("nexaflow.sandbox.api-secret")))
                .post("/sandbox/auth/get-access-token/{account}", accountId())
                .then().statusCode(200).extract().path("accessToken");
    }

    /** Originates with a fresh token; returns the call id. */
    static String originate(JsonNode payload) {
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + token()).body(payload.toString())
                .post("/sandbox/voice/v1/calls")
                .then().statusCode(200).extract().path("callId");
    }

    static JsonNode call(String callId) {
        return VendorPage.parse(given().get("/sandbox/calls/{id}", callId).then().statusCode(200).extract().asString());
    }

    static JsonNode awaitState(String callId, String state) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> call(callId), call -> call.get("state").asText().equals(state));
    }

    static JsonNode awaitEnded(String callId) {
        return awaitState(callId, "ended");
    }

    private static String config(String name) {
        return ConfigProvider.getConfig().getValue(name, String.class);
    }
}
