package io.nexaflow.expr;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A string with {@code {{ref}}} placeholders, parsed once (when a flow is validated) and rendered per call. A
 * reference is exactly {@code call.from}, {@code call.to}, {@code call.id}, {@code vars.NAME} or
 * {@code secret.NAME}; whitespace inside the braces is allowed. Text outside the braces is kept as written.
 */
public final class Template {

    /** How a value is written into the text. */
    public enum Encoding {
        /** As it is. */
        PLAIN,
        /** Percent-encoded as one URL path segment or query value: UTF-8, only A-Z a-z 0-9 - . _ ~ left as they are. */
        URL
    }

    /** One placeholder's target. {@link #toString()} is the reference as written, e.g. {@code vars.account}. */
    public record Reference(Kind kind, String name) {

        public enum Kind {
            CALL("call"), VAR("vars"), SECRET("secret");

            private final String prefix;

            Kind(String prefix) {
                this.prefix = prefix;
            }
        }

        @Override
        public String toString() {
            return kind.prefix + "." + name;
        }
    }

    /** A reference without a value at render time: a variable not set, a secret not supplied, a call part not known. */
    public static final class UnresolvedReference extends RuntimeException {

        private final transient Reference reference;

        UnresolvedReference(Reference reference, String message) {
            super(message, null, false, false);
            this.reference = reference;
        }

        public Reference reference() {
            return reference;
        }
    }

    private static final Set<String> CALL_PARTS = Set.of("from", "to", "id");

    private final String text;
    private final List<Object> parts; // String literals and References, in order

    private Template(String text, List<Object> parts) {
        this.text = text;
        this.parts = List.copyOf(parts);
    }

    /** The template, or every problem in it, each with its character offset. */
    public static Parsed<Template> parse(String text) {
        List<Object> parts = new ArrayList<>();
        List<ExpressionProblem> problems = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int at = 0;
        while (at < text.length()) {
            int open = text.indexOf("{{", at);
            if (open < 0) {
                literal.append(text, at, text.length());
                break;
            }
            literal.append(text, at, open);
            int close = text.indexOf("}}", open + 2);
            if (close < 0) {
                problems.add(ExpressionProblem.at(text, open, "unclosed '{{'"));
                break;
            }
            int start = open + 2;
            int end = close;
            while (start < end && Character.isWhitespace(text.charAt(start))) {
                start++;
            }
            while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
                end--;
            }
            String ref = text.substring(start, end);
            Optional<Reference> reference = reference(ref);
            if (ref.isEmpty()) {
                problems.add(ExpressionProblem.at(text, open, "empty reference '{{}}'"));
            } else if (reference.isEmpty()) {
                problems.add(ExpressionProblem.at(text, start, unknown(ref)));
            } else {
                if (literal.length() > 0) {
                    parts.add(literal.toString());
                    literal.setLength(0);
                }
                parts.add(reference.get());
            }
            at = close + 2;
        }
        if (literal.length() > 0) {
            parts.add(literal.toString());
        }
        return problems.isEmpty() ? Parsed.of(new Template(text, parts)) : Parsed.failed(problems);
    }

    private static Optional<Reference> reference(String ref) {
        int dot = ref.indexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String prefix = ref.substring(0, dot);
        String name = ref.substring(dot + 1);
        return switch (prefix) {
            case "call" -> CALL_PARTS.contains(name) ? Optional.of(new Reference(Reference.Kind.CALL, name)) : Optional.empty();
            case "vars" -> Variables.isName(name) ? Optional.of(new Reference(Reference.Kind.VAR, name)) : Optional.empty();
            case "secret" -> Variables.isName(name) ? Optional.of(new Reference(Reference.Kind.SECRET, name)) : Optional.empty();
            default -> Optional.empty();
        };
    }

    private static String unknown(String ref) {
        String shown = ref.length() > 80 ? ref.substring(0, 80) + "…" : ref;
        String message = "unknown reference '" + shown + "'";
        if (ref.startsWith("vars.") || ref.startsWith("secret.")) {
            return message + ": a name is a letter or underscore, then up to 63 letters, digits or underscores";
        }
        return message + ": use call.from, call.to, call.id, vars.NAME or secret.NAME";
    }

    /** The template as written. */
    public String text() {
        return text;
    }

    /** The variables and secrets this template reads, each once, in order of first use. */
    public Set<Reference> references() {
        Set<Reference> references = new LinkedHashSet<>();
        for (Object part : parts) {
            if (part instanceof Reference r && r.kind() != Reference.Kind.CALL) {
                references.add(r);
            }
        }
        return references;
    }

    /** True when there is no placeholder: the text renders as it is, whatever the scope. */
    public boolean isConstant() {
        return parts.stream().noneMatch(Reference.class::isInstance);
    }

    /**
     * The text with every reference replaced by its value from {@code scope}, encoded as asked.
     *
     * @throws UnresolvedReference naming the reference (never a value) when it has no value in the scope
     */
    public String render(Scope scope, Encoding encoding) {
        StringBuilder out = new StringBuilder(text.length() + 32);
        for (Object part : parts) {
            if (part instanceof Reference r) {
                String value = value(r, scope);
                out.append(encoding == Encoding.URL ? urlEncode(value) : value);
            } else {
                out.append((String) part);
            }
        }
        return out.toString();
    }

    private static String value(Reference reference, Scope scope) {
        return switch (reference.kind()) {
            case CALL -> {
                String value = switch (reference.name()) {
                    case "from" -> scope.call().from();
                    case "to" -> scope.call().to();
                    default -> scope.call().id();
                };
                if (value == null) {
                    throw new UnresolvedReference(reference, "'" + reference + "' is not known for this call");
                }
                yield value;
            }
            case VAR -> {
                Object value = scope.vars().get(reference.name());
                if (value == null) {
                    throw new UnresolvedReference(reference, "variable '" + reference + "' is not set");
                }
                yield Variables.format(value);
            }
            case SECRET -> scope.secret(reference.name()).orElseThrow(() ->
                    new UnresolvedReference(reference, "secret '" + reference.name() + "' is not configured"));
        };
    }

    /** RFC 3986 percent-encoding of everything but the unreserved characters, over UTF-8. */
    static String urlEncode(String value) {
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Template t && t.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return "Template[" + text + "]";
    }
}
