package io.nexaflow.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * The committed OpenAPI document (what clients are generated from, and what review sees) is the one the service
 * serves in prod: sandbox off. Rewrite it after an API change with {@link #REWRITE}.
 */
@QuarkusTest
@TestProfile(OpenApiContractTest.AsInProd.class)
class OpenApiContractTest {

    static final Path COMMITTED = Path.of("src/main/openapi/openapi.yaml");
    static final String REWRITE = "./mvnw -o test -Dtest=OpenApiContractTest -Dopenapi.rewrite=true";

    public static class AsInProd implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("nexaflow.sandbox.enabled", "false");
        }
    }

    @Test
    void theServedDocumentIsTheCommittedOne() throws IOException {
        String served = RestAssured.given().queryParam("format", "yaml").get("/q/openapi")
                .then().statusCode(200).extract().asString();
        if (Boolean.getBoolean("openapi.rewrite")) {
            Files.writeString(COMMITTED, served, StandardCharsets.UTF_8);
        }
        String committed = Files.exists(COMMITTED) ? Files.readString(COMMITTED, StandardCharsets.UTF_8) : "";

        assertThat(served)
                .as("The served OpenAPI document differs from %s. If the API change is intended, rewrite the file "
                        + "with `%s` and commit it.", COMMITTED, REWRITE)
                .isEqualTo(committed);
    }

    @Test
    void theApiVersionIsThePomVersion() throws IOException {
        // The project's own <version>, the one right after its artifactId.
        Matcher pom = Pattern.compile("<artifactId>nexaflow</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertThat(pom.find()).as("pom.xml names nexaflow's version").isTrue();

        RestAssured.given().queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200).body("info.version", equalTo(pom.group(1)));
    }
}
