package io.nexaflow.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nexaflow.support.Api;
import io.nexaflow.support.Flows;
import io.restassured.response.Response;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** Campaign bodies, uploads and numbers for tests; numbers are random, so runs on one database never meet. */
final class Campaigns {

    static final String CREATE = """
            {"name": "reminders", "flowId": "%s", "from": "+911203135800", "timezone": "Asia/Kolkata",
             "windows": [{"days": ["SUN", "MON"], "start": "09:00", "end": "21:00"}],
             "callsPerSecond": 2.50, "maxConcurrent": 20,
             "retry": {"maxAttempts": 3, "delaySeconds": 900, "on": ["NO_ANSWER", "FAILED"]}}""";

    private Campaigns() {
    }

    static ObjectNode request(String flowId) {
        return (ObjectNode) Flows.parse(CREATE.formatted(flowId));
    }

    /** A DRAFT campaign on a published flow; returns its id. */
    static String draft() {
        return create(Flows.publishedSeed());
    }

    static String create(String flowId) {
        return Api.as("operator").body(request(flowId).toString()).post("/v1/campaigns")
                .then().statusCode(201).extract().path("id");
    }

    static Response upload(String campaign, String contentType, String body) {
        return Api.as("operator").contentType(contentType).body(body.getBytes(StandardCharsets.UTF_8))
                .post("/v1/campaigns/" + campaign + "/contacts");
    }

    static JsonNode uploaded(String campaign, String contentType, String body) {
        return Flows.parse(upload(campaign, contentType, body).then().statusCode(200).extract().asString());
    }

    static JsonNode get(String campaign) {
        return Flows.parse(Api.as("auditor").get("/v1/campaigns/" + campaign).then().statusCode(200)
                .extract().asString());
    }

    /** A valid Indian mobile number no other test uses, in E.164. */
    static String number() {
        return "+9197" + String.format("%08d", ThreadLocalRandom.current().nextInt(100_000_000));
    }

    /** {@code n} numbers in a random block of this run (a block of consecutive numbers: easy to read in logs). */
    static java.util.List<String> numbers(String prefix, int n) {
        int block = ThreadLocalRandom.current().nextInt(1000, 9000);
        java.util.List<String> numbers = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            numbers.add(prefix + block + String.format("%04d", i));
        }
        return numbers;
    }
}
