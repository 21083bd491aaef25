package io.nexaflow.verb;

import java.util.regex.Pattern;

/** The telephone keypad: which keys exist (0-9, * and #) and what a run of them may be; the one owner of that rule. */
public final class Keypad {

    /** The most keys one gather collects, and so the longest run of keys anything accepts. */
    public static final int MAX_DIGITS = 32;
    /** One key, for JSON Schema and OpenAPI patterns. */
    public static final String KEY_PATTERN = "^[0-9*#]$";

    private static final Pattern KEY = Pattern.compile("[0-9*#]");

    private Keypad() {
    }

    public static boolean isKey(char c) {
        return (c >= '0' && c <= '9') || c == '*' || c == '#';
    }

    /** Exactly one key. */
    public static boolean isKey(String text) {
        return text != null && KEY.matcher(text).matches();
    }

    /** Only keys, any number of them (also none). */
    public static boolean isKeys(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            if (!isKey(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Between {@code min} and {@code max} keys, nothing else. */
    public static boolean isKeys(String text, int min, int max) {
        return text != null && text.length() >= min && text.length() <= max && isKeys(text);
    }
}
