package io.nexaflow.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nexaflow.call.CallDtos.OriginateRequest;
import io.nexaflow.call.OriginatePlanner.Checked;
import io.nexaflow.call.OriginatePlanner.Plan;
import io.nexaflow.engine.FlowProgram;
import io.nexaflow.flow.model.FlowValidator;
import io.nexaflow.nexafone.PayloadValidator;
import io.nexaflow.number.PhoneNumbers;
import io.nexaflow.problem.Problem.FieldError;
import io.nexaflow.problem.ProblemException;
import io.nexaflow.support.Flows;
import io.nexaflow.support.Golden;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The originate planner on its own: no Quarkus, no database, the signing of callback URLs replaced. */
class OriginatePlannerTest {

    private static final String ACCOUNT = "68b6b9f023fe9b8f89193652";
    private static final UUID CALL = UUID.fromString("00000000-0000-0000-0000-0000000000c1");
    private static final UUID REVISION = UUID.fromString("00000000-0000-0000-0000-0000000000e1");
    private static final String SIGNED = "https://example.test/api/handle-dtmf?s=TOKEN";

    private final OriginatePlanner planner = new OriginatePlanner(new PhoneNumbers("IN", true),
            new PayloadValidator(PayloadValidator.Options.strict("IN").withPlaceholderNumbers(true)), new ObjectMapper());

    @Test
    void aFlowCallSendsTheVendorsAdvancedPayloadWithTheSignedUrlOfItsFirstGather() {
        FlowProgram seed = new FlowProgram(new FlowValidator(new PhoneNumbers("IN", true))
                .validate(Flows.seedDefinition(), "/definition").definition());
        List<String> rendered = new ArrayList<>();
        Checked checked = planner.check(request("096506xxxx", UUID.randomUUID(), null, null, true));

        Plan plan = planner.plan(checked, CALL, ACCOUNT, new OriginatePlanner.FlowStart(seed, REVISION),
                (program, call, revision, start) -> {
                    rendered.add(call + " " + revision + " " + start.gather());
                    return program.render(start, SIGNED, null);
                });

        assertThat(plan.payload()).isEqualTo(Golden.read("advanced-call-request.json"));
        assertThat(rendered).containsExactly(CALL + " " + REVISION + " menu");
        assertThat(plan.expectsCallbacks()).isTrue();
        assertThat(plan.start().gather()).isEqualTo("menu");
        assertThat(checked.kind()).isEqualTo(Call.Kind.FLOW);
    }

    @Test
    void clickToCallSendsTheVendorsSimplePayload() {
        Checked checked = planner.check(new OriginateRequest("+911203135800", "096506xxxxx", null, null,
                "098178xxxxx", 15, null, true, 30));

        Plan plan = planner.plan(checked, CALL, ACCOUNT, null, (p, c, r, s) -> {
            throw new AssertionError("a bridge has no flow to render");
        });

        assertThat(plan.payload()).isEqualTo(Golden.read("click-to-call-request.json"));
        assertThat(plan.expectsCallbacks()).isFalse();
        assertThat(plan.start()).isNull();
    }

    @Test
    void aRawVerbIsSentAsGiven() {
        JsonNode hangup = Flows.parse("{\"type\":\"hangup\",\"data\":{}}");
        Checked checked = planner.check(new OriginateRequest("+911203135800", "096506xxxxx", null, null, null, null,
                hangup, null, null));

        Plan plan = planner.plan(checked, CALL, ACCOUNT, null, null);

        assertThat(plan.payload()).isEqualTo(Flows.parse("""
                {"from":"+911203135800","to":"096506xxxxx","accountId":"68b6b9f023fe9b8f89193652",
                 "recordCall":{"enable":false},"action":{"type":"hangup","data":{}},"timeout":30}"""));
    }

    @Test
    void everyProblemOfARequestIsReportedAtOnce() {
        ProblemException thrown = catchThrowableOfType(ProblemException.class, () -> planner.check(
                new OriginateRequest("not a number", null, null, 0, null, 700, null, null, 0)));

        assertThat(thrown.problem().status()).isEqualTo(422);
        assertThat(thrown.problem().errors()).extracting(FieldError::pointer).containsExactly(
                "/from", "/to", "", "/flowVersion", "/flowVersion", "/dialTimeout", "/dialTimeout", "/timeout");
    }

    @Test
    void theFingerprintFollowsTheRequest() {
        UUID flow = UUID.randomUUID();
        assertThat(planner.fingerprint(request("096506xxxx", flow, null, null, true)))
                .isEqualTo(planner.fingerprint(request("096506xxxx", flow, null, null, true)))
                .isNotEqualTo(planner.fingerprint(request("096506xxxx", flow, null, null, false)))
                .matches("[0-9a-f]{64}");
    }

    private static OriginateRequest request(String to, UUID flow, String bridgeTo, JsonNode action, boolean record) {
        return new OriginateRequest("+911203135800", to, flow, null, bridgeTo, null, action, record, 30);
    }
}
