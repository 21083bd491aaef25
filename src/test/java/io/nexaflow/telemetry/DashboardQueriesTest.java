package io.nexaflow.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.nexaflow.support.Flows;
import io.nexaflow.support.LiveCalls;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import static io.nexaflow.support.Api.as;
import static io.nexaflow.support.LiveCalls.gatherAction;
import static io.nexaflow.support.LiveCalls.press;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * No panel or alert on a metric that does not exist: every PromQL expression of the Grafana dashboard and of the
 * PrometheusRule (k8s/components) is taken apart into the metric names it reads, and each must be in this
 * service's own /q/metrics once callbacks, an originate and a campaign have run. The one exception is named:
 * kube-state-metrics' restart counter, which the cluster exports, not nexaflow.
 */
@QuarkusTest
class DashboardQueriesTest {

    /** Metrics of other exporters that the alerts may read, and nothing else. */
    static final Set<String> EXTERNAL = Set.of("kube_pod_container_status_restarts_total");

    private static final Path DASHBOARD = Path.of("k8s/components/dashboard/nexaflow-dashboard.json");
    private static final Path RULES = Path.of("k8s/components/alerts/prometheusrule.yaml");

    private static final String MENU = """
            {"start": "menu", "nodes": {
              "menu":   {"type": "gather", "audioUrl": "https://cdn.example.com/menu.wav",
                         "routes": {"1": "bye"}, "default": "bye"},
              "bye":    {"type": "hangup"}}}""";

    @Inject
    LiveCalls calls;

    @Test
    void everyMetricTheDashboardAndTheAlertsReadIsExported() throws IOException {
        exercise();
        String exported = RestAssured.given().get("/q/metrics").then().statusCode(200).extract().asString();

        Map<String, Set<String>> read = new TreeMap<>();
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        dashboard.get("panels").findValues("expr").forEach(e -> read.put("panel: " + e.asText(),
                PromQl.metrics(e.asText())));
        dashboard.at("/templating/list").forEach(v -> {
            if (v.path("query").isObject()) {
                String query = v.at("/query/query").asText();
                read.put("variable: " + query, PromQl.metrics(query));
            }
        });
        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile());
        rules.at("/spec/groups").forEach(g -> g.get("rules").forEach(r -> read.put(
                "alert " + r.get("alert").asText() + ": " + r.get("expr").asText(),
                PromQl.metrics(r.get("expr").asText()))));

        assertThat(read).hasSizeGreaterThan(20).allSatisfy((query, names) -> assertThat(names)
                .as("the metrics of %s", query).isNotEmpty());
        Set<String> missing = new TreeSet<>();
        Set<String> external = new TreeSet<>();
        read.values().forEach(names -> names.forEach(name -> {
            if (EXTERNAL.contains(name)) {
                external.add(name);
            } else if (!Pattern.compile("(?m)^" + Pattern.quote(name) + "[{ ]").matcher(exported).find()) {
                missing.add(name);
            }
        }));
        assertThat(missing).as("metrics read by the dashboard or the alerts that /q/metrics does not export")
                .isEmpty();
        // The allow-list is used, and only for what it names.
        assertThat(external).isEqualTo(EXTERNAL);
    }

    /** A callback, an originate (with its token refresh) and a campaign held by concurrency, as in production. */
    private void exercise() {
        LiveCalls.LiveCall call = calls.start(Flows.publishedSeed(), 1);
        press(gatherAction(call.verb()), call.callId(), "2", "ch-1").then().statusCode(200);
        as("operator").body(Map.of("from", "+911203135800", "to", "+919650612345", "bridgeTo", "+919817812345"))
                .post("/v1/calls").then().statusCode(202);

        String flow = Flows.create(Flows.parse(MENU), true);
        String campaign = Flows.parse(as("operator").contentType(ContentType.JSON).body("""
                {"name": "dashboard test", "flowId": "%s", "from": "+911203135800", "timezone": "UTC",
                 "windows": [{"days": ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"], "start": "00:00",
                              "end": "24:00"}],
                 "callsPerSecond": 5, "maxConcurrent": 1, "noAnswerAfterSeconds": 10}""".formatted(flow))
                .post("/v1/campaigns").then().statusCode(201).extract().asString()).get("id").asText();
        int block = ThreadLocalRandom.current().nextInt(10_000_000, 99_999_998);
        String first = "+9197" + block;
        String second = "+9197" + (block + 1);
        for (String number : new String[] {first, second}) {
            RestAssured.given().contentType(ContentType.JSON).body(Map.of("number", number, "outcome", "no-answer"))
                    .post("/sandbox/numbers").then().statusCode(200);
        }
        as("operator").contentType("text/csv").body("number\n" + first + "\n" + second + "\n")
                .post("/v1/campaigns/{id}/contacts", campaign).then().statusCode(200);
        as("operator").post("/v1/campaigns/{id}/start", campaign).then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> "CONCURRENCY".equals(Flows.parse(as("auditor")
                .get("/v1/campaigns/{id}", campaign).then().statusCode(200).extract().asString())
                .at("/progress/held/reason").asText()));
        as("operator").post("/v1/campaigns/{id}/cancel", campaign).then().statusCode(200);
    }
}
