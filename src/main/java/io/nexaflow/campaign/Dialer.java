package io.nexaflow.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nexaflow.call.Call;
import io.nexaflow.call.CallDtos.OriginateRequest;
import io.nexaflow.call.OriginateService;
import io.nexaflow.campaign.Attempts.Outcome;
import io.nexaflow.campaign.Campaign.ContactState;
import io.nexaflow.campaign.CampaignDtos.RetryPolicy;
import io.nexaflow.config.NexaflowConfig;
import io.nexaflow.problem.DatabaseUnavailable;
import io.nexaflow.problem.ProblemException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import io.nexaflow.telemetry.CallContext;
import io.nexaflow.telemetry.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Dials running campaigns, on every replica at once, with PostgreSQL as the only coordinator.
 *
 * <p>Every tick, for each RUNNING campaign whose calling window is open, one short transaction: lock the campaign
 * row (SKIP LOCKED: one replica at a time per campaign), count its contacts on the line against maxConcurrent,
 * lease due contacts (FOR UPDATE SKIP LOCKED; a suppressed number becomes SUPPRESSED instead), and take as many
 * call slots from the campaign's pacing clock ({@code paced_until}, moved on by n / callsPerSecond). The slots of
 * different replicas never overlap, so the rate holds for the cluster. Each leased contact is DIALING, its attempt
 * counted, before its originate is sent at its slot, with the Idempotency-Key
 * {@code campaign:<campaign>:<contact>:<attempt>}: a replica killed mid-dial leaves a DIALING contact whose lease
 * runs out, and the sweep settles it from the call that key placed — none (dial again), or UNKNOWN.
 *
 * <p>The sweep (every second) settles contacts on the line from their calls: Nexafone sends no call-ended event,
 * so a contact is answered when a gather callback came, NO_ANSWER when none came within noAnswerAfterSeconds, and
 * completes with its call. It also ends a RUNNING campaign with nothing left to dial or settle.
 */
@ApplicationScoped
public class Dialer {

    private static final Logger LOG = Logger.getLogger(Dialer.class);
    private static final AttributeKey<String> CAMPAIGN = AttributeKey.stringKey("nexaflow.campaign.id");
    private static final AttributeKey<Long> CONTACT = AttributeKey.longKey("nexaflow.campaign.contact");
    /** How far ahead a tick takes slots: a little over one tick, so the pace has no gaps between ticks. */
    private static final double AHEAD_SECONDS = 0.25;
    private static final int SWEEP_BATCH = 500;
    private static final String UNKNOWN_UNANSWERED = "Nexafone did not answer the originate in time and no "
            + "callback came within noAnswerAfterSeconds: the call may or may not have been placed";
    private static final String ACTIVE_SQL = "'" + ContactState.DIALING + "', '" + ContactState.IN_PROGRESS + "'";

    private final AgroalDataSource dataSource;
    private final Jdbc jdbc;
    private final OriginateService originate;
    private final ObjectMapper json;
    private final MeterRegistry meters;
    private final NexaflowConfig.Campaigns config;
    private final String replica = "dialer-" + UUID.randomUUID().toString().substring(0, 8);
    /** Campaigns this replica saw an originate deferred for, until one of its calls is placed again. */
    private final java.util.Set<UUID> deferred = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService timer;
    private ScheduledExecutorService ticker;
    private DialResults results;
    private ExecutorService dialing;

    private final Tracer tracer;

    /** Not traced (tests that start a second dialer). */
    public Dialer(AgroalDataSource dataSource, OriginateService originate, ObjectMapper json, MeterRegistry meters,
                  NexaflowConfig config) {
        this(dataSource, originate, json, meters, config, Tracing.OFF);
    }

    @Inject
    public Dialer(AgroalDataSource dataSource, OriginateService originate, ObjectMapper json, MeterRegistry meters,
                  NexaflowConfig config, Tracing tracing) {
        this(dataSource, originate, json, meters, config, tracing.tracer());
    }

