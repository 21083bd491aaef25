package io.nexaflow.campaign;

import io.nexaflow.campaign.Campaign.ContactState;
import io.nexaflow.campaign.CampaignDtos.RetryPolicy;

import java.time.Duration;
import java.time.Instant;

/**
 * What an attempt's outcome makes of a contact: final, or waiting for its next attempt under the campaign's retry
 * policy. The one owner of that rule; the dialer only records what it decides.
 */
final class Attempts {

    private Attempts() {
    }

    /** How one attempt went. */
    enum Outcome {
        /** A gather callback came: someone is on the line; the contact completes with the call. */
        ANSWERED,
        /** The flow has no gather: Nexafone took the call and nothing more will be heard of it. */
        PLACED,
        /** Nexafone refused the originate (or it could not be made). */
        FAILED,
        /** Nexafone did not answer the originate in time: the call may or may not have been placed. */
        UNKNOWN,
        /** No gather callback within the campaign's noAnswerAfterSeconds. */
        NO_ANSWER;

        Campaign.RetryOn retryAs() {
            return switch (this) {
                case FAILED -> Campaign.RetryOn.FAILED;
                case UNKNOWN -> Campaign.RetryOn.UNKNOWN;
                case NO_ANSWER -> Campaign.RetryOn.NO_ANSWER;
                case ANSWERED, PLACED -> null;
            };
        }
    }

    /** The contact's state after an attempt, and when it may be dialled next (RETRY_WAIT only). */
    record Next(ContactState state, Instant dialAt) {
    }

    /**
     * @param attempts the attempts made so far, this one included
     */
    static Next after(Outcome outcome, int attempts, RetryPolicy retry, Instant now) {
        if (outcome == Outcome.ANSWERED || outcome == Outcome.PLACED) {
            return new Next(ContactState.COMPLETED, null);
        }
        Campaign.RetryOn as = outcome.retryAs();
        if (retry.on().contains(as.name()) && attempts < retry.maxAttempts()) {
            return new Next(ContactState.RETRY_WAIT, now.plus(Duration.ofSeconds(retry.delaySeconds())));
        }
        // UNKNOWN is not a contact state: an attempt whose fate is unknown and not retried failed for the campaign.
        return new Next(outcome == Outcome.NO_ANSWER ? ContactState.NO_ANSWER : ContactState.FAILED, null);
    }
}
