package io.nexaflow.console;

import io.nexaflow.analytics.FlowAnalyticsView;
import io.nexaflow.analytics.FlowAnalyticsView.EdgeStats;
import io.nexaflow.analytics.FlowAnalyticsView.NodeStats;
import io.nexaflow.flow.model.FlowDefinition;
import io.nexaflow.flow.model.FlowJson;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The counts a flow page puts on its diagram, and which nodes it colours as drop-offs. */
class FlowDiagramsTest {

    private static final String FLOW = """
            {"start": "menu", "nodes": {
              "menu": {"type": "gather", "routes": {"1": "pay"}, "onTimeout": "bye"},
              "pay":  {"type": "play", "audioUrl": "https://x.test/pay.wav", "next": "bye"},
              "bye":  {"type": "hangup"}}}""";

    @Test
    void nodesCarryTheirCallsArrowsTheirShareAndAMenuWhereAQuarterHungUpIsADropOff() throws IOException {
        FlowDefinition flow = FlowJson.MAPPER.readValue(FLOW, FlowDefinition.class);
        var counted = new FlowAnalyticsView(UUID.randomUUID(), 1, Instant.EPOCH, Instant.EPOCH.plusSeconds(60),
                null,
                List.of(node("bye", "hangup", 6, 6, 0, 0), node("menu", "gather", 8, 2, 1, 3),
                        node("pay", "play", 5, 0, 0, 0)),
                List.of(new EdgeStats("menu", "pay", "1", 5), new EdgeStats("menu", "bye", "onTimeout", 1),
                        new EdgeStats("pay", "bye", null, 5)));

        String diagram = new FlowDiagrams(null, null).annotated(flow, counted);

        assertThat(diagram).isEqualTo("""
                graph TD
                    n0(["bye<br/>hangup<br/>6 calls, 6 ended here #40;100#37;#41;"])
                    n1{"menu<br/>gather<br/>8 calls, 2 ended here #40;25#37;#41;, 1 invalid, 3 timeouts"}
                    n2["pay<br/>play pay.wav<br/>5 calls"]
                    n1 -->|"1: 5 calls #40;63#37;#41;"| n2
                    n1 -->|"onTimeout: 1 call #40;13#37;#41;"| n0
                    n2 -->|"5 calls #40;100#37;#41;"| n0
                    classDef start stroke-width:3px
                    class n1 start
                    classDef dropoff fill:#fde2e1,stroke:#b42318,color:#7a271a
                    class n1 dropoff
                """);
    }

    private static NodeStats node(String id, String type, long entered, long ended, long invalid, long timeout) {
        return new NodeStats(id, type, entered, entered, List.of(), invalid, timeout, 0, 0, ended, 0, null);
    }
}
