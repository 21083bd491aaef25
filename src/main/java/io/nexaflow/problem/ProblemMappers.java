package io.nexaflow.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;
import java.util.stream.Collectors;

/** Turns every failure of the API into an RFC 9457 problem document; nothing leaks a stack trace. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    private final ObjectMapper json;

    public ProblemMappers(ObjectMapper json) {
        this.json = json;
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        return respond(e.problem(), uri);
    }

    @ServerExceptionMapper(priority = 1)
    public Response malformedJson(JsonProcessingException e, UriInfo uri) {
        String detail;
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String pointer = pointer(mapping.getPath());
            detail = "Cannot read " + pointer + ": " + mapping.getOriginalMessage();
            return respond(Problem.of(400, "malformed-body", "Malformed request body", detail)
                    .withErrors(List.of(new Problem.FieldError(pointer, firstLine(mapping.getOriginalMessage()))), null), uri);
        }
        detail = "The body is not valid JSON: " + firstLine(e.getOriginalMessage());
        return respond(Problem.of(400, "malformed-body", "Malformed request body", detail), uri);
    }

    /** Quarkus maps this subtype itself (with another shape); the same type here takes precedence. */
    @ServerExceptionMapper(priority = 1)
    public Response mismatchedJson(MismatchedInputException e, UriInfo uri) {
        return malformedJson(e, uri);
    }

    @ServerExceptionMapper(priority = 1)
    public Response unauthenticated(AuthenticationFailedException e, UriInfo uri) {
        if (DatabaseUnavailable.causes(e)) {
            // A stored key could not be looked up: the key may well be valid, so not a 401.
            return databaseUnavailable(e, uri);
        }
        return unauthorized("The API key is missing, unknown or revoked", uri);
    }

    @ServerExceptionMapper(priority = 1)
    public Response unauthenticated(UnauthorizedException e, UriInfo uri) {
        return unauthorized("This operation needs an API key: send 'Authorization: Bearer <key>'", uri);
    }

    @ServerExceptionMapper(priority = 1)
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return respond(Problem.of(403, "forbidden", "Forbidden",
                "The API key's role does not allow this operation"), uri);
    }

    @ServerExceptionMapper(priority = 2)
    public Response http(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof JsonProcessingException json) {
                return malformedJson(json, uri);
            }
        }
        if (status >= 500) {
            if (DatabaseUnavailable.causes(e)) {
                return databaseUnavailable(e, uri);
            }
            LOG.errorf(e, "HTTP %d on %s", status, uri.getPath());
            return respond(internal(), uri);
        }
        if (status == 404) {
            return respond(Problem.notFound(uri.getPath()), uri);
        }
        String title = Response.Status.fromStatusCode(status) == null ? "HTTP " + status
                : Response.Status.fromStatusCode(status).getReasonPhrase();
        String detail = switch (status) {
            case 405 -> "This method is not allowed on " + uri.getPath();
            case 415 -> "Send the body as application/json";
            case 406 -> "This resource cannot produce the requested media type";
            default -> e.getMessage();
        };
        return respond(Problem.of(status, null, title, detail), uri);
    }

    @ServerExceptionMapper(priority = 10)
    public Response unexpected(Throwable e, UriInfo uri) {
        if (DatabaseUnavailable.causes(e)) {
            return databaseUnavailable(e, uri);
        }
        LOG.errorf(e, "Unexpected failure on %s", uri.getPath());
        return respond(internal(), uri);
    }

    private static Problem internal() {
        return Problem.of(500, "internal", "Internal error",
                "nexaflow failed to handle the request; the failure is logged");
    }

    /** An outage is not a bug: a warning without a stack trace, and a 503 the client can retry. */
    private Response databaseUnavailable(Throwable e, UriInfo uri) {
        LOG.warnf("Database unavailable on %s: %s", uri.getPath(), e.getMessage());
        return Response.fromResponse(respond(DatabaseUnavailable.problem(), uri))
                .header(HttpHeaders.RETRY_AFTER, DatabaseUnavailable.RETRY_AFTER_SECONDS).build();
    }

    private Response unauthorized(String detail, UriInfo uri) {
        return Response.fromResponse(respond(Problem.of(401, "unauthorized", "Unauthorized", detail), uri))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    Response respond(Problem problem, UriInfo uri) {
        Problem located = problem.instance() == null && uri != null ? problem.withInstance(uri.getPath()) : problem;
        return Response.status(located.status()).type(Problem.MEDIA_TYPE).entity(write(located)).build();
    }

    private String write(Problem problem) {
        try {
            return json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pointer(List<JsonMappingException.Reference> path) {
        return path.stream()
                .map(r -> r.getFieldName() != null ? JsonPointer.escape(r.getFieldName()) : String.valueOf(r.getIndex()))
                .collect(Collectors.joining("/", "/", ""));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
