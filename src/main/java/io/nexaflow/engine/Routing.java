package io.nexaflow.engine;

import java.util.Objects;

/**
 * How one gather's input was routed.
 *
 * @param digits the input after terminator handling; "" on timeout
 * @param target the node the call continues at (the gather itself on {@link RouteReason#REPEAT})
 */
public record Routing(String digits, RouteReason reason, String target) {

    public Routing {
        Objects.requireNonNull(digits, "digits");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(target, "target");
    }
}
