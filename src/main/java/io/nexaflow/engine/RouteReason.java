package io.nexaflow.engine;

/** Why a gather's input led where it did (docs/architecture.md, "Flows and the engine"). */
public enum RouteReason {
    /** The digits are one of the gather's routes. */
    MATCH,
    /** Non-empty, valid input matching no route, sent to {@code default}. */
    DEFAULT,
    /** Nothing was pressed, sent to {@code onTimeout}. */
    TIMEOUT,
    /** Bad or unmatched input (or a timeout without {@code onTimeout}), sent to {@code onInvalid}. */
    INVALID,
    /** Nowhere to go: the same gather prompts again. */
    REPEAT
}
