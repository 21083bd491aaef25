package io.nexaflow.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.nexaflow.support.Flows;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static io.nexaflow.campaign.Campaigns.draft;
import static io.nexaflow.campaign.Campaigns.get;
import static io.nexaflow.campaign.Campaigns.number;
import static io.nexaflow.campaign.Campaigns.upload;
import static io.nexaflow.campaign.Campaigns.uploaded;
import static io.nexaflow.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;

/** The campaign API: create, validate, upload contacts, the state machine, roles. */
@QuarkusTest
class CampaignResourceTest {

    private static final String CSV = "text/csv";
    private static final String NDJSON = "application/x-ndjson";
    private static final String ZERO_PROGRESS = """
            {"states": {"PENDING": 0, "DIALING": 0, "IN_PROGRESS": 0, "COMPLETED": 0, "NO_ANSWER": 0, "FAILED": 0,
                        "RETRY_WAIT": 0, "CANCELLED": 0, "SUPPRESSED": 0}, "total": 0}""";

    @Inject
    AgroalDataSource db;

    @Test
    void aCampaignIsCreatedAsADraftAndReadBackWithEveryField() {
        String flow = Flows.publishedSeed();
        ObjectNode body = Campaigns.request(flow);
        body.put("from", "01203135800");
        Response created = as("operator").body(body.toString()).post("/v1/campaigns");
        created.then().statusCode(201).header("Location", endsWith("/v1/campaigns/" + created.path("id")));
        JsonNode campaign = Flows.parse(created.asString());
        String expected = """
                {"id": "%s", "name": "reminders", "flowId": "%s", "from": "+911203135800", "timezone": "Asia/Kolkata",
                 "windows": [{"days": ["MON", "SUN"], "start": "09:00", "end": "21:00"}],
                 "callsPerSecond": 2.5, "maxConcurrent": 20,
                 "retry": {"maxAttempts": 3, "delaySeconds": 900, "on": ["FAILED", "NO_ANSWER"]},
                 "noAnswerAfterSeconds": 60, "state": "DRAFT", "createdBy": "test-operator",
                 "createdAt": "%s", "updatedAt": "%s", "progress": %s}""".formatted(campaign.get("id").asText(), flow,
                campaign.get("createdAt").asText(), campaign.get("createdAt").asText(), ZERO_PROGRESS);
        assertThat(campaign).isEqualTo(Flows.parse(expected));
        assertThat(get(campaign.get("id").asText())).isEqualTo(Flows.parse(expected));
    }

    @Test
    void everyInvalidFieldIs422WithItsPointerAndNothingIsStored() throws SQLException {
        long before = count("SELECT count(*) FROM campaign");
        String body = """
                {"name": " ", "flowId": "00000000-0000-0000-0000-000000000001", "from": "12345",
                 "timezone": "Mars/Olympus", "windows": [{"days": ["MON"], "start": "21:00", "end": "21:00"}],
                 "callsPerSecond": 0, "maxConcurrent": 1001,
                 "retry": {"maxAttempts": 11, "delaySeconds": 59, "on": ["BUSY", "FAILED"]},
                 "noAnswerAfterSeconds": 9}""";
        JsonNode problem = Flows.parse(as("operator").body(body).post("/v1/campaigns").then().statusCode(422)
                .extract().asString());
        assertThat(problem).isEqualTo(Flows.parse("""
                {"type": "urn:nexaflow:problem:invalid-request", "title": "Invalid campaign", "status": 422,
                 "detail": "11 problems, listed in 'errors'", "instance": "/v1/campaigns",
                 "errors": [
                  {"pointer": "/name", "message": "is required: 1–200 characters"},
                  {"pointer": "/flowId", "message": "no flow 00000000-0000-0000-0000-000000000001"},
                  {"pointer": "/from", "message": "'12345' is not a valid number in region IN"},
                  {"pointer": "/timezone", "message": "'Mars/Olympus' is not an IANA timezone such as Asia/Kolkata"},
                  {"pointer": "/windows/0/end",
                   "message": "must differ from start (a window of no time, or of 24 hours: write 00:00–24:00 for a \
                whole day)"},
                  {"pointer": "/callsPerSecond", "message": "must be over 0 and at most 100, was 0"},
                  {"pointer": "/maxConcurrent", "message": "must be between 1 and 1000, was 1001"},
                  {"pointer": "/retry/maxAttempts", "message": "must be between 1 and 10, was 11"},
                  {"pointer": "/retry/delaySeconds", "message": "must be between 60 and 604800, was 59"},
                  {"pointer": "/retry/on/0", "message": "'BUSY' is not one of [FAILED, UNKNOWN, NO_ANSWER]"},
                  {"pointer": "/noAnswerAfterSeconds", "message": "must be between 10 and 600, was 9"}]}"""));
        assertThat(count("SELECT count(*) FROM campaign")).isEqualTo(before);

        JsonNode missing = Flows.parse(as("operator").body("{}").post("/v1/campaigns").then().statusCode(422)
                .extract().asString());
        assertThat(missing.get("errors").findValuesAsText("pointer")).containsExactly("/name", "/flowId", "/from",
                "/timezone", "/windows", "/callsPerSecond", "/maxConcurrent");
        as("operator").body("{\"callsPerSecond\": \"fast\"}").post("/v1/campaigns").then().statusCode(400);
        as("operator").body("{\"callsPerSecond\": 100.01}").post("/v1/campaigns").then().statusCode(422);
    }

