package io.nexaflow.readme;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The README's walkthrough as code: its {@code ```bash} blocks in order, each with the output shown under it in a
 * {@code ```text} block. In shown output, {@code …} inside a line stands for text that varies (ids, times), and a
 * line that is only {@code …} (optionally followed by a note in parentheses) stands for lines left out.
 */
record Walkthrough(List<Block> blocks) {

    static final String SECTION = "## Walkthrough";

    /** A {@code ```bash} block (line: its first, from 1) and the output shown for it (none: it prints nothing). */
    record Block(int line, String code, List<String> shown) {
    }

    static Walkthrough of(String readme) {
        List<String> lines = readme.lines().toList();
        int start = lines.indexOf(lines.stream().filter(l -> l.startsWith(SECTION)).findFirst()
                .orElseThrow(() -> new AssertionError("README has no section '" + SECTION + "'")));
        List<Block> blocks = new ArrayList<>();
        for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
            if (!lines.get(i).equals("```bash")) {
                continue;
            }
            int first = i + 1;
            List<String> code = fenced(lines, first);
            i = first + code.size();
            int next = i + 1;
            while (next < lines.size() && lines.get(next).isBlank()) {
                next++;
            }
            List<String> shown = List.of();
            if (next < lines.size() && lines.get(next).equals("```text")) {
                shown = fenced(lines, next + 1);
                i = next + 1 + shown.size();
            }
            blocks.add(new Block(first + 1, String.join("\n", code), shown));
        }
        return new Walkthrough(blocks);
    }

    private static List<String> fenced(List<String> lines, int from) {
        int end = from;
        while (end < lines.size() && !lines.get(end).equals("```")) {
            end++;
        }
        if (end == lines.size()) {
            throw new AssertionError("README: the code block at line " + from + " is never closed");
        }
        return lines.subList(from, end);
    }

    /** Whether {@code printed} is exactly what {@code shown} shows, with its {@code …} wildcards and omissions. */
    static boolean matches(List<String> shown, List<String> printed) {
        return matches(shown, 0, printed, 0);
    }

    private static boolean matches(List<String> shown, int s, List<String> printed, int p) {
        if (s == shown.size()) {
            return p == printed.size();
        }
        if (isOmission(shown.get(s))) {
            for (int skip = p; skip <= printed.size(); skip++) {
                if (matches(shown, s + 1, printed, skip)) {
                    return true;
                }
            }
            return false;
        }
        return p < printed.size() && line(shown.get(s)).matcher(printed.get(p)).matches()
                && matches(shown, s + 1, printed, p + 1);
    }

    static boolean isOmission(String shown) {
        String text = shown.strip();
        return text.equals("…") || text.startsWith("… (") && text.endsWith(")");
    }

    private static Pattern line(String shown) {
        StringBuilder regex = new StringBuilder();
        String[] literals = shown.split("…", -1);
        for (int i = 0; i < literals.length; i++) {
            regex.append(i == 0 ? "" : ".*").append(Pattern.quote(literals[i]));
        }
        return Pattern.compile(regex.toString());
    }
}
