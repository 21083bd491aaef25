package io.nexaflow.campaign;

import io.nexaflow.campaign.CampaignDtos.CampaignView;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * A campaign's progress as a stream: the campaign with its counts at once, then every second, ending after the
 * event that shows it COMPLETED or CANCELLED. The one owner of that stream, for the API's server-sent events and
 * for the console's progress bars.
 */
@ApplicationScoped
public class ProgressStream {

    /** How often a followed campaign's progress is read again. */
    static final Duration EVERY = Duration.ofSeconds(1);

    private final CampaignService campaigns;

    public ProgressStream(CampaignService campaigns) {
        this.campaigns = campaigns;
    }

    /** Reads the campaign once before the stream begins, so an unknown id is a 404 problem, not an empty stream. */
    public Multi<CampaignView> follow(UUID id) {
        CampaignView first = campaigns.get(id);
        if (ended(first)) {
            return Multi.createFrom().item(first);
        }
        return Multi.createBy().repeating()
                .uni(() -> Uni.createFrom().item(() -> campaigns.get(id))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .withDelay(EVERY)
                .whilst(view -> !ended(view));
    }

    /** Contacts that are done or will never be called, of all: how far a campaign has come. */
    public static double done(CampaignView campaign) {
        if (campaign.progress() == null || campaign.progress().total() == 0) {
            return 0;
        }
        long settled = campaign.progress().states().entrySet().stream()
                .filter(e -> Campaign.ContactState.SETTLED.contains(e.getKey()))
                .mapToLong(Map.Entry::getValue).sum();
        return settled / (double) campaign.progress().total();
    }

    private static boolean ended(CampaignView campaign) {
        return !Campaign.State.OPEN.contains(campaign.state());
    }
}
