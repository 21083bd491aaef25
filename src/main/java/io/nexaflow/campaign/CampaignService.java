package io.nexaflow.campaign;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.nexaflow.api.Cursor;
import io.nexaflow.call.CallPath;
import io.nexaflow.api.Page;
import io.nexaflow.api.PageRequest;
import io.nexaflow.campaign.Campaign.Action;
import io.nexaflow.campaign.Campaign.ContactState;
import io.nexaflow.campaign.Campaign.State;
import io.nexaflow.campaign.CampaignDtos.CampaignRequest;
import io.nexaflow.campaign.CampaignDtos.CampaignView;
import io.nexaflow.campaign.CampaignDtos.ContactView;
import io.nexaflow.campaign.CampaignDtos.ImportResult;
import io.nexaflow.campaign.CampaignDtos.Progress;
import io.nexaflow.campaign.CampaignDtos.RetryPolicy;
import io.nexaflow.campaign.CampaignDtos.ContactResult;
import io.nexaflow.db.Timestamps;
import io.nexaflow.export.Column;
import io.nexaflow.export.Export;
import io.nexaflow.export.ExportFormat;
import io.nexaflow.export.QueryExport;
import io.nexaflow.number.PhoneNumbers;
import io.nexaflow.problem.Problem.FieldError;
import io.nexaflow.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Campaigns and their contacts in PostgreSQL: creating one (every problem of the request at once), the moves
 * between states, progress, and contact uploads. Every change locks the campaign row, so an upload, a start and a
 * cancel of one campaign happen one after another and a start never misses contacts an upload is storing.
 */
@ApplicationScoped
public class CampaignService {

    private static final Logger LOG = Logger.getLogger(CampaignService.class);
    private static final BigDecimal MAX_CALLS_PER_SECOND = BigDecimal.valueOf(100);
    private static final int DEFAULT_NO_ANSWER_SECONDS = 60;
    /** The achieved rate is counted over this many seconds. */
    private static final long RATE_WINDOW_SECONDS = 60;
    /** An end further than this many calling windows away is not estimated. */
    private static final int ESTIMATE_WINDOWS = 60;
    /** A week: longer delays are a typo, and they keep int arithmetic on seconds safe. */
    private static final int MAX_DELAY_SECONDS = 7 * 24 * 3600;
    private static final TypeReference<List<CallingWindows.Spec>> WINDOWS = new TypeReference<>() {
    };
    private static final String COLUMNS = "id, name, flow_id, flow_version, from_number, timezone, windows, "
            + "calls_per_second, max_concurrent, retry, no_answer_after_seconds, state, created_by, created_at, "
            + "updated_at, started_at, ended_at";

    /**
     * A campaign's contacts with their last call, its variables and its path: the nodes its first turn entered
     * (the ORIGINATING event) and then those each answer entered (its DTMF events), as call.CallPath reads it.
     */
    private static final String EXPORT_SQL = """
            SELECT cc.id, cc.number, cc.variables::text AS variables, cc.state, cc.attempts, cc.last_outcome,
                   cc.last_error, cc.last_call_id, c.variables::text AS collected,
                   %s AS path,
                   EXISTS (SELECT 1 FROM call_event e WHERE e.call_id = cc.last_call_id AND e.type = 'DTMF')
                       AS answered
              FROM campaign_contact cc LEFT JOIN call c ON c.id = cc.last_call_id
             WHERE cc.campaign_id = ? ORDER BY cc.id""".formatted(CallPath.nodes("cc.last_call_id"));
    private static final List<Column<ContactResult>> EXPORT_COLUMNS = List.of(
            Column.of("id", ContactResult::id),
            Column.of("number", ContactResult::number),
            Column.of("state", ContactResult::state),
            Column.of("attempts", ContactResult::attempts),
            Column.of("lastOutcome", ContactResult::lastOutcome),
            Column.of("lastError", ContactResult::lastError),
            Column.of("lastCallId", ContactResult::lastCallId),
            Column.of("path", r -> r.path() == null ? null : String.join(" > ", r.path())),
            Column.of("variables", r -> r.variables() == null ? null : r.variables().toString()),
            Column.of("collected", r -> r.collected() == null ? null : r.collected().toString()));

