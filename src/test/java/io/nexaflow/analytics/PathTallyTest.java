package io.nexaflow.analytics;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nexaflow.call.Call;
import io.nexaflow.engine.RouteReason;
import io.nexaflow.flow.model.FlowDefinition;
import io.nexaflow.flow.model.FlowValidator;
import io.nexaflow.number.PhoneNumbers;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The counting rules on their own, with events written out: exact median waits, the nodes a walk passes without
 * naming them (set and switch, a gather out of attempts), and calls that never reached a caller.
 */
class PathTallyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

    private static FlowDefinition flow() throws Exception {
        var result = new FlowValidator(new PhoneNumbers("IN", true)).validate(JSON.readTree("""
                {"start": "init", "nodes": {
                  "init":   {"type": "set", "vars": {"tries": "0"}, "next": "menu"},
                  "menu":   {"type": "gather", "audioUrl": "https://cdn.example.com/menu.wav", "maxDigits": 1,
                             "routes": {"1": "check"}, "onTimeout": "bye"},
                  "check":  {"type": "switch", "cases": [{"when": "vars.tries == '0'", "next": "thanks"}],
                             "default": "bye"},
                  "thanks": {"type": "play", "audioUrl": "https://cdn.example.com/thanks.wav", "next": "bye"},
                  "bye":    {"type": "hangup"}}}"""), "/definition");
        assertThat(result.errors()).isEmpty();
        return result.definition();
    }

    private static PathTally.Event originating(UUID call, Call.Status status, int second, String... entered) {
        return new PathTally.Event(call, status, "STATUS", null, T0.plusSeconds(second), null, null, null,
                List.of(entered), null, null);
    }

    private static PathTally.Event press(UUID call, Call.Status status, long millis, String gather, String digits,
                                         RouteReason reason, String target, String... entered) {
        return new PathTally.Event(call, status, "DTMF", gather, T0.plusMillis(millis), reason, digits, target,
                List.of(entered), null, null);
    }

    @Test
    void countsPathsThroughNodesThatRunInsideNexaflowAndTakesTheLowerMedian() throws Exception {
        PathTally tally = new PathTally(flow());
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID c = UUID.randomUUID();
        UUID failed = UUID.randomUUID();
        // a: waits 4 s at the menu, presses 1: check (switch) → thanks → bye
        tally.add(originating(a, Call.Status.COMPLETED, 0, "menu"));
        tally.add(press(a, Call.Status.COMPLETED, 4_000, "menu", "1", RouteReason.MATCH, "check", "thanks", "bye"));
        // b: waits 10 s, times out → bye
        tally.add(originating(b, Call.Status.COMPLETED, 0, "menu"));
        tally.add(press(b, Call.Status.COMPLETED, 10_000, "menu", "", RouteReason.TIMEOUT, "bye", "bye"));
        // c: waits 2 s, presses 1; 2 s, 4 s and 10 s: the median is 4 s
        tally.add(originating(c, Call.Status.COMPLETED, 0, "menu"));
        tally.add(press(c, Call.Status.COMPLETED, 2_000, "menu", "1", RouteReason.MATCH, "check", "thanks", "bye"));
        // never placed: its planned first turn counts nowhere
        tally.add(originating(failed, Call.Status.FAILED, 0, "menu"));

        var nodes = tally.nodes();
        assertThat(nodes).containsExactly(
                new FlowAnalyticsView.NodeStats("bye", "hangup", 3, 3, List.of(), 0, 0, 0, 0, 3, 0, null),
                new FlowAnalyticsView.NodeStats("check", "switch", 2, 2, List.of(), 0, 0, 0, 0, 0, 0, null),
                new FlowAnalyticsView.NodeStats("init", "set", 3, 3, List.of(), 0, 0, 0, 0, 0, 0, null),
                new FlowAnalyticsView.NodeStats("menu", "gather", 3, 3,
                        List.of(new FlowAnalyticsView.KeyStats("1", "check", 2)), 0, 1, 0, 0, 0, 0, 4_000L),
                new FlowAnalyticsView.NodeStats("thanks", "play", 2, 2, List.of(), 0, 0, 0, 0, 0, 0, null));
        assertThat(tally.edges()).containsExactly(
                new FlowAnalyticsView.EdgeStats("check", "thanks", "vars.tries == '0'", 2),
                new FlowAnalyticsView.EdgeStats("check", "bye", "default", 0),
                new FlowAnalyticsView.EdgeStats("init", "menu", null, 3),
                new FlowAnalyticsView.EdgeStats("menu", "check", "1", 2),
                new FlowAnalyticsView.EdgeStats("menu", "bye", "onTimeout", 1),
                new FlowAnalyticsView.EdgeStats("thanks", "bye", null, 2));
        assertThat(tally.placed()).isEqualTo(3);
        assertThat(tally.keyPresses()).isEqualTo(3);
    }

    @Test
    void aCallStillWaitingIsNotEndedAndAnUnansweredUnknownCallIsNotCounted() throws Exception {
        PathTally tally = new PathTally(flow());
        tally.add(originating(UUID.randomUUID(), Call.Status.IN_PROGRESS, 0, "menu"));
        tally.add(originating(UUID.randomUUID(), Call.Status.UNKNOWN, 0, "menu"));
        var menu = tally.nodes().stream().filter(n -> n.node().equals("menu")).findFirst().orElseThrow();
        assertThat(menu).isEqualTo(new FlowAnalyticsView.NodeStats("menu", "gather", 1, 1, List.of(), 0, 0, 0, 0, 0,
                1, null));
        assertThat(tally.placed()).isEqualTo(1);
    }
}
