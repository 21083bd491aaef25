package io.nexaflow.console;

import io.nexaflow.config.NexaflowConfig;
import io.nexaflow.security.ConsoleSessions;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;

import java.net.URI;

/**
 * Signing in and out of the console. Both are POSTs of a form from the console's own page; with the SameSite=Strict
 * cookie that keeps another site from signing a browser in or out, or riding its session.
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
public class LoginPages {

    private static final Logger LOG = Logger.getLogger(LoginPages.class);

    private final ConsoleSessions sessions;
    private final ConsoleAccess access;
    private final boolean httpsOnly;

    public LoginPages(ConsoleSessions sessions, ConsoleAccess access, NexaflowConfig config) {
        this.sessions = sessions;
        this.access = access;
        this.httpsOnly = config.publicUrl().startsWith("https:");
    }

    @GET
    @Path("login")
    public Response login() {
        return Pages.respond(200, Pages.login(null));
    }

    @POST
    @Path("login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signIn(@FormParam("key") String key, @Context UriInfo uri) {
        return sessions.open(key)
                .map(opened -> {
                    LOG.infof("console: %s signed in", opened.viewer().name());
                    return Response.seeOther(URI.create("/console"))
                            .header(HttpHeaders.SET_COOKIE, Cookies.session(opened.token(), sessions.ttl(), secure(uri)))
                            .build();
                })
                .orElseGet(() -> Pages.respond(401, Pages.login("That API key is unknown or revoked.")));
    }

    @POST
    @Path("logout")
    public Response signOut(@Context UriInfo uri) {
        return Response.seeOther(URI.create(ConsoleAccess.LOGIN))
                .header(HttpHeaders.SET_COOKIE, Cookies.cleared(secure(uri))).build();
    }

    /** The front page: the flows. */
    @GET
    public Response home(@CookieParam(ConsoleSessions.COOKIE) String cookie) {
        access.require(cookie, io.nexaflow.security.Roles.OPERATOR, io.nexaflow.security.Roles.AUDITOR);
        return Response.seeOther(URI.create("/console/flows")).build();
    }

    /** Secure cookies when this request, or the address the service is published at, is https. */
    private boolean secure(UriInfo uri) {
        return httpsOnly || "https".equalsIgnoreCase(uri.getRequestUri().getScheme());
    }
}
