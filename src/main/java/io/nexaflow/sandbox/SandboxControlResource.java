package io.nexaflow.sandbox;

import io.nexaflow.api.OpenApiDocument;
import io.nexaflow.api.Page;
import io.nexaflow.api.PageRequest;
import io.nexaflow.problem.Problem;
import io.nexaflow.problem.Problem.FieldError;
import io.nexaflow.problem.ProblemException;
import io.nexaflow.sandbox.SandboxDtos.CallSummary;
import io.nexaflow.sandbox.SandboxDtos.DtmfRequest;
import io.nexaflow.sandbox.SandboxDtos.ExpiredTokens;
import io.nexaflow.sandbox.SandboxDtos.NumberOutcome;
import io.nexaflow.sandbox.SandboxDtos.NumberScriptRequest;
import io.nexaflow.sandbox.SandboxDtos.NumberScriptView;
import io.nexaflow.sandbox.SandboxDtos.ScriptRequest;
import io.nexaflow.sandbox.SandboxDtos.SimulatedCallView;
import io.nexaflow.verb.Keypad;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;

import static io.nexaflow.problem.ProblemException.requireBody;

/** What the platform has no endpoint for: reading a call's transcript, pressing keys, scripting callers, picking outcomes. */
@Path("/sandbox")
@Tag(name = "Sandbox")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SandboxControlResource {

    private final CallSimulator calls;
    private final Subscribers subscribers;
    private final IssuedTokens tokens;

    public SandboxControlResource(CallSimulator calls, Subscribers subscribers, IssuedTokens tokens) {
        this.calls = calls;
        this.subscribers = subscribers;
        this.tokens = tokens;
    }

    @GET
    @Path("calls")
    @Operation(operationId = "listSandboxCalls", summary = "List recent sandbox calls",
            description = "Newest first; finished calls are evicted, oldest "
            + "first, beyond `nexaflow.sandbox.max-calls`.")
    @APIResponse(responseCode = "200", description = "Calls (without transcripts); `next` is always null")
    public Page<CallSummary> list(@QueryParam("to") @Parameter(description = "Only calls to this number") String to,
                                  @QueryParam("limit") @Parameter(description = "At most this many, 1–500 (default 50)")
                                  Integer limit) {
        return new Page<>(calls.recent(to, PageRequest.limit(limit, PageRequest.DEFAULT_LIMIT)), null);
    }

    @GET
    @Path("calls/{callId}")
    @Operation(operationId = "getSandboxCall", summary = "Read a call's transcript",
            description = "Every step with its time: the legs ringing and "
            + "answering, each verb as received, the audio played, keys pressed, each webhook request and its answer, "
            + "and how the call ended.")
    @APIResponse(responseCode = "200", description = "The call and its transcript")
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    public SimulatedCallView get(@PathParam("callId") String callId) {
        return calls.view(callId).orElseThrow(() -> ProblemException.notFound("No sandbox call " + callId));
    }

    @POST
    @Path("calls/{callId}/dtmf")
    @Operation(operationId = "pressSandboxKeys", summary = "Press keys",
            description = "Presses the keys, in order, at the gather the call waits at "
            + "(state `gathering`). The gather completes at its maxDigits or terminator, else after its digitTimeout; "
            + "keys after completion are ignored.")
    @APIResponse(responseCode = "200", description = "The call after the keys were pressed")
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = OpenApiDocument.CONFLICT)
    @APIResponse(responseCode = "422", ref = OpenApiDocument.INVALID)
    public SimulatedCallView press(@PathParam("callId") String callId, DtmfRequest request) {
        String digits = requireBody(request).digits();
        if (digits == null || !Keypad.isKeys(digits, 1, Keypad.MAX_DIGITS)) {
            throw ProblemException.invalid("Invalid keys", List.of(new FieldError("/digits",
                    "must be 1 to 32 keys of 0-9, * and #, was " + (digits == null ? "missing" : "'" + digits + "'"))));
        }
        return calls.press(callId, digits);
    }

    @POST
    @Path("calls/{callId}/script")
    @Operation(operationId = "scriptSandboxCall", summary = "Script a running call",
            description = "Replaces what the caller presses at the coming gathers, "
            + "one entry per gather; \"\" lets that gather time out. When the call already waits at a gather with nothing "
            + "pressed, the first entry is for that gather.")
    @APIResponse(responseCode = "200", description = "The call with its new script")
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = OpenApiDocument.CONFLICT)
    @APIResponse(responseCode = "422", ref = OpenApiDocument.INVALID)
    public SimulatedCallView script(@PathParam("callId") String callId, ScriptRequest request) {
        return calls.script(callId, checked(requireBody(request).digits()));
    }

    @POST
    @Path("scripts")
    @Operation(operationId = "scriptSandboxNumber", summary = "Script the next call to a number",
            description = "The next call originated to `to` presses "
            + "these keys at its gathers (several scripts for one number serve its next calls in order). Calls without a "
            + "script use `nexaflow.sandbox.default-script`.")
    @APIResponse(responseCode = "201", description = "Queued",
            content = @Content(schema = @Schema(implementation = NumberScriptView.class)))
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "422", ref = OpenApiDocument.INVALID)
    @APIResponse(responseCode = "429", description = "Too many scripts are waiting")
    public Response scriptNumber(NumberScriptRequest request) {
        requireBody(request);
        if (request.to() == null || request.to().isBlank()) {
            throw ProblemException.invalid("Invalid script", List.of(new FieldError("/to", "is required")));
        }
        List<String> digits = checked(request.digits());
        int pending = subscribers.addScript(request.to(), digits);
        if (pending < 0) {
            throw new ProblemException(Problem.of(429, "too-many-scripts", "Too many scripts",
                    "Too many scripts wait for calls; clear them with DELETE /sandbox/scripts"));
        }
        return Response.status(201).entity(new NumberScriptView(subscribers.normalise(request.to()), digits, pending)).build();
    }

    @DELETE
    @Path("scripts")
    @Consumes(MediaType.WILDCARD)
    @Operation(operationId = "clearSandboxScripts", summary = "Forget every waiting script",
            description = "Calls already running keep theirs.")
    @APIResponse(responseCode = "204", description = "Cleared")
    public void clearScripts() {
        subscribers.clearScripts();
    }

    @POST
    @Path("numbers")
    @Operation(operationId = "setSandboxNumberOutcome", summary = "Set how a number answers",
            description = "`answer`, `busy` (the call or dial ends with "
            + "that outcome after ringing), `no-answer` (it rings until the leg's timeout) or `fail` (the platform "
            + "cannot call it: an originate from or to it is refused with 400, a dial to it fails at once). Applies to "
            + "the from and to legs and to dial targets; overrides `nexaflow.sandbox.outcomes`.")
    @APIResponse(responseCode = "200", description = "The number (normalised) and its outcome")
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "422", ref = OpenApiDocument.INVALID)
    @APIResponse(responseCode = "429", description = "Too many numbers are set")
    public NumberOutcome setOutcome(NumberOutcome request) {
        requireBody(request);
        List<FieldError> errors = new ArrayList<>();
        if (request.number() == null || request.number().isBlank()) {
            errors.add(new FieldError("/number", "is required"));
        }
        var outcome = Answering.of(request.outcome());
        if (outcome.isEmpty()) {
            errors.add(new FieldError("/outcome", "must be one of " + Answering.ids()));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("Invalid outcome", errors);
        }
        if (!subscribers.setOutcome(request.number(), outcome.get())) {
            throw new ProblemException(Problem.of(429, "too-many-numbers", "Too many numbers",
                    "At most " + Subscribers.MAX_NUMBERS + " numbers can have an outcome"));
        }
        return new NumberOutcome(subscribers.normalise(request.number()), outcome.get().id());
    }

    @POST
    @Path("tokens/expire")
    @Consumes(MediaType.WILDCARD)
    @Operation(operationId = "expireSandboxTokens", summary = "Expire every access token",
            description = "The next originate with an old token gets 401, as "
            + "when a token expires on the platform: for testing a client's refresh-and-retry.")
    @APIResponse(responseCode = "200", description = "How many live tokens were ended")
    public ExpiredTokens expireTokens() {
        return new ExpiredTokens(tokens.expireAll());
    }

    private static List<String> checked(List<String> digits) {
        List<FieldError> errors = Subscribers.checkScript(digits, "/digits");
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("Invalid script", errors);
        }
        return digits;
    }
}
