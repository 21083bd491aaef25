package io.nexaflow.console;

import io.nexaflow.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.nexaflow.support.Api.admin;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's sign-in over plain HTTP (the browser tests drive the same pages through Chromium): the cookie it
 * sets, what it refuses, and that the script and Mermaid are served by the service itself.
 */
@QuarkusTest
class ConsoleAccessTest {

    @Test
    void signingInSetsAStrictHttpOnlyCookieThatIsNotTheKey() {
        String key = Api.key("auditor");
        Response answer = signIn(key);

        assertThat(answer.statusCode()).isEqualTo(303);
        assertThat(answer.header("Location")).endsWith("/console");
        String cookie = answer.header("Set-Cookie");
        String value = answer.cookie("nexaflow_console");
        assertThat(cookie).isEqualTo("nexaflow_console=" + value + "; Path=/console; Max-Age=28800; HttpOnly; "
                + "SameSite=Strict");
        assertThat(value).doesNotContain(key).doesNotContain(key.substring(4));

        Response flows = RestAssured.given().redirects().follow(false).cookie("nexaflow_console", value)
                .get("/console/flows");
        assertThat(flows.statusCode()).isEqualTo(200);
        assertThat(flows.contentType()).isEqualTo("text/html;charset=UTF-8");
        assertThat(flows.asString()).contains("test-auditor (auditor)").doesNotContain(key);
        assertThat(flows.header("Content-Security-Policy")).isEqualTo(ConsoleGate.CONTENT_SECURITY_POLICY);
        assertThat(flows.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void withoutAValidSessionEveryPageSendsToTheSignInPage() {
        for (String path : List.of("/console", "/console/flows", "/console/calls", "/console/dtmf",
                "/console/campaigns", "/console/calls/export.csv")) {
            Response answer = RestAssured.given().redirects().follow(false).get(path);
            assertThat(answer.statusCode()).as(path).isEqualTo(303);
            assertThat(answer.header("Location")).as(path).endsWith("/console/login");
        }
        Response forged = RestAssured.given().redirects().follow(false).cookie("nexaflow_console", "AQ" + "A".repeat(70))
                .get("/console/flows");
        assertThat(forged.statusCode()).isEqualTo(303);
        assertThat(forged.header("Set-Cookie")).isEqualTo("nexaflow_console=; Path=/console; Max-Age=0; HttpOnly; "
                + "SameSite=Strict");
    }

    @Test
    void anUnknownKeyIsRefusedAndARevokedKeysSessionEnds() {
        Response unknown = signIn("nxf_not-a-key-at-all");
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(unknown.header("Set-Cookie")).isNull();
        assertThat(unknown.asString()).contains("That API key is unknown or revoked.");

        Map<String, Object> created = admin().body(Map.of("name", "console-revoked", "role", "auditor"))
                .post("/v1/keys").then().statusCode(201).extract().as(Map.class);
        String session = signIn((String) created.get("key")).cookie("nexaflow_console");
        assertThat(page(session, "/console/flows").statusCode()).isEqualTo(200);

        admin().delete("/v1/keys/" + created.get("id")).then().statusCode(204);
        Response after = page(session, "/console/flows");
        assertThat(after.statusCode()).isEqualTo(303);
        assertThat(after.header("Location")).endsWith("/console/login");
        assertThat(signIn((String) created.get("key")).statusCode()).isEqualTo(401);
    }

    @Test
    void rolesAreTheApisAnOperatorMayNotReadCallLists() {
        String operator = signIn(Api.key("operator")).cookie("nexaflow_console");
        assertThat(page(operator, "/console/flows").statusCode()).isEqualTo(200);
        assertThat(page(operator, "/console/campaigns").statusCode()).isEqualTo(200);
        for (String path : List.of("/console/calls", "/console/dtmf", "/console/dtmf/export.csv")) {
            Response refused = page(operator, path);
            assertThat(refused.statusCode()).as(path).isEqualTo(403);
            assertThat(refused.asString()).as(path).contains("may not read this page");
        }
        String auditor = signIn(Api.key("auditor")).cookie("nexaflow_console");
        Response export = page(auditor, "/console/dtmf/export.csv?flowId=00000000-0000-0000-0000-000000000001");
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.asString()).isEqualTo("seq,at,call,callId,flowId,flowVersion,from,to,node,attempt,digits,"
                + "route,reason\r\n");
    }

    @Test
    void aBadFilterIsA400PageNamingIt() {
        String auditor = signIn(Api.key("auditor")).cookie("nexaflow_console");
        Response bad = page(auditor, "/console/calls?flowVersion=x&status=RINGING_ALL");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.contentType()).isEqualTo("text/html;charset=UTF-8");
        assertThat(bad.asString()).contains("?flowVersion").contains("&#39;x&#39; is not a number")
                .contains("?status");
    }

