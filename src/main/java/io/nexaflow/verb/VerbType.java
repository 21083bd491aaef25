package io.nexaflow.verb;

import io.nexaflow.verb.VerbField.Kind;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static io.nexaflow.verb.VerbField.audio;
import static io.nexaflow.verb.VerbField.bool;
import static io.nexaflow.verb.VerbField.dialTarget;
import static io.nexaflow.verb.VerbField.integer;
import static io.nexaflow.verb.VerbField.key;
import static io.nexaflow.verb.VerbField.object;
import static io.nexaflow.verb.VerbField.pstn;
import static io.nexaflow.verb.VerbField.text;
import static io.nexaflow.verb.VerbField.verb;
import static io.nexaflow.verb.VerbField.webhook;

/**
 * Nexafone's verbs as its call flow reference describes them, declared once, as data: which verbs exist, their
 * fields, which are required, their types and ranges. The payload validator and the sandbox's verb runner both read
 * this declaration.
 */
public enum VerbType {

    PLAY("play", VerbField.TYPE, object("data", true,
            audio("audioUrl", true),
            verb("action", false))),

    GATHER("gather", VerbField.TYPE, object("data", true,
            audio("audioUrl", false),
            integer("maxDigits", 1, Keypad.MAX_DIGITS, "digits"),
            integer("timeout", 1, 600_000, "ms"),
            integer("digitTimeout", 1, 600_000, "ms"),
            key("terminator"),
            text("channelId", false),
            webhook("action"))),

    DIAL("dial", VerbField.TYPE,
            integer("timeout", 1, 600, "seconds"),
            object("moh", false, bool("enable")),
            object("data", true,
                    dialTarget("number"),
                    verb("action", false))),

    HANGUP("hangup", VerbField.TYPE, object("data", true));

    /** The body of an originate request, which carries the call's first verb in {@code action}. */
    public static final List<VerbField> ORIGINATE = List.of(
            pstn("from"),
            pstn("to"),
            text("accountId", true),
            object("recordCall", false, bool("enable")),
            verb("action", true),
            integer("timeout", 1, 600, "seconds"));

    private final String id;
    private final List<VerbField> fields;
    private final List<String> next;

    VerbType(String id, VerbField... fields) {
        this.id = id;
        this.fields = List.of(fields);
        this.next = nextVerb(this.fields);
    }

    public String id() {
        return id;
    }

    public List<VerbField> fields() {
        return fields;
    }

    /** The field names that lead from this verb to the verb chained after it (play, dial: data, action); empty when none can. */
    public List<String> next() {
        return next;
    }

    /** A field of {@code data}, e.g. a gather's maxDigits. */
    public Optional<VerbField> dataField(String name) {
        return fields.stream().filter(f -> f.name().equals("data")).findFirst().flatMap(data -> data.member(name));
    }

    public static Optional<VerbType> of(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst();
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(VerbType::id).toList();
    }

    private static List<String> nextVerb(List<VerbField> fields) {
        for (VerbField field : fields) {
            if (field.kind() == Kind.VERB) {
                return List.of(field.name());
            }
            if (field.kind() == Kind.OBJECT) {
                List<String> inside = nextVerb(field.members());
                if (!inside.isEmpty()) {
                    return Stream.concat(Stream.of(field.name()), inside.stream()).toList();
                }
            }
        }
        return List.of();
    }
}
