package io.nexaflow.console;

import io.nexaflow.api.PageParams;
import io.nexaflow.campaign.CampaignDtos.CampaignView;
import io.nexaflow.campaign.CampaignService;
import io.nexaflow.campaign.ProgressStream;
import io.nexaflow.security.ConsoleSessions;
import io.nexaflow.security.Roles;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.util.UUID;

/**
 * Campaigns with progress bars. A browser's EventSource cannot send an API key, so the bars follow this route,
 * which signs in with the console's cookie and streams what campaign.ProgressStream streams to the API.
 */
@Path("/console/campaigns")
public class CampaignPages {

    private static final String[] READERS = {Roles.OPERATOR, Roles.AUDITOR};

    private final ConsoleAccess access;
    private final CampaignService campaigns;
    private final ProgressStream progress;

    public CampaignPages(ConsoleAccess access, CampaignService campaigns, ProgressStream progress) {
        this.access = access;
        this.campaigns = campaigns;
        this.progress = progress;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response list(@CookieParam(ConsoleSessions.COOKIE) String cookie, @BeanParam PageParams page) {
        return access.page(cookie, READERS, viewer -> {
            var found = campaigns.list(page.request());
            // The list has no counts (as the API's); each row reads its campaign once, and the stream takes over.
            var rows = found.items().stream().map(c -> row(campaigns.get(c.id()))).toList();
            return Pages.respond(200, Pages.campaigns(viewer, rows, found.next()));
        });
    }

    @GET
    @Path("{id}/progress")
    @Blocking
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<Progress> progress(@CookieParam(ConsoleSessions.COOKIE) String cookie, @PathParam("id") UUID id) {
        access.require(cookie, READERS);
        return progress.follow(id).map(CampaignPages::bar);
    }

    /** What a progress bar shows: the state, the share done, and the counts behind it. */
    public record Progress(UUID id, String state, long percent, long total, Object states) {
    }

    private static Pages.CampaignRow row(CampaignView campaign) {
        return new Pages.CampaignRow(campaign, Math.round(ProgressStream.done(campaign) * 100));
    }

    private static Progress bar(CampaignView campaign) {
        return new Progress(campaign.id(), campaign.state().name(), Math.round(ProgressStream.done(campaign) * 100),
                campaign.progress() == null ? 0 : campaign.progress().total(),
                campaign.progress() == null ? null : campaign.progress().states());
    }
}
