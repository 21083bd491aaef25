package io.nexaflow.flow.model;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** A validated call flow: a start node and a graph of named nodes. Build it with {@link FlowValidator}. */
public record FlowDefinition(String start, Map<String, Node> nodes) {

    public FlowDefinition {
        nodes = Collections.unmodifiableMap(new TreeMap<>(nodes));
    }

    public Node node(String id) {
        Node node = nodes.get(id);
        if (node == null) {
            throw new IllegalArgumentException("no node '" + id + "'");
        }
        return node;
    }
}