    private final AgroalDataSource dataSource;
    private final Jdbc jdbc;
    private final PhoneNumbers numbers;
    private final ObjectMapper json;
    private final UploadReader reader;

    public CampaignService(AgroalDataSource dataSource, PhoneNumbers numbers, ObjectMapper json) {
        this.dataSource = dataSource;
        this.jdbc = new Jdbc(dataSource);
        this.numbers = numbers;
        this.json = json;
        this.reader = new UploadReader(numbers, json);
    }

    public CampaignView create(CampaignRequest request, String who) {
        List<FieldError> errors = new ArrayList<>();
        String name = request.name() == null ? null : request.name().strip();
        if (name == null || name.isEmpty() || name.length() > 200) {
            errors.add(new FieldError("/name", "is required: 1–200 characters"));
        }
        // Whether the flow exists is known only in the transaction; its error goes here, in field order.
        int flowError = errors.size();
        if (request.flowId() == null) {
            errors.add(new FieldError("/flowId", "is required: the flow each call runs"));
        }
        String from = null;
        try {
            from = numbers.pstn(request.from());
        } catch (PhoneNumbers.InvalidNumber e) {
            errors.add(new FieldError("/from", e.getMessage()));
        }
        if (request.timezone() == null || !ZoneId.getAvailableZoneIds().contains(request.timezone())) {
            errors.add(new FieldError("/timezone", request.timezone() == null ? "is required: an IANA timezone such "
                    + "as Asia/Kolkata" : "'" + request.timezone() + "' is not an IANA timezone such as Asia/Kolkata"));
        }
        CallingWindows windows = CallingWindows.parse(request.windows(), "/windows", errors);
        BigDecimal rate = request.callsPerSecond();
        if (rate == null || rate.signum() <= 0 || rate.compareTo(MAX_CALLS_PER_SECOND) > 0) {
            errors.add(new FieldError("/callsPerSecond", "must be over 0 and at most 100"
                    + (rate == null ? "" : ", was " + rate.toPlainString())));
        }
        range(errors, "/maxConcurrent", request.maxConcurrent(), 1, 1000, null);
        RetryPolicy retry = retry(request.retry(), errors);
        int noAnswer = range(errors, "/noAnswerAfterSeconds", request.noAnswerAfterSeconds(), 10, 600,
                DEFAULT_NO_ANSWER_SECONDS);
        Instant now = Timestamps.now();
        UUID id = UUID.randomUUID();
        String fromNumber = from;
        return jdbc.transaction(connection -> {
            if (request.flowId() != null && Jdbc.query(connection, "SELECT 1 FROM flow WHERE id = ? AND deleted_at IS "
                    + "NULL FOR SHARE", rows -> 1, request.flowId()).isEmpty()) {
                errors.add(flowError, new FieldError("/flowId", "no flow " + request.flowId()));
            }
            if (!errors.isEmpty()) {
                throw ProblemException.invalid("Invalid campaign", errors);
            }
            Jdbc.update(connection, "INSERT INTO campaign (id, name, flow_id, from_number, timezone, windows, "
                            + "calls_per_second, max_concurrent, retry, no_answer_after_seconds, state, created_by, "
                            + "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?::jsonb, ?, ?, ?, ?, ?)",
                    id, name, request.flowId(), fromNumber, request.timezone(), write(windows.specs()), rate,
                    request.maxConcurrent(), write(retry), noAnswer, State.DRAFT.name(), who, now, now);
            LOG.infof("campaign %s '%s' created by %s on flow %s", id, name, who, request.flowId());
            return view(connection, id, false);
        });
    }

    public CampaignView get(UUID id) {
        return jdbc.transaction(connection -> view(connection, id, false));
    }

