package io.nexaflow.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nexaflow.expr.Condition;
import io.nexaflow.expr.Scope;
import io.nexaflow.expr.Template;
import io.nexaflow.expr.Variables;
import io.nexaflow.flow.model.Node;
import io.nexaflow.verb.HttpsUrl;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One turn of a data-driven flow, as a state machine the runtime drives: it walks like {@link FlowProgram#walk}
 * and also runs set and switch nodes, fills in templates, and stops at each http node with the request to make
 * ({@link Progress.Awaiting}); the runtime makes it and {@link #resume resumes} with the answer. Pure: no I/O, no
 * clock. A turn runs at most {@value #MAX_INTERNAL} http, switch and set nodes; past that it fails (the fallback).
 */
public final class DataTurn {

    /** Http, switch and set nodes one turn may run; a loop the validator could not see stops here. */
    public static final int MAX_INTERNAL = 20;

    /** Where a turn stands: finished (a turn to render, or failed), or waiting on a request. */
    public sealed interface Progress {

        /**
         * The turn is over. {@code failed} names why the caller gets the fallback verb (null when the turn ran);
         * {@code scope} holds the call's variables after it; {@code requests} what was asked, in order.
         */
        record Finished(Turn turn, Scope scope, String failed, List<Exchange> requests) implements Progress {
        }

        /** The runtime makes {@code request}, then calls {@link DataTurn#resume}. */
        record Awaiting(Request request, DataTurn turn) implements Progress {
        }
    }

    /**
     * A request an http node makes, with its templates filled in. {@code masked} lists the values to hide
     * wherever the request is shown (the secrets put in its headers, sensitive variables).
     */
    public record Request(String node, String method, String url, Map<String, String> headers, JsonNode body,
                          int timeoutMs, List<String> masked) {

        @Override
        public String toString() {
            return "Request[" + node + " " + method + "]";
        }
    }

    /**
     * What came back: a status and its JSON (null when not JSON), or {@code error} when no answer was usable;
     * {@code latencyMs} for the audit trail.
     */
    public record Answer(int status, JsonNode json, String error, long latencyMs) {

        public Answer(int status, JsonNode json, String error) {
            this(status, json, error, 0);
        }

        public static Answer failed(String error) {
            return new Answer(0, null, error, 0);
        }
    }

    /** A request and its answer, for the audit trail. */
    public record Exchange(Request request, Answer answer, boolean ok) {
    }

    private final FlowProgram program;
    private final List<String> entered = new ArrayList<>();
    private final List<String> exhausted = new ArrayList<>(0);
    private final List<String> dialed = new ArrayList<>(0);
    private final Map<String, String> rendered = new LinkedHashMap<>();
    private final List<Exchange> exchanges = new ArrayList<>();
    private Attempts attempts;
    private Scope scope;
    private int internal;
    private int steps;
    private Request waiting;

    private DataTurn(FlowProgram program, Attempts attempts, Scope scope) {
        this.program = program;
        this.attempts = attempts;
        this.scope = scope;
    }

    static Progress start(FlowProgram program, String from, Attempts attempts, Scope scope) {
        return new DataTurn(program, attempts, scope).walk(from);
    }

    /** Goes on after the request this turn waits for, with its answer. */
    public Progress resume(Answer answer) {
        if (waiting == null) {
            throw new IllegalStateException("this turn waits for no request");
        }
        Request request = waiting;
        waiting = null;
        Node.Http http = (Node.Http) program.flow().node(request.node());
        Map<String, Object> extracted = answer.error() == null && answer.status() >= 200 && answer.status() < 300
                && answer.json() != null ? extract(http, answer.json()) : null;
        exchanges.add(new Exchange(request, answer, extracted != null));
        if (extracted == null) {
            return walk(http.onError());
        }
        scope = scope.withVars(extracted);
        return walk(http.next());
    }

    /** The extracted variables, or null when a pointer finds nothing or something that is not a plain value. */
    private static Map<String, Object> extract(Node.Http http, JsonNode json) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (var e : http.extract().entrySet()) {
            Object value = Variables.fromJsonValue(json.at(e.getValue()));
            if (value == null) {
                return null;
            }
            values.put(e.getKey(), value);
        }
        return values;
    }

    private Progress walk(String from) {
        String at = from;
        while (steps++ < FlowProgram.MAX_STEPS) {
            if (at == null) {
                return finished(false, null);
            }
            Node node = program.flow().node(at);
            if (node instanceof Node.Play play) {
                String url = renderUrl(at, play.audioUrl());
                if (url == null) {
                    if (play.onError() == null) {
                        return finished(true, "node '" + at + "': audioUrl did not render to an https URL");
                    }
                    at = play.onError();
                    continue;
                }
                entered.add(at);
                at = play.next();
            } else if (node instanceof Node.Dial dial) {
                String number = renderNumber(at, dial.number());
                if (number == null) {
                    if (dial.onError() == null) {
                        return finished(true, "node '" + at + "': number did not render to a number that parses");
                    }
                    at = dial.onError();
                    continue;
                }
                entered.add(at);
                dialed.add(number);
                at = dial.next();
            } else if (node instanceof Node.Hangup) {
                entered.add(at);
                return finished(true, null);
            } else if (node instanceof Node.Gather gather) {
                if (FlowProgram.outOfAttempts(attempts, at, gather)) {
                    at = FlowProgram.wayOutWhenExhausted(at, gather, exhausted);
                    if (at == null) {
                        return finished(true, null);
                    }
                    continue;
                }
                if (gather.audioUrl() != null && renderUrl(at, gather.audioUrl()) == null) {
                    if (gather.onError() == null) {
                        return finished(true, "node '" + at + "': audioUrl did not render to an https URL");
                    }
                    at = gather.onError();
                    continue;
                }
                entered.add(at);
                attempts = attempts.enter(at);
                return new Progress.Finished(new Turn(entered, at, attempts, false, exhausted, dialed, rendered),
                        scope, null, List.copyOf(exchanges));
            } else if (++internal > MAX_INTERNAL) {
                return finished(true, "more than " + MAX_INTERNAL + " http, switch and set nodes in one turn");
            } else if (node instanceof Node.Set set) {
                Map<String, Object> values = new LinkedHashMap<>();
                try {
                    set.vars().forEach((name, text) -> values.put(name, program.template(text).render(scope,
                            Template.Encoding.PLAIN)));
                } catch (Template.UnresolvedReference e) {
                    return finished(true, "node '" + at + "': " + e.getMessage());
                }
                scope = scope.withVars(values);
                at = set.next();
            } else if (node instanceof Node.Switch choice) {
                String next = choice.defaultRoute();
                for (Node.Switch.Case c : choice.cases()) {
                    if (holds(program.condition(c.when()))) {
                        next = c.next();
                        break;
                    }
                }
                at = next;
            } else if (node instanceof Node.Http http) {
                Request request = request(at, http);
                if (request == null) {
                    exchanges.add(new Exchange(new Request(at, http.method(), http.url(), Map.of(), null,
                            http.timeoutMs(), List.of()), Answer.failed("a template could not be filled in"), false));
                    at = http.onError();
                    continue;
                }
                waiting = request;
                return new Progress.Awaiting(request, this);
            } else {
                throw new IllegalStateException("unknown node kind " + node.getClass());
            }
        }
        return finished(true, "the walk did not end within " + FlowProgram.MAX_STEPS + " nodes");
    }

    private boolean holds(Condition condition) {
        try {
            return condition.evaluate(scope);
        } catch (Condition.EvaluationFailed e) {
            // A case that cannot be decided (a variable not set, a wrong type) does not hold.
            return false;
        }
    }

    private Progress finished(boolean hangup, String failed) {
        return new Progress.Finished(new Turn(entered, null, attempts, hangup || failed != null, exhausted, dialed,
                rendered), scope, failed, List.copyOf(exchanges));
    }

    private String renderUrl(String node, String text) {
        Template template = program.template(text);
        if (template.isConstant()) {
            return text;
        }
        try {
            String url = template.render(scope, Template.Encoding.URL);
            if (HttpsUrl.problem(url) != null) {
                return null;
            }
            rendered.put(node, url);
            return url;
        } catch (Template.UnresolvedReference e) {
            return null;
        }
    }

    private String renderNumber(String node, String text) {
        Template template = program.template(text);
        if (template.isConstant()) {
            return text;
        }
        try {
            String number = program.dialTarget().apply(template.render(scope, Template.Encoding.PLAIN));
            if (number != null) {
                rendered.put(node, number);
            }
            return number;
        } catch (Template.UnresolvedReference e) {
            return null;
        }
    }

    private Request request(String node, Node.Http http) {
        try {
            String url = program.template(http.url()).render(scope, Template.Encoding.URL);
            Map<String, String> headers = new LinkedHashMap<>();
            List<String> masked = new ArrayList<>();
            for (var header : http.headers().entrySet()) {
                Template template = program.template(header.getValue());
                for (Template.Reference reference : template.references()) {
                    if (reference.kind() == Template.Reference.Kind.SECRET) {
                        scope.secret(reference.name()).ifPresent(masked::add);
                    }
                }
                headers.put(header.getKey(), template.render(scope, Template.Encoding.PLAIN));
            }
            JsonNode body = http.body() == null ? null : body(http.body());
            return new Request(node, http.method(), url, headers, body, http.timeoutMs(), masked);
        } catch (Template.UnresolvedReference e) {
            return null;
        }
    }

    /** The body with its strings' templates filled in; a string that is one placeholder keeps its value's type. */
    private JsonNode body(JsonNode value) {
        if (value.isTextual()) {
            Template template = program.template(value.asText());
            if (template.isConstant()) {
                return value;
            }
            String text = value.asText().strip();
            if (text.startsWith("{{") && text.endsWith("}}") && text.indexOf("{{", 2) < 0
                    && template.references().size() == 1) {
                Template.Reference only = template.references().iterator().next();
                if (only.kind() == Template.Reference.Kind.VAR && scope.vars().containsKey(only.name())) {
                    return Variables.toJson(Map.of(only.name(), scope.vars().get(only.name()))).get(only.name());
                }
            }
            return JsonNodeFactory.instance.textNode(template.render(scope, Template.Encoding.PLAIN));
        }
        if (value.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                var e = it.next();
                out.set(e.getKey(), body(e.getValue()));
            }
            return out;
        }
        if (value.isArray()) {
            var out = JsonNodeFactory.instance.arrayNode();
            value.forEach(item -> out.add(body(item)));
            return out;
        }
        return value;
    }
}
