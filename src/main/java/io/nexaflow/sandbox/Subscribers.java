package io.nexaflow.sandbox;

import io.nexaflow.config.NexaflowConfig;
import io.nexaflow.number.PhoneNumbers;
import io.nexaflow.problem.Problem.FieldError;
import io.nexaflow.verb.Keypad;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * The people behind the numbers the sandbox calls: whether each number answers, and what the person at a number
 * will press at the gathers of the next call to it (a script: one entry per gather, "" lets the gather time out).
 */
@ApplicationScoped
public class Subscribers {

    /** Numbers with an outcome or waiting scripts, at most; tests and dev sessions need a handful. */
    static final int MAX_NUMBERS = 1_000;
    static final int MAX_SCRIPT_ENTRIES = 100;
    /** Configuration cannot hold an empty list element, so the default script spells a timeout out. */
    private static final String TIMEOUT_WORD = "timeout";

    private final PhoneNumbers numbers;
    private final Map<String, Answering> configured = new HashMap<>();
    private final List<String> defaultScript;
    private final Map<String, Answering> outcomes = new HashMap<>();
    private final Map<String, Queue<List<String>>> scripts = new HashMap<>();

    @Inject
    public Subscribers(NexaflowConfig config, PhoneNumbers numbers) {
        this(config.sandbox().outcomes(), config.sandbox().defaultScript().orElse(List.of()), numbers);
    }

    Subscribers(Map<String, String> outcomes, List<String> defaultScript, PhoneNumbers numbers) {
        this.numbers = numbers;
        outcomes.forEach((number, outcome) -> configured.put(normalise(number),
                Answering.of(outcome).orElseThrow(() -> new IllegalArgumentException("nexaflow.sandbox.outcomes.\"" + number
                        + "\" must be one of " + Answering.ids() + ", was '" + outcome + "'"))));
        List<String> script = defaultScript.stream().map(entry -> entry.equals(TIMEOUT_WORD) ? "" : entry).toList();
        for (int i = 0; i < script.size(); i++) {
            if (!Keypad.isKeys(script.get(i), 0, Keypad.MAX_DIGITS)) {
                throw new IllegalArgumentException("nexaflow.sandbox.default-script entry " + i + " must be up to 32 keys "
                        + "of 0-9, * and #, or 'timeout' to let the gather time out; was '" + script.get(i) + "'");
            }
        }
        this.defaultScript = script;
    }

    /** A number as the sandbox files it: normalised like nexaflow does, or as written when it cannot be read. */
    public String normalise(String number) {
        try {
            return numbers.dialTarget(number);
        } catch (PhoneNumbers.InvalidNumber e) {
            return number == null ? "" : number.trim();
        }
    }

    public synchronized Answering outcome(String number) {
        String key = normalise(number);
        Answering set = outcomes.get(key);
        return set != null ? set : configured.getOrDefault(key, Answering.ANSWER);
    }

    /** @return false when too many numbers are set already */
    public synchronized boolean setOutcome(String number, Answering outcome) {
        String key = normalise(number);
        if (!outcomes.containsKey(key) && outcomes.size() >= MAX_NUMBERS) {
            return false;
        }
        outcomes.put(key, outcome);
        return true;
    }

    /** Queues a script for the next call to {@code to}; @return how many scripts now wait for that number, or -1 when full. */
    public synchronized int addScript(String to, List<String> digits) {
        String key = normalise(to);
        if (!scripts.containsKey(key) && scripts.size() >= MAX_NUMBERS) {
            return -1;
        }
        Queue<List<String>> waiting = scripts.computeIfAbsent(key, k -> new ArrayDeque<>());
        if (waiting.size() >= MAX_SCRIPT_ENTRIES) {
            return -1;
        }
        waiting.add(List.copyOf(digits));
        return waiting.size();
    }

    /** The script of a new call to {@code to}: the first one queued for that number, else the default script. */
    public synchronized List<String> takeScript(String to) {
        String key = normalise(to);
        Queue<List<String>> waiting = scripts.get(key);
        if (waiting == null) {
            return defaultScript;
        }
        List<String> script = waiting.remove();
        if (waiting.isEmpty()) {
            scripts.remove(key);
        }
        return script;
    }

    public synchronized void clearScripts() {
        scripts.clear();
    }

    /** Problems of a script, each pointing at its entry under {@code pointer}. */
    static List<FieldError> checkScript(List<String> script, String pointer) {
        List<FieldError> problems = new ArrayList<>();
        if (script == null) {
            problems.add(new FieldError(pointer, "is required: a list of digit strings, one per gather"));
            return problems;
        }
        if (script.size() > MAX_SCRIPT_ENTRIES) {
            problems.add(new FieldError(pointer, "has " + script.size() + " entries; at most " + MAX_SCRIPT_ENTRIES));
        }
        for (int i = 0; i < script.size(); i++) {
            String entry = script.get(i);
            if (entry == null || !Keypad.isKeys(entry, 0, Keypad.MAX_DIGITS)) {
                problems.add(new FieldError(pointer + "/" + i, "must be up to 32 keys of 0-9, * and #, or \"\" to let "
                        + "the gather time out; was " + (entry == null ? "null" : "'" + entry + "'")));
            }
        }
        return problems;
    }
}