    private Dialer(AgroalDataSource dataSource, OriginateService originate, ObjectMapper json, MeterRegistry meters,
                   NexaflowConfig config, Tracer tracer) {
        this.tracer = tracer;
        this.dataSource = dataSource;
        this.jdbc = new Jdbc(dataSource);
        this.originate = originate;
        this.json = json;
        this.meters = meters;
        this.config = config.campaigns();
    }

    void start(@Observes StartupEvent startup) {
        timer = Executors.newSingleThreadScheduledExecutor(named("campaign-dialer-timer"));
        // Originates block on Nexafone's answer (up to its read timeout): a bounded pool of their own.
        dialing = Executors.newFixedThreadPool(config.dialThreads(), named("campaign-dialer"));
        results = new DialResults(dataSource, this::outcome);
        if (config.enabled()) {
            // Its own thread, not @Scheduled: Quarkus' scheduler fires at most once a second, which held every
            // campaign to the slots one tick takes (25 a second at 100 calls/s), and a tick's transactions must
            // not delay the timer that sends the slots it took.
            ticker = Executors.newSingleThreadScheduledExecutor(named("campaign-dialer-tick"));
            ticker.scheduleWithFixedDelay(this::tick, config.tick().toMillis(), config.tick().toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Slots not yet reached are dropped (their contacts stay DIALING until the lease runs out, then the sweep of
     * any replica finds no call under their key and dials them again); originates under way get a few seconds.
     */
    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        if (timer != null) {
            timer.shutdownNow();
            dialing.shutdown();
            if (!dialing.awaitTermination(5, TimeUnit.SECONDS)) {
                dialing.shutdownNow();
            }
            results.close();
        }
    }

    /** A RUNNING campaign, as the dialer needs it. */
    record Running(UUID id, BigDecimal callsPerSecond, int maxConcurrent, ZoneId zone, CallingWindows windows,
                   String from, UUID flowId, int flowVersion, RetryPolicy retry, int noAnswerSeconds) {
    }

    /** A contact leased for one attempt. */
    record Leased(UUID campaign, long id, String number, JsonNode variables, int attempt) {
        String idempotencyKey() {
            return "campaign:" + campaign + ":" + id + ":" + attempt;
        }
    }

    void tick() {
        if (timer == null) {
            return;
        }
        try {
            for (Running campaign : running()) {
                lease(campaign);
            }
        } catch (RuntimeException e) {
            LOG.warnf("campaign dialer: tick failed, next one retries: %s", e.getMessage());
        }
    }

    @Scheduled(every = "${nexaflow.campaigns.sweep:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Disabled.class)
    void sweep() {
        try {
            settleOnTheLine();
            settleExpiredDials();
            completeFinished();
        } catch (RuntimeException e) {
            LOG.warnf("campaign dialer: sweep failed, next one retries: %s", e.getMessage());
        }
    }

    /** Off with {@code nexaflow.campaigns.enabled=false} (a replica that must not dial). */
    public static class Disabled implements Scheduled.SkipPredicate {
        @Override
        public boolean test(io.quarkus.scheduler.ScheduledExecution execution) {
            return !org.eclipse.microprofile.config.ConfigProvider.getConfig()
                    .getOptionalValue("nexaflow.campaigns.enabled", Boolean.class).orElse(true);
        }
    }

    List<Running> running() {
        return jdbc.transaction(connection -> Jdbc.query(connection, "SELECT id, calls_per_second, max_concurrent, "
                + "timezone, windows::text AS windows, from_number, flow_id, flow_version, retry::text AS retry, "
                + "no_answer_after_seconds FROM campaign WHERE state = 'RUNNING'", rows -> {
                    List<io.nexaflow.problem.Problem.FieldError> ignored = new ArrayList<>();
                    CallingWindows windows = CallingWindows.parse(read(rows.getString("windows"),
                            json.getTypeFactory().constructCollectionType(List.class, CallingWindows.Spec.class)),
                            "/windows", ignored);
                    return new Running(rows.getObject("id", UUID.class), rows.getBigDecimal("calls_per_second"),
                            rows.getInt("max_concurrent"), ZoneId.of(rows.getString("timezone")), windows,
                            rows.getString("from_number"), rows.getObject("flow_id", UUID.class),
                            rows.getInt("flow_version"), read(rows.getString("retry")),
                            rows.getInt("no_answer_after_seconds"));
                }));
    }

    private void lease(Running campaign) {
        Instant now = Instant.now();
        if (!campaign.windows().isOpen(now, campaign.zone())) {
            held(campaign, Campaign.Held.WINDOW);
            jdbc.transaction(connection -> recordHeld(connection, campaign, Campaign.Held.WINDOW));
            return;
        }
        double rate = campaign.callsPerSecond().doubleValue();
        record Taken(List<Leased> dial, double firstSlotSeconds) {
        }
        Taken taken = jdbc.transaction(connection -> {
            // One replica at a time per campaign: the others skip it this tick.
            if (Jdbc.query(connection, "SELECT 1 FROM campaign WHERE id = ? AND state = 'RUNNING' "
                    + "AND COALESCE(paced_until, now()) <= now() + interval '200 milliseconds' "
                    + "FOR UPDATE SKIP LOCKED", rows -> 1, campaign.id()).isEmpty()) {
                return null;
            }
            int active = Jdbc.query(connection, "SELECT count(*) FROM campaign_contact WHERE campaign_id = ? "
                    + "AND state IN (" + ACTIVE_SQL + ")", rows -> rows.getInt(1), campaign.id()).get(0);
            int room = campaign.maxConcurrent() - active;
            if (room <= 0) {
                held(campaign, Campaign.Held.CONCURRENCY);
                recordHeld(connection, campaign, Campaign.Held.CONCURRENCY);
                return null;
            }
            int want = Math.min(room, Math.max(1, (int) Math.ceil(rate * AHEAD_SECONDS)));
            List<Leased> leased = leaseContacts(connection, campaign, want);
            List<Leased> dial = leased.stream().filter(c -> c.attempt() > 0).toList();
            if (dial.isEmpty()) {
                return new Taken(List.of(), 0);
            }
            // Dialling again: no longer held, except by Nexafone, which only a placed call shows is over.
            double ahead = Jdbc.query(connection, "UPDATE campaign SET paced_until = GREATEST(COALESCE(paced_until, "
                    + "now()), now()) + (? / calls_per_second) * interval '1 second', "
                    + "held_reason = CASE WHEN held_reason = 'NEXAFONE' THEN held_reason END, "
                    + "held_since = CASE WHEN held_reason = 'NEXAFONE' THEN held_since END WHERE id = ? "
                    + "RETURNING extract(epoch FROM paced_until - now())", rows -> rows.getDouble(1),
                    (double) dial.size(), campaign.id()).get(0);
            return new Taken(dial, ahead - dial.size() / rate);
        });
        if (taken == null) {
            return;
        }
        for (int i = 0; i < taken.dial().size(); i++) {
            Leased contact = taken.dial().get(i);
            long delayMs = Math.max(0, Math.round((taken.firstSlotSeconds() + i / rate) * 1000));
            timer.schedule(() -> dialing.execute(() -> dial(campaign, contact)), delayMs, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Up to {@code limit} due contacts: DIALING with their attempt counted, or SUPPRESSED (returned with attempt 0)
     * when their number was suppressed since the upload.
     */
    private List<Leased> leaseContacts(Connection connection, Running campaign, int limit) throws SQLException {
        return Jdbc.query(connection, """
                WITH due AS (
                    SELECT campaign_id, id FROM campaign_contact
                     WHERE campaign_id = ? AND state IN (%s)
                       AND (next_attempt_at IS NULL OR next_attempt_at <= now())
                     ORDER BY next_attempt_at NULLS FIRST, id LIMIT ? FOR UPDATE SKIP LOCKED
                ), leased AS (
                    UPDATE campaign_contact c
                       SET state = CASE WHEN EXISTS (SELECT 1 FROM suppression s WHERE s.number = c.number)
                                        THEN 'SUPPRESSED' ELSE 'DIALING' END,
                           attempts = c.attempts + CASE WHEN EXISTS (SELECT 1 FROM suppression s
                                                                      WHERE s.number = c.number) THEN 0 ELSE 1 END,
                           next_attempt_at = NULL, leased_by = ?,
                           leased_until = now() + ? * interval '1 second', updated_at = now()
                      FROM due
                     WHERE c.campaign_id = due.campaign_id AND c.id = due.id
                    RETURNING c.id, c.number, c.variables::text AS variables, c.attempts, c.state
                )
                SELECT * FROM leased ORDER BY id""".formatted(Campaign.ContactState.WAITING_SQL),
                rows -> new Leased(campaign.id(), rows.getLong("id"), rows.getString("number"),
                        tree(rows.getString("variables")),
                        ContactState.DIALING.name().equals(rows.getString("state")) ? rows.getInt("attempts") : 0),
                campaign.id(), limit, replica, config.dialLease().toSeconds());
    }

    /**
     * One attempt: the originate, then what it says about the contact. A {@code campaign.dial} span of its own
     * (the originate's is its child); the log lines of the attempt name the campaign, and the call once placed.
     */
    void dial(Running campaign, Leased contact) {
        Span span = tracer.spanBuilder("campaign.dial").setParent(Context.root())
                .setAttribute(CAMPAIGN, campaign.id().toString()).setAttribute(CONTACT, contact.id()).startSpan();
        try (Scope current = span.makeCurrent(); CallContext logged = CallContext.of(null, null, span)) {
            attempt(campaign, contact);
        } finally {
            span.end();
        }
    }

    private void attempt(Running campaign, Leased contact) {
        OriginateRequest request = new OriginateRequest(campaign.from(), contact.number(), campaign.flowId(),
                campaign.flowVersion(), null, null, null, null, null,
                contact.variables() == null || contact.variables().isEmpty() ? null : contact.variables());
        try {
            OriginateService.Originated placed = originate.originate(request, contact.idempotencyKey(),
                    Campaign.caller(campaign.id()));
            Call call = placed.call();
            CallContext.tag(Span.current(), call.id, call.platformCallId);
            CallContext.enter(call.id, call.platformCallId);
            if (deferred.remove(campaign.id())) {
                unheld(campaign);
            }
            // A call that already ended is settled with the others in the batch, ANSWERED or PLACED by whether a
            // gather callback came (a caller may have been quicker than the originate's answer).
            results.add(new DialResults.Result(campaign.id(), contact.id(), call.id, campaign.noAnswerSeconds(),
                    call.status == Call.Status.COMPLETED));
            attempts(campaign, "placed");
        } catch (ProblemException e) {
            int status = e.problem().status();
            if (status == 503) {
                // The database or Nexafone's configuration, not the contact: the attempt was not made.
                release(contact, e.problem().detail());
                attempts(campaign, "deferred");
                held(campaign, Campaign.Held.NEXAFONE);
                if (deferred.add(campaign.id())) {
                    jdbc.transaction(connection -> recordHeld(connection, campaign, Campaign.Held.NEXAFONE));
                }
                return;
            }
            UUID call = callOf(e);
            CallContext.tag(Span.current(), call, null);
            CallContext.enter(call, null);
            if (status == 504 && call != null) {
                // Nexafone may have placed it after all: a gather callback within noAnswerAfterSeconds proves it
                // was answered, and only then is it not dialled again. The sweep settles it either way.
                onTheLine(campaign, contact, call, e.problem().detail());
                attempts(campaign, "unknown");
                return;
            }
            Outcome outcome = status == 504 ? Outcome.UNKNOWN : Outcome.FAILED;
            settle(campaign, contact.id(), contact.attempt(), outcome, e.problem().detail(), call);
            attempts(campaign, outcome.name().toLowerCase(Locale.ROOT));
        } catch (RuntimeException e) {
            if (DatabaseUnavailable.causes(e)) {
                // Its lease runs out and the sweep settles it from what the Idempotency-Key placed.
                LOG.warnf("campaign %s: contact %d not recorded, the database is away: %s", campaign.id(),
                        contact.id(), e.getMessage());
                return;
            }
            LOG.errorf(e, "campaign %s: contact %d failed", campaign.id(), contact.id());
            settle(campaign, contact.id(), contact.attempt(), Outcome.FAILED, "nexaflow failed to originate", null);
            attempts(campaign, "failed");
        }
    }

    /** The attempt was not made: the contact waits for its next slot, its attempt not counted. */
    private void release(Leased contact, String why) {
        jdbc.transaction(connection -> Jdbc.update(connection, "UPDATE campaign_contact SET state = 'PENDING', "
                + "attempts = attempts - 1, next_attempt_at = now() + interval '5 seconds', leased_until = NULL, "
                + "leased_by = NULL, last_error = ?, updated_at = now() WHERE campaign_id = ? AND id = ? "
                + "AND state = 'DIALING'", why, contact.campaign(), contact.id()));
    }

    /** A call whose fate the originate did not tell: on the line until its callback or noAnswerAfterSeconds. */
    private void onTheLine(Running campaign, Leased contact, UUID call, String why) {
        jdbc.transaction(connection -> Jdbc.update(connection, "UPDATE campaign_contact SET state = 'IN_PROGRESS', "
                + "last_call_id = ?, leased_until = now() + ? * interval '1 second', last_error = ?, "
                + "updated_at = now() WHERE campaign_id = ? AND id = ? AND state = 'DIALING'", call,
                campaign.noAnswerSeconds(), why, contact.campaign(), contact.id()));
    }

    private void settle(Running campaign, long contact, int attempt, Outcome outcome, String error, UUID call) {
        Attempts.Next next = Attempts.after(outcome, attempt, campaign.retry(), Instant.now());
        jdbc.transaction(connection -> Jdbc.update(connection, "UPDATE campaign_contact SET last_call_id = "
                + "COALESCE(?, last_call_id) WHERE campaign_id = ? AND id = ?", call, campaign.id(), contact)
                + settle(connection, campaign.id(), contact, outcome, next, error));
    }

    /** The call an originate problem names (its instance is /v1/calls/{id}), when it got that far. */
    private static UUID callOf(ProblemException e) {
        String instance = e.problem().instance();
        if (instance != null && instance.startsWith("/v1/calls/")) {
            try {
                return UUID.fromString(instance.substring("/v1/calls/".length()));
            } catch (IllegalArgumentException ignored) {
                return null;
            }
        }
        return null;
    }

    private int settle(Connection connection, UUID campaign, long contact, Outcome outcome, Attempts.Next next,
                       String error) throws SQLException {
        outcome(campaign, outcome);
        return Jdbc.update(connection, "UPDATE campaign_contact SET state = ?, next_attempt_at = ?, last_outcome = ?, "
                        + "last_error = ?, leased_until = NULL, leased_by = NULL, updated_at = now() "
                        + "WHERE campaign_id = ? AND id = ?", next.state().name(), next.dialAt(), outcome.name(),
                error, campaign, contact);
    }

    /** Contacts on the line whose call ended, or whose time to be answered ran out. */
    void settleOnTheLine() {
        jdbc.transaction(connection -> {
            Instant now = Instant.now();
            for (var row : Jdbc.query(connection, """
                    SELECT cc.campaign_id, cc.id, cc.attempts, c.status, camp.retry::text AS retry,
                           cc.leased_until < now() AS due,
                           EXISTS (SELECT 1 FROM call_event e WHERE e.call_id = c.id AND e.type = 'DTMF') AS answered
                      FROM campaign_contact cc
                      JOIN call c ON c.id = cc.last_call_id
                      JOIN campaign camp ON camp.id = cc.campaign_id
                     WHERE cc.state = 'IN_PROGRESS'
                       AND (cc.leased_until < now() OR c.status IN ('COMPLETED', 'FAILED'))
                     ORDER BY cc.leased_until LIMIT ? FOR UPDATE OF cc SKIP LOCKED""", rows -> new Object[] {
                    rows.getObject("campaign_id", UUID.class), rows.getLong("id"), rows.getInt("attempts"),
                    Call.Status.valueOf(rows.getString("status")), rows.getString("retry"),
                    rows.getBoolean("due"), rows.getBoolean("answered")}, SWEEP_BATCH)) {
                UUID campaign = (UUID) row[0];
                long contact = (Long) row[1];
                Call.Status status = (Call.Status) row[3];
                boolean answered = (Boolean) row[6];
                boolean ended = Call.Status.FINAL.contains(status);
                Outcome outcome;
                if (answered) {
                    if (!ended) {
                        // Someone is in the flow: look again in a while.
                        Jdbc.update(connection, "UPDATE campaign_contact SET leased_until = now() + interval "
                                + "'30 seconds' WHERE campaign_id = ? AND id = ?", campaign, contact);
                        continue;
                    }
                    outcome = Outcome.ANSWERED;
                } else if (status == Call.Status.FAILED) {
                    outcome = Outcome.FAILED;
                } else if (status == Call.Status.UNKNOWN) {
                    outcome = Outcome.UNKNOWN;
                } else if (status == Call.Status.COMPLETED) {
                    outcome = Outcome.PLACED;
                } else {
                    outcome = Outcome.NO_ANSWER;
                }
                RetryPolicy retry = read((String) row[4]);
                settle(connection, campaign, contact, outcome, Attempts.after(outcome, (Integer) row[2], retry, now),
                        outcome == Outcome.UNKNOWN ? UNKNOWN_UNANSWERED : null);
            }
            return null;
        });
    }

    /** DIALING contacts whose replica died (or hung) mid-dial: settled from the call their key placed, if any. */
    void settleExpiredDials() {
        jdbc.transaction(connection -> {
            Instant now = Instant.now();
            for (var row : Jdbc.query(connection, """
                    SELECT cc.campaign_id, cc.id, cc.attempts, c.id AS call_id, c.status, camp.retry::text AS retry
                      FROM campaign_contact cc
                      JOIN campaign camp ON camp.id = cc.campaign_id
                      LEFT JOIN call c ON c.idempotency_key = 'campaign:' || cc.campaign_id || ':' || cc.id || ':'
                                                              || cc.attempts
                     WHERE cc.state = 'DIALING' AND cc.leased_until < now()
                     LIMIT ? FOR UPDATE OF cc SKIP LOCKED""", rows -> new Object[] {
                    rows.getObject("campaign_id", UUID.class), rows.getLong("id"), rows.getInt("attempts"),
                    rows.getObject("call_id", UUID.class), rows.getString("status"), rows.getString("retry")},
                    SWEEP_BATCH)) {
                UUID campaign = (UUID) row[0];
                long contact = (Long) row[1];
                UUID call = (UUID) row[3];
                if (call == null) {
                    // Never sent: dial it again, the attempt not counted.
                    Jdbc.update(connection, "UPDATE campaign_contact SET state = 'PENDING', attempts = attempts - 1, "
                            + "leased_until = NULL, leased_by = NULL, updated_at = now() WHERE campaign_id = ? "
                            + "AND id = ?", campaign, contact);
                    continue;
                }
                Call.Status status = Call.Status.valueOf((String) row[4]);
                if (status == Call.Status.QUEUED || status == Call.Status.ORIGINATING || status == Call.Status.UNKNOWN) {
                    Outcome outcome = Outcome.UNKNOWN;
                    settle(connection, campaign, contact, outcome,
                            Attempts.after(outcome, (Integer) row[2], read((String) row[5]), now),
                            "the dialer stopped while originating; the call may or may not have been placed");
                } else {
                    // The call went out: the sweep of contacts on the line settles it.
                    Jdbc.update(connection, "UPDATE campaign_contact SET state = 'IN_PROGRESS', last_call_id = ?, "
                            + "leased_until = now(), updated_at = now() WHERE campaign_id = ? AND id = ?", call,
                            campaign, contact);
                }
            }
            return null;
        });
    }

    /** A RUNNING campaign with nothing left to dial or settle is COMPLETED. */
    void completeFinished() {
        jdbc.transaction(connection -> {
            for (UUID done : Jdbc.query(connection, """
                    UPDATE campaign c SET state = 'COMPLETED', ended_at = now(), updated_at = now()
                     WHERE state = 'RUNNING'
                       AND NOT EXISTS (SELECT 1 FROM campaign_contact cc WHERE cc.campaign_id = c.id
                                          AND cc.state IN (%s, %s))
                    RETURNING id""".formatted(Campaign.ContactState.WAITING_SQL, ACTIVE_SQL),
                    rows -> rows.getObject("id", UUID.class))) {
                LOG.infof("campaign %s completed: every contact is in a final state", done);
            }
            return null;
        });
    }

    private RetryPolicy read(String retry) {
        return read(retry, json.getTypeFactory().constructType(RetryPolicy.class));
    }

    /** The campaign's own JSON columns, written by CampaignService: unreadable means a bug, not bad input. */
    private <T> T read(String text, com.fasterxml.jackson.databind.JavaType type) {
        try {
            return json.readValue(text, type);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable campaign column: " + e.getMessage(), e);
        }
    }

    private JsonNode tree(String text) {
        try {
            return json.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable contact variables: " + e.getMessage(), e);
        }
    }

    /** Counts a tick (or an originate) that could not dial, by reason. */
    private void held(Running campaign, Campaign.Held reason) {
        Counter.builder("nexaflow.campaign.held").description("Dialer ticks a campaign could not dial, by reason")
                .tag("campaign", campaign.id().toString()).tag("reason", reason.name().toLowerCase(Locale.ROOT))
                .register(meters).increment();
    }

    /**
     * Records the reason on the campaign for readers of its progress. The UPDATE writes only when the reason
     * changes, so a campaign waiting for its window costs an index lookup per tick.
     */
    private static int recordHeld(Connection connection, Running campaign, Campaign.Held reason) throws SQLException {
        return Jdbc.update(connection, "UPDATE campaign SET held_reason = ?, held_since = now() WHERE id = ? "
                + "AND held_reason IS DISTINCT FROM ?", reason.name(), campaign.id(), reason.name());
    }

    private void unheld(Running campaign) {
        jdbc.transaction(connection -> Jdbc.update(connection, "UPDATE campaign SET held_reason = NULL, "
                + "held_since = NULL WHERE id = ? AND held_reason = 'NEXAFONE'", campaign.id()));
    }

    private void attempts(Running campaign, String outcome) {
        Counter.builder("nexaflow.campaign.originates").description("Campaign originates, by outcome")
                .tag("campaign", campaign.id().toString()).tag("outcome", outcome).register(meters).increment();
    }

    /** How attempts ended, by campaign: the rate of each outcome is what a dashboard plots. */
    private void outcome(UUID campaign, Outcome outcome) {
        Counter.builder("nexaflow.campaign.outcomes").description("Campaign attempts settled, by outcome")
                .tag("campaign", campaign.toString()).tag("outcome", outcome.name()).register(meters).increment();
    }

    private static ThreadFactory named(String name) {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
