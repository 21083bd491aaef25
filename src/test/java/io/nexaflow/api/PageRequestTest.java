package io.nexaflow.api;

import io.nexaflow.problem.Problem;
import io.nexaflow.problem.ProblemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Keyset paging without a database: where a page ends, what its cursor says, and what a foreign cursor gets. */
class PageRequestTest {

    private static final String NOT_OURS = "'cursor' is not a cursor returned by this API";

    @Test
    void aReadOfOneRowMoreThanThePageEndsThePageAtItsLimitAndPointsAtItsLastRow() {
        PageRequest<Cursor> request = new PageRequest<>(null, 2);

        Page<String> page = request.page(List.of("c", "b", "a"), row -> "after-" + row);

        assertThat(request.fetch()).isEqualTo(3);
        assertThat(page).isEqualTo(new Page<>(List.of("c", "b"), "after-b"));
    }

    @Test
    void theLastPageHasNoNextCursor() {
        PageRequest<Long> request = new PageRequest<>(0L, 2);

        assertThat(request.page(List.of("b", "a"), row -> "after-" + row)).isEqualTo(new Page<>(List.of("b", "a"), null));
        assertThat(request.page(List.of("a"), row -> "after-" + row)).isEqualTo(new Page<>(List.of("a"), null));
        assertThat(request.page(List.<String>of(), row -> "after-" + row)).isEqualTo(new Page<>(List.of(), null));
    }

    @Test
    void aCursorIsTheUrlSafeBase64OfSecondsNanosAndId() {
        Cursor cursor = new Cursor(Instant.ofEpochSecond(1764238502, 123456000),
                "0b5c4a1e-7f2d-4c69-b1c5-3a9e8d2f6a10");

        String encoded = cursor.encode();

        assertThat(encoded).isEqualTo("MTc2NDIzODUwMjoxMjM0NTYwMDA6MGI1YzRhMWUtN2YyZC00YzY5LWIxYzUtM2E5ZThkMmY2YTEw");
        assertThat(Cursor.decode(encoded)).isEqualTo(cursor);
        assertThat(Cursor.decode(encoded).uuid()).isEqualTo(UUID.fromString("0b5c4a1e-7f2d-4c69-b1c5-3a9e8d2f6a10"));
        assertThat(Cursor.decode("MTc2NDIzODUwMjowOjgxMjM0").sequence()).isEqualTo(81234L);
    }

    @Test
    void noCursorIsTheFirstPage() {
        assertThat(Cursor.decode(null)).isNull();
        assertThat(Cursor.decode(" ")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "not-a-cursor!",     // not base64url
            "MTIz",              // "123": no id
            "eDowOjgxMjM0",      // "x:0:81234": seconds not a number
            "MTc2NDIzODUwMjoxMjM0NTYwMDA6MGI1YzRhMWUtN2YyZC00YzY5LWIxYzUtM2E5ZThkMmY2YTEw==="})  // padding spoiled
    void aCursorThisServiceDidNotMakeIsA400Problem(String cursor) {
        assertBadRequest(() -> Cursor.decode(cursor), NOT_OURS);
    }

    @Test
    void aCursorOfTheWrongListIsA400Problem() {
        Cursor ofDtmf = Cursor.decode("MTc2NDIzODUwMjowOjgxMjM0");
        Cursor ofCalls = Cursor.decode(
                "MTc2NDIzODUwMjoxMjM0NTYwMDA6MGI1YzRhMWUtN2YyZC00YzY5LWIxYzUtM2E5ZThkMmY2YTEw");

        assertBadRequest(ofDtmf::uuid, NOT_OURS);
        assertBadRequest(ofCalls::sequence, NOT_OURS);
    }

    @Test
    void theLimitIsTheDefaultWhenAbsentAndA400ProblemOutOfRange() {
        assertThat(PageRequest.limit(null, 50)).isEqualTo(50);
        assertThat(PageRequest.limit(null, 100)).isEqualTo(100);
        assertThat(PageRequest.limit(1, 50)).isEqualTo(1);
        assertThat(PageRequest.limit(500, 50)).isEqualTo(500);
        assertBadRequest(() -> PageRequest.limit(0, 50), "'limit' must be between 1 and 500, was 0");
        assertBadRequest(() -> PageRequest.limit(501, 50), "'limit' must be between 1 and 500, was 501");
    }

    private static void assertBadRequest(Runnable call, String detail) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ProblemException.class, e -> {
            Problem problem = e.problem();
            assertThat(problem.status()).isEqualTo(400);
            assertThat(problem.detail()).isEqualTo(detail);
        });
    }
}
