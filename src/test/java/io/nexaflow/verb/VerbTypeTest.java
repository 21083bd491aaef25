package io.nexaflow.verb;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The declaration of the vendor's verbs, read by the payload validator and the sandbox's verb runner. */
class VerbTypeTest {

    @Test
    void theFourVerbsOfTheVendorPage() {
        assertThat(VerbType.ids()).containsExactly("play", "gather", "dial", "hangup");
    }

    @Test
    void playAndDialChainTheNextVerbInsideData() {
        assertThat(VerbType.PLAY.next()).isEqualTo(List.of("data", "action"));
        assertThat(VerbType.DIAL.next()).isEqualTo(List.of("data", "action"));
        assertThat(VerbType.GATHER.next()).isEmpty(); // its action is a webhook, not a verb
        assertThat(VerbType.HANGUP.next()).isEmpty();
    }

    @Test
    void gatherTakesAtMostThirtyTwoDigits() {
        VerbField maxDigits = VerbType.GATHER.dataField("maxDigits").orElseThrow();
        assertThat(maxDigits.min()).isEqualTo(1);
        assertThat(maxDigits.max()).isEqualTo(32);
    }
}

