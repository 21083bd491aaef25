package io.nexaflow.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nexaflow.support.Api;
import io.nexaflow.support.Flows;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

import static io.nexaflow.support.Api.admin;
import static io.nexaflow.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console in a real browser (Debian's Chromium): calls placed through nexaflow and the sandbox, then the pages
 * an operator reads. Checks that Mermaid draws the diagrams (an SVG with the flow's node ids and the counts), that
 * a call's path is highlighted, and the sign-in and role rules, with the key never in a page.
 */
@QuarkusTest
class ConsoleBrowserTest {

    private static Browser browser;
    private static String flow;
    private static String pressedOne;

    @BeforeAll
    static void startTheBrowser() {
        browser = Browser.start();
    }

    @AfterAll
    static void stopTheBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    /** The vendor's demo IVR, published, and three calls: two press 1 (thanks), one presses 2 (agent). */
    @BeforeEach
    void placeCalls() {
        if (flow != null) {
            return;
        }
        flow = Flows.publishedSeed();
        pressedOne = call(flow, "1");
        call(flow, "1");
        call(flow, "2");
        browser.driver.manage().deleteAllCookies();
    }

    @Test
    void theFlowPageDrawsTheDiagramWithTheCountsOfItsCalls() {
        String key = Api.key("auditor");
        signIn(key);
        open("/console/flows/" + flow);
        awaitDiagrams();

        Map<String, String> notes = new TreeMap<>();
        for (List<String> label : nodeLabels(".node")) {
            notes.put(label.get(0), label.get(label.size() - 1));
        }
        assertThat(notes).isEqualTo(Map.of(
                "welcome", "3 calls",
                "menu", "3 calls",
                "thanks", "2 calls",
                "agent", "1 call",
                "feedback", "1 call",
                "invalid", "0 calls",
                "bye", "3 calls, 3 ended here (100%)"));
        assertThat(edgeLabels()).containsExactlyInAnyOrder("1 call (100%)", "1 call (100%)", "0 calls (0%)",
                "1: 2 calls (67%)", "2: 1 call (33%)", "onTimeout, onInvalid: 0 calls (0%)", "2 calls (100%)",
                "3 calls (100%)");
        assertThat(browser.driver.findElement(By.id("summary")).getText()).startsWith("3 calls (3 completed,");
        assertThat(browser.driver.findElements(By.cssSelector("#revisions tbody tr"))).hasSize(1);
        assertThat(browser.driver.findElements(By.cssSelector("#publications tbody tr td:nth-child(-n+2)")))
                .extracting(e -> e.getText()).containsExactly("1", "bootstrap-admin");
        assertThat(browser.driver.getPageSource()).doesNotContain(key);
        browser.screenshot("console-flow");
    }

    @Test
    void aCallsPageHighlightsItsPathOnTheDiagram() {
        String key = Api.key("auditor");
        signIn(key);
        open("/console/calls/" + pressedOne);
        awaitDiagrams();

        List<String> highlighted = nodeLabels(".node.path").stream().map(l -> l.get(0)).sorted().toList();
        assertThat(highlighted).containsExactly("bye", "menu", "thanks", "welcome");
        Object arrows = browser.driver.executeScript("return Array.from(document.querySelectorAll("
                + "'#diagram svg path')).filter(p => (p.getAttribute('style') || '').includes('stroke-width:4px'))"
                + ".length");
        assertThat(arrows).isEqualTo(3L);
        assertThat(browser.driver.findElement(By.id("path")).getText()).isEqualTo("welcome → menu → thanks → bye");
        List<String> events = browser.driver.findElements(By.cssSelector("#timeline tbody tr td:nth-child(2)"))
                .stream().map(e -> e.getText()).toList();
        assertThat(events).contains("STATUS", "ORIGINATE_REQUEST", "DTMF", "VERB_SENT");
        assertThat(browser.driver.getPageSource()).doesNotContain(key);
        browser.screenshot("console-call");
    }

    @Test
    void aFiftyNodeFlowIsDrawnWithEveryNodeAtAReadableSize() {
        ObjectNode nodes = Flows.JSON.createObjectNode();
        for (int i = 1; i <= 49; i++) {
            String next = i == 49 ? "bye" : String.format("step%02d", i + 1);
            ObjectNode node = nodes.putObject(String.format("step%02d", i));
            if (i % 2 == 1) {
                node.put("type", "gather").put("audioUrl", "https://x.test/menu" + i + ".wav");
                node.putObject("routes").put("1", next).put("2", "bye");
                node.put("onTimeout", "bye");
            } else {
                node.put("type", "play").put("audioUrl", "https://x.test/prompt" + i + ".wav").put("next", next);
            }
        }
        nodes.putObject("bye").put("type", "hangup");
        ObjectNode definition = Flows.JSON.createObjectNode().put("start", "step01");
        definition.set("nodes", nodes);
        String big = Flows.create(definition, true);

        signIn(Api.key("auditor"));
        open("/console/flows/" + big);
        awaitDiagrams();

        assertThat(nodeLabels(".node")).hasSize(50);
        System.out.printf("console: a 50-node flow page was drawn %s ms after navigation began%n",
                browser.driver.findElement(By.tagName("body")).getAttribute("data-drawn-ms"));
        Object smallestFont = browser.driver.executeScript("return Math.min(...Array.from(document.querySelectorAll("
                + "'#diagram svg .nodeLabel')).map(l => parseFloat(getComputedStyle(l).fontSize) "
                + "* l.getBoundingClientRect().height / l.offsetHeight))");
        assertThat(((Number) smallestFont).doubleValue()).as("px of the smallest label as drawn").isGreaterThan(12);
        Object startInView = browser.driver.executeScript("const n = document.querySelector('#diagram svg g.node.start')"
                + ".getBoundingClientRect(), d = document.querySelector('.diagram').getBoundingClientRect();"
                + "return n.left >= d.left && n.right <= d.right");
        assertThat(startInView).as("the start node is scrolled into view").isEqualTo(true);
        browser.screenshot("console-50-nodes", false);
    }

    @Test
    void signInAndRoles() {
        open("/console/flows");
        assertThat(browser.driver.getCurrentUrl()).endsWith("/console/login");

        signIn("nxf_no-such-key");
        assertThat(browser.driver.findElement(By.id("error")).getText()).isEqualTo("That API key is unknown or revoked.");
        assertThat(browser.driver.manage().getCookieNamed("nexaflow_console")).isNull();

        String operator = Api.key("operator");
        signIn(operator);
        assertThat(browser.driver.getCurrentUrl()).endsWith("/console/flows");
        Cookie session = browser.driver.manage().getCookieNamed("nexaflow_console");
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Strict");
        assertThat(session.getPath()).isEqualTo("/console");
        assertThat(session.getValue()).doesNotContain(operator);
        assertThat(browser.driver.executeScript("return document.cookie")).isEqualTo("");
        open("/console/calls");
        assertThat(browser.driver.findElement(By.id("error")).getText()).contains("may not read this page");

        browser.driver.findElement(By.cssSelector("form.who button")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.driver.getCurrentUrl().endsWith("/console/login"));
        assertThat(browser.driver.manage().getCookieNamed("nexaflow_console")).isNull();
        open("/console/flows");
        assertThat(browser.driver.getCurrentUrl()).endsWith("/console/login");
    }

    @Test
    void aRevokedKeyIsSignedOutOnItsNextPage() {
        JsonNode created = Flows.parse(admin().body(Map.of("name", "browser-revoked", "role", "auditor"))
                .post("/v1/keys").then().statusCode(201).extract().asString());
        signIn(created.get("key").asText());
        open("/console/dtmf");
        assertThat(browser.driver.findElements(By.cssSelector("#dtmf tbody tr")).size()).isGreaterThanOrEqualTo(3);
        assertThat(browser.driver.getPageSource()).doesNotContain(created.get("key").asText());

        admin().delete("/v1/keys/" + created.get("id").asText()).then().statusCode(204);
        open("/console/dtmf");
        assertThat(browser.driver.getCurrentUrl()).endsWith("/console/login");
    }

    private static String call(String flow, String digits) {
        String to = "+91965" + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("to", to, "digits", List.of(digits)))
                .post("/sandbox/scripts").then().statusCode(201);
        String id = as("operator").body(Map.of("from", "+911203135800", "to", to, "flowId", flow))
                .post("/v1/calls").then().statusCode(202).extract().path("id");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> as("auditor").get("/v1/calls/" + id).then().statusCode(200).extract().path("status"),
                        "COMPLETED"::equals);
        return id;
    }

    private static void open(String path) {
        browser.driver.get("http://127.0.0.1:" + RestAssured.port + path);
    }

    private static void signIn(String key) {
        open("/console/login");
        browser.driver.manage().deleteAllCookies();
        browser.driver.findElement(By.id("key")).sendKeys(key);
        browser.driver.findElement(By.id("sign-in")).click();
        // The click returns before the browser has followed the redirect: wait for the page it leads to.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> browser.driver.getCurrentUrl().endsWith("/console/flows")
                        || !browser.driver.findElements(By.id("error")).isEmpty());
    }

    private static void awaitDiagrams() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> browser.driver.findElement(By.tagName("body")).getAttribute("data-diagrams") != null);
        assertThat(browser.driver.findElement(By.tagName("body")).getAttribute("data-diagrams"))
                .as(browser.driver.getPageSource()).isEqualTo("drawn");
        assertThat(browser.driver.findElements(By.cssSelector("#diagram svg"))).hasSize(1);
    }

    /** Each node's label as drawn, line by line: the flow's node id first, the counts last. */
    @SuppressWarnings("unchecked")
    private static List<List<String>> nodeLabels(String selector) {
        List<Object> labels = (List<Object>) browser.driver.executeScript("return Array.from(document"
                + ".querySelectorAll('#diagram svg g" + selector + "')).map(n => n.querySelector('.nodeLabel')"
                + ".innerText.split('\\n'))");
        List<List<String>> lines = new ArrayList<>();
        labels.forEach(l -> lines.add(((List<Object>) l).stream().map(String::valueOf).toList()));
        return lines;
    }

    @SuppressWarnings("unchecked")
    private static List<String> edgeLabels() {
        List<Object> labels = (List<Object>) browser.driver.executeScript("return Array.from(document"
                + ".querySelectorAll('#diagram svg g.edgeLabel')).map(l => l.textContent.trim()).filter(t => t)");
        return labels.stream().map(String::valueOf).toList();
    }
}
