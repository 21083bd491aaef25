package io.nexaflow.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.nexaflow.support.Flows;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
class OpenApiDocumentTest {

    @Test
    void theDocumentIsValidOpenApi3() {
        String document = RestAssured.get("/q/openapi?format=json").then().statusCode(200).extract().asString();

        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(document);

        assertThat(parsed.getMessages()).isEmpty();
        assertThat(parsed.getOpenAPI().getOpenapi()).startsWith("3.");
        assertThat(parsed.getOpenAPI().getComponents().getSecuritySchemes()).containsKey("apiKey");
    }

    @Test
    void nodesAreAOneOfWithATypeDiscriminator() {
        JsonNode schemas = Flows.parse(RestAssured.get("/q/openapi?format=json").asString()).at("/components/schemas");

        assertThat(schemas.at("/Node/discriminator")).isEqualTo(Flows.parse("""
                {"propertyName":"type","mapping":{
                  "play":"#/components/schemas/PlayNode","gather":"#/components/schemas/GatherNode",
                  "dial":"#/components/schemas/DialNode","hangup":"#/components/schemas/HangupNode",
                  "http":"#/components/schemas/HttpNode","switch":"#/components/schemas/SwitchNode",
                  "set":"#/components/schemas/SetNode"}}"""));
        assertThat(schemas.at("/Node/oneOf")).hasSize(7);
        assertThat(schemas.at("/HttpNode/required")).isEqualTo(Flows.parse("[\"type\", \"method\", \"url\", \"onError\"]"));
        assertThat(schemas.at("/SwitchNode/properties/cases/items/required"))
                .isEqualTo(Flows.parse("[\"when\", \"next\"]"));
        assertThat(schemas.at("/GatherNode/properties/maxDigits")).isEqualTo(Flows.parse("""
                {"type":"integer","description":"Digits to capture before returning.",
                 "minimum":1,"maximum":32,"default":1}"""));
        assertThat(schemas.at("/FlowRequest/properties/definition/$ref").asText())
                .isEqualTo("#/components/schemas/FlowDefinition");
    }

    @Test
    void theCreateExampleIsTheVendorDemoIvr() {
        JsonNode document = Flows.parse(RestAssured.get("/q/openapi?format=json").asString());
        JsonNode example = document.at("/paths/~1v1~1flows/post/requestBody/content/application~1json/examples");

        JsonNode value = example.elements().next().get("value");
        JsonNode definition = value.isTextual() ? Flows.parse(value.asText()).get("definition") : value.get("definition");
        assertThat(definition).isEqualTo(Flows.seedDefinition());
    }

    @Test
    void everyManagementOperationDocumentsTheDatabaseOutage503WithRetryAfter() {
        JsonNode document = Flows.parse(RestAssured.get("/q/openapi?format=json").asString());
        JsonNode shared = document.at("/components/responses/Unavailable");
        assertThat(shared.at("/headers/Retry-After/schema/type").asText()).isEqualTo("integer");
        assertThat(shared.at("/content/application~1problem+json/schema/$ref").asText())
                .isEqualTo("#/components/schemas/Problem");
        java.util.List<String> checked = new java.util.ArrayList<>();
        document.get("paths").fields().forEachRemaining(path -> {
            if (!path.getKey().startsWith("/v1/")) {
                return;
            }
            path.getValue().fields().forEachRemaining(operation -> {
                JsonNode unavailable = operation.getValue().at("/responses/503");
                String where = operation.getKey() + " " + path.getKey();
                assertThat(unavailable.isMissingNode()).as(where).isFalse();
                if (unavailable.has("$ref")) {
                    assertThat(unavailable.get("$ref").asText()).as(where).isEqualTo("#/components/responses/Unavailable");
                } else {
                    // An operation with a 503 of its own (POST /v1/calls: Nexafone not configured) names both causes.
                    assertThat(unavailable.get("description").asText()).as(where).contains("database");
                    assertThat(unavailable.has("headers")).as(where).isTrue();
                }
                checked.add(where);
            });
        });
        assertThat(checked).contains("post /v1/calls", "get /v1/flows", "put /v1/flows/{id}");
    }

    @Test
    void swaggerUiIsServed() {
        RestAssured.get("/q/swagger-ui/").then().statusCode(200);
    }
}
