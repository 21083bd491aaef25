package io.nexaflow.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.nexaflow.support.TestDatabase;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14's campaign at full size: 10,000 contacts dialled by two packaged-jar instances sharing one database, at
 * the maximum pace, through the sandbox of instance A (time factor 0.01). Instance B is killed with SIGKILL in the
 * middle of its slots once 3,000 originates went out; A must finish the campaign alone. Both instances reach the sandbox through a tap in
 * this test that records every originate as the platform received it, so "never dialled twice" is checked on the
 * wire, not only in nexaflow's own tables.
 *
 * <p>The design (campaign.Dialer) promises: one call row per counted attempt, under the Idempotency-Key
 * {@code campaign:<campaign>:<contact>:<attempt>}; at most one originate per call; a contact a dead replica was
 * dialling is settled from the call its key placed (none: dialled again under the same attempt; one stuck
 * originating: UNKNOWN, whose originate may or may not have reached the platform). Busy and unanswered numbers
 * send no callback, so they are NO_ANSWER; numbers the platform refuses are FAILED.
 */
class CampaignDialerIT {

    private static final String ADMIN_KEY = "it-admin-key";
    private static final String ACCOUNT = "it-account";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CONTACTS = 10_000;
    private static final int BUSY = 100;
    private static final int NO_ANSWER = 100;
    private static final int FAILS = 100;
    /** Suppressed before the upload (the upload stores them SUPPRESSED) and after it (the dialer's lease does). */
    private static final int SUPPRESSED_BEFORE = 50;
    private static final int SUPPRESSED_AFTER = 50;
    /**
     * The special numbers sit among the first contacts: retries go after every fresh contact, and these are due
     * (60 s after their first attempt) by the time the first pass ends, so they do not stretch the run.
     */
    private static final int SPECIAL_AMONG_FIRST = 2_000;
    private static final int MAX_ATTEMPTS = 2;
    private static final int KILL_AFTER_ORIGINATES = 3_000;
    /**
     * A hang detector, not a speed check (the pace is printed): the campaign takes ~2 minutes on an idle 2-core
     * machine, and a loaded CI machine may dial at a third of that pace.
     */
    private static final Duration FINISH_WITHIN = Duration.ofMinutes(8);
    private static final String REFUSED = """
            {"message": "The platform cannot place this call",
             "errors": [{"pointer": "/to", "message": "the platform cannot place calls to this number"}]}""";

