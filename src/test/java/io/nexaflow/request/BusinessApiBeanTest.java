package io.nexaflow.request;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nexaflow.request.RequestOutcome.Answered;
import io.nexaflow.request.RequestOutcome.Failed;
import io.nexaflow.request.RequestOutcome.Reason;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The bean as the application builds it: the %test profile lets 127.0.0.1 be called over http, nothing else. */
@QuarkusTest
class BusinessApiBeanTest {

    @Inject
    BusinessApi api;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    private RequestOutcome get(String url) throws Exception {
        return api.send(OutboundRequest.get(URI.create(url), Duration.ofSeconds(2))).toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
    }

    @Test
    void anInsecureListedHostIsCalled() throws Exception {
        RequestOutcome outcome = get("http://127.0.0.1:" + port + "/q/health/live");
        String expected = RestAssured.get("/q/health/live").then().statusCode(200).extract().asString();
        assertThat(outcome).isInstanceOf(Answered.class);
        assertThat(((Answered) outcome).status()).isEqualTo(200);
        assertThat(((Answered) outcome).json()).isEqualTo(new ObjectMapper().readTree(expected));
    }

    @Test
    void otherHostsFollowTheRules() throws Exception {
        Failed metadata = (Failed) get("https://169.254.169.254/latest/meta-data/");
        assertThat(metadata.reason()).isEqualTo(Reason.REFUSED_ADDRESS);
        Failed plain = (Failed) get("http://api.example.com/accounts/1");
        assertThat(List.of(plain.reason(), plain.message())).isEqualTo(List.of(Reason.NOT_ALLOWED,
                "only https URLs may be called; api.example.com:80 is not in NEXAFLOW_HTTP_INSECURE_HOSTS"));
    }
}