    public Page<CampaignView> list(PageRequest<Cursor> page) {
        Cursor after = page.after();
        return jdbc.transaction(connection -> {
            List<CampaignView> rows = after == null
                    ? Jdbc.query(connection, "SELECT " + COLUMNS + " FROM campaign ORDER BY created_at DESC, id DESC "
                    + "LIMIT ?", this::campaign, page.fetch())
                    : Jdbc.query(connection, "SELECT " + COLUMNS + " FROM campaign WHERE (created_at, id) < (?, ?) "
                    + "ORDER BY created_at DESC, id DESC LIMIT ?", this::campaign, after.at(), after.uuid(),
                    page.fetch());
            return page.page(rows, c -> new Cursor(c.createdAt(), c.id().toString()).encode());
        });
    }

    /** A move asked for by a client; the campaign with its progress after it. */
    public CampaignView act(UUID id, Action action, String who) {
        return jdbc.transaction(connection -> {
            CampaignView campaign = view(connection, id, true);
            State to = action.from(campaign.state());
            Instant now = Timestamps.now();
            switch (action) {
                case START -> start(connection, campaign, now);
                case CANCEL -> {
                    int stopped = Jdbc.update(connection, "UPDATE campaign_contact SET state = ?, "
                                    + "next_attempt_at = NULL, updated_at = ? WHERE campaign_id = ? AND state IN ("
                                    + ContactState.WAITING_SQL + ")", ContactState.CANCELLED.name(), now, id);
                    Jdbc.update(connection, "UPDATE campaign SET ended_at = ? WHERE id = ?", now, id);
                    LOG.infof("campaign %s: %d waiting contact(s) cancelled", id, stopped);
                }
                case PAUSE, RESUME -> {
                    // Only the state changes: the dialer reads it before every lease.
                }
            }
            Jdbc.update(connection, "UPDATE campaign SET state = ?, updated_at = ? WHERE id = ?", to.name(), now, id);
            LOG.infof("campaign %s: %s -> %s by %s", id, campaign.state(), to, who);
            return view(connection, id, false);
        });
    }

    /** Contacts from a CSV or NDJSON upload, stored in one transaction: a refused upload stores nothing. */
    public ImportResult importContacts(UUID id, String mediaType, InputStream body, String who) {
        return jdbc.transaction(connection -> {
            // FOR SHARE: uploads to one campaign run side by side; a start or cancel waits for them to finish.
            State state = lockedState(connection, id, "FOR SHARE");
            if (!State.OPEN.contains(state)) {
                throw ProblemException.conflict("campaign-state", "a " + state + " campaign takes no contacts");
            }
            long started = System.nanoTime();
            ImportResult result;
            try (Upload upload = new Upload(rows -> storeContacts(connection, id, rows))) {
                if (mediaType.equals(UploadReader.NDJSON)) {
                    reader.ndjson(body, List.of(UploadReader.NUMBER, "variables"), reader::contactVariables, upload);
                } else {
                    reader.csv(body, reader.contactVariables(), upload);
                }
                result = upload.finish();
            }
            LOG.infof("campaign %s: upload by %s, %d accepted (%d suppressed), %d duplicates, %d rejected in %d ms",
                    id, who, result.accepted(), result.suppressed(), result.duplicates(), result.rejected(),
                    (System.nanoTime() - started) / 1_000_000);
            return result;
        });
    }

    public Page<ContactView> contacts(UUID id, Set<ContactState> states, PageRequest<Long> page) {
        return jdbc.transaction(connection -> {
            lockedState(connection, id, "");
            String select = "SELECT id, number, variables, state, attempts, next_attempt_at, last_outcome, "
                    + "last_error, last_call_id, line, updated_at FROM campaign_contact WHERE campaign_id = ? AND id > ? ";
            List<ContactView> rows = states.isEmpty()
                    ? Jdbc.query(connection, select + "ORDER BY id LIMIT ?", this::contact, id, page.after(),
                    page.fetch())
                    : Jdbc.query(connection, select + "AND state = ANY (?) ORDER BY id LIMIT ?", this::contact, id,
                    page.after(), names(states), page.fetch());
            return page.page(rows, c -> String.valueOf(c.id()));
        });
    }

