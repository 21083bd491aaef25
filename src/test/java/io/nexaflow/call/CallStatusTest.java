package io.nexaflow.call;

import io.nexaflow.call.Call.Status;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static io.nexaflow.call.Call.Status.COMPLETED;
import static io.nexaflow.call.Call.Status.FAILED;
import static io.nexaflow.call.Call.Status.IN_PROGRESS;
import static io.nexaflow.call.Call.Status.ORIGINATING;
import static io.nexaflow.call.Call.Status.QUEUED;
import static io.nexaflow.call.Call.Status.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallStatusTest {

    /** Rows: from (null = a new call); columns in declaration order: QUEUED ORIG IN_PR COMPL FAILED UNKNOWN. */
    private static final String[] MOVES = {
            "null        | x . . . . .",
            "QUEUED      | . x . . . x",
            "ORIGINATING | . . x x x x",
            "IN_PROGRESS | . . . x . .",
            "COMPLETED   | . . . . . .",
            "FAILED      | . . . . . .",
            "UNKNOWN     | . . x x . .",
    };

    @Test
    void everyPairOfStatusesIsAllowedExactlyAsTheTableSays() {
        List<String> wrong = new ArrayList<>();
        assertThat(MOVES).hasSize(Status.values().length + 1);
        for (String row : MOVES) {
            String[] parts = row.split("\\|");
            String name = parts[0].trim();
            Status from = name.equals("null") ? null : Status.valueOf(name);
            String[] cells = parts[1].trim().split(" ");
            assertThat(cells).hasSize(Status.values().length);
            for (Status to : Status.values()) {
                boolean expected = cells[to.ordinal()].equals("x");
                if (Status.allows(from, to) != expected) {
                    wrong.add(from + " → " + to + " should be " + (expected ? "allowed" : "refused"));
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void eachSetKeepsItsMeaning() {
        assertThat(Status.RUNNING).containsExactlyInAnyOrder(QUEUED, ORIGINATING, IN_PROGRESS);
        assertThat(Status.LIVE).containsExactlyInAnyOrder(ORIGINATING, IN_PROGRESS, UNKNOWN);
        assertThat(Status.ENDED).containsExactlyInAnyOrder(COMPLETED, FAILED, UNKNOWN);
        assertThat(Status.FINAL).containsExactlyInAnyOrder(COMPLETED, FAILED);
        assertThat(Status.PLACING).containsExactlyInAnyOrder(QUEUED, ORIGINATING);
        for (Status status : Status.values()) {
            assertThat(status.running()).as(status.name()).isEqualTo(EnumSet.of(QUEUED, ORIGINATING, IN_PROGRESS)
                    .contains(status));
        }
    }

    @Test
    void everyStatusTheSqlPathsMoveIsAllowed() {
        for (Status live : Status.LIVE) {
            assertThat(Status.allows(live, COMPLETED)).as("a callback ends a " + live + " call").isTrue();
        }
        for (Status placing : Status.PLACING) {
            assertThat(Status.allows(placing, UNKNOWN)).as("the sweep gives up on a " + placing + " call").isTrue();
        }
        assertThat(Status.allows(IN_PROGRESS, COMPLETED)).as("the sweep ends an idle call").isTrue();
    }

    @Test
    void aFinalStatusHasNoWayOut() {
        for (Status end : Status.FINAL) {
            for (Status to : Status.values()) {
                assertThat(Status.allows(end, to)).as(end + " → " + to).isFalse();
            }
        }
    }

    @Test
    void setsRenderAsSqlInDeclarationOrder() {
        assertThat(Status.sql(Status.LIVE)).isEqualTo("('ORIGINATING', 'IN_PROGRESS', 'UNKNOWN')");
        assertThat(Status.sql(Status.RUNNING)).isEqualTo("('QUEUED', 'ORIGINATING', 'IN_PROGRESS')");
        assertThat(Status.sql(Status.ENDED)).isEqualTo("('COMPLETED', 'FAILED', 'UNKNOWN')");
        assertThat(Status.names(Status.PLACING)).containsExactly("QUEUED", "ORIGINATING");
    }

    @Test
    void aStatusChangeBuildsTheEventPayloadOfToday() {
        assertThat(StatusChange.of(null, QUEUED, null).payload().toString())
                .isEqualTo("{\"from\":null,\"to\":\"QUEUED\"}");
        assertThat(StatusChange.of(ORIGINATING, FAILED, "refused").payload().toString())
                .isEqualTo("{\"from\":\"ORIGINATING\",\"to\":\"FAILED\",\"reason\":\"refused\"}");
        assertThat(StatusChange.sqlEvent("old_status", "'COMPLETED'", "'the flow ended'"))
                .isEqualTo("jsonb_build_object('from', old_status, 'to', 'COMPLETED', 'reason', 'the flow ended')");
        assertThatThrownBy(() -> StatusChange.of(COMPLETED, IN_PROGRESS, null))
                .isInstanceOf(IllegalStateException.class);
        assertThat(StatusChange.of(ORIGINATING, COMPLETED, null).ends()).isTrue();
        assertThat(StatusChange.of(ORIGINATING, UNKNOWN, null).ends()).isFalse();
    }
}
