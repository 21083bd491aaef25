package io.nexaflow.campaign;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.nexaflow.problem.Problem.FieldError;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hours a campaign may start calls in, as local wall-clock times of its timezone: a contact must never be
 * rung at 3 a.m. because a server runs in UTC or a clock changed. Pure (java.time only), so the rules below are
 * tested without a database.
 *
 * <ul>
 *   <li>A window belongs to the day it opens on: {@code {days: ["FRI"], start: "22:00", end: "02:00"}} runs from
 *   Friday 22:00 to Saturday 02:00. {@code end} "24:00" is the end of the day.</li>
 *   <li>A wall-clock time that does not exist (skipped when clocks go forward) moves forward by the gap, as
 *   {@link ZonedDateTime#of} does: a window from 02:30 opens at 03:30 that day. A time that exists twice (clocks
 *   go back) is its first occurrence, so a window never ends later than its end time first reads.</li>
 *   <li>Windows may overlap; a time in any of them is open.</li>
 * </ul>
 */
public final class CallingWindows {

    /** More than a week of windows is a mistake, not a schedule. */
    static final int MAX_WINDOWS = 50;
    private static final Pattern TIME = Pattern.compile("([01][0-9]|2[0-3]):([0-5][0-9])|24:00");
    private static final LocalTime END_OF_DAY = LocalTime.MAX;

    private final List<Window> windows;

    private CallingWindows(List<Window> windows) {
        this.windows = List.copyOf(windows);
    }

    /** One window as the API takes and shows it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "CallingWindow", description = "Hours on some days of the week, in the campaign's timezone")
    public record Spec(
            @Schema(description = "Days the window opens on, MON–SUN", example = "[\"MON\", \"TUE\", \"WED\"]")
            List<String> days,
            @Schema(description = "Opening time, HH:mm (00:00–23:59)", example = "09:00") String start,
            @Schema(description = "Closing time, HH:mm or 24:00; before `start` means the next day",
                    example = "21:00") String end) {
    }

    private record Window(Set<DayOfWeek> days, LocalTime start, LocalTime end) {

        /** The instants this window opens and closes when it opens on {@code date}. */
        Instant opening(LocalDate date, ZoneId zone) {
            return ZonedDateTime.of(date, start, zone).toInstant();
        }

