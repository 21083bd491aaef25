package io.nexaflow.call;

import io.nexaflow.support.LiveCalls;
import io.nexaflow.support.Flows;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.nexaflow.support.Api.admin;
import static io.nexaflow.support.LiveCalls.gatherAction;
import static io.nexaflow.support.LiveCalls.press;
import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
class StaleCallsTest {

    @Inject
    LiveCalls calls;

    @Inject
    StaleCalls stale;

    @Inject
    EntityManager em;

    @Test
    void quietCallsAreEndedAndBusyOnesAreLeftAlone() throws Exception {
        String flow = Flows.publishedSeed();
        LiveCalls.LiveCall quiet = calls.start(flow, 1);
        LiveCalls.LiveCall stuck = calls.start(flow, 1);
        LiveCalls.LiveCall busy = calls.start(flow, 1);
        age(quiet.id(), "IN_PROGRESS", "3 hours");
        age(stuck.id(), "ORIGINATING", "10 minutes");

        assertThat(stale.end()).isGreaterThanOrEqualTo(2);

        assertThat(status(quiet.id())).isEqualTo("COMPLETED");
        assertThat(status(stuck.id())).isEqualTo("UNKNOWN");
        assertThat(status(busy.id())).isEqualTo("IN_PROGRESS");
        assertThat(lastEvent(quiet.id())).contains("\"from\": \"IN_PROGRESS\"").contains("\"to\": \"COMPLETED\"")
                .contains("the caller is gone");
        // A flow whose only running calls went quiet can be deleted once they are ended.
        press(gatherAction(busy.verb()), busy.callId(), "1", null).then().statusCode(200);
        admin().delete("/v1/flows/" + flow).then().statusCode(204);
    }

    /**
     * A key press that only moves the caller on writes no call row (call.LatestPress): a caller who pressed a key
     * a minute ago is not gone, however old the row's updated_at.
     */
    @Test
    void aCallerWhoPressedAKeyRecentlyIsNotEndedThoughItsRowIsOld() throws Exception {
        String flow = Flows.create(Flows.parse("""
                {"start": "menu", "nodes": {
                  "menu": {"type": "gather", "audioUrl": "https://x.test/menu.wav", "routes": {"1": "sub"},
                           "default": "bye"},
                  "sub":  {"type": "gather", "audioUrl": "https://x.test/sub.wav", "routes": {"1": "bye"},
                           "default": "bye"},
                  "bye":  {"type": "hangup"}}}"""), true);
        LiveCalls.LiveCall pressed = calls.start(flow, 1);
        LiveCalls.LiveCall quiet = calls.start(flow, 1);
        press(gatherAction(pressed.verb()), pressed.callId(), "1", null).then().statusCode(200);
        age(pressed.id(), "IN_PROGRESS", "3 hours");
        age(quiet.id(), "IN_PROGRESS", "3 hours");

        stale.end();

        assertThat(status(pressed.id())).isEqualTo("IN_PROGRESS");
        assertThat(status(quiet.id())).isEqualTo("COMPLETED");
    }

    @Test
    void aFlowWithARunningCallCannotBeDeleted() {
        String flow = Flows.publishedSeed();
        calls.start(flow, 1);

        admin().delete("/v1/flows/" + flow).then().statusCode(409)
                .body("type", org.hamcrest.Matchers.equalTo("urn:nexaflow:problem:flow-in-use"));
    }

    private void age(UUID call, String status, String interval) {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                        "UPDATE call SET status = ?1, updated_at = now() - CAST(?2 AS interval) WHERE id = ?3")
                .setParameter(1, status).setParameter(2, interval).setParameter(3, call).executeUpdate());
    }

    private String status(UUID call) {
        return QuarkusTransaction.requiringNew().call(() -> (String) em.createNativeQuery(
                "SELECT status FROM call WHERE id = ?1").setParameter(1, call).getSingleResult());
    }

    private String lastEvent(UUID call) {
        return QuarkusTransaction.requiringNew().call(() -> (String) em.createNativeQuery(
                "SELECT payload::text FROM call_event WHERE call_id = ?1 ORDER BY id DESC LIMIT 1")
                .setParameter(1, call).getSingleResult());
    }
}
