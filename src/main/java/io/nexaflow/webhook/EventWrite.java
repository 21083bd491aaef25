package io.nexaflow.webhook;

import java.time.Instant;
import java.util.UUID;

/** An audit event on its own (a rejected callback, a fallback answered); {@code call} may be null. */
public record EventWrite(UUID call, String type, String node, Integer attempt, String dtmf, String payload,
                         Instant at) {
}
