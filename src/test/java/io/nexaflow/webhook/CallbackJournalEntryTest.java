package io.nexaflow.webhook;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.nexaflow.engine.RouteReason;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A journaled callback reads back as written, and an entry journaled by an older build still reads. */
class CallbackJournalEntryTest {

    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private CallbackJournal.Entry entry(String variables) {
        return new CallbackJournal.Entry(UUID.fromString("00000000-0000-4000-8000-000000000001"), "nf-1", "ask", 1,
                "******#", "ch-1", "******", RouteReason.DEFAULT, "lookup", List.of("owing"), "owing",
                Map.of("ask", 1, "owing", 1), false, List.of(), List.of(), "{\"type\":\"hangup\",\"data\":{}}",
                Instant.parse("2026-12-02T10:00:00Z"), variables);
    }

    @Test
    void theVariablesShownForTheCallAreJournaledWithTheCallback() throws Exception {
        CallbackJournal.Entry written = entry("{\"account\":\"***\",\"balance\":150.5}");
        CallbackJournal.Entry read = json.readValue(json.writeValueAsBytes(written), CallbackJournal.Entry.class);
        assertThat(read).isEqualTo(written);
        assertThat(read.write().variables()).isEqualTo("{\"account\":\"***\",\"balance\":150.5}");
    }

    @Test
    void anEntryFromBeforeVariablesReadsWithNone() throws Exception {
        ObjectNode older = json.valueToTree(entry("{\"n\":1}"));
        older.remove("variables");
        CallbackJournal.Entry read = json.treeToValue(older, CallbackJournal.Entry.class);
        assertThat(read).isEqualTo(entry(null));
        assertThat(read.write().variables()).isNull();
    }
}
