package io.nexaflow.analytics;

import io.nexaflow.analytics.FlowAnalyticsView.EdgeStats;
import io.nexaflow.analytics.FlowAnalyticsView.KeyStats;
import io.nexaflow.analytics.FlowAnalyticsView.NodeStats;
import io.nexaflow.call.Call;
import io.nexaflow.engine.Diagram;
import io.nexaflow.engine.RouteReason;
import io.nexaflow.flow.model.FlowDefinition;
import io.nexaflow.flow.model.Node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Counts one revision's calls from their path steps, call by call (steps in order): the per-node and per-arrow
 * figures of {@link FlowAnalyticsView}. Calls whose steps are the same are counted at once ({@link #add(Event,
 * long)}): FlowAnalytics hands over each distinct path with the number of calls that took it, so the work here
 * grows with the flow, not with the calls. The median waits come from PostgreSQL ({@link #nodes(Map)}). No
 * database here, so its rules are tested with plain events.
 */
final class PathTally {

    /**
     * One step of a call as the SQL function call_event_step (V11) keeps it: a step of the path ({@code entered}:
     * the ORIGINATING event or a DTMF), or an http node's request ({@code ok}).
     *
     * @param node    DTMF: the gather that took the input; HTTP_REQUEST: the http node
     * @param digits  DTMF: a matched route's digits (masked for a sensitive gather), "" when nothing was pressed,
     *                anything else for another input
     */
    record Event(UUID call, Call.Status status, String type, String node, RouteReason reason,
                 String digits, String target, List<String> entered, List<String> exhausted, Boolean ok) {
    }

    private static final class Counts {
        long entered;
        long visits;
        long invalid;
        long timeout;
        long maxAttempts;
        long httpErrors;
        long ended;
        long waiting;
        final Map<List<String>, Long> keys = new LinkedHashMap<>();
    }

    private final FlowDefinition flow;
    private final Map<String, Counts> nodes = new LinkedHashMap<>();
    private final List<Diagram.Arrow> arrows;
    private final Map<List<String>, Integer> arrowIndex = new HashMap<>();
    private final Map<String, List<Integer>> outgoing = new HashMap<>();
    private final long[] arrowCalls;
    private long placed;
    private long keyPresses;

    private UUID call;
    /** How many calls took the current call's steps. */
    private long calls;
    private Call.Status status;
    private boolean answered;
    private final List<String> path = new ArrayList<>();
    /** The current call's nodes and how often it entered each; counted when the call is done. */
    private final Map<String, Integer> visits = new HashMap<>();
    private final Set<Integer> taken = new HashSet<>();
    /** The gathers the current event's walk found out of attempts. */
    private List<String> skipped = List.of();

    PathTally(FlowDefinition flow) {
        this.flow = flow;
        flow.nodes().keySet().forEach(id -> nodes.put(id, new Counts()));
        this.arrows = Diagram.arrows(flow);
        for (int i = 0; i < arrows.size(); i++) {
            arrowIndex.put(List.of(arrows.get(i).from(), arrows.get(i).to()), i);
            outgoing.computeIfAbsent(arrows.get(i).from(), k -> new ArrayList<>()).add(i);
        }
        this.arrowCalls = new long[arrows.size()];
    }

    /** The next event of one call; a call's events come together, oldest first. */
    void add(Event e) {
        add(e, 1);
    }

    /** The next event of {@code calls} calls with the same steps, all named {@code e.call()}. */
    void add(Event e, long calls) {
        if (!e.call().equals(call)) {
            finishCall();
            call = e.call();
            this.calls = calls;
            status = e.status();
        }
        if ("HTTP_REQUEST".equals(e.type())) {
            if (Boolean.FALSE.equals(e.ok()) && nodes.containsKey(e.node())) {
                nodes.get(e.node()).httpErrors += calls;
            }
            return;
        }
        if ("DTMF".equals(e.type())) {
            answered = true;
            press(e);
        }
        skipped = e.exhausted() == null ? List.of() : e.exhausted();
        for (String node : e.entered() == null ? List.<String>of() : e.entered()) {
            step(node);
        }
    }

    private void press(PathTally.Event e) {
        keyPresses += calls;
        Counts at = nodes.get(e.node());
        if (at == null) {
            return;
        }
        String digits = e.digits() == null ? "" : e.digits();
        if (e.reason() == RouteReason.MATCH || e.reason() == RouteReason.DEFAULT) {
            at.keys.merge(List.of(routeName(e), String.valueOf(e.target())), calls, Long::sum);
        } else if (digits.isEmpty()) {
            at.timeout += calls;
        } else {
            at.invalid += calls;
        }
        for (String gather : e.exhausted() == null ? List.<String>of() : e.exhausted()) {
            if (nodes.containsKey(gather)) {
                nodes.get(gather).maxAttempts += calls;
            }
        }
    }

    /** The route as the flow names it: its digits, or "default"; masked digits are never shown. */
    private String routeName(Event e) {
        if (e.reason() == RouteReason.DEFAULT) {
            return "default";
        }
        if (flow.node(e.node()) instanceof Node.Gather gather) {
            if (gather.routes().containsKey(e.digits())) {
                return e.digits();
            }
            List<String> leading = gather.routes().entrySet().stream()
                    .filter(r -> Objects.equals(r.getValue(), e.target())).map(Map.Entry::getKey).toList();
            if (leading.size() == 1) {
                return leading.get(0);
            }
        }
        return "masked";
    }

    private void step(String node) {
        String previous = path.isEmpty() ? null : path.get(path.size() - 1);
        if (previous == null && !node.equals(flow.start()) && passedThrough(flow.start())) {
            // The first turn began at nodes that run inside nexaflow (set, switch, http): none is "entered".
            enter(flow.start());
            previous = flow.start();
        }
        if (previous != null) {
            Integer arrow = arrowIndex.get(List.of(previous, node));
            if (arrow != null) {
                take(arrow);
            } else {
                bridge(previous, node);
            }
        }
        path.add(node);
        enter(node);
    }

    private void enter(String node) {
        if (nodes.containsKey(node)) {
            visits.merge(node, 1, Integer::sum);
        }
    }

    /**
     * Nodes a walk passes without naming them in {@code entered}: those that run inside nexaflow (http, switch,
     * set) and the gathers this step found out of attempts (left through onMaxAttempts).
     */
    private boolean passedThrough(String node) {
        Node n = flow.node(node);
        return n instanceof Node.Http || n instanceof Node.Switch || n instanceof Node.Set || skipped.contains(node);
    }

    /**
     * Two consecutive nodes of a path with no arrow between them: the walk went through nodes it passes without
     * entering. The shortest such way is counted (its arrows taken, its http, switch and set nodes entered).
     */
    private void bridge(String from, String to) {
        Map<String, Integer> via = new HashMap<>();
        java.util.ArrayDeque<String> queue = new java.util.ArrayDeque<>();
        queue.add(from);
        via.put(from, -1);
        while (!queue.isEmpty()) {
            String at = queue.poll();
            for (int arrow : outgoing.getOrDefault(at, List.of())) {
                String next = arrows.get(arrow).to();
                if (via.containsKey(next)) {
                    continue;
                }
                via.put(next, arrow);
                if (next.equals(to)) {
                    List<Integer> way = new ArrayList<>();
                    for (String n = to; !n.equals(from); n = arrows.get(via.get(n)).from()) {
                        way.add(0, via.get(n));
                    }
                    for (int a : way) {
                        take(a);
                        String passed = arrows.get(a).to();
                        if (!passed.equals(to) && !skipped.contains(passed)) {
                            enter(passed);
                        }
                    }
                    return;
                }
                if (passedThrough(next)) {
                    queue.add(next);
                }
            }
        }
    }

    private void take(int arrow) {
        taken.add(arrow);
    }

    /** Whether the call's path counts: a caller heard it (FAILED and unanswered placing calls never rang). */
    private boolean reachedACaller() {
        return answered || status == Call.Status.IN_PROGRESS || status == Call.Status.COMPLETED;
    }

    private void finishCall() {
        if (call != null) {
            if (reachedACaller()) {
                placed += calls;
                visits.forEach((node, n) -> {
                    nodes.get(node).visits += n * calls;
                    nodes.get(node).entered += calls;
                });
                taken.forEach(arrow -> arrowCalls[arrow] += calls);
                if (!path.isEmpty() && nodes.containsKey(path.get(path.size() - 1))) {
                    Counts last = nodes.get(path.get(path.size() - 1));
                    if (Call.Status.RUNNING.contains(status)) {
                        last.waiting += calls;
                    } else {
                        last.ended += calls;
                    }
                }
            }
        }
        call = null;
        calls = 0;
        status = null;
        answered = false;
        path.clear();
        visits.clear();
        taken.clear();
        skipped = List.of();
    }

    long placed() {
        finishCall();
        return placed;
    }

    long keyPresses() {
        return keyPresses;
    }

    /**
     * Every node's figures.
     *
     * @param medianWaits per gather, the median milliseconds its callers took to answer (FlowAnalytics reads them
     *                    with percentile_disc); a node without one has none
     */
    List<NodeStats> nodes(Map<String, Long> medianWaits) {
        finishCall();
        List<NodeStats> out = new ArrayList<>(nodes.size());
        nodes.forEach((id, c) -> {
            List<KeyStats> keys = new ArrayList<>();
            c.keys.forEach((route, n) -> keys.add(new KeyStats(route.get(0), route.get(1), n)));
            keys.sort(java.util.Comparator.comparing(KeyStats::keys).thenComparing(KeyStats::to));
            out.add(new NodeStats(id, flow.node(id).type().id(), c.entered, c.visits, keys, c.invalid, c.timeout,
                    c.maxAttempts, c.httpErrors, c.ended, c.waiting, medianWaits.get(id)));
        });
        return out;
    }

    List<EdgeStats> edges() {
        finishCall();
        List<EdgeStats> out = new ArrayList<>(arrows.size());
        for (int i = 0; i < arrows.size(); i++) {
            Diagram.Arrow a = arrows.get(i);
            out.add(new EdgeStats(a.from(), a.to(), a.label(), arrowCalls[i]));
        }
        return out;
    }
}
