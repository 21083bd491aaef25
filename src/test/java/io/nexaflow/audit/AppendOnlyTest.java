package io.nexaflow.audit;

import io.agroal.api.AgroalDataSource;
import io.nexaflow.call.Call;
import io.nexaflow.call.CallRows;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.UUID;

import static io.nexaflow.support.Api.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Nothing in the audit trail can be changed or removed, except by the retention job's own transactions. */
@QuarkusTest
class AppendOnlyTest {

    @Inject
    CallRows rows;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void updateDeleteAndTruncateOfEventsAreRefused() {
        UUID call = rows.call(rows.flow(1), 1, rows.number(), rows.number(), Call.Status.COMPLETED, Instant.now());
        long event = rows.event(call, "DTMF", "menu", 1, "1", "thanks", "{\"reason\": \"MATCH\"}", Instant.now());

        for (String tamper : new String[] {
                "UPDATE call_event SET dtmf = '2' WHERE id = " + event,
                "DELETE FROM call_event WHERE id = " + event,
                "TRUNCATE call_event"}) {
            assertThatThrownBy(() -> rows.update(tamper)).as(tamper)
                    .hasMessageContaining("call_event is append-only")
                    .hasMessageContaining("is reserved to the retention job");
        }
        assertThat(rows.query("SELECT dtmf FROM call_event WHERE id = ?", event)).singleElement()
                .satisfies(row -> assertThat(row).containsEntry("dtmf", "1"));
    }

    @Test
    void theRetentionFlagLastsOneTransactionOnly() throws SQLException {
        UUID call = rows.call(rows.flow(1), 1, rows.number(), rows.number(), Call.Status.COMPLETED, Instant.now());
        long first = rows.event(call, "STATUS", null, null, null, null, "{}", Instant.now());
        long second = rows.event(call, "STATUS", null, null, null, null, "{}", Instant.now());

        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("SET LOCAL nexaflow.retention = 'on'");
            assertThat(statement.executeUpdate("DELETE FROM call_event WHERE id = " + first)).isEqualTo(1);
            connection.commit();

            // the same session, the next transaction: the guard is back
            assertThatThrownBy(() -> statement.executeUpdate("DELETE FROM call_event WHERE id = " + second))
                    .hasMessageContaining("call_event is append-only");
            connection.rollback();
            connection.setAutoCommit(true);
        }
        assertThat(rows.count("SELECT count(*) FROM call_event WHERE id IN (?, ?)", first, second)).isEqualTo(1);
    }

    @Test
    void theApiOffersNoWayToChangeTheTrail() {
        String id = UUID.randomUUID().toString();
        admin().delete("/v1/calls/" + id).then().statusCode(405);
        admin().body("{}").put("/v1/calls/" + id).then().statusCode(405);
        admin().delete("/v1/calls/" + id + "/events").then().statusCode(405);
        admin().delete("/v1/dtmf").then().statusCode(405);
    }
}
