package io.nexaflow.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** An RFC 9457 problem document; every 4xx and 5xx of the API is one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Problem", description = "RFC 9457 problem document (application/problem+json)")
public record Problem(
        @Schema(description = "Problem type URI", example = "urn:nexaflow:problem:invalid-flow") String type,
        @Schema(description = "Short summary of the problem type", example = "Flow definition is invalid") String title,
        @Schema(description = "HTTP status code", example = "422") int status,
        @Schema(description = "What went wrong in this occurrence") String detail,
        @Schema(description = "The request path") String instance,
        @Schema(description = "Every problem found, each with a JSON pointer into the request body") List<FieldError> errors,
        @Schema(description = "Things that are allowed but probably wrong") List<FieldError> warnings) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(type(slug), title, status, detail, null, null, null);
    }

    /** What any path that does not exist answers (and a path that is switched off, so it looks the same). */
    public static Problem notFound(String path) {
        return of(404, null, "Not Found", "No resource at " + path).withInstance(path);
    }

    public static String type(String slug) {
        return slug == null ? "about:blank" : "urn:nexaflow:problem:" + slug;
    }

    public Problem withInstance(String path) {
        return new Problem(type, title, status, detail, path, errors, warnings);
    }

    public Problem withErrors(List<FieldError> errors, List<FieldError> warnings) {
        return new Problem(type, title, status, detail, instance,
                errors == null || errors.isEmpty() ? null : errors,
                warnings == null || warnings.isEmpty() ? null : warnings);
    }

    /** One problem at one place: an RFC 6901 pointer into the request body, and what is wrong there. */
    @Schema(name = "FieldError")
    public record FieldError(
            @Schema(example = "/definition/nodes/menu/maxDigits") String pointer,
            @Schema(example = "must be between 1 and 32") String message) {
    }
}
