package io.nexaflow.console;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The session cookie's attributes, over http (tests, dev mode) and https (behind the Ingress). */
class CookiesTest {

    @Test
    void secureOnlyOverHttpsAndAlwaysHttpOnlyStrictAndScopedToTheConsole() {
        assertThat(Cookies.session("t0k3n", Duration.ofHours(8), true))
                .isEqualTo("nexaflow_console=t0k3n; Path=/console; Max-Age=28800; HttpOnly; SameSite=Strict; Secure");
        assertThat(Cookies.session("t0k3n", Duration.ofMinutes(5), false))
                .isEqualTo("nexaflow_console=t0k3n; Path=/console; Max-Age=300; HttpOnly; SameSite=Strict");
        assertThat(Cookies.cleared(true))
                .isEqualTo("nexaflow_console=; Path=/console; Max-Age=0; HttpOnly; SameSite=Strict; Secure");
    }
}
