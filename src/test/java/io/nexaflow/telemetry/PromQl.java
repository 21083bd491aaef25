package io.nexaflow.telemetry;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression (or a Grafana {@code label_values(...)} query) reads: what is left once
 * strings, label matchers, ranges, grouping clauses, functions, keywords, numbers and variables are taken out.
 */
final class PromQl {

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    /** label_values(metric, label): the label is not a metric. */
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(([^,)]*)(,[^)]*)?\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("[$]?[a-zA-Z_:][a-zA-Z0-9_:]*(\\s*\\()?");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
            "on", "ignoring", "group_left", "group_right", "inf", "nan");

    private PromQl() {
    }

    static Set<String> metrics(String expression) {
        String rest = STRING.matcher(expression).replaceAll(" ");
        rest = LABEL_VALUES.matcher(rest).replaceAll("$1");
        rest = MATCHERS.matcher(rest).replaceAll(" ");
        rest = RANGE.matcher(rest).replaceAll(" ");
        rest = GROUPING.matcher(rest).replaceAll(" ");
        Set<String> names = new LinkedHashSet<>();
        Matcher identifiers = IDENTIFIER.matcher(rest);
        while (identifiers.find()) {
            String token = identifiers.group();
            boolean function = identifiers.group(1) != null;
            if (!function && !token.startsWith("$") && !KEYWORDS.contains(token.toLowerCase())
                    && !isNumberSuffix(rest, identifiers.start())) {
                names.add(token);
            }
        }
        return names;
    }

    /** "5e3" or "1.5e-3": an identifier glued to a digit is part of a number. */
    private static boolean isNumberSuffix(String text, int start) {
        return start > 0 && (Character.isDigit(text.charAt(start - 1)) || text.charAt(start - 1) == '.');
    }
}
