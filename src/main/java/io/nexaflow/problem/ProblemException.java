package io.nexaflow.problem;

import java.util.List;

/** Thrown anywhere a request must end with a problem document; the mapper turns it into the response. */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    /** The body of a request that needs one; an empty body is a 400, not a NullPointerException. */
    public static <T> T requireBody(T body) {
        if (body == null) {
            throw badRequest("A JSON request body is required");
        }
        return body;
    }

    public static ProblemException notFound(String what) {
        return new ProblemException(Problem.of(404, "not-found", "Not found", what));
    }

    public static ProblemException conflict(String slug, String detail) {
        return new ProblemException(Problem.of(409, slug, "Conflict", detail));
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(Problem.of(400, "bad-request", "Bad request", detail));
    }

    public static ProblemException invalid(String title, List<Problem.FieldError> errors) {
        String detail = errors.size() == 1 ? errors.get(0).pointer() + ": " + errors.get(0).message()
                : errors.size() + " problems, listed in 'errors'";
        return new ProblemException(Problem.of(422, "invalid-request", title, detail).withErrors(errors, null));
    }
}
