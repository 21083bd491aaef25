package io.nexaflow.webhook;

/** How a callback's write ended; decides what the platform is answered. */
public sealed interface Outcome {

    /** Recorded now: answer the routed verb. */
    record Accepted() implements Outcome {
    }

    /** Recorded before (a second delivery): answer what was answered then. */
    record Duplicate(String verb) implements Outcome {
    }

    /** Not for a running call (unknown, ended, or another callId): answer the fallback verb. */
    record Rejected(String reason) implements Outcome {
    }

    /** Could not be written (database down, queue full, too slow): answer the fallback verb. */
    record Failed(String reason) implements Outcome {
    }

    Outcome ACCEPTED = new Accepted();
}
