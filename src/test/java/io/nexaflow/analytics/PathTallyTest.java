package io.nexaflow.analytics;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nexaflow.call.Call;
import io.nexaflow.engine.RouteReason;
import io.nexaflow.flow.model.FlowDefinition;
import io.nexaflow.flow.model.FlowValidator;
import io.nexaflow.number.PhoneNumbers;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The counting rules on their own, with events written out: the nodes a walk passes without
 * naming them (set and switch, a gather out of attempts), and calls that never reached a caller.
 */
class PathTallyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

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

    private static PathTally.Event originating(UUID call, Call.Status status, String... entered) {
        return new PathTally.Event(call, status, "STATUS", null, null, null, null, List.of(entered), null, null);
    }

    private static PathTally.Event press(UUID call, Call.Status status, String gather, String digits,
                                         RouteReason reason, String target, String... entered) {
        return new PathTally.Event(call, status, "DTMF", gather, reason, digits, target, List.of(entered), null,
                null);
    }

    /** Three calls that reached a caller and one that did not, each call's events together, in order. */
    private static List<PathTally.Event> calls(UUID a, UUID b, UUID c, UUID failed) {
        return List.of(
                // a: presses 1 at the menu: check (switch) → thanks → bye
                originating(a, Call.Status.COMPLETED, "menu"),
                press(a, Call.Status.COMPLETED, "menu", "1", RouteReason.MATCH, "check", "thanks", "bye"),
                // b: times out → bye
                originating(b, Call.Status.COMPLETED, "menu"),
                press(b, Call.Status.COMPLETED, "menu", "", RouteReason.TIMEOUT, "bye", "bye"),
                // c: presses 1, as a did
                originating(c, Call.Status.COMPLETED, "menu"),
                press(c, Call.Status.COMPLETED, "menu", "1", RouteReason.MATCH, "check", "thanks", "bye"),
                // never placed: its planned first turn counts nowhere
                originating(failed, Call.Status.FAILED, "menu"));
    }

    @Test
    void countsPathsThroughNodesThatRunInsideNexaflow() throws Exception {
        PathTally tally = new PathTally(flow());
        calls(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID()).forEach(tally::add);
        assertCountsOfTheThreeCalls(tally);
    }

    /** FlowAnalytics hands over each distinct path once with its number of calls: the same counts. */
    @Test
    void countsCallsWithTheSamePathAtOnce() throws Exception {
        PathTally tally = new PathTally(flow());
        UUID aAndC = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID failed = UUID.randomUUID();
        Map<UUID, Long> calls = Map.of(aAndC, 2L, b, 1L, failed, 5L);
        // c's events are left out: a's are counted for both
        calls(aAndC, b, null, failed).stream().filter(e -> e.call() != null)
                .forEach(e -> tally.add(e, calls.get(e.call())));
        assertCountsOfTheThreeCalls(tally);
    }

    /** The median wait is PostgreSQL's (FlowAnalytics, percentile_disc); the tally puts it on its gather. */
    private static void assertCountsOfTheThreeCalls(PathTally tally) {
        var nodes = tally.nodes(Map.of("menu", 4_000L));
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
        tally.add(originating(UUID.randomUUID(), Call.Status.IN_PROGRESS, "menu"));
        tally.add(originating(UUID.randomUUID(), Call.Status.UNKNOWN, "menu"));
        var menu = tally.nodes(Map.of()).stream().filter(n -> n.node().equals("menu")).findFirst().orElseThrow();
        assertThat(menu).isEqualTo(new FlowAnalyticsView.NodeStats("menu", "gather", 1, 1, List.of(), 0, 0, 0, 0, 0,
                1, null));
        assertThat(tally.placed()).isEqualTo(1);
    }
}
