package io.nexaflow.console;

import io.nexaflow.call.CallDtos.CallView;
import io.nexaflow.call.CallDtos.DtmfView;
import io.nexaflow.call.CallFilter;
import io.nexaflow.campaign.CampaignDtos.CampaignView;
import io.nexaflow.flow.FlowDtos.FlowView;
import io.nexaflow.flow.FlowService;
import io.nexaflow.flow.FlowDtos.RevisionView;
import io.nexaflow.problem.Problem;
import io.nexaflow.problem.ProblemException;
import io.nexaflow.security.ConsoleSessions.Viewer;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;

/**
 * The console's pages: Qute templates under templates/console, checked against these signatures at build time.
 * Every page is rendered here into a whole HTML answer, so a page can carry any status (a 400 for a bad filter).
 */
@CheckedTemplate(basePath = "console")
final class Pages {

    private Pages() {
    }

    /** A row of a call's timeline. */
    record Step(long seq, String at, String type, String node, String what) {
    }

    /** One campaign with how far it has come, in percent. */
    record CampaignRow(CampaignView campaign, long percent) {
    }

    /** A flow's page: the revision shown, the range counted, and the diagram with its counts. */
    record FlowPage(FlowView flow, int version, List<RevisionView> revisions,
                    List<FlowService.Publication> publications, String from, String to, String diagram,
                    String summary) {
    }

    static native TemplateInstance login(String error);

    static native TemplateInstance forbidden(Viewer viewer);

    static native TemplateInstance problem(Viewer viewer, Problem problem);

    static native TemplateInstance flows(Viewer viewer, List<FlowView> flows, String next);

    static native TemplateInstance flow(Viewer viewer, FlowPage page);

    static native TemplateInstance calls(Viewer viewer, CallFilter.Params filter, List<CallView> calls, String next,
                                         String query);

    static native TemplateInstance call(Viewer viewer, CallView call, List<Step> steps, List<String> path,
                                        String diagram);

    static native TemplateInstance dtmf(Viewer viewer, CallFilter.Params filter, List<DtmfView> inputs, String next,
                                        String query);

    static native TemplateInstance campaigns(Viewer viewer, List<CampaignRow> campaigns, String next);

    static Response respond(int status, TemplateInstance page) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(page.render())
                .header("Cache-Control", "no-store").build();
    }

    /** A problem the API would answer with, as a page with the same status. */
    static Response problem(Viewer viewer, ProblemException e) {
        return respond(e.problem().status(), problem(viewer, e.problem()));
    }
}
