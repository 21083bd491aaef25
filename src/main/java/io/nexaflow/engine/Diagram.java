package io.nexaflow.engine;

import io.nexaflow.flow.model.FlowDefinition;
import io.nexaflow.flow.model.Node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Draws a flow as a Mermaid flowchart, for people reading a flow rather than running it. */
public final class Diagram {

    /** An arrow of the diagram: parallel ways from one node to another share one. */
    public record Edge(String from, String to) {
    }

    /**
     * What a reader wants to see on top of the flow itself (the console's analytics and call paths): a note under
     * a node's label, a text after an edge's label, nodes and edges to highlight, and nodes marked as drop-off
     * points. Ids that are not in the flow are ignored.
     */
    public record Overlay(Map<String, String> notes, Map<Edge, String> edgeNotes, Set<String> highlighted,
                          Set<Edge> highlightedEdges, Set<String> dropOff) {

        public static final Overlay NONE = new Overlay(Map.of(), Map.of(), Set.of(), Set.of(), Set.of());
    }

    private Diagram() {
    }

    /**
     * A Mermaid {@code graph TD}: one line per node (id and what it does), then its edges: {@code next}
     * unlabelled, routes labelled with their digits, the other ways out with their field names.
     */
    public static String mermaid(FlowDefinition flow) {
        return mermaid(flow, Overlay.NONE);
    }

    /** As {@link #mermaid(FlowDefinition)}, with the overlay's notes, highlights and drop-off marks. */
    public static String mermaid(FlowDefinition flow, Overlay overlay) {
        // Mermaid ids of our own: node ids such as "end" or "a--b" would break Mermaid's grammar.
        Map<String, String> ids = new HashMap<>();
        for (String id : flow.nodes().keySet()) {
            ids.put(id, "n" + ids.size());
        }
        var out = new StringBuilder("graph TD\n");
        flow.nodes().forEach((id, node) -> out.append("    ").append(ids.get(id))
                .append(shape(id, node, overlay.notes().get(id))).append('\n'));
        // linkStyle names an arrow by its position among the arrows, in the order they are written.
        List<String> highlightedEdges = new ArrayList<>();
        int position = 0;
        for (Arrow arrow : arrows(flow)) {
            Edge edge = new Edge(arrow.from(), arrow.to());
            String note = overlay.edgeNotes().get(edge);
            String label = note == null ? arrow.label() : arrow.label() == null ? note : arrow.label() + ": " + note;
            out.append("    ").append(ids.get(arrow.from())).append(" -->");
            if (label != null) {
                out.append("|\"").append(escape(label)).append("\"|");
            }
            out.append(' ').append(ids.getOrDefault(arrow.to(), "missing")).append('\n');
            if (overlay.highlightedEdges().contains(edge)) {
                highlightedEdges.add(String.valueOf(position));
            }
            position++;
        }
        if (ids.containsKey(flow.start())) {
            out.append("    classDef start stroke-width:3px\n");
            out.append("    class ").append(ids.get(flow.start())).append(" start\n");
        }
        classed(out, "dropoff", "fill:#fde2e1,stroke:#b42318,color:#7a271a", overlay.dropOff(), ids);
        classed(out, "path", "fill:#fff4c2,stroke:#b54708,stroke-width:3px", overlay.highlighted(), ids);
        if (!highlightedEdges.isEmpty()) {
            out.append("    linkStyle ").append(String.join(",", highlightedEdges))
                    .append(" stroke:#b54708,stroke-width:4px\n");
        }
        return out.toString();
    }

    /**
     * One arrow of the diagram: the ways from one node to another, their labels joined ({@code "1, default"}),
     * or a null label for {@code next}.
     */
    public record Arrow(String from, String to, String label) {
    }

    /**
     * The diagram's arrows, node by node in the definition's order: what a drawing (or the counts put on it, as
     * analytics.FlowAnalytics does) takes as the flow's edges. Parallel ways to one node share one arrow.
     */
    public static List<Arrow> arrows(FlowDefinition flow) {
        List<Arrow> arrows = new ArrayList<>();
        flow.nodes().forEach((id, node) -> edges(node).forEach((target, labels) ->
                arrows.add(new Arrow(id, target, labels.isEmpty() ? null : String.join(", ", labels)))));
        return arrows;
    }

