package io.nexaflow.state;

import io.nexaflow.engine.Attempts;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class StateTokensTest {

    private static final String SECRET = "test-secret-of-some-length";
    private static final StateToken TOKEN = new StateToken(UUID.fromString("11111111-2222-3333-4444-555555555555"),
            UUID.fromString("66666666-7777-8888-9999-aaaaaaaaaaaa"), "menu", Attempts.of(Map.of("menu", 2, "sub", 1)));

    private final StateTokens tokens = new StateTokens(SECRET);

    @Test
    void aSignedTokenVerifiesToWhatWasSigned() {
        assertThat(tokens.verify(tokens.sign(TOKEN))).contains(TOKEN);
        assertThat(tokens.verify(tokens.sign(TOKEN)).orElseThrow().attempt()).isEqualTo(2);
    }

    @Test
    void changingAnySingleByteIsRefused() {
        byte[] signed = decode(tokens.sign(TOKEN));
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < signed.length; i++) {
            for (int flip : new int[] {0x01, 0x80, 0xFF}) {
                byte[] tampered = signed.clone();
                tampered[i] ^= (byte) flip;
                if (tokens.verify(encode(tampered)).isPresent()) {
                    accepted.add("byte " + i + " ^ " + flip);
                }
            }
        }
        assertThat(accepted).isEmpty();
    }

    @Test
    void aTokenSignedWithAnotherKeyIsRefused() {
        assertThat(new StateTokens("another-secret").verify(tokens.sign(TOKEN))).isEmpty();
    }

    @Test
    void everyTruncationIsRefused() {
        byte[] signed = decode(tokens.sign(TOKEN));
        for (int length = 0; length < signed.length; length++) {
            assertThat(tokens.verify(encode(Arrays.copyOf(signed, length)))).as("first %d bytes", length).isEmpty();
        }
        String text = tokens.sign(TOKEN);
        for (int length = 0; length < text.length(); length++) {
            assertThat(tokens.verify(text.substring(0, length))).as("first %d characters", length).isEmpty();
        }
    }

    @Test
    void anUnknownVersionIsRefusedEvenWhenCorrectlySigned() throws Exception {
        byte[] signed = decode(tokens.sign(TOKEN));
        byte[] body = Arrays.copyOf(signed, signed.length - 16);
        body[0] = 2;
        assertThat(tokens.verify(encode(withMac(body)))).isEmpty();
        body[0] = 1;
        assertThat(tokens.verify(encode(withMac(body)))).as("the same body at version 1").contains(TOKEN);
    }

    @Test
    void attemptsAbove255AreCarriedAs255() {
        StateToken many = new StateToken(TOKEN.call(), TOKEN.revision(), "menu", Attempts.of(Map.of("menu", 300)));
        Optional<StateToken> read = tokens.verify(tokens.sign(many));
        assertThat(read).contains(new StateToken(TOKEN.call(), TOKEN.revision(), "menu",
                Attempts.of(Map.of("menu", 255))));
    }

    @Test
    void garbageIsRefused() {
        assertThat(tokens.verify(null)).isEmpty();
        assertThat(tokens.verify("")).isEmpty();
        assertThat(tokens.verify("not base64 !")).isEmpty();
        assertThat(tokens.verify("A".repeat(5000))).isEmpty();
    }

    /** An independent HMAC-SHA256 truncated to 16 bytes, as the token format says. */
    private static byte[] withMac(byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] tag = Arrays.copyOf(mac.doFinal(body), 16);
        byte[] signed = Arrays.copyOf(body, body.length + 16);
        System.arraycopy(tag, 0, signed, body.length, 16);
        return signed;
    }

    private static byte[] decode(String token) {
        return Base64.getUrlDecoder().decode(token);
    }

    private static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
