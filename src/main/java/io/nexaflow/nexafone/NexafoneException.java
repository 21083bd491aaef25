package io.nexaflow.nexafone;

/** The platform could not be used for a reason the API client should hear about (never with a secret in it). */
public class NexafoneException extends RuntimeException {

    public enum Kind {
        /** NEXAFONE_ACCOUNT_ID / _API_KEY / _API_SECRET are not set. */
        NOT_CONFIGURED,
        /** The auth endpoint refused the API credentials. */
        CREDENTIALS_REJECTED,
        /** The auth endpoint could not be reached or failed. */
        AUTH_UNAVAILABLE
    }

    private final Kind kind;

    public NexafoneException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
