package io.nexaflow.expr;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Hides secrets and sensitive digits in text kept for people to read: the URL and headers of an HTTP_REQUEST
 * event, a call's variables in an answer, an export.
 */
public final class Masking {

    /** What a hidden value is replaced with. */
    public static final String MASK = "***";

    private Masking() {
    }

    /**
     * {@code text} with every occurrence of each value replaced by {@code ***}, as written and as a URL carries it
     * (percent-encoded). Longer values are replaced first, so a value that contains another is hidden whole.
     * Null and empty values are ignored.
     */
    public static String mask(String text, Collection<String> values) {
        if (text == null || values.isEmpty()) {
            return text;
        }
        Set<String> forms = new LinkedHashSet<>();
        for (String value : values) {
            if (value != null && !value.isEmpty()) {
                forms.add(value);
                forms.add(Template.urlEncode(value));
            }
        }
        if (forms.isEmpty()) {
            return text;
        }
        String alternatives = forms.stream().sorted(Comparator.comparingInt(String::length).reversed())
                .map(Pattern::quote).collect(Collectors.joining("|"));
        return Pattern.compile(alternatives).matcher(text).replaceAll(Matcher.quoteReplacement(MASK));
    }

    /**
     * Digits a caller pressed at a sensitive gather: each digit becomes {@code *}, other keys stay, so "1234#"
     * reads "****#" and the number of keys pressed is still visible. Null stays null.
     */
    public static String digits(String pressed) {
        if (pressed == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(pressed.length());
        for (int i = 0; i < pressed.length(); i++) {
            char c = pressed.charAt(i);
            out.append(c >= '0' && c <= '9' ? '*' : c);
        }
        return out.toString();
    }
}
