package io.nexaflow.sandbox;

import io.nexaflow.number.PhoneNumbers;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubscribersTest {

    private final PhoneNumbers numbers = new PhoneNumbers("IN", true);

    @Test
    void configuredOutcomesApplyToTheNumberHoweverItIsWritten() {
        var subscribers = new Subscribers(Map.of("+919876543210", "busy", "072178xxxxx", "no-answer"), List.of(), numbers);
        assertThat(subscribers.outcome("09876543210")).isEqualTo(Answering.BUSY);
        assertThat(subscribers.outcome("+91 98765 43210")).isEqualTo(Answering.BUSY);
        assertThat(subscribers.outcome("072178xxxxx")).isEqualTo(Answering.NO_ANSWER);
        assertThat(subscribers.outcome("+911203135800")).isEqualTo(Answering.ANSWER);
        subscribers.setOutcome("+919876543210", Answering.ANSWER);
        assertThat(subscribers.outcome("09876543210")).isEqualTo(Answering.ANSWER);
    }

    @Test
    void aBadConfiguredOutcomeFailsByName() {
        assertThatThrownBy(() -> new Subscribers(Map.of("1001", "maybe"), List.of(), numbers))
                .hasMessage("nexaflow.sandbox.outcomes.\"1001\" must be one of [answer, busy, no-answer, fail], was 'maybe'");
    }

    @Test
    void theDefaultScriptSpellsATimeoutOutAndServesCallsWithoutAScript() {
        var subscribers = new Subscribers(Map.of(), List.of("timeout", "2"), numbers);
        subscribers.addScript("09876543210", List.of("1"));
        subscribers.addScript("+919876543210", List.of("3"));
        assertThat(subscribers.takeScript("+919876543210")).containsExactly("1");
        assertThat(subscribers.takeScript("09876543210")).containsExactly("3");
        assertThat(subscribers.takeScript("09876543210")).containsExactly("", "2");
        subscribers.addScript("1001", List.of("9"));
        subscribers.clearScripts();
        assertThat(subscribers.takeScript("1001")).containsExactly("", "2");
    }

    @Test
    void aBadDefaultScriptFailsByName() {
        assertThatThrownBy(() -> new Subscribers(Map.of(), List.of("2", "abc"), numbers))
                .hasMessage("nexaflow.sandbox.default-script entry 1 must be up to 32 keys of 0-9, * and #, "
                        + "or 'timeout' to let the gather time out; was 'abc'");
    }
}
