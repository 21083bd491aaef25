package io.nexaflow.webhook;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every callback updates its call row. PostgreSQL can only do that in place (a HOT update: no new entry in any
 * index) when no index names a column the update changes, in its key, its expressions or its WHERE clause.
 * One such index (V4's call_running_since on updated_at) made every callback write into all eleven of the call's
 * indexes (bench/FINDINGS.md).
 */
@QuarkusTest
class HotCallUpdateTest {

    /** The columns CallbackWriter's UPDATE changes on a callback that does not end the call. */
    private static final List<String> CHANGED_BY_EVERY_CALLBACK = List.of("current_node", "attempts", "updated_at", "bridged_to");

    @Inject
    EntityManager em;

    @Test
    void noIndexOnCallNamesAColumnThatEveryCallbackChanges() {
        @SuppressWarnings("unchecked")
        List<String> indexes = em.createNativeQuery(
                "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = 'call'::regclass").getResultList();
        assertThat(indexes).as("the call table's indexes").hasSizeGreaterThan(5);
        for (String column : CHANGED_BY_EVERY_CALLBACK) {
            Pattern word = Pattern.compile("\\b" + column + "\\b");
            assertThat(indexes).as(column).noneMatch(definition -> word.matcher(definition).find());
        }
    }

    @Test
    void theCallTableLeavesRoomOnEachPageForTheNextVersionOfARow() {
        Object options = em.createNativeQuery("SELECT array_to_string(reloptions, ',') FROM pg_class WHERE oid = 'call'::regclass")
                .getSingleResult();
        assertThat(String.valueOf(options)).contains("fillfactor=70");
    }
}
