package io.nexaflow.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import io.nexaflow.support.Flows;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.nexaflow.campaign.Campaigns.number;
import static io.nexaflow.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

/** Suppressions: added one at a time or from a CSV, listed, lifted; they stop waiting contacts everywhere. */
@QuarkusTest
class SuppressionResourceTest {

    @Test
    void aNumberIsSuppressedOnceListedAndLifted() {
        String number = number();
        JsonNode added = Flows.parse(as("operator").body("{\"number\": \"" + number.substring(3)
                + "\", \"reason\": \"opted out by SMS\"}").post("/v1/suppressions").then().statusCode(200)
                .extract().asString());
        assertThat(added).isEqualTo(Flows.parse("""
                {"accepted": 1, "suppressed": 0, "duplicates": 0, "rejected": 0, "errors": []}"""));
        JsonNode again = Flows.parse(as("admin").body("{\"number\": \"" + number + "\"}").post("/v1/suppressions")
                .then().statusCode(200).extract().asString());
        assertThat(again.get("duplicates").asLong()).isEqualTo(1);

        JsonNode page = Flows.parse(as("auditor").queryParam("limit", 1).get("/v1/suppressions").then()
                .statusCode(200).extract().asString());
        JsonNode newest = page.get("items").get(0);
        assertThat(newest).isEqualTo(Flows.parse("""
                {"number": "%s", "reason": "opted out by SMS", "createdBy": "test-operator", "createdAt": "%s"}"""
                .formatted(number, newest.get("createdAt").asText())));
        assertThat(page.get("next").isNull()).isFalse();

        as("operator").delete("/v1/suppressions/{number}", number).then().statusCode(204);
        JsonNode gone = Flows.parse(as("operator").delete("/v1/suppressions/{number}", number).then()
                .statusCode(404).extract().asString());
        assertThat(gone.get("detail").asText()).isEqualTo(number + " is not suppressed");
        as("operator").delete("/v1/suppressions/12345").then().statusCode(400);
        as("auditor").body("{\"number\": \"" + number + "\"}").post("/v1/suppressions").then().statusCode(403);
    }

    @Test
    void anInvalidSuppressionIs422WithPointers() {
        JsonNode problem = Flows.parse(as("operator").body("{\"number\": \"12\", \"reason\": \"" + "x".repeat(501)
                + "\"}").post("/v1/suppressions").then().statusCode(422).extract().asString());
        assertThat(problem.get("errors")).isEqualTo(Flows.parse("""
                [{"pointer": "/number", "message": "'12' is not a valid number in region IN"},
                 {"pointer": "/reason", "message": "at most 500 characters, was 501"}]"""));
    }

    @Test
    void aCsvListIsAddedAndStopsWaitingContactsButNotEndedOnes() {
        String waiting = number();
        String cancelledCampaignNumber = number();
        String campaign = Campaigns.draft();
        Campaigns.uploaded(campaign, "text/csv", "number\n" + waiting + "\n" + number() + "\n");
        String ended = Campaigns.draft();
        Campaigns.uploaded(ended, "text/csv", "number\n" + cancelledCampaignNumber + "\n");
        as("operator").post("/v1/campaigns/" + ended + "/cancel").then().statusCode(200);

        String csv = "id,number,reason\n1," + waiting + ",do-not-disturb\n2," + cancelledCampaignNumber
                + ",\n3,not a number,x\n4," + waiting + ",twice\n";
        JsonNode result = Flows.parse(as("operator").contentType("text/csv").body(csv.getBytes())
                .post("/v1/suppressions").then().statusCode(200).extract().asString());
        assertThat(result).isEqualTo(Flows.parse("""
                {"accepted": 2, "suppressed": 0, "duplicates": 1, "rejected": 1,
                 "errors": [{"line": 4,
                             "message": "number: 'not a number' is not a phone number (not a number)"}]}"""));

        assertThat(Campaigns.get(campaign).get("progress").get("states").get("SUPPRESSED").asLong()).isEqualTo(1);
        assertThat(Campaigns.get(ended).get("progress").get("states").get("CANCELLED").asLong()).isEqualTo(1);
        // A later upload stores the number as SUPPRESSED, counted among the accepted.
        String later = Campaigns.draft();
        assertThat(Campaigns.uploaded(later, "application/x-ndjson", "{\"number\": \"" + waiting + "\"}\n"))
                .isEqualTo(Flows.parse("""
                        {"accepted": 1, "suppressed": 1, "duplicates": 0, "rejected": 0, "errors": []}"""));
    }

    @Test
    void theListPagesNewestFirst() {
        List<String> numbers = new ArrayList<>();
        StringBuilder csv = new StringBuilder("number\n");
        for (int i = 0; i < 3; i++) {
            numbers.add(number());
            csv.append(numbers.get(i)).append('\n');
        }
        as("operator").contentType("text/csv").body(csv.toString().getBytes()).post("/v1/suppressions").then()
                .statusCode(200);
        List<String> seen = new ArrayList<>();
        String cursor = null;
        for (int i = 0; i < 3; i++) {
            var request = as("auditor").queryParam("limit", 1);
            JsonNode page = Flows.parse((cursor == null ? request : request.queryParam("cursor", cursor))
                    .get("/v1/suppressions").then().statusCode(200).extract().asString());
            seen.add(page.get("items").get(0).get("number").asText());
            cursor = page.get("next").asText();
        }
        // One upload, one timestamp: the numbers then order by themselves, descending.
        assertThat(seen).containsExactlyElementsOf(numbers.stream().sorted(java.util.Comparator.reverseOrder())
                .toList());
    }
}
