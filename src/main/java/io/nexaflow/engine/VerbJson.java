package io.nexaflow.engine;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.util.Objects;

/**
 * The one writer of verb JSON, in the key order and escaping of the vendor page's examples. Also writes a verb in
 * pieces ({@link #head}, {@link #gatherEnd}) so {@link FlowProgram} can render each node once and splice in only
 * what is known per call.
 */
public final class VerbJson {

    /** The hangup verb, as Nexafone expects it. */
    public static final String HANGUP = "{\"type\":\"hangup\",\"data\":{}}";
    /** What comes between a verb's head and what it leads to: the next verb, or a gather's webhook. */
    static final String ACTION = ",\"action\":";
    /** What a verb ends with: its {@code data} object and the verb itself. */
    static final String CLOSE = "}}";

    private static final JsonStringEncoder ENCODER = JsonStringEncoder.getInstance();

    private VerbJson() {
    }

    public static String write(Verb verb) {
        var out = new StringBuilder(128);
        write(out, verb);
        return out.toString();
    }

    public static void write(StringBuilder out, Verb verb) {
        head(out, verb);
        if (verb instanceof Verb.Play play) {
            chain(out, play.action());
        } else if (verb instanceof Verb.Dial dial) {
            chain(out, dial.action());
        } else if (verb instanceof Verb.Gather gather) {
            gatherEnd(out, gather.channelId(), gather.action());
        }
    }

    /**
     * The verb up to what varies per call: a play or dial up to its {@code action}, a gather up to its
     * {@code channelId}, a hangup whole.
     */
    static void head(StringBuilder out, Verb verb) {
        if (verb instanceof Verb.Play play) {
            out.append("{\"type\":\"play\",\"data\":{\"audioUrl\":");
            quote(out, play.audioUrl());
        } else if (verb instanceof Verb.Dial dial) {
            out.append("{\"type\":\"dial\",\"timeout\":").append(dial.timeout());
            if (dial.moh()) {
                out.append(",\"moh\":{\"enable\":true}");
            }
            out.append(",\"data\":{\"number\":");
            quote(out, dial.number());
        } else if (verb instanceof Verb.Gather gather) {
            out.append("{\"type\":\"gather\",\"data\":{");
            if (gather.audioUrl() != null) {
                out.append("\"audioUrl\":");
                quote(out, gather.audioUrl());
                out.append(',');
            }
            out.append("\"maxDigits\":").append(gather.maxDigits())
                    .append(",\"timeout\":").append(gather.timeout())
                    .append(",\"digitTimeout\":").append(gather.digitTimeout());
            if (gather.terminator() != null) {
                out.append(",\"terminator\":");
                quote(out, gather.terminator());
            }
        } else if (verb instanceof Verb.Hangup) {
            out.append(HANGUP);
        } else {
            throw new IllegalArgumentException("unknown verb " + verb);
        }
    }

    /** A gather's end: the channel it listens on (left out when null), the webhook its keys go to, and the close. */
    static void gatherEnd(StringBuilder out, String channelId, String webhook) {
        Objects.requireNonNull(webhook, "a gather needs the webhook its keys are posted to");
        if (channelId != null) {
            out.append(",\"channelId\":");
            quote(out, channelId);
        }
        out.append(ACTION);
        quote(out, webhook);
        out.append(CLOSE);
    }

    private static void chain(StringBuilder out, Verb next) {
        if (next != null) {
            out.append(ACTION);
            write(out, next);
        }
        out.append(CLOSE);
    }

    private static void quote(StringBuilder out, String value) {
        out.append('"');
        ENCODER.quoteAsString(value, out);
        out.append('"');
    }
}
