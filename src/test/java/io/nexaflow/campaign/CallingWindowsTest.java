package io.nexaflow.campaign;

import io.nexaflow.problem.Problem.FieldError;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Calling windows in a campaign's timezone, across midnight and both clock changes of two zones. */
class CallingWindowsTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");

    private static CallingWindows windows(CallingWindows.Spec... specs) {
        List<FieldError> errors = new ArrayList<>();
        CallingWindows parsed = CallingWindows.parse(List.of(specs), "/windows", errors);
        assertThat(errors).isEmpty();
        return parsed;
    }

    private static CallingWindows.Spec spec(String start, String end, String... days) {
        return new CallingWindows.Spec(List.of(days), start, end);
    }

    private static Instant at(String local, ZoneId zone) {
        return LocalDateTime.parse(local).atZone(zone).toInstant();
    }

    private static List<FieldError> problems(List<CallingWindows.Spec> specs) {
        List<FieldError> errors = new ArrayList<>();
        assertThat(CallingWindows.parse(specs, "/windows", errors)).isNull();
        return errors;
    }

    @Test
    void aWeekdayWindowIsOpenFromItsStartUntilJustBeforeItsEnd() {
        CallingWindows weekdays = windows(spec("09:00", "21:00", "MON", "TUE", "WED", "THU", "FRI"));
        // 2026-12-04 is a Friday.
        assertThat(weekdays.isOpen(at("2026-12-04T08:59:59", KOLKATA), KOLKATA)).isFalse();
        assertThat(weekdays.isOpen(at("2026-12-04T09:00:00", KOLKATA), KOLKATA)).isTrue();
        assertThat(weekdays.isOpen(at("2026-12-04T20:59:59", KOLKATA), KOLKATA)).isTrue();
        assertThat(weekdays.isOpen(at("2026-12-04T21:00:00", KOLKATA), KOLKATA)).isFalse();
        assertThat(weekdays.isOpen(at("2026-12-05T12:00:00", KOLKATA), KOLKATA)).isFalse();
        // Friday night's next opening is Monday morning.
        assertThat(weekdays.nextOpening(at("2026-12-04T21:00:00", KOLKATA), KOLKATA))
                .isEqualTo(at("2026-12-07T09:00:00", KOLKATA));
        assertThat(weekdays.nextOpening(at("2026-12-04T10:00:00", KOLKATA), KOLKATA))
                .isEqualTo(at("2026-12-04T10:00:00", KOLKATA));
    }

    @Test
    void theSameInstantIsOpenInOneZoneAndClosedInAnother() {
        CallingWindows daytime = windows(spec("09:00", "17:00", "MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"));
        Instant noonInBerlin = at("2026-12-04T12:00:00", BERLIN);
        assertThat(daytime.isOpen(noonInBerlin, BERLIN)).isTrue();
        assertThat(daytime.isOpen(noonInBerlin, NEW_YORK)).isFalse(); // 06:00 there
        assertThat(daytime.nextOpening(noonInBerlin, NEW_YORK)).isEqualTo(at("2026-12-04T09:00:00", NEW_YORK));
    }

    @Test
    void aWindowAcrossMidnightBelongsToTheDayItOpens() {
        CallingWindows fridayNight = windows(spec("22:00", "02:00", "FRI"));
        assertThat(fridayNight.isOpen(at("2026-12-04T23:30:00", BERLIN), BERLIN)).isTrue();
        assertThat(fridayNight.isOpen(at("2026-12-05T01:59:00", BERLIN), BERLIN)).isTrue(); // Saturday
        assertThat(fridayNight.isOpen(at("2026-12-05T02:00:00", BERLIN), BERLIN)).isFalse();
        // Thursday night is not Friday's.
        assertThat(fridayNight.isOpen(at("2026-12-04T01:00:00", BERLIN), BERLIN)).isFalse();
        assertThat(fridayNight.nextOpening(at("2026-12-05T02:00:00", BERLIN), BERLIN))
                .isEqualTo(at("2026-12-11T22:00:00", BERLIN));
    }

    @Test
    void endOfDayIs24() {
        CallingWindows allSunday = windows(spec("00:00", "24:00", "SUN"));
        assertThat(allSunday.isOpen(at("2026-12-06T00:00:00", BERLIN), BERLIN)).isTrue();
        assertThat(allSunday.isOpen(at("2026-12-06T23:59:59", BERLIN), BERLIN)).isTrue();
        assertThat(allSunday.isOpen(at("2026-12-07T00:00:00", BERLIN), BERLIN)).isFalse();
        assertThat(allSunday.specs()).containsExactly(spec("00:00", "24:00", "SUN"));
    }

    @Test
    void springForwardInBerlinAWindowStartingInTheSkippedHourOpensAnHourLater() {
        // 2026-03-29: 02:00 CET becomes 03:00 CEST; 02:30 does not exist.
        CallingWindows early = windows(spec("02:30", "05:00", "SUN"));
        Instant opens = Instant.parse("2026-03-29T01:30:00Z"); // 03:30 CEST
        assertThat(early.isOpen(opens.minusSeconds(1), BERLIN)).isFalse();
        assertThat(early.isOpen(opens, BERLIN)).isTrue();
        assertThat(early.nextOpening(Instant.parse("2026-03-29T00:00:00Z"), BERLIN)).isEqualTo(opens);
        // It closes at 05:00 CEST as on any day: three and a half hours are one and a half.
        assertThat(early.isOpen(Instant.parse("2026-03-29T02:59:59Z"), BERLIN)).isTrue();
        assertThat(early.isOpen(Instant.parse("2026-03-29T03:00:00Z"), BERLIN)).isFalse();
    }

    @Test
    void springForwardInBerlinAWholeDayWindowIs23Hours() {
        CallingWindows sunday = windows(spec("00:00", "24:00", "SUN"));
        assertThat(sunday.isOpen(Instant.parse("2026-03-28T22:59:59Z"), BERLIN)).isFalse(); // Sat 23:59:59 CET
        assertThat(sunday.isOpen(Instant.parse("2026-03-28T23:00:00Z"), BERLIN)).isTrue(); // Sun 00:00 CET
        assertThat(sunday.isOpen(Instant.parse("2026-03-29T21:59:59Z"), BERLIN)).isTrue(); // Sun 23:59:59 CEST
        assertThat(sunday.isOpen(Instant.parse("2026-03-29T22:00:00Z"), BERLIN)).isFalse(); // Mon 00:00 CEST
    }

    @Test
    void fallBackInBerlinARepeatedEndTimeIsItsFirstOccurrence() {
        // 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:00–03:00 happens twice.
        CallingWindows night = windows(spec("01:00", "02:30", "SUN"));
        assertThat(night.isOpen(Instant.parse("2026-10-24T23:00:00Z"), BERLIN)).isTrue(); // 01:00 CEST
        assertThat(night.isOpen(Instant.parse("2026-10-25T00:29:59Z"), BERLIN)).isTrue(); // 02:29:59 CEST
        assertThat(night.isOpen(Instant.parse("2026-10-25T00:30:00Z"), BERLIN)).isFalse(); // 02:30 CEST
        assertThat(night.isOpen(Instant.parse("2026-10-25T01:15:00Z"), BERLIN)).isFalse(); // 02:15 CET, again
        // A window opening in the repeated hour opens at its first occurrence.
        CallingWindows late = windows(spec("02:30", "04:00", "SUN"));
        assertThat(late.nextOpening(Instant.parse("2026-10-24T22:00:00Z"), BERLIN))
                .isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));
        // And stays open through both 02:30s until 04:00 CET.
        assertThat(late.isOpen(Instant.parse("2026-10-25T01:45:00Z"), BERLIN)).isTrue();
        assertThat(late.isOpen(Instant.parse("2026-10-25T02:59:59Z"), BERLIN)).isTrue();
        assertThat(late.isOpen(Instant.parse("2026-10-25T03:00:00Z"), BERLIN)).isFalse();
    }

    @Test
    void springForwardInNewYorkAWindowAcrossTheGapIsAnHourShorter() {
        // 2026-03-08: 02:00 EST becomes 03:00 EDT.
        CallingWindows night = windows(spec("23:00", "06:00", "SAT"));
        assertThat(night.isOpen(Instant.parse("2026-03-08T04:00:00Z"), NEW_YORK)).isTrue(); // Sat 23:00 EST
        assertThat(night.isOpen(Instant.parse("2026-03-08T06:59:59Z"), NEW_YORK)).isTrue(); // Sun 01:59:59 EST
        assertThat(night.isOpen(Instant.parse("2026-03-08T07:00:00Z"), NEW_YORK)).isTrue(); // Sun 03:00 EDT
        assertThat(night.isOpen(Instant.parse("2026-03-08T09:59:59Z"), NEW_YORK)).isTrue(); // 05:59:59 EDT
        assertThat(night.isOpen(Instant.parse("2026-03-08T10:00:00Z"), NEW_YORK)).isFalse(); // 06:00 EDT
        // Opening in the gap: 02:15 is read as 03:15 EDT.
        CallingWindows gap = windows(spec("02:15", "02:45", "SUN"));
        // 03:15 EDT is after 02:45 read as 03:45 EDT: the window is half an hour, from 03:15 to 03:45.
        assertThat(gap.nextOpening(Instant.parse("2026-03-08T05:00:00Z"), NEW_YORK))
                .isEqualTo(Instant.parse("2026-03-08T07:15:00Z"));
        assertThat(gap.isOpen(Instant.parse("2026-03-08T07:44:59Z"), NEW_YORK)).isTrue();
        assertThat(gap.isOpen(Instant.parse("2026-03-08T07:45:00Z"), NEW_YORK)).isFalse();
    }

    @Test
    void fallBackInNewYorkAWindowAcrossTheRepeatedHourIsAnHourLonger() {
        // 2026-11-01: 02:00 EDT becomes 01:00 EST.
        CallingWindows morning = windows(spec("00:00", "03:00", "SUN"));
        assertThat(morning.isOpen(Instant.parse("2026-11-01T04:00:00Z"), NEW_YORK)).isTrue(); // 00:00 EDT
        assertThat(morning.isOpen(Instant.parse("2026-11-01T05:30:00Z"), NEW_YORK)).isTrue(); // 01:30 EDT
        assertThat(morning.isOpen(Instant.parse("2026-11-01T06:30:00Z"), NEW_YORK)).isTrue(); // 01:30 EST
        assertThat(morning.isOpen(Instant.parse("2026-11-01T07:59:59Z"), NEW_YORK)).isTrue(); // 02:59:59 EST
        assertThat(morning.isOpen(Instant.parse("2026-11-01T08:00:00Z"), NEW_YORK)).isFalse(); // 03:00 EST
        // Ending in the repeated hour: its first occurrence, so never later than it first reads.
        CallingWindows shortNight = windows(spec("00:00", "01:30", "SUN"));
        assertThat(shortNight.isOpen(Instant.parse("2026-11-01T05:29:59Z"), NEW_YORK)).isTrue(); // 01:29:59 EDT
        assertThat(shortNight.isOpen(Instant.parse("2026-11-01T05:30:00Z"), NEW_YORK)).isFalse(); // 01:30 EDT
        assertThat(shortNight.isOpen(Instant.parse("2026-11-01T06:00:00Z"), NEW_YORK)).isFalse(); // 01:00 EST
        assertThat(shortNight.nextOpening(Instant.parse("2026-11-01T06:00:00Z"), NEW_YORK))
                .isEqualTo(Instant.parse("2026-11-08T05:00:00Z")); // next Sunday 00:00 EST
    }

    @Test
    void overlappingWindowsAreOneAndTheEarliestOpeningWins() {
        CallingWindows two = windows(spec("09:00", "12:00", "MON"), spec("11:00", "14:00", "MON"),
                spec("08:00", "09:00", "TUE"));
        assertThat(two.isOpen(at("2026-12-07T13:00:00", BERLIN), BERLIN)).isTrue();
        assertThat(two.nextOpening(at("2026-12-07T14:00:00", BERLIN), BERLIN))
                .isEqualTo(at("2026-12-08T08:00:00", BERLIN));
        assertThat(two.nextOpening(at("2026-12-06T20:00:00", BERLIN), BERLIN))
                .isEqualTo(at("2026-12-07T09:00:00", BERLIN));
    }

    @Test
    void everyProblemHasItsPointer() {
        List<CallingWindows.Spec> specs = new ArrayList<>();
        specs.add(spec("9:00", "25:00", "MON", "Mon", "MON"));
        specs.add(new CallingWindows.Spec(null, null, "24:00"));
        specs.add(spec("24:00", "10:00", "TUE"));
        specs.add(spec("10:00", "10:00", "WED"));
        specs.add(null);
        assertThat(problems(specs)).containsExactly(
                new FieldError("/windows/0/days/1", "'Mon' is not one of MON, TUE, WED, THU, FRI, SAT, SUN"),
                new FieldError("/windows/0/days/2", "MON is listed twice"),
                new FieldError("/windows/0/start", "'9:00' is not a time HH:mm (00:00–23:59)"),
                new FieldError("/windows/0/end", "'25:00' is not a time HH:mm (00:00–23:59, or 24:00)"),
                new FieldError("/windows/1/days", "is required: one or more of MON, TUE, WED, THU, FRI, SAT, SUN"),
                new FieldError("/windows/1/start", "is required: a time HH:mm"),
                new FieldError("/windows/2/start", "24:00 is only an end; a window starting at midnight starts at "
                        + "00:00"),
                new FieldError("/windows/3/end", "must differ from start (a window of no time, or of 24 hours: "
                        + "write 00:00–24:00 for a whole day)"),
                new FieldError("/windows/4", "must be an object {days, start, end}"));
        assertThat(problems(List.of())).containsExactly(new FieldError("/windows", "is required: at least one "
                + "window, e.g. [{\"days\": [\"MON\"], \"start\": \"09:00\", \"end\": \"21:00\"}]"));
        assertThat(problems(null)).hasSize(1);
        List<CallingWindows.Spec> many = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            many.add(spec("09:00", "10:00", "MON"));
        }
        assertThat(problems(many)).containsExactly(new FieldError("/windows", "at most 50 windows, was 51"));
    }

    @Test
    void theCanonicalFormListsDaysInWeekOrder() {
        assertThat(windows(spec("09:00", "17:30", "SUN", "MON", "FRI")).specs())
                .containsExactly(spec("09:00", "17:30", "MON", "FRI", "SUN"));
    }

    @Test
    void callingTimeIsCountedOnlyWhileAWindowIsOpenAndAdjoiningWindowsRunOn() {
        CallingWindows evenings = windows(spec("18:00", "20:00", "MON", "TUE", "WED", "THU", "FRI"),
                spec("20:00", "02:00", "FRI"));
        // Thursday 19:30 (2026-12-03): 30 minutes left that evening, then Friday from 18:00 runs on into Saturday.
        Instant thursday = at("2026-12-03T19:30:00", BERLIN);
        assertThat(evenings.afterOpenTime(thursday, BERLIN, 20 * 60, 10))
                .contains(at("2026-12-03T19:50:00", BERLIN));
        assertThat(evenings.afterOpenTime(thursday, BERLIN, 30 * 60 + 3 * 3600, 10))
                .contains(at("2026-12-04T21:00:00", BERLIN));
        // Friday 18:00 to Saturday 02:00 is one stretch of eight hours; the ninth hour is on Monday.
        assertThat(evenings.afterOpenTime(thursday, BERLIN, 30 * 60 + 9 * 3600, 10))
                .contains(at("2026-12-07T19:00:00", BERLIN));
        // Before a window opens, its time starts at the opening.
        assertThat(evenings.afterOpenTime(at("2026-12-05T12:00:00", BERLIN), BERLIN, 60, 10))
                .contains(at("2026-12-07T18:01:00", BERLIN));
        // Further than the limit of windows: no estimate.
        assertThat(evenings.afterOpenTime(thursday, BERLIN, 1_000 * 3600, 10)).isEmpty();
    }

    @Test
    void theOpenTimeOfANightThatLosesAnHourIsAnHourShorter() {
        // New York springs forward at 02:00 on Sunday 2027-03-14: a 00:00–04:00 window holds three hours that night.
        CallingWindows nights = windows(spec("00:00", "04:00", "SUN"));
        Instant midnight = at("2027-03-14T00:00:00", NEW_YORK);
        assertThat(nights.afterOpenTime(midnight, NEW_YORK, 3 * 3600 - 1, 5))
                .contains(at("2027-03-14T03:59:59", NEW_YORK));
        assertThat(nights.afterOpenTime(midnight, NEW_YORK, 3 * 3600 + 60, 5))
                .contains(at("2027-03-21T00:01:00", NEW_YORK));
    }
}
