package io.nexaflow.webhook;

/** The result of a callback's write (or an event's): decides what the platform is answered. */
public sealed interface CallbackWriteResult {

    /** Recorded now: answer the routed verb. */
    record Accepted() implements CallbackWriteResult {
    }

    /** Recorded before (a second delivery): answer what was answered then. */
    record Duplicate(String verb) implements CallbackWriteResult {
    }

    /** Not for a running call (unknown, ended, or another callId): answer the fallback verb. */
    record Rejected(String reason) implements CallbackWriteResult {
    }

    /** Could not be written (database down, queue full, too slow): answer the fallback verb. */
    record Failed(String reason) implements CallbackWriteResult {
    }

    CallbackWriteResult ACCEPTED = new Accepted();
}
