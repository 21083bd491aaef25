package io.nexaflow.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nexaflow.flow.model.FlowDefinition;
import io.nexaflow.flow.model.FlowValidator;
import io.nexaflow.number.PhoneNumbers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import static org.assertj.core.api.Assertions.assertThat;

/** Flows for engine tests, built the way the service builds them: through {@link FlowValidator}. */
final class TestFlows {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String CALLBACK = "https://example.test/api/handle-dtmf?s=TOKEN";

    private TestFlows() {
    }

    /** A validated, defaults-filled definition; sandbox numbers so the vendor's placeholders are accepted. */
    static FlowDefinition flow(String json) {
        var result = new FlowValidator(new PhoneNumbers("IN", true)).validate(tree(json), "/definition");
        assertThat(result.errors()).as("test flow must be valid").isEmpty();
        return result.definition();
    }

    /**
     * A definition mapped straight onto the model, skipping validation: for proving the engine stays correct
     * (escaping, labels) even with values validation would refuse today.
     */
    static FlowDefinition unchecked(String json) {
        try {
            return io.nexaflow.flow.model.FlowJson.MAPPER.readValue(json, FlowDefinition.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode golden(String name) {
        try (InputStream in = TestFlows.class.getResourceAsStream("/golden/" + name)) {
            assertThat(in).as("golden/" + name).isNotNull();
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Compares whole documents; AssertJ's message shows both when they differ. */
    static void assertSameJson(String actual, JsonNode expected) {
        assertThat((Object) tree(actual)).isEqualTo(expected);
    }

    static String compact(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