    /** Every contact with how it went, streamed in upload order; a 404 problem before any byte when no campaign. */
    public Export export(UUID id, ExportFormat format, String who) {
        jdbc.transaction(connection -> lockedState(connection, id, ""));
        return new Export(QueryExport.stream(dataSource, EXPORT_SQL, (connection, statement) -> statement.setObject(1, id),
                this::result, EXPORT_COLUMNS, json, format, "campaign " + id + " for " + who),
                format, "campaign-" + id);
    }

    private void start(Connection connection, CampaignView campaign, Instant now) throws SQLException {
        if (Jdbc.query(connection, "SELECT 1 FROM campaign_contact WHERE campaign_id = ? AND state = ? LIMIT 1",
                rows -> 1, campaign.id(), ContactState.PENDING.name()).isEmpty()) {
            throw ProblemException.conflict("campaign-empty", "campaign " + campaign.id() + " has no PENDING "
                    + "contact; upload contacts first (POST /v1/campaigns/" + campaign.id() + "/contacts)");
        }
        // FOR SHARE: the flow cannot be unpublished or deleted between this read and the commit.
        List<Object[]> revision = Jdbc.query(connection, "SELECT r.id, r.version FROM flow f JOIN flow_revision r "
                        + "ON r.flow_id = f.id AND r.version = f.active_version "
                        + "WHERE f.id = ? AND f.deleted_at IS NULL FOR SHARE OF f",
                rows -> new Object[] {rows.getObject(1, UUID.class), rows.getInt(2)}, campaign.flowId());
        if (revision.isEmpty()) {
            throw ProblemException.conflict("flow-not-published", "flow " + campaign.flowId() + " has no published "
                    + "revision (or was deleted); publish one, then start the campaign");
        }
        Jdbc.update(connection, "UPDATE campaign SET revision_id = ?, flow_version = ?, started_at = ? WHERE id = ?",
                revision.get(0)[0], revision.get(0)[1], now, campaign.id());
    }

    private Upload.Stored storeContacts(Connection connection, UUID campaign, List<Upload.Row> rows)
            throws SQLException {
        String[] numbers = new String[rows.size()];
        String[] variables = new String[rows.size()];
        Integer[] lines = new Integer[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            numbers[i] = rows.get(i).number();
            variables[i] = rows.get(i).value();
            lines[i] = (int) Math.min(Integer.MAX_VALUE, rows.get(i).line());
        }
        // In line order, so that of two rows with one number the first is kept; ON CONFLICT counts the rest.
        List<long[]> counted = Jdbc.query(connection, """
                WITH inserted AS (
                    INSERT INTO campaign_contact (campaign_id, number, variables, state, line, updated_at)
                    SELECT ?, u.number, u.variables::jsonb,
                           CASE WHEN EXISTS (SELECT FROM suppression s WHERE s.number = u.number) THEN ? ELSE ? END,
                           u.line, ?
                      FROM unnest(?::text[], ?::text[], ?::int[]) AS u (number, variables, line)
                     ORDER BY u.line
                    ON CONFLICT (campaign_id, number) DO NOTHING
                    RETURNING state)
                SELECT count(*), count(*) FILTER (WHERE state = ?) FROM inserted""",
                r -> new long[] {r.getLong(1), r.getLong(2)}, campaign, ContactState.SUPPRESSED.name(),
                ContactState.PENDING.name(), Timestamps.now(), numbers, variables, lines,
                ContactState.SUPPRESSED.name());
        return new Upload.Stored(counted.get(0)[0], counted.get(0)[1]);
    }