    @Test
    void aCsvUploadStoresTheValidRowsAndCountsTheRest() {
        String campaign = draft();
        String a = number();
        String b = number();
        String csv = "number,name,amount\n"
                + a + ",Asha,1250.50\n"
                + b.substring(3) + ",\"Ravi, Jr.\",300\n"   // national: read in region IN
                + "12345,Nobody,0\n"
                + a + ",Asha again,1\n"
                + "\n"
                + b + ",too,many,values\n";
        assertThat(uploaded(campaign, CSV, csv)).isEqualTo(Flows.parse("""
                {"accepted": 2, "suppressed": 0, "duplicates": 1, "rejected": 2,
                 "errors": [{"line": 4, "message": "number: '12345' is not a valid number in region IN"},
                            {"line": 7, "message": "4 values for 3 columns"}]}"""));

        JsonNode page = Flows.parse(as("auditor").get("/v1/campaigns/" + campaign + "/contacts").then()
                .statusCode(200).extract().asString());
        JsonNode first = page.get("items").get(0);
        assertThat(page).isEqualTo(Flows.parse("""
                {"items": [
                  {"id": %d, "number": "%s", "variables": {"name": "Asha", "amount": "1250.50"}, "state": "PENDING",
                   "attempts": 0, "line": 2, "updatedAt": "%s"},
                  {"id": %d, "number": "%s", "variables": {"name": "Ravi, Jr.", "amount": "300"}, "state": "PENDING",
                   "attempts": 0, "line": 3, "updatedAt": "%s"}],
                 "next": null}""".formatted(first.get("id").asLong(), a, first.get("updatedAt").asText(),
                page.get("items").get(1).get("id").asLong(), b, first.get("updatedAt").asText())));
        assertThat(get(campaign).get("progress")).isEqualTo(Flows.parse(ZERO_PROGRESS.replace("\"PENDING\": 0",
                "\"PENDING\": 2").replace("\"total\": 0", "\"total\": 2")));

        // A second upload: what is there already is a duplicate.
        assertThat(uploaded(campaign, CSV, "number\n" + a + "\n")).isEqualTo(Flows.parse("""
                {"accepted": 0, "suppressed": 0, "duplicates": 1, "rejected": 0, "errors": []}"""));
    }

    @Test
    void anNdjsonUploadChecksEachLinesVariables() {
        String campaign = draft();
        String a = number();
        String ndjson = "{\"number\": \"" + a + "\", \"variables\": {\"amount\": 1250.5, \"vip\": true}}\n"
                + "not json\n"
                + "{\"number\": \"" + number() + "\", \"variables\": {\"bad name\": 1}}\n"
                + "{\"number\": 919650612345}\n"
                + "{\"number\": \"" + number() + "\", \"extra\": 1}\n"
                + "[]\n";
        JsonNode result = uploaded(campaign, NDJSON, ndjson);
        assertThat(result.get("accepted").asLong()).isEqualTo(1);
        assertThat(result.get("rejected").asLong()).isEqualTo(5);
        assertThat(result.get("errors").findValuesAsText("line")).containsExactly("2", "3", "4", "5", "6");
        assertThat(result.get("errors").get(2).get("message").asText()).isEqualTo("number: must be a string");
        assertThat(result.get("errors").get(3).get("message").asText())
                .isEqualTo("'extra' is not a field; the fields are [number, variables]");
        JsonNode contact = Flows.parse(as("auditor").get("/v1/campaigns/" + campaign + "/contacts").then()
                .statusCode(200).extract().asString()).get("items").get(0);
        assertThat(contact.get("variables")).isEqualTo(Flows.parse("{\"amount\": 1250.5, \"vip\": true}"));
    }

