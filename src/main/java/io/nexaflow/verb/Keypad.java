package io.nexaflow.verb;

/** The telephone keypad: which keys exist (0-9, * and #) and what a run of them may be; the one owner of that rule. */
public final class Keypad {

    /** The most keys one gather collects, and so the longest run of keys anything accepts. */
    public static final int MAX_DIGITS = 32;
    /** One key, for JSON Schema and OpenAPI patterns; KeypadTest holds it to {@link #isKey(char)}. */
    public static final String KEY_PATTERN = "^[0-9*#]$";

    private Keypad() {
    }

    public static boolean isKey(char c) {
        return (c >= '0' && c <= '9') || c == '*' || c == '#';
    }

    /** Exactly one key. */
    public static boolean isKey(String text) {
        return text != null && text.length() == 1 && isKey(text.charAt(0));
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