    /** What the test made each number do. */
    enum Role { ANSWERS, BUSY, NO_ANSWER, FAILS, SUPPRESSED }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void twoInstancesShareTheCampaignAndTheSurvivorOfASigkillFinishesItWithoutADoubleDial() throws Exception {
        String database = "nexaflow_it_campaign_" + ProcessHandle.current().pid() + "_" + System.currentTimeMillis();
        execute(TestDatabase.url(), "CREATE DATABASE " + database);
        String url = TestDatabase.url().replaceFirst("^(jdbc:postgresql://[^/]+/)[^?]*", "$1" + database);
        Path journals = Files.createTempDirectory("nexaflow-campaign-it");
        Files.createDirectories(journals.resolve("a"));
        Files.createDirectories(journals.resolve("b"));
        PackagedApp a = null;
        PackagedApp b = null;
        try (PlatformTap platform = new PlatformTap()) {
            // A hosts the sandbox (and gets more heap for its calls); both place calls through the tap in front of it.
            a = PackagedApp.start(List.of("-XX:+UseSerialGC", "-Xmx256m"), env(url, journals.resolve("a"), platform));
            b = PackagedApp.start(env(url, journals.resolve("b"), platform));
            platform.forwardTo(a.url("/sandbox"));
            a.awaitReady(Duration.ofSeconds(120));
            b.awaitReady(Duration.ofSeconds(120));

            long seed = System.nanoTime();
            System.out.println("numbers placed with seed " + seed);
            Map<String, Role> numbers = numbers(new Random(seed));
            for (Map.Entry<String, Role> number : numbers.entrySet()) {
                String outcome = switch (number.getValue()) {
                    case BUSY -> "busy";
                    case NO_ANSWER -> "no-answer";
                    case FAILS -> "fail";
                    default -> null;
                };
                if (outcome != null) {
                    send(a, "POST", "/sandbox/numbers", "application/json",
                            JSON.createObjectNode().put("number", number.getKey()).put("outcome", outcome).toString(), 200);
                }
            }
            List<String> suppressed = numbers.entrySet().stream().filter(e -> e.getValue() == Role.SUPPRESSED)
                    .map(Map.Entry::getKey).toList();
            send(a, "POST", "/v1/suppressions", "text/csv",
                    "number\n" + String.join("\n", suppressed.subList(0, SUPPRESSED_BEFORE)) + "\n", 200);

            String campaign = createCampaign(a, publishFlow(a));
            JsonNode imported = JSON.readTree(send(a, "POST", "/v1/campaigns/" + campaign + "/contacts", "text/csv",
                    "number\n" + String.join("\n", numbers.keySet()) + "\n", 200));
            assertThat(imported).isEqualTo(JSON.readTree("{\"accepted\": " + CONTACTS + ", \"suppressed\": "
                    + SUPPRESSED_BEFORE + ", \"duplicates\": 0, \"rejected\": 0, \"errors\": []}"));
            for (String number : suppressed.subList(SUPPRESSED_BEFORE, suppressed.size())) {
                send(a, "POST", "/v1/suppressions", "application/json",
                        JSON.createObjectNode().put("number", number).put("reason", "opted out mid-way").toString(), 200);
            }

            long started = System.nanoTime();
            send(a, "POST", "/v1/campaigns/" + campaign + "/start", "application/json", "", 200);
            awaitDialling(platform, KILL_AFTER_ORIGINATES, b.port, started, a, campaign);
            b.kill();
            long killedAt = System.nanoTime();
            System.out.printf("SIGKILL of instance B (pid %d) after %d originates, %.1f s into the campaign%n",
                    b.pid(), platform.originates().size(), (killedAt - started) / 1e9);
            onTheLine(url, campaign);
            JsonNode finished = awaitCompleted(a, campaign, started);
            System.out.printf("campaign COMPLETED %.1f s after its start: %s%n", (System.nanoTime() - started) / 1e9,
                    finished.at("/progress/states"));

            List<Originate> wire = new ArrayList<>(platform.originates());
            List<Contact> contacts = contacts(url, campaign);
            Map<String, CallRow> calls = calls(url, campaign);
            report(wire, killedAt, a.port, b.port);
            assertTheDesignHeld(numbers, contacts, calls, wire, killedAt, a.port, b.port);
            assertThat(idempotencyKeysUsedTwice(url)).as("Idempotency-Keys with more than one call").isEmpty();
        } catch (AssertionError | RuntimeException failed) {
            diagnose(url, a, b);
            throw failed;
        } finally {
            for (PackagedApp app : new PackagedApp[] {b, a}) {
                if (app != null) {
                    app.close();
                }
            }
            execute(TestDatabase.url(), "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            try (var files = Files.walk(journals)) {
                files.sorted(Collections.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** Everything the dialer promises, contact by contact, against the database and the platform's own record. */
    private static void assertTheDesignHeld(Map<String, Role> numbers, List<Contact> contacts, Map<String, CallRow> calls,
                                            List<Originate> wire, long killedAt, int aPort, int bPort) throws IOException {
        JsonNode refused = JSON.readTree(REFUSED);
        Map<String, List<Originate>> wireByToken = wire.stream().collect(Collectors.groupingBy(Originate::token));
        assertThat(wire).as("originates the platform answered other than 200 (placed) or 400 (refused)")
                .allSatisfy(o -> assertThat(o.status()).isIn(200, 400));
        assertThat(wireByToken.keySet()).as("originates of calls this campaign never recorded")
                .isSubsetOf(calls.keySet());
        assertThat(wire).filteredOn(o -> o.port() == bPort).as("originates from B after its SIGKILL")
                .allSatisfy(o -> assertThat(o.at()).isLessThan(killedAt));

        Map<String, List<Originate>> wireByNumber = wire.stream().collect(Collectors.groupingBy(Originate::to));
        Map<Long, List<CallRow>> callsByContact = calls.values().stream()
                .collect(Collectors.groupingBy(CallRow::contact));
        Map<String, Long> states = new TreeMap<>();
        Map<String, Integer> seenOnTheWay = new TreeMap<>();
        for (Contact contact : contacts) {
            states.merge(contact.state(), 1L, Long::sum);
            Role role = numbers.get(contact.number());
            List<CallRow> placed = callsByContact.getOrDefault(contact.id(), List.of()).stream()
                    .sorted(Comparator.comparingInt(CallRow::attempt)).toList();
            String who = "contact " + contact + " (" + role + ") with calls " + placed;
            // One call per counted attempt, under attempts 1..n: no attempt was placed twice or skipped.
            assertThat(placed.stream().map(CallRow::attempt).toList()).as(who)
                    .isEqualTo(IntStream.rangeClosed(1, contact.attempts()).boxed().toList());
            int seen = 0;
            for (CallRow call : placed) {
                List<Originate> sent = wireByToken.getOrDefault(call.token(), List.of());
                assertThat(call.to()).as(who).isEqualTo(contact.number());
                assertThat(sent).as("originates of call " + call + " (" + who + ")").hasSizeLessThanOrEqualTo(1);
                if (call.stuckOriginating() && call.port() == bPort) {
                    // B died between committing the call and hearing the platform's answer: sent or not, unknown.
                    seenOnTheWay.merge("calls B left originating when killed", 1, Integer::sum);
                } else {
                    // A call whose answer could not be recorded (the pool timed out) was sent all the same.
                    assertThat(sent).as("originates of call " + call + " (" + who + ")").hasSize(1);
                    if (call.stuckOriginating()) {
                        seenOnTheWay.merge("calls A sent but could not record the answer of", 1, Integer::sum);
                    }
                }
                for (Originate originate : sent) {
                    if (role == Role.FAILS) {
                        assertThat(originate.status()).as(who).isEqualTo(400);
                        assertThat(JSON.readTree(originate.body())).as(who).isEqualTo(refused);
                    } else {
                        assertThat(originate.status()).as(who).isEqualTo(200);
                    }
                }
                seen += sent.size();
            }
            // What the platform got for this number, whatever call it belonged to: nothing beyond the calls above.
            assertThat(wireByNumber.getOrDefault(contact.number(), List.of())).as("originates to " + who).hasSize(seen);
            switch (role) {
                case SUPPRESSED -> {
                    assertThat(contact.state()).as(who).isEqualTo("SUPPRESSED");
                    assertThat(contact.attempts()).as(who).isZero();
                }
                case FAILS -> {
                    assertThat(contact.state()).as(who).isEqualTo("FAILED");
                    assertThat(contact.lastOutcome()).as(who).isEqualTo("FAILED");
                    assertThat(contact.attempts()).as(who).isEqualTo(MAX_ATTEMPTS);
                }
                case BUSY, NO_ANSWER -> {
                    // Nexafone sends no call-ended event: a busy line and an unanswered one both go without a callback.
                    assertThat(contact.state()).as(who).isEqualTo("NO_ANSWER");
                    assertThat(contact.lastOutcome()).as(who).isEqualTo("NO_ANSWER");
                    assertThat(contact.attempts()).as(who).isEqualTo(MAX_ATTEMPTS);
                }
                case ANSWERS -> {
                    assertThat(contact.state()).as(who).isEqualTo("COMPLETED");
                    assertThat(placed.get(placed.size() - 1).answered()).as("the last call answered: " + who).isTrue();
                    // PLACED means "the flow has no gather"; it shows where the callback beat the originate's answer.
                    assertThat(contact.lastOutcome()).as(who).isIn("ANSWERED", "PLACED");
                    if (contact.lastOutcome().equals("PLACED")) {
                        seenOnTheWay.merge("answered contacts recorded PLACED", 1, Integer::sum);
                    }
                    assertThat(contact.attempts()).as(who).isBetween(1, MAX_ATTEMPTS);
                    if (contact.attempts() > 1) {
                        // Someone who answers is dialled again only when nexaflow never learnt how the first call
                        // went: B was killed with it, or the platform's answer to its originate did not come in time.
                        CallRow first = placed.get(0);
                        assertThat(first.port() == bPort || first.fateUnknown())
                                .as("an answering number dialled again: " + who).isTrue();
                        seenOnTheWay.merge("answering numbers dialled again, first call " + (first.port() == bPort
                                ? "B's" : "A's with no answer in time") + (first.answered() ? ", answered" : ""),
                                1, Integer::sum);
                    }
                }
            }
        }
        System.out.println("contacts by state: " + states + "; " + seenOnTheWay);
        assertThat(states.keySet()).as("contact states").isSubsetOf("COMPLETED", "NO_ANSWER", "FAILED", "SUPPRESSED");
        assertThat(contacts).hasSize(CONTACTS);
        long fromB = wire.stream().filter(o -> o.port() == bPort).count();
        long fromA = wire.stream().filter(o -> o.port() == aPort).count();
        assertThat(fromA + fromB).as("originates whose callback names neither instance").isEqualTo(wire.size());
        assertThat(fromB).as("originates placed by B before its SIGKILL").isPositive();
        assertThat(wire.stream().filter(o -> o.port() == aPort && o.at() < killedAt).count())
                .as("originates placed by A while B was alive").isPositive();
    }

    /**
     * Contacts being dialled, by replica (a dialer's name and the port its calls name) and how far each got: what
     * the survivor has to settle once the dead replica's leases run out.
     */
    private static void onTheLine(String url, String campaign) throws SQLException {
        query(url, """
                SELECT cc.leased_by, substring(e.payload::text from '127\\.0\\.0\\.1:([0-9]+)/api'), cc.state,
                       COALESCE(c.status, 'no call yet'), count(*)
                  FROM campaign_contact cc
                  LEFT JOIN call c ON c.idempotency_key = 'campaign:' || cc.campaign_id || ':' || cc.id || ':' || cc.attempts
                  LEFT JOIN call_event e ON e.call_id = c.id AND e.type = 'ORIGINATE_REQUEST'
                 WHERE cc.campaign_id = '%s' AND cc.state IN ('DIALING', 'IN_PROGRESS')
                 GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4""".formatted(UUID.fromString(campaign)),
                rows -> System.out.printf("  on the line at the kill: %s (port %s) %s, call %s: %d%n", rows.getString(1),
                        rows.getString(2), rows.getString(3), rows.getString(4), rows.getLong(5)));
    }

    /** On a failure: where the contacts stand and why, and what the instances warned about (most frequent first). */
    private static void diagnose(String url, PackagedApp... apps) {
        try {
            query(url, "SELECT state, last_outcome, left(last_error, 160), count(*) FROM campaign_contact "
                    + "GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT 20", rows -> System.out.printf("contacts %s %s %s: %d%n",
                    rows.getString(1), rows.getString(2), rows.getString(3), rows.getLong(4)));
            query(url, "SELECT status, left(error, 160), count(*) FROM call GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 20",
                    rows -> System.out.printf("calls %s %s: %d%n", rows.getString(1), rows.getString(2), rows.getLong(3)));
            latencies(url);
            for (PackagedApp app : apps) {
                if (app == null) {
                    continue;
                }
                Map<String, Long> warnings = app.output().lines()
                        .filter(l -> l.contains("\"level\":\"WARN") || l.contains("\"level\":\"ERROR"))
                        .map(CampaignDialerIT::messageOf)
                        .collect(Collectors.groupingBy(m -> m.length() > 200 ? m.substring(0, 200) : m, Collectors.counting()));
                System.out.println("instance on port " + app.port + " warned:");
                warnings.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(15)
                        .forEach(w -> System.out.println("  " + w.getValue() + " × " + w.getKey()));
            }
        } catch (Exception e) {
            System.out.println("diagnosis failed: " + e);
        }
    }

    /** How long an answered contact spends on the line: originate to callback, callback to settled (ms). */
    private static void latencies(String url) throws SQLException {
        query(url, """
                SELECT percentile_cont(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM d.at - c.created_at)),
                       percentile_cont(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM cc.updated_at - d.at))
                  FROM campaign_contact cc JOIN call c ON c.id = cc.last_call_id
                  JOIN call_event d ON d.call_id = c.id AND d.type = 'DTMF'
                 WHERE cc.state = 'COMPLETED'""", rows -> System.out.printf(
                "answered contacts, p50/p90/p99 s: originate→callback %s, callback→settled %s%n",
                rows.getString(1), rows.getString(2)));
    }

    /** A JSON log line's message, ids and numbers blanked so that alike messages count together. */
    private static String messageOf(String line) {
        try {
            return JSON.readTree(line).path("message").asText().replaceAll("[0-9a-f-]{36}|\\d+", "#");
        } catch (IOException e) {
            return line;
        }
    }

    /** The originate rate on the wire: both instances until the kill, A alone after it. A measurement, not a bound. */
    private static void report(List<Originate> wire, long killedAt, int aPort, int bPort) {
        long first = wire.stream().mapToLong(Originate::at).min().orElseThrow();
        long last = wire.stream().mapToLong(Originate::at).max().orElseThrow();
        long before = wire.stream().filter(o -> o.at() < killedAt).count();
        long after = wire.size() - before;
        System.out.printf("originates on the wire: %d (A %d, B %d; refused 400: %d)%n", wire.size(),
                wire.stream().filter(o -> o.port() == aPort).count(), wire.stream().filter(o -> o.port() == bPort).count(),
                wire.stream().filter(o -> o.status() == 400).count());
        System.out.printf("achieved originates/s: %.1f overall (%d in %.1f s); %.1f with two instances; %.1f with A alone%n",
                wire.size() / ((last - first) / 1e9), wire.size(), (last - first) / 1e9,
                before / ((killedAt - first) / 1e9), after / Math.max(1e-9, (last - killedAt) / 1e9));
    }

    /**
     * 10,000 numbers in upload order, each with its role: the special ones at random places among the first
     * {@link #SPECIAL_AMONG_FIRST}.
     */
    private static Map<String, Role> numbers(Random random) {
        List<Integer> places = IntStream.range(0, SPECIAL_AMONG_FIRST).boxed().collect(Collectors.toList());
        Collections.shuffle(places, random);
        Map<Integer, Role> special = new HashMap<>();
        int next = 0;
        for (Object[] share : new Object[][] {{Role.BUSY, BUSY}, {Role.NO_ANSWER, NO_ANSWER}, {Role.FAILS, FAILS},
                {Role.SUPPRESSED, SUPPRESSED_BEFORE + SUPPRESSED_AFTER}}) {
            for (int i = 0; i < (Integer) share[1]; i++) {
                special.put(places.get(next++), (Role) share[0]);
            }
        }
        Map<String, Role> numbers = new LinkedHashMap<>();
        for (int i = 0; i < CONTACTS; i++) {
            numbers.put("+91987" + String.format("%07d", i), special.getOrDefault(i, Role.ANSWERS));
        }
        return numbers;
    }

    private static Map<String, String> env(String url, Path journal, PlatformTap platform) {
        Map<String, String> env = PackagedApp.serviceEnv(url, journal, ADMIN_KEY, platform.url(), ACCOUNT);
        // The sandbox calls back the instance that originated: each one's own address (an expression, as
        // PackagedApp picks the port).
        env.put("NEXAFLOW_PUBLIC_URL", "http://127.0.0.1:${quarkus.http.port}");
        env.put("NEXAFLOW_SANDBOX_ENABLED", "true");
        env.put("NEXAFLOW_SANDBOX_TIME_FACTOR", "0.01");
        // The person at every number presses 1 at the flow's gather.
        env.put("NEXAFLOW_SANDBOX_DEFAULT_SCRIPT", "1");
        // Room for every call ringing at 100/s, so the platform never answers 429 (which nexaflow retries).
        env.put("NEXAFLOW_SANDBOX_MAX_CALLS", "2000");
        env.put("QUARKUS_LOG_CATEGORY__IO_NEXAFLOW_SANDBOX__LEVEL", "WARN");
        // The dead replica's contacts are settled once their lease ends: shorter than the default 60 s, yet
        // longer than an originate may take (Nexafone's 10 s read timeout), so a live replica never loses one.
        env.put("NEXAFLOW_CAMPAIGNS_DIAL_LEASE", "15s");
        return env;
    }

    private String publishFlow(PackagedApp app) throws Exception {
        String body = """
                {"name": "campaign-it", "publish": true, "definition": {"start": "hi", "nodes": {
                  "hi":  {"type": "play", "audioUrl": "https://cdn.example.com/reminder.wav", "next": "ask"},
                  "ask": {"type": "gather", "audioUrl": "https://cdn.example.com/press-1.wav", "maxDigits": 1,
                          "routes": {"1": "bye"}, "default": "bye"},
                  "bye": {"type": "hangup"}}}}""";
        return JSON.readTree(send(app, "POST", "/v1/flows", "application/json", body, 201)).get("id").asText();
    }

    private String createCampaign(PackagedApp app, String flow) throws Exception {
        String body = """
                {"name": "ten thousand", "flowId": "%s", "from": "+911203135800", "timezone": "Asia/Kolkata",
                 "windows": [{"days": ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"], "start": "00:00", "end": "24:00"}],
                 "callsPerSecond": 100, "maxConcurrent": 200, "noAnswerAfterSeconds": 10,
                 "retry": {"maxAttempts": %d, "delaySeconds": 60, "on": ["FAILED", "UNKNOWN", "NO_ANSWER"]}}"""
                .formatted(flow, MAX_ATTEMPTS);
        return JSON.readTree(send(app, "POST", "/v1/campaigns", "application/json", body, 201)).get("id").asText();
    }

    /**
     * Returns once {@code count} originates went out and then one more came from {@code port}: that instance is
     * in the middle of its slots (a lease spreads them over a quarter second), with contacts leased and calls
     * under way, which is when a kill tests the lease and the sweep.
     */
    private void awaitDialling(PlatformTap platform, int count, int port, long started, PackagedApp app, String campaign)
            throws Exception {
        long deadline = started + FINISH_WITHIN.toNanos();
        long since = -1;
        while (since < 0 || platform.lastFrom(port) <= since) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(platform.originates().size() + " originates after " + FINISH_WITHIN
                        + ", none from port " + port + " since " + count + "; progress " + progress(app, campaign));
            }
            if (since < 0 && platform.originates().size() >= count) {
                since = System.nanoTime();
            }
            Thread.sleep(2);
        }
    }

    private JsonNode awaitCompleted(PackagedApp app, String campaign, long started) throws Exception {
        long deadline = started + FINISH_WITHIN.toNanos();
        long printed = 0;
        while (true) {
            JsonNode current = JSON.readTree(send(app, "GET", "/v1/campaigns/" + campaign, null, null, 200));
            if (current.get("state").asText().equals("COMPLETED")) {
                return current;
            }
            long now = System.nanoTime();
            if (now > deadline) {
                throw new AssertionError("the survivor did not finish the campaign within " + FINISH_WITHIN
                        + ": " + current.get("state").asText() + " " + current.at("/progress"));
            }
            if (now - printed > TimeUnit.SECONDS.toNanos(10)) {
                System.out.printf("%.0f s: %s%n", (now - started) / 1e9, current.at("/progress/states"));
                printed = now;
            }
            Thread.sleep(1_000);
        }
    }

    private String progress(PackagedApp app, String campaign) throws Exception {
        return JSON.readTree(send(app, "GET", "/v1/campaigns/" + campaign, null, null, 200)).at("/progress").toString();
    }

    private String send(PackagedApp app, String method, String path, String type, String body, int expected)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(app.url(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + ADMIN_KEY)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (type != null) {
            request.header("Content-Type", type);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(expected);
        return response.body();
    }

    /** A campaign's contact, as the dialer left it. */
    record Contact(long id, String number, String state, int attempts, String lastOutcome) {
    }

    /**
     * A call the campaign placed: whose contact and attempt its Idempotency-Key names, its status, and the state
     * token and instance port of its callback URL (as sent in the originate, so it matches what the platform got).
     */
    record CallRow(UUID id, long contact, int attempt, String to, String status, String error, String token, int port,
                   boolean answered) {
        boolean stuckOriginating() {
            return status.equals("QUEUED") || status.equals("ORIGINATING");
        }

        /** Its originate's outcome was not known when the dialer settled the attempt. */
        boolean fateUnknown() {
            return stuckOriginating() || error != null && error.startsWith("No answer from Nexafone");
        }
    }

    private static final Pattern CALLBACK = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/api/handle-dtmf\\?s=([A-Za-z0-9_-]+)");

    private static List<Contact> contacts(String url, String campaign) throws SQLException {
        List<Contact> contacts = new ArrayList<>();
        query(url, "SELECT id, number, state, attempts, last_outcome FROM campaign_contact WHERE campaign_id = '"
                + UUID.fromString(campaign) + "' ORDER BY id", rows -> contacts.add(new Contact(rows.getLong(1),
                rows.getString(2), rows.getString(3), rows.getInt(4), rows.getString(5))));
        return contacts;
    }

    /** The campaign's calls by the state token of their callback URL. */
    private static Map<String, CallRow> calls(String url, String campaign) throws SQLException {
        Map<String, CallRow> calls = new HashMap<>();
        String prefix = "campaign:" + UUID.fromString(campaign) + ":";
        query(url, "SELECT c.id, c.idempotency_key, c.to_number, c.status, e.payload::text, "
                + "EXISTS (SELECT 1 FROM call_event d WHERE d.call_id = c.id AND d.type = 'DTMF'), c.error FROM call c "
                + "JOIN call_event e ON e.call_id = c.id AND e.type = 'ORIGINATE_REQUEST' "
                + "WHERE c.idempotency_key LIKE '" + prefix + "%'", rows -> {
                    String[] key = rows.getString(2).substring(prefix.length()).split(":");
                    Matcher callback = CALLBACK.matcher(rows.getString(5));
                    assertThat(callback.find()).as("callback URL in " + rows.getString(5)).isTrue();
                    CallRow call = new CallRow(rows.getObject(1, UUID.class), Long.parseLong(key[0]),
                            Integer.parseInt(key[1]), rows.getString(3), rows.getString(4), rows.getString(7),
                            callback.group(2), Integer.parseInt(callback.group(1)), rows.getBoolean(6));
                    assertThat(calls.put(call.token(), call)).as("two calls with one state token").isNull();
                });
        return calls;
    }

    private static List<String> idempotencyKeysUsedTwice(String url) throws SQLException {
        List<String> keys = new ArrayList<>();
        query(url, "SELECT idempotency_key FROM call WHERE idempotency_key IS NOT NULL GROUP BY idempotency_key "
                + "HAVING count(*) > 1", rows -> keys.add(rows.getString(1)));
        return keys;
    }

    interface Row {
        void read(ResultSet rows) throws SQLException;
    }

    private static void query(String url, String sql, Row row) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, TestDatabase.username(), TestDatabase.password());
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                row.read(rows);
            }
        }
    }

    private static void execute(String url, String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(url, TestDatabase.username(), TestDatabase.password());
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed on " + url, e);
        }
    }

    /** One originate as the platform received it: when, to whom, for which call (its state token), from which instance. */
    record Originate(long at, String to, String token, int port, int status, String body) {
    }

    /**
     * The platform's front door as both instances see it: forwards every request to A's sandbox unchanged and
     * records each originate with the platform's answer. The sandbox itself keeps only its last calls in memory and
     * none it refused, so the count of originates per call is taken here.
     */
    static final class PlatformTap implements AutoCloseable {

        private final HttpServer server;
        private final ExecutorService threads = Executors.newFixedThreadPool(128);
        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        private final Queue<Originate> originates = new ConcurrentLinkedQueue<>();
        private final Map<Integer, Long> lastByPort = new ConcurrentHashMap<>();
        private volatile URI target;

        PlatformTap() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
            server.setExecutor(threads);
            server.createContext("/", this::forward);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        void forwardTo(URI sandbox) {
            target = sandbox;
        }

        Queue<Originate> originates() {
            return originates;
        }

        /** When the last originate from the instance on {@code port} arrived (System.nanoTime), or 0. */
        long lastFrom(int port) {
            return lastByPort.getOrDefault(port, 0L);
        }

        private void forward(HttpExchange exchange) throws IOException {
            long at = System.nanoTime();
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                String path = exchange.getRequestURI().getRawPath();
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + path))
                        .timeout(Duration.ofSeconds(30))
                        .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
                for (String header : List.of("Authorization", "Content-Type")) {
                    String value = exchange.getRequestHeaders().getFirst(header);
                    if (value != null) {
                        request.header(header, value);
                    }
                }
                HttpResponse<byte[]> answer;
                try {
                    answer = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    exchange.sendResponseHeaders(502, -1);
                    return;
                }
                if (exchange.getRequestMethod().equals("POST") && path.endsWith("/voice/v1/calls")) {
                    record(at, body, answer);
                }
                answer.headers().firstValue("Content-Type").ifPresent(t -> exchange.getResponseHeaders().set("Content-Type", t));
                byte[] reply = answer.body();
                exchange.sendResponseHeaders(answer.statusCode(), reply.length == 0 ? -1 : reply.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(reply);
                }
            } catch (IOException callerGone) {
                // B killed mid-request: what reached the sandbox was recorded above.
            }
        }

        private void record(long at, byte[] body, HttpResponse<byte[]> answer) throws IOException {
            JsonNode payload = JSON.readTree(body);
            Matcher callback = CALLBACK.matcher(new String(body, StandardCharsets.UTF_8));
            if (!callback.find()) {
                throw new IllegalStateException("an originate without a callback URL: " + payload);
            }
            int port = Integer.parseInt(callback.group(1));
            originates.add(new Originate(at, payload.path("to").asText(), callback.group(2), port, answer.statusCode(),
                    new String(answer.body(), StandardCharsets.UTF_8)));
            lastByPort.merge(port, at, Math::max);
        }

        @Override
        public void close() {
            server.stop(0);
            threads.shutdownNow();
        }
    }
}
