package io.nexaflow.flow.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One node of a call flow. Its fields are declared once, in {@link NodeType}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Node.Play.class, name = "play"),
        @JsonSubTypes.Type(value = Node.Gather.class, name = "gather"),
        @JsonSubTypes.Type(value = Node.Dial.class, name = "dial"),
        @JsonSubTypes.Type(value = Node.Hangup.class, name = "hangup")
})
public sealed interface Node {

    @JsonIgnore
    NodeType type();

    /** Every node id this node can lead to. */
    @JsonIgnore
    List<String> targets();

    /** Streams audio, then continues at {@code next} (or the call ends after playback). */
    record Play(String audioUrl, String next) implements Node {
        public NodeType type() {
            return NodeType.PLAY;
        }

        public List<String> targets() {
            return next == null ? List.of() : List.of(next);
        }
    }

    /** Collects DTMF; Nexafone posts the digits to nexaflow, which routes them. */
    record Gather(String audioUrl, int maxDigits, int timeout, int digitTimeout, String terminator,
                  Map<String, String> routes,
                  @JsonProperty("default") String defaultRoute,
                  String onTimeout, String onInvalid, int maxAttempts, String onMaxAttempts) implements Node {

        public Gather {
            routes = routes == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(routes));
        }

        public NodeType type() {
            return NodeType.GATHER;
        }

        public List<String> targets() {
            var all = new ArrayList<>(routes.values());
            for (String t : new String[] {defaultRoute, onTimeout, onInvalid, onMaxAttempts}) {
                if (t != null) {
                    all.add(t);
                }
            }
            return all;
        }
    }

    /** Bridges the caller to a number, then continues at {@code next}. */
    record Dial(String number, int timeout, boolean moh, String next) implements Node {
        public NodeType type() {
            return NodeType.DIAL;
        }

        public List<String> targets() {
            return next == null ? List.of() : List.of(next);
        }
    }

    /** Ends the call. */
    record Hangup() implements Node {
        public NodeType type() {
            return NodeType.HANGUP;
        }

        public List<String> targets() {
            return List.of();
        }
    }
}