    @Test
    void signingOutClearsTheCookieAndIsAPostOnly() {
        Response out = RestAssured.given().redirects().follow(false).post("/console/logout");
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.header("Set-Cookie")).isEqualTo("nexaflow_console=; Path=/console; Max-Age=0; HttpOnly; "
                + "SameSite=Strict");
        assertThat(RestAssured.given().redirects().follow(false).get("/console/logout").statusCode()).isEqualTo(405);
    }

    @Test
    void theScriptsAreServedByTheServiceFromItsOwnFilesAndTheMermaidWebJar() {
        Response mermaid = RestAssured.get("/webjars/mermaid/11.14.0/dist/mermaid.min.js");
        assertThat(mermaid.statusCode()).isEqualTo(200);
        assertThat(mermaid.asString().length()).isGreaterThan(1_000_000);
        assertThat(RestAssured.get("/console/assets/console.js").statusCode()).isEqualTo(200);
        assertThat(RestAssured.get("/console/assets/console.css").statusCode()).isEqualTo(200);
    }

    @Test
    void theProgressBarsFollowTheCampaignsProgressStreamWithTheSession() {
        String flow = io.nexaflow.support.Flows.publishedSeed();
        String campaign = Api.as("operator").body(CAMPAIGN.formatted(flow)).post("/v1/campaigns").then()
                .statusCode(201).extract().path("id");
        Api.as("operator").contentType("text/csv").body("number\n+919650612301\n+919650612302\n+919650612303\n")
                .post("/v1/campaigns/" + campaign + "/contacts").then().statusCode(200);
        Api.as("operator").post("/v1/campaigns/" + campaign + "/cancel").then().statusCode(200);
        String session = signIn(Api.key("auditor")).cookie("nexaflow_console");

        Response stream = RestAssured.given().cookie("nexaflow_console", session).accept("text/event-stream")
                .get("/console/campaigns/" + campaign + "/progress");
        assertThat(stream.statusCode()).isEqualTo(200);
        List<String> events = stream.asString().lines().filter(l -> l.startsWith("data:"))
                .map(l -> l.substring("data:".length())).toList();
        assertThat(events).hasSize(1);
        assertThat(io.nexaflow.support.Flows.parse(events.get(0))).isEqualTo(io.nexaflow.support.Flows.parse("""
                {"id": "%s", "state": "CANCELLED", "percent": 100, "total": 3,
                 "states": {"PENDING": 0, "DIALING": 0, "IN_PROGRESS": 0, "COMPLETED": 0, "NO_ANSWER": 0,
                            "FAILED": 0, "RETRY_WAIT": 0, "CANCELLED": 3, "SUPPRESSED": 0}}""".formatted(campaign)));

        assertThat(page(session, "/console/campaigns").asString())
                .contains("data-progress=\"/console/campaigns/" + campaign + "/progress\" data-state=\"CANCELLED\"");
        Response anonymous = RestAssured.given().redirects().follow(false).accept("text/event-stream")
                .get("/console/campaigns/" + campaign + "/progress");
        assertThat(anonymous.statusCode()).isEqualTo(303);
    }

    @Test
    void theFlowPageListsWhoPublishedWhichRevisionNewestFirst() {
        var definition = io.nexaflow.support.Flows.seedDefinition();
        String flow = io.nexaflow.support.Flows.create(definition, false);
        definition.with("nodes").with("menu").put("maxDigits", 4);
        var body = io.nexaflow.support.Flows.request(definition);
        admin().body(body.toString()).put("/v1/flows/" + flow).then().statusCode(200);
        String publisher = admin().body(Map.of("name", "console-publisher", "role", "admin")).post("/v1/keys")
                .then().statusCode(201).extract().path("key");
        Api.anonymous().header("Authorization", "Bearer " + publisher).body("{\"version\": 2}")
                .post("/v1/flows/" + flow + "/publish").then().statusCode(200);
        admin().body("{\"version\": 1}").post("/v1/flows/" + flow + "/publish").then().statusCode(200);
        admin().body("{\"version\": 1}").post("/v1/flows/" + flow + "/publish").then().statusCode(200);

        String html = page(signIn(Api.key("auditor")).cookie("nexaflow_console"), "/console/flows/" + flow).asString();
        String table = html.substring(html.indexOf("<table id=\"publications\">"));
        table = table.substring(0, table.indexOf("</table>"));
        List<String> rows = java.util.regex.Pattern.compile("<tr><td><a href=\"\\?version=(\\d+)\">\\d+</a></td>"
                + "<td>([^<]*)</td>").matcher(table).results().map(m -> m.group(1) + " " + m.group(2)).toList();
        assertThat(rows).containsExactly("1 bootstrap-admin", "2 console-publisher");
    }

    private static final String CAMPAIGN = """
            {"name": "console progress", "flowId": "%s", "from": "+911203135800", "timezone": "Asia/Kolkata",
             "windows": [{"days": ["SUN", "MON"], "start": "09:00", "end": "21:00"}],
             "callsPerSecond": 1, "maxConcurrent": 5}""";

    static Response signIn(String key) {
        return RestAssured.given().redirects().follow(false).formParam("key", key).post("/console/login");
    }

    static Response page(String session, String path) {
        return RestAssured.given().redirects().follow(false).cookie("nexaflow_console", session).get(path);
    }
}
