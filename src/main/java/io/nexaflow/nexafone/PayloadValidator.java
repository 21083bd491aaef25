package io.nexaflow.nexafone;

import com.fasterxml.jackson.databind.JsonNode;
import io.nexaflow.number.PhoneNumbers;
import io.nexaflow.problem.JsonPointer;
import io.nexaflow.problem.Problem.FieldError;
import io.nexaflow.verb.HttpsUrl;
import io.nexaflow.verb.Keypad;
import io.nexaflow.verb.VerbField;
import io.nexaflow.verb.VerbType;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks what is sent to Nexafone against the vendor's call flow reference: the originate payload and the verbs
 * (play, gather, dial, hangup), nested through {@code action}. Every problem is reported, each with a JSON pointer.
 * Pure Java: nexaflow checks raw-verb originate requests with it, and the sandbox checks everything it receives.
 */
public final class PayloadValidator {

    /** Deeper chains help nobody and would only exhaust the stack. */
    public static final int MAX_VERB_DEPTH = 100;
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}");

    /**
     * @param region                  ISO region for national numbers, e.g. "IN"
     * @param allowPlaceholderNumbers accept the vendor page's placeholders such as "096506xxxxx"
     * @param allowLoopbackHttp       accept http:// gather webhooks on 127.0.0.1, localhost and [::1] (dev mode has no TLS)
     */
    public record Options(String region, boolean allowPlaceholderNumbers, boolean allowLoopbackHttp) {

        /** What the real platform accepts. */
        public static Options strict(String region) {
            return new Options(region, false, false);
        }

        public Options withPlaceholderNumbers(boolean allow) {
            return new Options(region, allow, allowLoopbackHttp);
        }

        public Options withLoopbackHttp(boolean allow) {
            return new Options(region, allowPlaceholderNumbers, allow);
        }
    }

    private final PhoneNumbers numbers;
    private final boolean allowLoopbackHttp;

    public PayloadValidator(Options options) {
        this.numbers = new PhoneNumbers(options.region(), options.allowPlaceholderNumbers());
        this.allowLoopbackHttp = options.allowLoopbackHttp();
    }

    /** The body of an originate request: {@code {from, to, accountId, recordCall, action, timeout}}. */
    public List<FieldError> validateOriginate(JsonNode payload) {
        List<FieldError> errors = new ArrayList<>();
        checkObject(payload, "", "the originate payload", VerbType.ORIGINATE, 0, errors, true);
        return List.copyOf(errors);
    }

    /**
     * One verb and everything chained after it.
     *
     * @param pointer where the verb sits in its document: "" for a webhook response, "/action" inside an originate payload
     */
    public List<FieldError> validateVerb(JsonNode verb, String pointer) {
        List<FieldError> errors = new ArrayList<>();
        checkVerb(verb, pointer, 1, errors);
        return List.copyOf(errors);
    }

    /** 127.0.0.0/8, localhost and [::1] written literally: nothing that needs a DNS lookup to decide. */
    public static boolean isLoopbackHost(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("[::1]") || h.equals("::1") || IPV4_LOOPBACK.matcher(h).matches();
    }

    private void checkVerb(JsonNode verb, String pointer, int depth, List<FieldError> errors) {
        if (depth > MAX_VERB_DEPTH) {
            errors.add(new FieldError(pointer, "nests more than " + MAX_VERB_DEPTH + " verbs"));
            return;
        }
        if (verb == null || !verb.isObject()) {
            errors.add(new FieldError(pointer, "must be a verb object {type, data}"));
            return;
        }
        JsonNode type = verb.get("type");
        if (type == null || !type.isTextual()) {
            errors.add(new FieldError(pointer + "/type", "is required: one of " + VerbType.ids()));
            return;
        }
        var declared = VerbType.of(type.asText());
        if (declared.isEmpty()) {
            errors.add(new FieldError(pointer + "/type", "unknown verb type '" + type.asText() + "'; expected one of "
                    + VerbType.ids()));
            return;
        }
        checkObject(verb, pointer, "a " + type.asText() + " verb", declared.get().fields(), depth, errors, false);
    }

    private void checkObject(JsonNode node, String pointer, String what, List<VerbField> fields, int depth,
                             List<FieldError> errors, boolean root) {
        if (node == null || !node.isObject()) {
            errors.add(new FieldError(pointer, root ? "must be a JSON object" : "must be an object"));
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (fields.stream().noneMatch(f -> f.name().equals(name))) {
                errors.add(new FieldError(pointer + "/" + JsonPointer.escape(name), "unknown field; " + what
                        + (fields.isEmpty() ? " takes no fields" : " has only " + fields.stream().map(VerbField::name).toList())));
            }
        }
        for (VerbField field : fields) {
            String at = pointer + "/" + field.name();
            JsonNode value = node.get(field.name());
            if (value == null) {
                if (field.required()) {
                    errors.add(new FieldError(at, "is required"));
                }
            } else if (value.isNull()) {
                errors.add(new FieldError(at, field.required() ? "is required" : "must not be null; leave it out instead"));
            } else {
                checkValue(field, value, at, depth, errors);
            }
        }
    }

    private void checkValue(VerbField field, JsonNode value, String at, int depth, List<FieldError> errors) {
        String problem = switch (field.kind()) {
            case TEXT -> !value.isTextual() ? "must be a string"
                    : value.asText().isBlank() ? "must not be blank" : null;
            case BOOLEAN -> value.isBoolean() ? null : "must be true or false";
            case INTEGER -> !value.isIntegralNumber() || !value.canConvertToInt() ? "must be a whole number of " + field.unit()
                    : value.asInt() < field.min() || value.asInt() > field.max()
                    ? "must be between " + field.min() + " and " + field.max() + " " + field.unit() + ", was " + value.asInt()
                    : null;
            case KEY -> value.isTextual() && Keypad.isKey(value.asText()) ? null
                    : "must be one key: 0-9, * or #";
            case PSTN -> number(value, true);
            case DIAL_TARGET -> number(value, false);
            case AUDIO_URL -> value.isTextual() ? HttpsUrl.problem(value.asText()) : "must be an https:// URL string";
            case WEBHOOK_URL -> value.isTextual() ? webhookProblem(value.asText()) : "must be an https:// URL string";
            case VERB -> {
                checkVerb(value, at, depth + 1, errors);
                yield null;
            }
            case OBJECT -> {
                checkObject(value, at, "'" + field.name() + "'", field.members(), depth, errors, false);
                yield null;
            }
        };
        if (problem != null) {
            errors.add(new FieldError(at, problem));
        }
    }

    private String number(JsonNode value, boolean pstn) {
        if (!value.isTextual()) {
            return "must be a string";
        }
        try {
            if (pstn) {
                numbers.pstn(value.asText());
            } else {
                numbers.dialTarget(value.asText());
            }
            return null;
        } catch (PhoneNumbers.InvalidNumber e) {
            return e.getMessage();
        }
    }

    private String webhookProblem(String url) {
        if (allowLoopbackHttp) {
            try {
                URI uri = new URI(url);
                if ("http".equalsIgnoreCase(uri.getScheme()) && isLoopbackHost(uri.getHost())) {
                    return null;
                }
            } catch (URISyntaxException e) {
                return "is not a valid URL: " + e.getReason();
            }
        }
        String problem = HttpsUrl.problem(url);
        return problem != null && allowLoopbackHttp ? problem + " (http:// only on a loopback host)" : problem;
    }
}
