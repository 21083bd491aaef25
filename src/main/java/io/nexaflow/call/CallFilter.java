package io.nexaflow.call;

import io.nexaflow.number.PhoneNumbers;
import io.nexaflow.problem.Problem;
import io.nexaflow.problem.ProblemException;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import jakarta.ws.rs.QueryParam;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * What an auditor narrows calls and DTMF inputs by, checked once at the edge: numbers in E.164, a flow and
 * its revision, call statuses, and a half-open time range [since, until).
 */
public record CallFilter(String from, String to, UUID flowId, Integer flowVersion, Set<Call.Status> statuses,
                         Instant since, Instant until) {

    public static final CallFilter NONE = new CallFilter(null, null, null, null, Set.of(), null, null);

    /** The query parameters as sent, shared by the lists and the exports. */
    public static class Params {

        @QueryParam("from")
        @Parameter(description = "Calling number, exactly; written any way libphonenumber reads it "
                + "(\"+91 96506 12345\" finds +919650612345). URL-encode the '+' as %2B.", example = "+911203135800")
        public String from;

        @QueryParam("to")
        @Parameter(description = "Called number, exactly; normalised like `from`", example = "+919650612345")
        public String to;

        @QueryParam("flowId")
        @Parameter(description = "Calls that ran this flow", schema = @Schema(type = SchemaType.STRING, format = "uuid"))
        public String flowId;

        @QueryParam("flowVersion")
        @Parameter(description = "Calls that ran this revision of `flowId` (needs `flowId`)",
                schema = @Schema(type = SchemaType.INTEGER, minimum = "1"))
        public String flowVersion;

        @QueryParam("status")
        @Parameter(description = "Call status; repeat it (or separate with commas) for several",
                schema = @Schema(type = SchemaType.ARRAY, implementation = Call.Status.class))
        public List<String> status;

        @QueryParam("since")
        @Parameter(description = "From this instant on (inclusive), ISO-8601 with an offset; for calls the time the "
                + "call was placed, for DTMF the time the input arrived", example = "2026-11-01T00:00:00Z")
        public String since;

        @QueryParam("until")
        @Parameter(description = "Before this instant (exclusive), ISO-8601 with an offset", example = "2026-12-01T00:00:00Z")
        public String until;

        /** Every wrong parameter is named at once, in a 400 problem document. */
        public CallFilter parse(PhoneNumbers numbers) {
            List<Problem.FieldError> errors = new ArrayList<>();
            String fromNumber = number("from", from, numbers, errors);
            String toNumber = number("to", to, numbers, errors);
            UUID flow = null;
            if (blank(flowId) != null) {
                try {
                    flow = UUID.fromString(flowId.trim());
                } catch (IllegalArgumentException e) {
                    errors.add(error("flowId", "'" + flowId + "' is not a UUID"));
                }
            }
            Integer version = revision("flowVersion", flowVersion, errors);
            if (blank(flowVersion) != null) {
                if (blank(flowId) == null) {
                    errors.add(error("flowVersion", "only goes with flowId (revision numbers belong to a flow)"));
                }
            }
            Set<Call.Status> statuses = EnumSet.noneOf(Call.Status.class);
            for (String value : status == null ? List.<String>of() : status) {
                for (String name : value.split(",")) {
                    if (name.isBlank()) {
                        continue;
                    }
                    try {
                        statuses.add(Call.Status.valueOf(name.trim().toUpperCase(Locale.ROOT)));
                    } catch (IllegalArgumentException e) {
                        errors.add(error("status", "'" + name.trim() + "' is not one of "
                                + List.of(Call.Status.values())));
                    }
                }
            }
            Instant sinceAt = instant("since", since, errors);
            Instant untilAt = instant("until", until, errors);
            if (sinceAt != null && untilAt != null && !sinceAt.isBefore(untilAt)) {
                errors.add(error("until", "must be after since"));
            }
            refuse(errors);
            return new CallFilter(fromNumber, toNumber, flow, version, Set.copyOf(statuses), sinceAt, untilAt);
        }

        /** A 400 problem document naming every wrong query parameter, when there are any. */
        public static void refuse(List<Problem.FieldError> errors) {
            if (!errors.isEmpty()) {
                String detail = errors.stream().map(e -> e.pointer() + ": " + e.message())
                        .reduce((a, b) -> a + "; " + b).orElseThrow();
                throw new ProblemException(Problem.of(400, "bad-request", "Bad request", detail)
                        .withErrors(errors, null));
            }
        }

        private static String number(String name, String raw, PhoneNumbers numbers, List<Problem.FieldError> errors) {
            if (blank(raw) == null) {
                return null;
            }
            // An unencoded '+' arrives as a space: " 919650612345" was "+919650612345".
            String written = raw.startsWith(" ") ? "+" + raw.strip() : raw;
            try {
                return numbers.pstn(written);
            } catch (PhoneNumbers.InvalidNumber e) {
                errors.add(error(name, e.getMessage()));
                return null;
            }
        }

        /** Query parameter {@code name} as a revision number (1 or more), or null when absent or wrong. */
        public static Integer revision(String name, String raw, List<Problem.FieldError> errors) {
            if (blank(raw) == null) {
                return null;
            }
            try {
                int version = Integer.parseInt(raw.trim());
                if (version < 1) {
                    errors.add(error(name, "must be 1 or more, was " + version));
                }
                return version;
            } catch (NumberFormatException e) {
                errors.add(error(name, "'" + raw + "' is not a number"));
                return null;
            }
        }

        /** Query parameter {@code name} as an instant (ISO-8601 with an offset), or null when absent or wrong. */
        public static Instant instant(String name, String raw, List<Problem.FieldError> errors) {
            if (blank(raw) == null) {
                return null;
            }
            String written = raw.trim().replace(' ', '+'); // an unencoded '+' in "+05:30"
            try {
                return OffsetDateTime.parse(written).toInstant();
            } catch (DateTimeParseException e) {
                errors.add(error(name, "'" + raw + "' is not an ISO-8601 instant such as 2026-11-01T00:00:00Z"));
                return null;
            }
        }

        private static String blank(String value) {
            return value == null || value.isBlank() ? null : value;
        }

        /** Query parameters are named by "?name" where a body would have a JSON pointer. */
        public static Problem.FieldError error(String parameter, String message) {
            return new Problem.FieldError("?" + parameter, message);
        }
    }
}