    private static void classed(StringBuilder out, String name, String style, Set<String> nodes,
                                Map<String, String> ids) {
        List<String> members = nodes.stream().filter(ids::containsKey).map(ids::get).sorted().toList();
        if (!members.isEmpty()) {
            out.append("    classDef ").append(name).append(' ').append(style).append('\n');
            out.append("    class ").append(String.join(",", members)).append(' ').append(name).append('\n');
        }
    }

    private static String shape(String id, Node node, String note) {
        String label = "\"" + escape(id) + "<br/>" + escape(describe(node))
                + (note == null ? "" : "<br/>" + escape(note)) + "\"";
        if (node instanceof Node.Gather || node instanceof Node.Switch) {
            return "{" + label + "}";
        }
        if (node instanceof Node.Http) {
            return "[/" + label + "/]";
        }
        if (node instanceof Node.Dial) {
            return "[[" + label + "]]";
        }
        if (node instanceof Node.Hangup) {
            return "([" + label + "])";
        }
        return "[" + label + "]";
    }

    private static String describe(Node node) {
        if (node instanceof Node.Play play) {
            return "play " + fileName(play.audioUrl());
        }
        if (node instanceof Node.Gather gather) {
            return gather.audioUrl() == null ? "gather" : "gather " + fileName(gather.audioUrl());
        }
        if (node instanceof Node.Dial dial) {
            return "dial " + dial.number();
        }
        if (node instanceof Node.Http http) {
            int query = http.url().indexOf('?');
            return http.method() + " " + (query < 0 ? http.url() : http.url().substring(0, query));
        }
        if (node instanceof Node.Set set) {
            return "set " + String.join(", ", set.vars().keySet());
        }
        return node.type().id();
    }

    /** Target → labels of the edges leading there, so parallel ways to one node share one arrow. */
    private static Map<String, List<String>> edges(Node node) {
        Map<String, List<String>> edges = new LinkedHashMap<>();
        if (node instanceof Node.Play play) {
            next(edges, play.next());
            add(edges, play.onError(), "onError");
        } else if (node instanceof Node.Dial dial) {
            next(edges, dial.next());
            add(edges, dial.onError(), "onError");
        } else if (node instanceof Node.Gather gather) {
            gather.routes().forEach((digits, target) -> add(edges, target, digits));
            add(edges, gather.defaultRoute(), "default");
            add(edges, gather.onTimeout(), "onTimeout");
            add(edges, gather.onInvalid(), "onInvalid");
            add(edges, gather.onMaxAttempts(), "onMaxAttempts");
            add(edges, gather.onError(), "onError");
        } else if (node instanceof Node.Http http) {
            next(edges, http.next());
            add(edges, http.onError(), "onError");
        } else if (node instanceof Node.Switch choice) {
            choice.cases().forEach(c -> add(edges, c.next(), c.when()));
            add(edges, choice.defaultRoute(), "default");
        } else if (node instanceof Node.Set set) {
            next(edges, set.next());
        }
        return edges;
    }

    private static void next(Map<String, List<String>> edges, String target) {
        if (target != null) {
            edges.putIfAbsent(target, new ArrayList<>());
        }
    }

    private static void add(Map<String, List<String>> edges, String target, String label) {
        if (target != null) {
            edges.computeIfAbsent(target, t -> new ArrayList<>()).add(label);
        }
    }

    private static String fileName(String url) {
        int query = indexOfAny(url, "?#");
        String path = query < 0 ? url : url.substring(0, query);
        int slash = path.lastIndexOf('/');
        return slash >= 0 && slash < path.length() - 1 ? path.substring(slash + 1) : url;
    }

    private static int indexOfAny(String text, String chars) {
        for (int i = 0; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    /** Label text as Mermaid entity codes ({@code #35;}) for anything but plain characters. */
    static String escape(String text) {
        var out = new StringBuilder(text.length() + 8);
        text.codePoints().forEach(c -> {
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || " ._-/:@+=,".indexOf(c) >= 0) {
                out.appendCodePoint(c);
            } else {
                out.append('#').append(c).append(';');
            }
        });
        return out.toString();
    }
}
