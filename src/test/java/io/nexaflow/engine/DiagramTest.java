package io.nexaflow.engine;

import io.nexaflow.api.Examples;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class DiagramTest {

    @Test
    void seedIvr() {
        String diagram = Diagram.mermaid(TestFlows.flow(Examples.SEED_IVR_DEFINITION));

        assertThat(diagram).isEqualTo("""
                graph TD
                    n0[["agent<br/>dial 072178xxxxx"]]
                    n1(["bye<br/>hangup"])
                    n2["feedback<br/>play nice_talking_give_your_feedback.wav"]
                    n3["invalid<br/>play invalid_option.wav"]
                    n4{"menu<br/>gather hey_welcome_press1_or_2.wav"}
                    n5["thanks<br/>play input_submitted_have_a_nice_day.wav"]
                    n6["welcome<br/>play thanks_for_call_plz_wait.wav"]
                    n0 --> n2
                    n2 --> n1
                    n3 --> n1
                    n4 -->|"1"| n5
                    n4 -->|"2"| n0
                    n4 -->|"onTimeout, onInvalid"| n3
                    n5 --> n1
                    n6 --> n4
                    classDef start stroke-width:3px
                    class n6 start
                """);
    }

    @Test
    void everyNodeAndEveryLabelIsThereAndEscaped() {
        String diagram = Diagram.mermaid(TestFlows.unchecked("""
                {
                  "start": "end",
                  "nodes": {
                    "end":  { "type": "gather", "maxDigits": 3, "routes": { "*9": "a--b", "#": "o" },
                              "default": "a--b", "onInvalid": "o", "onTimeout": "o", "maxAttempts": 2, "onMaxAttempts": "x" },
                    "a--b": { "type": "dial", "number": "sip:100@pbx.test;x=\\"<b>\\"", "next": "x" },
                    "o":    { "type": "play", "audioUrl": "https://cdn.test/a%20b/menu.wav?v=1#t", "next": "end" },
                    "x":    { "type": "hangup" }
                  }
                }"""));

        assertThat(diagram.lines()).containsExactly(
                "graph TD",
                "    n0[[\"a--b<br/>dial sip:100@pbx.test#59;x=#34;#60;b#62;#34;\"]]",
                "    n1{\"end<br/>gather\"}",
                "    n2[\"o<br/>play menu.wav\"]",
                "    n3([\"x<br/>hangup\"])",
                "    n0 --> n3",
                "    n1 -->|\"#35;, onTimeout, onInvalid\"| n2",
                "    n1 -->|\"#42;9, default\"| n0",
                "    n1 -->|\"onMaxAttempts\"| n3",
                "    n2 --> n1",
                "    classDef start stroke-width:3px",
                "    class n1 start");
    }

    @Test
    void anOverlayAddsNotesHighlightsAndDropOffMarks() {
        var overlay = new Diagram.Overlay(
                Map.of("menu", "40 calls, 25% hung up", "nowhere", "ignored"),
                Map.of(new Diagram.Edge("menu", "thanks"), "30 calls (75%)"),
                Set.of("welcome", "menu", "thanks"),
                Set.of(new Diagram.Edge("welcome", "menu"), new Diagram.Edge("menu", "thanks")),
                Set.of("menu"));

        String diagram = Diagram.mermaid(TestFlows.flow(Examples.SEED_IVR_DEFINITION), overlay);

        assertThat(diagram).isEqualTo("""
                graph TD
                    n0[["agent<br/>dial 072178xxxxx"]]
                    n1(["bye<br/>hangup"])
                    n2["feedback<br/>play nice_talking_give_your_feedback.wav"]
                    n3["invalid<br/>play invalid_option.wav"]
                    n4{"menu<br/>gather hey_welcome_press1_or_2.wav<br/>40 calls, 25#37; hung up"}
                    n5["thanks<br/>play input_submitted_have_a_nice_day.wav"]
                    n6["welcome<br/>play thanks_for_call_plz_wait.wav"]
                    n0 --> n2
                    n2 --> n1
                    n3 --> n1
                    n4 -->|"1: 30 calls #40;75#37;#41;"| n5
                    n4 -->|"2"| n0
                    n4 -->|"onTimeout, onInvalid"| n3
                    n5 --> n1
                    n6 --> n4
                    classDef start stroke-width:3px
                    class n6 start
                    classDef dropoff fill:#fde2e1,stroke:#b42318,color:#7a271a
                    class n4 dropoff
                    classDef path fill:#fff4c2,stroke:#b54708,stroke-width:3px
                    class n4,n5,n6 path
                    linkStyle 3,7 stroke:#b54708,stroke-width:4px
                """);
    }
}
