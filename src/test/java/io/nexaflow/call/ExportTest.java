package io.nexaflow.call;

import com.fasterxml.jackson.databind.JsonNode;
import io.nexaflow.call.CallRows.SeededFlow;
import io.nexaflow.support.Flows;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.nexaflow.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;

/** GET /v1/calls/export and /v1/dtmf/export: the files, their formats and their escaping. */
@QuarkusTest
class ExportTest {

    @Inject
    CallRows rows;

    @Test
    void callsExportAsRfc4180CsvWithAHeaderRow() {
        SeededFlow flow = rows.flow(1);
        String from = rows.number();
        String to = rows.number();
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(2));
        UUID plain = rows.call(flow, 1, from, to, Call.Status.COMPLETED, at);
        UUID awkward = rows.call(flow, 1, from, to, Call.Status.FAILED, at.plusSeconds(1));
        rows.update("UPDATE call SET error = ?, current_node = NULL, attempts = '{}' WHERE id = ?",
                "Nexafone said \"no\", twice\r\nthen hung up", awkward);
        rows.update("UPDATE call SET bridged_to = '' WHERE id = ?", plain);

        Response response = as("auditor").queryParam("from", from).get("/v1/calls/export");

        response.then().statusCode(200)
                .contentType(matchesPattern("text/csv; ?charset=UTF-8; ?header=present"))
                .header("Content-Disposition", matchesPattern(
                        "attachment; filename=\"nexaflow-calls-\\d{8}T\\d{6}Z\\.csv\""));
        String p = plain.toString().substring(0, 8);
        String a = awkward.toString().substring(0, 8);
        assertThat(response.asString()).isEqualTo(
                "id,callId,kind,status,flowId,flowVersion,from,to,currentNode,attempts,bridgedTo,error,createdAt,"
                        + "updatedAt,endedAt,anonymisedAt\r\n"
                        + awkward + ",nf-" + a + ",FLOW,FAILED," + flow.id() + ",1," + from + "," + to + ",,{},,"
                        + "\"Nexafone said \"\"no\"\", twice\r\nthen hung up\"," + at.plusSeconds(1) + ","
                        + at.plusSeconds(61) + "," + at.plusSeconds(61) + ",\r\n"
                        + plain + ",nf-" + p + ",FLOW,COMPLETED," + flow.id() + ",1," + from + "," + to + ",menu,"
                        + "\"{\"\"menu\"\":1}\",\"\",," + at + "," + at.plusSeconds(60) + "," + at.plusSeconds(60)
                        + ",\r\n");
    }

    @Test
    void withAcceptNdjsonEachLineIsTheCallAsTheListShowsIt() {
        SeededFlow flow = rows.flow(1);
        String from = rows.number();
        Instant at = Instant.now().minus(Duration.ofDays(2));
        for (int i = 0; i < 3; i++) {
            rows.call(flow, 1, from, rows.number(), Call.Status.COMPLETED, at.plusSeconds(i));
        }
        JsonNode listed = as("auditor").queryParam("from", from).get("/v1/calls").then().statusCode(200)
                .extract().as(JsonNode.class).get("items");

        Response response = as("auditor").accept("application/x-ndjson").queryParam("from", from)
                .get("/v1/calls/export");

        response.then().statusCode(200).contentType(startsWith("application/x-ndjson"))
                .header("Content-Disposition", matchesPattern("attachment; filename=\"nexaflow-calls-.*\\.ndjson\""));
        List<JsonNode> lines = new ArrayList<>();
        for (String line : response.asString().split("\n")) {
            lines.add(Flows.parse(line));
        }
        assertThat(response.asString()).endsWith("}\n");
        assertThat(lines).hasSize(3).containsExactlyElementsOf(listed);
    }

    @Test
    void dtmfExportsAsCsvAndNdjsonAndATimeoutIsAnEmptyQuotedField() {
        SeededFlow flow = rows.flow(1);
        String to = rows.number();
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(Duration.ofDays(2));
        UUID call = rows.call(flow, 1, "+911203135800", to, Call.Status.COMPLETED, at);
        long first = rows.event(call, "DTMF", "menu", 1, "", "invalid", "{\"reason\": \"TIMEOUT\"}", at.plusSeconds(1));
        long second = rows.event(call, "DTMF", "menu", 2, "2#", "agent", "{\"reason\": \"MATCH\"}", at.plusSeconds(2));
        String callId = "nf-" + call.toString().substring(0, 8);

        Response csv = as("auditor").queryParam("to", to).get("/v1/dtmf/export");

        csv.then().statusCode(200).header("Content-Disposition",
                matchesPattern("attachment; filename=\"nexaflow-dtmf-\\d{8}T\\d{6}Z\\.csv\""));
        String common = "," + call + "," + callId + "," + flow.id() + ",1,+911203135800," + to + ",menu,";
        assertThat(csv.asString()).isEqualTo("seq,at,call,callId,flowId,flowVersion,from,to,node,attempt,digits,"
                + "route,reason\r\n"
                + second + "," + at.plusSeconds(2) + common + "2,2#,agent,MATCH\r\n"
                + first + "," + at.plusSeconds(1) + common + "1,\"\",invalid,TIMEOUT\r\n");

        String ndjson = as("auditor").accept("application/x-ndjson").queryParam("to", to).get("/v1/dtmf/export")
                .then().statusCode(200).extract().asString();
        JsonNode listed = as("auditor").queryParam("to", to).get("/v1/dtmf").then().statusCode(200).extract()
                .as(JsonNode.class).get("items");
        assertThat(ndjson.split("\n")).extracting(Flows::parse).containsExactlyElementsOf(listed);
    }

    @Test
    void anExportThatMatchesNothingIsJustTheHeader() {
        as("auditor").queryParam("to", rows.number()).get("/v1/dtmf/export").then().statusCode(200)
                .body(equalTo("seq,at,call,callId,flowId,flowVersion,from,to,node,attempt,digits,route,reason\r\n"));
        as("auditor").accept("application/x-ndjson").queryParam("to", rows.number()).get("/v1/calls/export")
                .then().statusCode(200).body(equalTo(""));
    }

    @Test
    void badFiltersAndUnknownFormatsAreProblemsNotBrokenFiles() {
        as("auditor").queryParam("since", "last week").get("/v1/dtmf/export").then().statusCode(400)
                .contentType(startsWith("application/problem+json")).body("errors[0].pointer", equalTo("?since"));
        as("auditor").accept("application/json").get("/v1/calls/export").then().statusCode(406)
                .contentType(startsWith("application/problem+json"));
        as("operator").get("/v1/calls/export").then().statusCode(403);
    }
}
