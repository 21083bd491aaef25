package io.nexaflow.console;

import io.nexaflow.analytics.FlowAnalyticsView;
import io.nexaflow.engine.Diagram;
import io.nexaflow.flow.FlowService;
import io.nexaflow.flow.RevisionPrograms;
import io.nexaflow.flow.model.FlowDefinition;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The diagrams the console draws: engine.Diagram's Mermaid text with an overlay of counts or of one call's path. */
@ApplicationScoped
public class FlowDiagrams {

    /** The share of a node's callers ending there that marks it as a place callers give up. */
    static final long DROP_OFF_PERCENT = 20;

    private final FlowService flows;
    private final RevisionPrograms programs;

    public FlowDiagrams(FlowService flows, RevisionPrograms programs) {
        this.flows = flows;
        this.programs = programs;
    }

    /** The revision a page shows: the one named, else the published one, else the latest (as the API's reads). */
    FlowDefinition definition(UUID flowId, Integer version) {
        return programs.of(flows.revisionToInspect(flowId, version)).flow();
    }

    /**
     * A revision with its counts: on each node the calls that entered it and, where any ended there, how many
     * (and which share) hung up or finished there; on each arrow the calls that took it and their share of the
     * calls that entered its node. A node other than a hangup where at least {@link #DROP_OFF_PERCENT}% of its
     * callers ended is coloured as a drop-off.
     */
    String annotated(FlowDefinition definition, FlowAnalyticsView counted) {
        Map<String, String> notes = new HashMap<>();
        Map<String, Long> entered = new HashMap<>();
        Set<String> dropOff = new HashSet<>();
        for (FlowAnalyticsView.NodeStats node : counted.nodes()) {
            entered.put(node.node(), node.entered());
            String note = calls(node.entered());
            if (node.ended() > 0) {
                long share = percent(node.ended(), node.entered());
                note += ", " + node.ended() + " ended here (" + share + "%)";
                if (!"hangup".equals(node.type()) && share >= DROP_OFF_PERCENT) {
                    dropOff.add(node.node());
                }
            }
            if (node.invalid() + node.timeout() > 0) {
                note += ", " + node.invalid() + " invalid, " + node.timeout() + " timeouts";
            }
            notes.put(node.node(), note);
        }
        Map<Diagram.Edge, String> edgeNotes = new HashMap<>();
        for (FlowAnalyticsView.EdgeStats edge : counted.edges()) {
            long from = entered.getOrDefault(edge.from(), 0L);
            edgeNotes.put(new Diagram.Edge(edge.from(), edge.to()),
                    calls(edge.calls()) + " (" + percent(edge.calls(), from) + "%)");
        }
        return Diagram.mermaid(definition, new Diagram.Overlay(notes, edgeNotes, Set.of(), Set.of(), dropOff));
    }

    private static String calls(long count) {
        return count + (count == 1 ? " call" : " calls");
    }

    /** A whole percentage; 0 of 0 is 0. */
    static long percent(long part, long whole) {
        return whole == 0 ? 0 : Math.round(part * 100.0 / whole);
    }

    /** A call's revision with the nodes it went through and the arrows between them highlighted. */
    String path(UUID flowId, Integer version, List<String> path) {
        Set<Diagram.Edge> edges = new HashSet<>();
        for (int i = 1; i < path.size(); i++) {
            edges.add(new Diagram.Edge(path.get(i - 1), path.get(i)));
        }
        return Diagram.mermaid(definition(flowId, version),
                new Diagram.Overlay(Map.of(), Map.of(), Set.copyOf(path), edges, Set.of()));
    }
}
