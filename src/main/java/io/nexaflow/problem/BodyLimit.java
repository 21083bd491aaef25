package io.nexaflow.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.regex.Pattern;

/**
 * Oversized bodies are refused before they are read, with a problem document (Vert.x's own limit answers plain
 * text). Two limits: uploads (contact and suppression lists, read as a stream) may be as large as
 * {@code quarkus.http.limits.max-body-size}; every other body, which is read whole into memory, only
 * {@code nexaflow.max-body-size}.
 */
@ApplicationScoped
public class BodyLimit {

    /**
     * The endpoints that stream their body. Named here, not by the campaign package, because this check runs
     * before routing: only the path is known.
     */
    static final Pattern UPLOADS = Pattern.compile("/v1/campaigns/[^/]+/contacts|/v1/suppressions");
    /** Where Quarkus looks for the limit of a body without Content-Length, checked while it is read. */
    private static final String READ_LIMIT = "io.quarkus.max-request-size";

    private final long uploadLimit;
    private final long limit;
    private final ObjectMapper json;

    public BodyLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize uploadLimit,
                     @ConfigProperty(name = "nexaflow.max-body-size") MemorySize limit, ObjectMapper json) {
        this.uploadLimit = uploadLimit.asLongValue();
        this.limit = Math.min(limit.asLongValue(), this.uploadLimit);
        this.json = json;
    }

    void install(@Observes Router router) throws JsonProcessingException {
        byte[] body = problem(limit);
        byte[] uploadBody = problem(uploadLimit);
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            boolean upload = isUpload(ctx);
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && exceeds(length, upload ? uploadLimit : limit)) {
                ctx.response().setStatusCode(413)
                        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                        .putHeader(HttpHeaders.CONNECTION, "close")
                        .end(io.vertx.core.buffer.Buffer.buffer(upload ? uploadBody : body));
            } else {
                ctx.next();
            }
        });
        // After Quarkus's own check (order -2), which sets the upload limit for chunked bodies of every path.
        router.route().order(-1).handler(ctx -> {
            if (ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH) == null && !isUpload(ctx)) {
                ctx.put(READ_LIMIT, Long.valueOf(limit));
            }
            ctx.next();
        });
    }

    private static boolean isUpload(RoutingContext ctx) {
        return UPLOADS.matcher(ctx.normalizedPath()).matches();
    }

    private byte[] problem(long bytes) throws JsonProcessingException {
        return json.writeValueAsBytes(Problem.of(413, "body-too-large", "Request body too large",
                "The body is larger than the limit of " + bytes + " bytes"));
    }

    private static boolean exceeds(String length, long bytes) {
        try {
            return Long.parseLong(length.trim()) > bytes;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
