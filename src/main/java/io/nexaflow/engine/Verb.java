package io.nexaflow.engine;

/**
 * A Nexafone verb, typed. {@link VerbJson} is the one writer of its JSON; chained verbs nest through {@code action}.
 * Flow programs, the ClickToCall originate and the callback fallback all make their verbs here.
 */
public sealed interface Verb {

    Hangup HANGUP = new Hangup();

    /** Plays audio, then runs {@code action}; null: the call ends after playback. */
    record Play(String audioUrl, Verb action) implements Verb {
    }

    /**
     * Collects keys and posts them to the webhook {@code action}. {@code audioUrl}, {@code terminator} and
     * {@code channelId} are left out of the JSON when null.
     */
    record Gather(String audioUrl, int maxDigits, int timeout, int digitTimeout, String terminator, String channelId,
                  String action) implements Verb {
    }

    /** Bridges the call to {@code number} ({@code timeout} in seconds), then runs {@code action} when not null. */
    record Dial(String number, int timeout, boolean moh, Verb action) implements Verb {
    }

    /** Ends the call. */
    record Hangup() implements Verb {
    }

    /** ClickToCall: the originate payload's only verb, a dial to the number the caller is bridged to. */
    static Verb clickToCall(String number, int timeoutSeconds) {
        return new Dial(number, timeoutSeconds, false, null);
    }

    /** What a callback answers when it cannot route: the fallback audio then a hangup, or a hangup alone. */
    static Verb fallback(String audioUrl) {
        return audioUrl == null || audioUrl.isBlank() ? HANGUP : new Play(audioUrl, HANGUP);
    }
}
