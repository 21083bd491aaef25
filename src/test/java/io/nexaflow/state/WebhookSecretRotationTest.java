package io.nexaflow.state;

import io.nexaflow.engine.Attempts;
import io.quarkus.runtime.Startup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** NEXAFLOW_WEBHOOK_SECRET as a list of keys: the README's rotation procedure, step by step. */
class WebhookSecretRotationTest {

    private static final StateToken TOKEN = new StateToken(UUID.fromString("11111111-2222-3333-4444-555555555555"),
            UUID.fromString("66666666-7777-8888-9999-aaaaaaaaaaaa"), "menu", Attempts.of(Map.of("menu", 1)));

    @Test
    void aTokenSignedBeforeTheRotationVerifiesUntilTheOldKeyIsRemoved() {
        String inFlight = new StateTokens("old-key").sign(TOKEN);

        assertThat(new StateTokens("old-key,new-key").verify(inFlight)).as("step 1: new key added second").contains(TOKEN);
        assertThat(new StateTokens("new-key,old-key").verify(inFlight)).as("step 2: new key first").contains(TOKEN);
        assertThat(new StateTokens("new-key").verify(inFlight)).as("step 3: old key removed").isEmpty();
    }

    @Test
    void tokensAreSignedWithTheFirstKeyOnly() throws Exception {
        String signed = new StateTokens("new-key,old-key").sign(TOKEN);

        byte[] bytes = Base64.getUrlDecoder().decode(signed);
        byte[] body = Arrays.copyOf(bytes, bytes.length - 16);
        assertThat(Arrays.copyOfRange(bytes, body.length, bytes.length)).isEqualTo(hmac16("new-key", body));
        assertThat(new StateTokens("new-key").verify(signed)).contains(TOKEN);
        assertThat(new StateTokens("old-key").verify(signed)).isEmpty();
    }

    @Test
    void aKeyInTheListDoesNotMakeAnyOtherKeyAcceptable() {
        StateTokens rotating = new StateTokens("new-key,old-key");
        assertThat(rotating.verify(new StateTokens("third-key").sign(TOKEN))).isEmpty();
        assertThat(rotating.verify(new StateTokens("new-key,old-key").sign(TOKEN))).contains(TOKEN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"new-key,", ",old-key", "new-key,,old-key", "new-key, ,old-key", ","})
    void anEmptyKeyIsRefusedAtStartNamingTheVariable(String secret) {
        assertThatThrownBy(() -> new StateTokens(secret)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("NEXAFLOW_WEBHOOK_SECRET: key ").hasMessageContaining(" is empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"new-key, old-key", "new-key ,old-key", "new-key\n"})
    void whitespaceAroundAKeyIsRefusedRatherThanMadePartOfIt(String secret) {
        assertThatThrownBy(() -> new StateTokens(secret)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("NEXAFLOW_WEBHOOK_SECRET: key ")
                .hasMessageContaining("starts or ends with whitespace");
    }

    @Test
    void theKeysAreCheckedWhenTheServiceStartsNotAtTheFirstCallback() {
        assertThat(StateTokens.class.isAnnotationPresent(Startup.class)).isTrue();
    }

    private static byte[] hmac16(String key, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return Arrays.copyOf(mac.doFinal(body), 16);
    }
}