    private State lockedState(Connection connection, UUID id, String lock) throws SQLException {
        List<State> found = Jdbc.query(connection, "SELECT state FROM campaign WHERE id = ? " + lock,
                rows -> State.valueOf(rows.getString(1)), id);
        if (found.isEmpty()) {
            throw ProblemException.notFound("no campaign " + id);
        }
        return found.get(0);
    }

    private CampaignView view(Connection connection, UUID id, boolean forUpdate) throws SQLException {
        List<CampaignView> found = Jdbc.query(connection, "SELECT " + COLUMNS + " FROM campaign WHERE id = ?"
                + (forUpdate ? " FOR UPDATE" : ""), this::campaign, id);
        if (found.isEmpty()) {
            throw ProblemException.notFound("no campaign " + id);
        }
        if (forUpdate) {
            return found.get(0);
        }
        Map<ContactState, Long> states = new EnumMap<>(ContactState.class);
        for (ContactState state : ContactState.values()) {
            states.put(state, 0L);
        }
        long[] total = {0};
        Jdbc.query(connection, "SELECT state, count(*) FROM campaign_contact WHERE campaign_id = ? GROUP BY state",
                rows -> {
                    long count = rows.getLong(2);
                    states.put(ContactState.valueOf(rows.getString(1)), count);
                    total[0] += count;
                    return null;
                }, id);
        CampaignView campaign = found.get(0);
        return campaign.withProgress(progress(connection, campaign, states, total[0]));
    }

    /** The rate achieved, the estimated end and why it is held, around the counts of a campaign's contacts. */
    private Progress progress(Connection connection, CampaignView campaign, Map<ContactState, Long> states,
                              long total) throws SQLException {
        if (campaign.state() != State.RUNNING && campaign.state() != State.PAUSED) {
            return new Progress(states, total, null, null, null);
        }
        Instant now = Timestamps.now();
        long window = Math.max(1, Math.min(RATE_WINDOW_SECONDS,
                java.time.Duration.between(campaign.startedAt(), now).toSeconds()));
        // call_flow_created finds the calls of the last minute of this flow; created_by picks this campaign's.
        long started = Jdbc.query(connection, "SELECT count(*) FROM call WHERE flow_id = ? AND created_by = ? "
                        + "AND created_at > ?", rows -> rows.getLong(1), campaign.flowId(),
                Campaign.caller(campaign.id()), now.minusSeconds(window)).get(0);
        BigDecimal rate = BigDecimal.valueOf(started).divide(BigDecimal.valueOf(window), 1, RoundingMode.HALF_UP);
        if (campaign.state() != State.RUNNING) {
            return new Progress(states, total, rate, null, null);
        }
        List<CampaignDtos.Held> held = Jdbc.query(connection, "SELECT held_reason, held_since FROM campaign "
                        + "WHERE id = ? AND held_reason IS NOT NULL",
                rows -> new CampaignDtos.Held(Campaign.Held.valueOf(rows.getString(1)),
                        Jdbc.instant(rows, "held_since")), campaign.id());
        long waiting = ContactState.WAITING.stream().mapToLong(states::get).sum()
                + states.get(ContactState.DIALING);
        // The rate asked for until a few seconds have shown what the cluster achieves.
        double pace = rate.signum() > 0 && window >= 10 ? Math.min(rate.doubleValue(),
                campaign.callsPerSecond().doubleValue()) : campaign.callsPerSecond().doubleValue();
        CallingWindows windows = CallingWindows.parse(campaign.windows(), "/windows", new ArrayList<>());
        Instant end = windows.afterOpenTime(now, ZoneId.of(campaign.timezone()), waiting / pace, ESTIMATE_WINDOWS)
                .orElse(null);
        return new Progress(states, total, rate, end, held.isEmpty() ? null : held.get(0));
    }

