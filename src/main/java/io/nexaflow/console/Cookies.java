package io.nexaflow.console;

import io.nexaflow.security.ConsoleSessions;

import java.time.Duration;

/**
 * The console's session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it,
 * which with POST-only sign-in and sign-out is the console's CSRF defence), scoped to /console, and Secure when the
 * console is reached over https.
 */
final class Cookies {

    private Cookies() {
    }

    static String session(String token, Duration ttl, boolean secure) {
        return ConsoleSessions.COOKIE + "=" + token + attributes(ttl.toSeconds(), secure);
    }

    static String cleared(boolean secure) {
        return ConsoleSessions.COOKIE + "=" + attributes(0, secure);
    }

    private static String attributes(long maxAge, boolean secure) {
        return "; Path=/console; Max-Age=" + maxAge + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }
}
