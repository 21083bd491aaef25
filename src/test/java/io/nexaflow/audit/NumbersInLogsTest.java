package io.nexaflow.audit;

import io.nexaflow.call.CallRows;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Database errors end up in logs; the row values PostgreSQL puts in their DETAIL (phone numbers) must not. */
@QuarkusTest
class NumbersInLogsTest {

    @Inject
    CallRows rows;

    @Test
    void aFailingRowIsNotCopiedIntoTheExceptionMessage() {
        String to = rows.number();

        assertThatThrownBy(() -> rows.update("""
                INSERT INTO call (id, kind, from_number, to_number, status, created_at, updated_at)
                VALUES (?, 'RAW', '+911203135800', ?, 'LOST', now(), now())""", UUID.randomUUID(), to))
                .hasMessageContaining("violates check constraint")
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(String.valueOf(e.getCause()))
                        .doesNotContain(to).doesNotContain("Failing row"))
                .hasMessageNotContaining(to);
    }
}