    private CampaignView campaign(ResultSet rows) throws SQLException {
        return new CampaignView(rows.getObject("id", UUID.class), rows.getString("name"),
                rows.getObject("flow_id", UUID.class), (Integer) rows.getObject("flow_version"),
                rows.getString("from_number"), rows.getString("timezone"), read(rows.getString("windows"), WINDOWS),
                rows.getBigDecimal("calls_per_second").stripTrailingZeros(), rows.getInt("max_concurrent"),
                read(rows.getString("retry"), new TypeReference<RetryPolicy>() {
                }), rows.getInt("no_answer_after_seconds"), State.valueOf(rows.getString("state")),
                rows.getString("created_by"), Jdbc.instant(rows, "created_at"), Jdbc.instant(rows, "updated_at"),
                Jdbc.instant(rows, "started_at"), Jdbc.instant(rows, "ended_at"), null);
    }

    private ContactResult result(ResultSet rows) throws SQLException {
        UUID call = rows.getObject("last_call_id", UUID.class);
        String outcome = rows.getString("last_outcome");
        java.sql.Array nodes = rows.getArray("path");
        // Only a call someone answered went anywhere: one that rang out never ran its first turn.
        boolean answered = rows.getBoolean("answered") || "ANSWERED".equals(outcome) || "PLACED".equals(outcome);
        List<String> path = answered && nodes != null ? List.of((String[]) nodes.getArray()) : null;
        String collected = rows.getString("collected");
        return new ContactResult(rows.getLong("id"), rows.getString("number"),
                read(rows.getString("variables"), new TypeReference<com.fasterxml.jackson.databind.JsonNode>() {
                }), ContactState.valueOf(rows.getString("state")), rows.getInt("attempts"), outcome,
                rows.getString("last_error"), call, path, collected == null ? null
                : read(collected, new TypeReference<com.fasterxml.jackson.databind.JsonNode>() {
                }));
    }

    private ContactView contact(ResultSet rows) throws SQLException {
        return new ContactView(rows.getLong("id"), rows.getString("number"),
                read(rows.getString("variables"), new TypeReference<com.fasterxml.jackson.databind.JsonNode>() {
                }), ContactState.valueOf(rows.getString("state")), rows.getInt("attempts"),
                Jdbc.instant(rows, "next_attempt_at"), rows.getString("last_outcome"), rows.getString("last_error"),
                rows.getObject("last_call_id", UUID.class), (Integer) rows.getObject("line"),
                Jdbc.instant(rows, "updated_at"));
    }

    private static RetryPolicy retry(RetryPolicy retry, List<FieldError> errors) {
        if (retry == null) {
            return RetryPolicy.ONCE;
        }
        int attempts = range(errors, "/retry/maxAttempts", retry.maxAttempts(), 1, 10, null);
        int delay = range(errors, "/retry/delaySeconds", retry.delaySeconds(), 60, MAX_DELAY_SECONDS, null);
        Set<Campaign.RetryOn> on = EnumSet.noneOf(Campaign.RetryOn.class);
        List<String> asked = retry.on() == null ? List.of() : retry.on();
        for (int i = 0; i < asked.size(); i++) {
            try {
                if (!on.add(Campaign.RetryOn.valueOf(String.valueOf(asked.get(i))))) {
                    errors.add(new FieldError("/retry/on/" + i, asked.get(i) + " is listed twice"));
                }
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("/retry/on/" + i, "'" + asked.get(i) + "' is not one of "
                        + List.of(Campaign.RetryOn.values())));
            }
        }
        return new RetryPolicy(attempts, delay, on.stream().map(Enum::name).toList());
    }

    /** The value, or {@code absent} when it is null and has a default; an error at {@code pointer} otherwise. */
    private static int range(List<FieldError> errors, String pointer, Integer value, int min, int max,
                             Integer absent) {
        if (value == null && absent != null) {
            return absent;
        }
        if (value == null || value < min || value > max) {
            errors.add(new FieldError(pointer, (value == null ? "is required: " : "") + "must be between " + min
                    + " and " + max + (value == null ? "" : ", was " + value)));
            return min;
        }
        return value;
    }

    private static String[] names(Set<? extends Enum<?>> states) {
        return states.stream().map(Enum::name).toArray(String[]::new);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T> T read(String text, TypeReference<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
