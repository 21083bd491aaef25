package io.nexaflow.webhook;

import io.nexaflow.support.DatabaseOutage;
import io.nexaflow.support.Flows;
import io.nexaflow.support.Golden;
import io.nexaflow.support.LiveCalls;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.nexaflow.support.LiveCalls.gatherAction;
import static io.nexaflow.support.LiveCalls.press;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** With the database gone, a callback still gets HTTP 200 and a verb: a 5xx would drop the caller. */
@QuarkusTest
@TestProfile(DatabaseOutage.Profile.class)
class DatabaseOutageTest {

    @Inject
    LiveCalls calls;

    @Test
    void aCallbackDuringAnOutageGetsTheFallbackVerbAndTheNextDeliveryWorks() {
        LiveCalls.LiveCall call = calls.start(Flows.publishedSeed(), 1);
        String url = gatherAction(call.verb());

        DatabaseOutage.proxy().cut();
        long started = System.nanoTime();
        String during;
        try {
            during = press(url, call.callId(), "2", null).then().statusCode(200).extract().asString();
        } finally {
            DatabaseOutage.proxy().restore();
        }

        assertThat(Flows.parse(during)).isEqualTo(Flows.parse("{\"type\":\"hangup\",\"data\":{}}"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        // Nothing was recorded, so a redelivery once the database is back routes normally.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(Flows.parse(
                press(url, call.callId(), "2", null).then().statusCode(200).extract().asString()))
                .isEqualTo(Golden.read("handle-dtmf-2.json")));
    }
}
