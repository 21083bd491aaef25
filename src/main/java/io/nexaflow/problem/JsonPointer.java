package io.nexaflow.problem;

/** JSON pointers (RFC 6901) as problem documents use them to say where in a request body something is wrong. */
public final class JsonPointer {

    private JsonPointer() {
    }

    /** One reference token: {@code ~} and {@code /} inside a name must not read as pointer syntax. */
    public static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
