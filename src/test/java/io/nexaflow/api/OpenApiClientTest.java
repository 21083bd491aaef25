package io.nexaflow.api;

import io.nexaflow.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import nexaflow.client.ApiClient;
import nexaflow.client.api.CallsApi;
import nexaflow.client.api.FlowsApi;
import nexaflow.client.model.Call;
import nexaflow.client.model.DtmfInput;
import nexaflow.client.model.Flow;
import nexaflow.client.model.FlowDefinition;
import nexaflow.client.model.FlowRequest;
import nexaflow.client.model.GatherNode;
import nexaflow.client.model.HangupNode;
import nexaflow.client.model.Kind;
import nexaflow.client.model.Node;
import nexaflow.client.model.OriginateRequest;
import nexaflow.client.model.PlayNode;
import nexaflow.client.model.PublishRequest;
import nexaflow.client.model.Status;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The contract proven with a client generated from the committed OpenAPI document (target/generated-test-sources):
 * a flow is created, published, called through the in-process sandbox, and its call and DTMF history read back.
 */
@QuarkusTest
class OpenApiClientTest {

    private static final String FROM = "+911203135800";

    @Test
    void aGeneratedClientCreatesPublishesCallsAndReadsTheDtmfHistory() throws Exception {
        FlowsApi flows = new FlowsApi(client("admin"));
        CallsApi calls = new CallsApi(client("operator"));
        String name = "generated-client-" + UUID.randomUUID();
        String to = "+91965" + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));

        Flow created = flows.createFlow(new FlowRequest().name(name).definition(menu()));
        assertThat(created.getLatestVersion()).isEqualTo(1);
        assertThat(created.getActiveVersion()).isNull();

        Flow published = flows.publishFlowRevision(created.getId(), new PublishRequest().version(1));
        assertThat(published.getActiveVersion()).isEqualTo(1);

        // The person at `to` presses 1 at the menu (the sandbox is not part of the public contract).
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("to", to, "digits", List.of("1")))
                .post("/sandbox/scripts").then().statusCode(201);
        Call placed = calls.originateCall(new OriginateRequest().from(FROM).to(to).flowId(created.getId()), null);
        assertThat(placed.getKind()).isEqualTo(Kind.FLOW);

        Call ended = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> calls.getCall(placed.getId()), call -> call.getStatus() == Status.COMPLETED);
        assertThat(ended.getFlowVersion()).isEqualTo(1);
        assertThat(ended.getEvents()).extracting(e -> e.getType()).contains("DTMF");

        List<DtmfInput> history = new CallsApi(client("auditor"))
                .listDtmfInputs(null, created.getId(), null, null, null, null, null, null, null).getItems();
        assertThat(history).singleElement().usingRecursiveComparison().ignoringFields("seq", "at")
                .isEqualTo(new DtmfInput().call(placed.getId()).callId(placed.getCallId()).flowId(created.getId())
                        .flowVersion(1).from(FROM).to(to).node("menu").attempt(1).digits("1").route("thanks")
                        .reason(DtmfInput.ReasonEnum.MATCH));
    }

    /** welcome → menu (1 → thanks, anything else → bye) → bye, in the generated client's own types. */
    private static FlowDefinition menu() {
        return new FlowDefinition().start("welcome").nodes(Map.of(
                "welcome", new Node(new PlayNode().type(PlayNode.TypeEnum.PLAY)
                        .audioUrl(URI.create("https://cdn.example.com/welcome.wav")).next("menu")),
                "menu", new Node(new GatherNode().type(GatherNode.TypeEnum.GATHER)
                        .audioUrl(URI.create("https://cdn.example.com/menu.wav"))
                        .routes(Map.of("1", "thanks")).onInvalid("bye").onTimeout("bye")),
                "thanks", new Node(new PlayNode().type(PlayNode.TypeEnum.PLAY)
                        .audioUrl(URI.create("https://cdn.example.com/thanks.wav")).next("bye")),
                "bye", new Node(new HangupNode().type(HangupNode.TypeEnum.HANGUP))));
    }

    /** A client of the running test application with an API key of the role. */
    private static ApiClient client(String role) {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        String key = Api.key(role);
        ApiClient client = new ApiClient();
        client.updateBaseUri("http://127.0.0.1:" + port);
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + key));
        return client;
    }
}
