package io.nexaflow.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nexaflow.api.Examples;

import java.io.UncheckedIOException;
import java.util.UUID;

/** Flow bodies for tests: the vendor page's demo IVR, and a unique name per use. */
public final class Flows {

    public static final ObjectMapper JSON = new ObjectMapper();

    private Flows() {
    }

    public static ObjectNode seedDefinition() {
        return (ObjectNode) parse(Examples.SEED_IVR_DEFINITION);
    }

    public static ObjectNode request(JsonNode definition) {
        ObjectNode body = JSON.createObjectNode();
        body.put("name", "flow-" + UUID.randomUUID());
        body.put("comment", "test");
        body.set("definition", definition);
        return body;
    }

    /** Stores a flow through the API (as the bootstrap admin); returns its id. */
    public static String create(JsonNode definition, boolean publish) {
        ObjectNode body = request(definition);
        body.put("publish", publish);
        return Api.admin().body(body.toString()).post("/v1/flows").then().statusCode(201).extract().path("id");
    }

    /** The vendor's demo IVR, stored and published. */
    public static String publishedSeed() {
        return create(seedDefinition(), true);
    }

    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