        Instant closing(LocalDate date, ZoneId zone) {
            if (end == END_OF_DAY) {
                return date.plusDays(1).atStartOfDay(zone).toInstant();
            }
            LocalDate closes = end.isAfter(start) ? date : date.plusDays(1);
            return ZonedDateTime.of(closes, end, zone).toInstant();
        }
    }

    /**
     * The windows of a request, or null with every problem added to {@code errors}, each at its pointer below
     * {@code pointer}.
     */
    public static CallingWindows parse(List<Spec> specs, String pointer, List<FieldError> errors) {
        if (specs == null || specs.isEmpty()) {
            errors.add(new FieldError(pointer, "is required: at least one window, e.g. "
                    + "[{\"days\": [\"MON\"], \"start\": \"09:00\", \"end\": \"21:00\"}]"));
            return null;
        }
        if (specs.size() > MAX_WINDOWS) {
            errors.add(new FieldError(pointer, "at most " + MAX_WINDOWS + " windows, was " + specs.size()));
            return null;
        }
        int before = errors.size();
        List<Window> windows = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            String at = pointer + "/" + i;
            Spec spec = specs.get(i);
            if (spec == null) {
                errors.add(new FieldError(at, "must be an object {days, start, end}"));
                continue;
            }
            Set<DayOfWeek> days = days(spec.days(), at + "/days", errors);
            LocalTime start = time(spec.start(), at + "/start", false, errors);
            LocalTime end = time(spec.end(), at + "/end", true, errors);
            if (start != null && end != null && start.equals(end)) {
                errors.add(new FieldError(at + "/end", "must differ from start (a window of no time, or of "
                        + "24 hours: write 00:00–24:00 for a whole day)"));
            } else if (days != null && start != null && end != null) {
                windows.add(new Window(days, start, end));
            }
        }
        return errors.size() > before ? null : new CallingWindows(windows);
    }

    /** The canonical form: days in week order, times as HH:mm. */
    public List<Spec> specs() {
        return windows.stream().map(w -> new Spec(
                w.days().stream().map(CallingWindows::name).toList(),
                w.start().toString(), w.end() == END_OF_DAY ? "24:00" : w.end().toString())).toList();
    }

    /** Whether a call may start at {@code at}. */
    public boolean isOpen(Instant at, ZoneId zone) {
        LocalDate today = at.atZone(zone).toLocalDate();
        for (Window window : windows) {
            // A window that opened yesterday may still be open (across midnight).
            for (LocalDate date = today.minusDays(1); !date.isAfter(today); date = date.plusDays(1)) {
                if (window.days().contains(date.getDayOfWeek()) && !at.isBefore(window.opening(date, zone))
                        && at.isBefore(window.closing(date, zone))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code at} when open, else the first instant after it that is; every window opens within eight days. */
    public Instant nextOpening(Instant at, ZoneId zone) {
        if (isOpen(at, zone)) {
            return at;
        }
        LocalDate today = at.atZone(zone).toLocalDate();
        Optional<Instant> next = Optional.empty();
        for (Window window : windows) {
            for (LocalDate date = today; !date.isAfter(today.plusDays(8)); date = date.plusDays(1)) {
                if (!window.days().contains(date.getDayOfWeek())) {
                    continue;
                }
                Instant opens = window.opening(date, zone);
                // A window shortened to nothing by a clock change does not open.
                if (opens.isAfter(at) && opens.isBefore(window.closing(date, zone))) {
                    if (next.isEmpty() || opens.isBefore(next.get())) {
                        next = Optional.of(opens);
                    }
                    break;
                }
            }
        }
        return next.orElseThrow(() -> new IllegalStateException("calling windows that never open: " + specs()));
    }

    /**
     * When {@code openSeconds} of calling time, counted from {@code from}, will have passed: closed hours do not
     * count. Empty when that is more than {@code limit} windows away (an estimate that far out says nothing).
     */
    public Optional<Instant> afterOpenTime(Instant from, ZoneId zone, double openSeconds, int limit) {
        Instant at = from;
        double left = openSeconds;
        for (int i = 0; i < limit; i++) {
            at = nextOpening(at, zone);
            Instant closes = openUntil(at, zone);
            double span = Duration.between(at, closes).toMillis() / 1000.0;
            if (span >= left) {
                return Optional.of(at.plusMillis(Math.round(left * 1000)));
            }
            left -= span;
            at = closes;
        }
        return Optional.empty();
    }

    /** The first instant after {@code at} (which is open) when no window is open: adjoining windows run on. */
    Instant openUntil(Instant at, ZoneId zone) {
        Instant end = at;
        // Each step moves to the latest closing of the windows open at that moment; a week has at most 50 windows.
        for (int step = 0; step < 8 * MAX_WINDOWS && isOpen(end, zone); step++) {
            LocalDate today = end.atZone(zone).toLocalDate();
            Instant latest = end;
            for (Window window : windows) {
                for (LocalDate date = today.minusDays(1); !date.isAfter(today); date = date.plusDays(1)) {
                    if (window.days().contains(date.getDayOfWeek()) && !end.isBefore(window.opening(date, zone))
                            && end.isBefore(window.closing(date, zone)) && window.closing(date, zone).isAfter(latest)) {
                        latest = window.closing(date, zone);
                    }
                }
            }
            end = latest;
        }
        return end;
    }

    private static Set<DayOfWeek> days(List<String> names, String pointer, List<FieldError> errors) {
        if (names == null || names.isEmpty()) {
            errors.add(new FieldError(pointer, "is required: one or more of MON, TUE, WED, THU, FRI, SAT, SUN"));
            return null;
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        boolean valid = true;
        for (int i = 0; i < names.size(); i++) {
            DayOfWeek day = day(names.get(i));
            if (day == null) {
                errors.add(new FieldError(pointer + "/" + i, "'" + names.get(i) + "' is not one of MON, TUE, WED, "
                        + "THU, FRI, SAT, SUN"));
                valid = false;
            } else if (!days.add(day)) {
                errors.add(new FieldError(pointer + "/" + i, name(day) + " is listed twice"));
                valid = false;
            }
        }
        return valid ? days : null;
    }

    private static DayOfWeek day(String name) {
        for (DayOfWeek day : DayOfWeek.values()) {
            if (name(day).equals(name)) {
                return day;
            }
        }
        return null;
    }

    private static String name(DayOfWeek day) {
        return day.getDisplayName(TextStyle.SHORT, Locale.ROOT).toUpperCase(Locale.ROOT);
    }

    private static LocalTime time(String text, String pointer, boolean isEnd, List<FieldError> errors) {
        if (text == null) {
            errors.add(new FieldError(pointer, "is required: a time HH:mm"));
            return null;
        }
        Matcher matcher = TIME.matcher(text);
        if (!matcher.matches()) {
            errors.add(new FieldError(pointer, "'" + text + "' is not a time HH:mm (00:00–23:59"
                    + (isEnd ? ", or 24:00)" : ")")));
            return null;
        }
        if (text.equals("24:00")) {
            if (!isEnd) {
                errors.add(new FieldError(pointer, "24:00 is only an end; a window starting at midnight starts at "
                        + "00:00"));
                return null;
            }
            return END_OF_DAY;
        }
        return LocalTime.of(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)));
    }
}
