package io.nexaflow.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one writer of verb JSON: exact text, because key order and escaping are what Nexafone and the golden files see. */
class VerbJsonTest {

    @Test
    void clickToCallIsOneDialWithNothingAfterIt() {
        assertThat(VerbJson.write(Verb.clickToCall("+919876543210", 15)))
                .isEqualTo("{\"type\":\"dial\",\"timeout\":15,\"data\":{\"number\":\"+919876543210\"}}");
    }

    @Test
    void fallbackPlaysTheAudioThenHangsUp() {
        assertThat(VerbJson.write(Verb.fallback("https://cdn.test/sorry.wav")))
                .isEqualTo("{\"type\":\"play\",\"data\":{\"audioUrl\":\"https://cdn.test/sorry.wav\","
                        + "\"action\":{\"type\":\"hangup\",\"data\":{}}}}");
    }

    @Test
    void fallbackWithoutAudioIsAHangup() {
        assertThat(VerbJson.write(Verb.fallback(null))).isEqualTo("{\"type\":\"hangup\",\"data\":{}}");
        assertThat(VerbJson.write(Verb.fallback("  "))).isEqualTo("{\"type\":\"hangup\",\"data\":{}}");
    }

    @Test
    void everyFieldInTheVendorPagesOrder() {
        Verb verb = new Verb.Dial("sip:desk@pbx.test", 30, true,
                new Verb.Gather("https://cdn.test/menu.wav", 4, 10000, 5000, "#", "ch-1", "https://hook.test/g?s=1"));
        assertThat(VerbJson.write(verb)).isEqualTo("{\"type\":\"dial\",\"timeout\":30,\"moh\":{\"enable\":true},"
                + "\"data\":{\"number\":\"sip:desk@pbx.test\",\"action\":{\"type\":\"gather\",\"data\":{"
                + "\"audioUrl\":\"https://cdn.test/menu.wav\",\"maxDigits\":4,\"timeout\":10000,\"digitTimeout\":5000,"
                + "\"terminator\":\"#\",\"channelId\":\"ch-1\",\"action\":\"https://hook.test/g?s=1\"}}}}");
    }

    @Test
    void optionalGatherFieldsAreLeftOut() {
        assertThat(VerbJson.write(new Verb.Gather(null, 1, 10000, 5000, null, null, "https://hook.test/g")))
                .isEqualTo("{\"type\":\"gather\",\"data\":{\"maxDigits\":1,\"timeout\":10000,\"digitTimeout\":5000,"
                        + "\"action\":\"https://hook.test/g\"}}");
    }

    @Test
    void stringsAreEscapedAsJson() {
        assertThat(VerbJson.write(new Verb.Play("https://cdn.test/a\"b\\c\u0001.wav", null)))
                .isEqualTo("{\"type\":\"play\",\"data\":{\"audioUrl\":\"https://cdn.test/a\\\"b\\\\c\\u0001.wav\"}}");
    }

    @Test
    void aGatherNeedsItsWebhook() {
        assertThatThrownBy(() -> VerbJson.write(new Verb.Gather(null, 1, 1, 1, null, null, null)))
                .isInstanceOf(NullPointerException.class);
    }
}
