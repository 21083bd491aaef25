package io.nexaflow.flow.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;

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
        @JsonSubTypes.Type(value = Node.Hangup.class, name = "hangup"),
        @JsonSubTypes.Type(value = Node.Http.class, name = "http"),
        @JsonSubTypes.Type(value = Node.Switch.class, name = "switch"),
        @JsonSubTypes.Type(value = Node.Set.class, name = "set")
})
public sealed interface Node {

    @JsonIgnore
    NodeType type();

    /** Every node id this node can lead to. */
    @JsonIgnore
    List<String> targets();

    /**
     * Streams audio, then continues at {@code next} (or the call ends after playback). {@code audioUrl} may hold
     * templates; {@code onError} is where the call goes when it does not render to an https URL.
     */
    record Play(String audioUrl, String next, String onError) implements Node {
        public Play(String audioUrl, String next) {
            this(audioUrl, next, null);
        }

        public NodeType type() {
            return NodeType.PLAY;
        }

        public List<String> targets() {
            return present(next, onError);
        }
    }

    /** Collects DTMF; Nexafone posts the digits to nexaflow, which routes them. */
    record Gather(String audioUrl, int maxDigits, int timeout, int digitTimeout, String terminator,
                  Map<String, String> routes,
                  @JsonProperty("default") String defaultRoute,
                  String onTimeout, String onInvalid, int maxAttempts, String onMaxAttempts,
                  String saveAs, String validDigits, Boolean sensitive, String onError) implements Node {

        public Gather {
            routes = routes == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(routes));
        }

        public Gather(String audioUrl, int maxDigits, int timeout, int digitTimeout, String terminator,
                      Map<String, String> routes, String defaultRoute, String onTimeout, String onInvalid,
                      int maxAttempts, String onMaxAttempts) {
            this(audioUrl, maxDigits, timeout, digitTimeout, terminator, routes, defaultRoute, onTimeout, onInvalid,
                    maxAttempts, onMaxAttempts, null, null, null, null);
        }

        /** Digits pressed here are masked in events, exports, logs and responses, and so is {@code saveAs}. */
        public boolean masksDigits() {
            return Boolean.TRUE.equals(sensitive);
        }

        public NodeType type() {
            return NodeType.GATHER;
        }

        public List<String> targets() {
            var all = new ArrayList<>(routes.values());
            for (String t : new String[] {defaultRoute, onTimeout, onInvalid, onMaxAttempts, onError}) {
                if (t != null) {
                    all.add(t);
                }
            }
            return all;
        }
    }

    /**
     * Bridges the caller to a number, then continues at {@code next}. {@code number} may hold templates;
     * {@code onError} is where the call goes when it does not render to a number that parses.
     */
    record Dial(String number, int timeout, boolean moh, String next, String onError) implements Node {
        public Dial(String number, int timeout, boolean moh, String next) {
            this(number, timeout, moh, next, null);
        }

        public NodeType type() {
            return NodeType.DIAL;
        }

        public List<String> targets() {
            return present(next, onError);
        }
    }

    /**
     * A request to the business's own API, run inside nexaflow between verbs. A 2xx JSON answer sets the
     * {@code extract}ed variables (name → JSON pointer) and continues at {@code next}; anything else at
     * {@code onError}.
     */
    record Http(String method, String url, Map<String, String> headers, JsonNode body, int timeoutMs,
                Map<String, String> extract, String next, String onError) implements Node {

        public Http {
            headers = headers == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(headers));
            extract = extract == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(extract));
        }

        public NodeType type() {
            return NodeType.HTTP;
        }

        public List<String> targets() {
            return present(next, onError);
        }
    }

    /** Goes to the first case whose CEL condition holds, else to {@code default}. */
    record Switch(List<Case> cases, @JsonProperty("default") String defaultRoute) implements Node {

        /** One branch: a CEL expression over {@code vars} and {@code call}, and where it leads. */
        public record Case(String when, String next) {
        }

        public Switch {
            cases = cases == null ? List.of() : List.copyOf(cases);
        }

        public NodeType type() {
            return NodeType.SWITCH;
        }

        public List<String> targets() {
            var all = new ArrayList<String>();
            cases.forEach(c -> all.add(c.next()));
            if (defaultRoute != null) {
                all.add(defaultRoute);
            }
            return all;
        }
    }

    /** Sets variables (name → template), then continues at {@code next}. */
    record Set(Map<String, String> vars, String next) implements Node {

        public Set {
            vars = vars == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(vars));
        }

        public NodeType type() {
            return NodeType.SET;
        }

        public List<String> targets() {
            return present(next);
        }
    }

    private static List<String> present(String... targets) {
        var all = new ArrayList<String>(targets.length);
        for (String target : targets) {
            if (target != null) {
                all.add(target);
            }
        }
        return all;
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