    @Test
    void anUnusableUploadIsRefusedWholeAndStoresNothing() {
        String campaign = draft();
        JsonNode noNumber = Flows.parse(upload(campaign, CSV, "phone,name\n+919650612345,Asha\n").then()
                .statusCode(422).extract().asString());
        assertThat(noNumber).isEqualTo(Flows.parse("""
                {"type": "urn:nexaflow:problem:invalid-upload", "title": "Invalid upload", "status": 422,
                 "detail": "line 1: the header row [phone, name] has no 'number' column",
                 "instance": "/v1/campaigns/%s/contacts"}""".formatted(campaign)));
        upload(campaign, CSV, "number,first name\n" + number() + ",Asha\n").then().statusCode(422);
        upload(campaign, CSV, "").then().statusCode(422);
        // Broken quoting after a good row: the good row is not kept either.
        upload(campaign, CSV, "number,name\n" + number() + ",ok\n" + number() + ",\"unclosed\n").then()
                .statusCode(422);
        upload(campaign, "text/plain", "number\n").then().statusCode(415);
        assertThat(get(campaign).get("progress").get("total").asLong()).isZero();
    }

    @Test
    void theStateMachineMovesOnlyWhereItMay() throws SQLException {
        String unpublished = Flows.create(Flows.seedDefinition(), false);
        String campaign = Campaigns.create(unpublished);
        action(campaign, "start", 409, "campaign " + campaign + " has no PENDING contact; upload contacts first "
                + "(POST /v1/campaigns/" + campaign + "/contacts)");
        uploaded(campaign, CSV, "number\n" + number() + "\n" + number() + "\n");
        action(campaign, "start", 409, "flow " + unpublished + " has no published revision (or was deleted); "
                + "publish one, then start the campaign");
        action(campaign, "pause", 409, "a DRAFT campaign cannot pause; allowed from [RUNNING]");
        as("admin").body("{\"version\": 1}").post("/v1/flows/" + unpublished + "/publish").then().statusCode(200);

        JsonNode running = Flows.parse(as("operator").post("/v1/campaigns/" + campaign + "/start").then()
                .statusCode(200).extract().asString());
        assertThat(running.get("state").asText()).isEqualTo("RUNNING");
        assertThat(running.get("flowVersion").asInt()).isEqualTo(1);
        assertThat(running.get("startedAt").asText()).isNotEmpty();
        assertThat(count("SELECT count(*) FROM campaign c JOIN flow_revision r ON r.id = c.revision_id "
                + "WHERE c.id = '" + campaign + "' AND r.version = 1")).isEqualTo(1);
        action(campaign, "start", 409, "a RUNNING campaign cannot start; allowed from [DRAFT]");
        action(campaign, "resume", 409, "a RUNNING campaign cannot resume; allowed from [PAUSED]");
        assertThat(state(campaign, "pause")).isEqualTo("PAUSED");
        // Contacts may still be added while paused.
        uploaded(campaign, CSV, "number\n" + number() + "\n");
        assertThat(state(campaign, "resume")).isEqualTo("RUNNING");

        JsonNode cancelled = Flows.parse(as("operator").post("/v1/campaigns/" + campaign + "/cancel").then()
                .statusCode(200).extract().asString());
        assertThat(cancelled.get("state").asText()).isEqualTo("CANCELLED");
        assertThat(cancelled.get("endedAt").asText()).isNotEmpty();
        assertThat(cancelled.get("progress")).isEqualTo(Flows.parse(ZERO_PROGRESS.replace("\"CANCELLED\": 0",
                "\"CANCELLED\": 3").replace("\"total\": 0", "\"total\": 3")));
        action(campaign, "cancel", 409, "a CANCELLED campaign cannot cancel; allowed from [DRAFT, RUNNING, PAUSED]");
        JsonNode refused = Flows.parse(upload(campaign, CSV, "number\n" + number() + "\n").then().statusCode(409)
                .extract().asString());
        assertThat(refused.get("detail").asText()).isEqualTo("a CANCELLED campaign takes no contacts");
        assertThat(get(campaign).get("progress").get("total").asLong()).isEqualTo(3);
    }

