package io.nexaflow.request;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * What came of one {@link OutboundRequest}: the business answered (any status; the engine decides what a non-2xx
 * means), or no usable answer came. Messages name the host at most, never the path, query, headers or body.
 */
public sealed interface RequestOutcome {

    /** From {@link BusinessApi#send} to the outcome. */
    Duration latency();

    /** The tag of the {@code nexaflow.http.requests} timer: {@code answered} or the reason in lower case. */
    String tag();

    /**
     * The business answered with {@code status}. {@code json} is its body parsed, or null when the body is empty or
     * not JSON; a 2xx with a body that is not JSON is {@link Reason#NOT_JSON} instead.
     */
    record Answered(int status, JsonNode json, Duration latency) implements RequestOutcome {
        public Answered {
            Objects.requireNonNull(latency, "latency");
        }

        public boolean successful() {
            return status >= 200 && status < 300;
        }

        @Override
        public String tag() {
            return "answered";
        }
    }

    /** No usable answer: why, a message for the audit trail, and how long it took to find out. */
    record Failed(Reason reason, String message, Duration latency) implements RequestOutcome {
        public Failed {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(latency, "latency");
        }

        @Override
        public String tag() {
            return reason.name().toLowerCase(Locale.ROOT);
        }
    }

    /** Why a request has no usable answer. */
    enum Reason {
        /** No complete answer within the request's timeout (resolving, connecting and reading together). */
        TIMEOUT,
        /** The host could not be resolved, the connection could not be made, or it broke before the answer ended. */
        CONNECT_FAILED,
        /** Not sent: not https, credentials in the URL, or a host outside NEXAFLOW_HTTP_ALLOWED_HOSTS. */
        NOT_ALLOWED,
        /** Not sent: the host is or resolves to a loopback, private, link-local, metadata or other internal address. */
        REFUSED_ADDRESS,
        /** A 2xx whose body is not JSON. */
        NOT_JSON,
        /** The answer was longer than 64 KiB; reading stopped there. */
        TOO_LARGE,
        /** Not sent: the host's circuit is open after repeated failures. */
        CIRCUIT_OPEN
    }
}
