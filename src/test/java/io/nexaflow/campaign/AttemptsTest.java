package io.nexaflow.campaign;

import io.nexaflow.campaign.Attempts.Next;
import io.nexaflow.campaign.Attempts.Outcome;
import io.nexaflow.campaign.Campaign.ContactState;
import io.nexaflow.campaign.CampaignDtos.RetryPolicy;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AttemptsTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private static final RetryPolicy RETRY = new RetryPolicy(3, 900, List.of("NO_ANSWER", "UNKNOWN"));

    @Test
    void anAnsweredOrPlacedCallCompletesTheContact() {
        assertThat(Attempts.after(Outcome.ANSWERED, 1, RETRY, NOW)).isEqualTo(new Next(ContactState.COMPLETED, null));
        assertThat(Attempts.after(Outcome.PLACED, 3, RETRY, NOW)).isEqualTo(new Next(ContactState.COMPLETED, null));
    }

    @Test
    void anOutcomeThePolicyRetriesWaitsItsDelayUntilTheAttemptsAreSpent() {
        assertThat(Attempts.after(Outcome.NO_ANSWER, 1, RETRY, NOW))
                .isEqualTo(new Next(ContactState.RETRY_WAIT, Instant.parse("2026-12-02T10:15:00Z")));
        assertThat(Attempts.after(Outcome.UNKNOWN, 2, RETRY, NOW))
                .isEqualTo(new Next(ContactState.RETRY_WAIT, Instant.parse("2026-12-02T10:15:00Z")));
        assertThat(Attempts.after(Outcome.NO_ANSWER, 3, RETRY, NOW)).isEqualTo(new Next(ContactState.NO_ANSWER, null));
        assertThat(Attempts.after(Outcome.UNKNOWN, 3, RETRY, NOW)).isEqualTo(new Next(ContactState.FAILED, null));
    }

    @Test
    void anOutcomeThePolicyDoesNotRetryIsFinal() {
        assertThat(Attempts.after(Outcome.FAILED, 1, RETRY, NOW)).isEqualTo(new Next(ContactState.FAILED, null));
        assertThat(Attempts.after(Outcome.NO_ANSWER, 1, RetryPolicy.ONCE, NOW))
                .isEqualTo(new Next(ContactState.NO_ANSWER, null));
    }
}