    @Test
    void contactsPageByStateInUploadOrder() {
        String campaign = draft();
        List<String> numbers = new ArrayList<>();
        StringBuilder csv = new StringBuilder("number\n");
        for (int i = 0; i < 5; i++) {
            numbers.add(number());
            csv.append(numbers.get(i)).append('\n');
        }
        uploaded(campaign, CSV, csv.toString());
        as("operator").body("{\"number\": \"" + numbers.get(1) + "\"}").post("/v1/suppressions").then()
                .statusCode(200);
        List<String> seen = new ArrayList<>();
        String after = null;
        do {
            var request = as("auditor").queryParam("limit", 2).queryParam("state", "pending");
            JsonNode page = Flows.parse((after == null ? request : request.queryParam("after", after))
                    .get("/v1/campaigns/" + campaign + "/contacts").then().statusCode(200).extract().asString());
            page.get("items").forEach(c -> seen.add(c.get("number").asText()));
            after = page.get("next").isNull() ? null : page.get("next").asText();
        } while (after != null);
        assertThat(seen).containsExactly(numbers.get(0), numbers.get(2), numbers.get(3), numbers.get(4));
        JsonNode suppressed = Flows.parse(as("auditor").queryParam("state", "SUPPRESSED,CANCELLED")
                .get("/v1/campaigns/" + campaign + "/contacts").then().statusCode(200).extract().asString());
        assertThat(suppressed.get("items").findValuesAsText("number")).containsExactly(numbers.get(1));
        as("auditor").queryParam("state", "RINGING").get("/v1/campaigns/" + campaign + "/contacts").then()
                .statusCode(400);
        as("auditor").queryParam("limit", 501).get("/v1/campaigns/" + campaign + "/contacts").then()
                .statusCode(400);
    }

    @Test
    void campaignsAreListedNewestFirstInPages() {
        String older = draft();
        String newer = draft();
        JsonNode first = Flows.parse(as("auditor").queryParam("limit", 1).get("/v1/campaigns").then()
                .statusCode(200).extract().asString());
        assertThat(first.get("items").get(0).get("id").asText()).isEqualTo(newer);
        assertThat(first.get("items").get(0).has("progress")).isFalse();
        JsonNode second = Flows.parse(as("auditor").queryParam("limit", 1).queryParam("cursor",
                first.get("next").asText()).get("/v1/campaigns").then().statusCode(200).extract().asString());
        assertThat(second.get("items").get(0).get("id").asText()).isEqualTo(older);
    }

    @Test
    void auditorsReadAndOperatorsAndAdminsWrite() {
        String campaign = draft();
        as("auditor").body(Campaigns.request(Flows.publishedSeed()).toString()).post("/v1/campaigns").then()
                .statusCode(403);
        upload(campaign, CSV, "number\n" + number() + "\n").then().statusCode(200);
        as("auditor").contentType(CSV).body("number\n" + number() + "\n").post("/v1/campaigns/" + campaign
                + "/contacts").then().statusCode(403);
        as("auditor").post("/v1/campaigns/" + campaign + "/cancel").then().statusCode(403);
        as("admin").post("/v1/campaigns/" + campaign + "/start").then().statusCode(200);
        as("operator").get("/v1/campaigns/" + campaign).then().statusCode(200);
        as("auditor").get("/v1/campaigns/00000000-0000-0000-0000-000000000002").then().statusCode(404);
        io.nexaflow.support.Api.anonymous().get("/v1/campaigns").then().statusCode(401);
    }

    private void action(String campaign, String action, int status, String detail) {
        JsonNode problem = Flows.parse(as("operator").post("/v1/campaigns/" + campaign + "/" + action).then()
                .statusCode(status).extract().asString());
        assertThat(problem.get("detail").asText()).isEqualTo(detail);
    }

    private String state(String campaign, String action) {
        return as("operator").post("/v1/campaigns/" + campaign + "/" + action).then().statusCode(200)
                .extract().path("state");
    }

    private long count(String sql) throws SQLException {
        try (Connection connection = db.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
