package io.nexaflow.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import io.nexaflow.support.Api;
import io.nexaflow.support.Flows;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A large upload, generated while it is sent and sent without a Content-Length (chunked): well over the 1 MiB
 * every other body is held to, and counted exactly. bench/campaign-import.sh times a million rows.
 */
@QuarkusTest
class CampaignImportTest {

    private static final int ROWS = 100_000;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void oneHundredThousandRowsAreStoredAndCounted() throws Exception {
        String campaign = Campaigns.draft();
        // A block of numbers of its own: +9198 and eight digits, from a random start.
        long base = ThreadLocalRandom.current().nextLong(0, 100_000_000L - ROWS);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri("/v1/campaigns/" + campaign
                        + "/contacts"))
                .header("Authorization", "Bearer " + Api.key("operator"))
                .header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> rows(base))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode result = Flows.parse(response.body());
        assertThat(result.get("accepted").asLong()).isEqualTo(ROWS);
        assertThat(result.get("suppressed").asLong()).isZero();
        assertThat(result.get("duplicates").asLong()).isEqualTo(ROWS / 1000);
        assertThat(result.get("rejected").asLong()).isEqualTo(ROWS / 500);
        assertThat(result.get("errors")).hasSize(CampaignDtos.MAX_ERRORS);
        assertThat(result.get("errors").get(0)).isEqualTo(Flows.parse("""
                {"line": 502, "message": "number: '123' is not a valid number in region IN"}"""));
        assertThat(Campaigns.get(campaign).get("progress").get("states").get("PENDING").asLong()).isEqualTo(ROWS);
        JsonNode last = Flows.parse(Api.as("auditor").queryParam("state", "PENDING").queryParam("limit", 1)
                .queryParam("after", Long.MAX_VALUE - 1).get("/v1/campaigns/" + campaign + "/contacts").then()
                .statusCode(200).extract().asString());
        assertThat(last.get("items")).isEmpty();
    }

    /**
     * The upload, made a row at a time as it is read: after every 1000th row that row again (a duplicate), after
     * every 500th a bad number; each row carries two variables.
     */
    private static InputStream rows(long base) {
        Enumeration<InputStream> lines = new Enumeration<>() {
            private int row = -1;

            @Override
            public boolean hasMoreElements() {
                return row < ROWS;
            }

            @Override
            public InputStream nextElement() {
                String text;
                if (row < 0) {
                    text = "number,name,amount\n";
                } else {
                    String number = "+9198" + String.format("%08d", base + row);
                    text = number + ",Customer " + row + "," + (row % 5000) + ".50\n";
                    if ((row + 1) % 1000 == 0) {
                        text += number + ",again,1\n";
                    }
                    if ((row + 1) % 500 == 0) {
                        text += "123,bad,0\n";
                    }
                }
                row++;
                return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
            }
        };
        return new SequenceInputStream(lines);
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + ConfigProvider.getConfig().getValue("quarkus.http.test-port",
                Integer.class) + path);
    }
}
