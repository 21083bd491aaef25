package io.nexaflow.console;

import io.nexaflow.problem.ProblemException;
import io.nexaflow.security.ConsoleSessions;
import io.nexaflow.security.ConsoleSessions.Viewer;
import io.quarkus.qute.TemplateInstance;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.net.URI;
import java.util.function.Function;

/**
 * Who may see a console page: the signed-in key (ConsoleSessions) with a role the API would accept for the same
 * data. No session, or one whose key is revoked or expired, goes to the sign-in page; a role that may not see the
 * page gets a 403 page.
 */
@ApplicationScoped
public class ConsoleAccess {

    static final String LOGIN = "/console/login";

    /** Thrown when nobody (or nobody still valid) is signed in. */
    static final class SignInFirst extends RuntimeException {
        SignInFirst() {
            super(null, null, false, false);
        }
    }

    /** Thrown when the key's role does not allow the page. */
    static final class NotAllowed extends RuntimeException {
        final Viewer viewer;

        NotAllowed(Viewer viewer) {
            super(null, null, false, false);
            this.viewer = viewer;
        }
    }

    private final ConsoleSessions sessions;

    public ConsoleAccess(ConsoleSessions sessions) {
        this.sessions = sessions;
    }

    /** The viewer behind this cookie, if one of {@code roles} is theirs. */
    Viewer require(String cookie, String... roles) {
        Viewer viewer = sessions.resume(cookie).orElseThrow(SignInFirst::new);
        if (!viewer.mayAny(roles)) {
            throw new NotAllowed(viewer);
        }
        return viewer;
    }

    /**
     * A page for the viewer behind this cookie, if one of {@code roles} is theirs; a problem the page runs into
     * (an unknown id, a bad filter) is shown as a page with the API's status and words.
     */
    Response page(String cookie, String[] roles, Function<Viewer, Response> page) {
        Viewer viewer = require(cookie, roles);
        try {
            return page.apply(viewer);
        } catch (ProblemException e) {
            return Pages.problem(viewer, e);
        }
    }

    @ServerExceptionMapper
    public Response signIn(SignInFirst e) {
        // A stale cookie is cleared on the way, so the sign-in page starts clean.
        return Response.seeOther(URI.create(LOGIN)).header(HttpHeaders.SET_COOKIE, Cookies.cleared(false)).build();
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowed e) {
        TemplateInstance page = Pages.forbidden(e.viewer);
        return Pages.respond(403, page);
    }
}
