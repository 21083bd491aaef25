package io.nexaflow.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Settings of nexaflow itself; each one is an environment variable named in the README (NEXAFLOW_...). */
@ConfigMapping(prefix = "nexaflow")
public interface NexaflowConfig {

    /** The HTTPS base URL Nexafone reaches nexaflow at; gather callbacks point there. */
    @WithName("public-url")
    String publicUrl();

    /** HMAC key of the callback state tokens. */
    @WithName("webhook-secret")
    String webhookSecret();

    /** Bootstrap admin key; without it only keys stored in the database work. */
    @WithName("admin-api-key")
    Optional<String> adminApiKey();

    /** Region used to read national phone numbers (ISO 3166 code). */
    @WithName("default-region")
    @WithDefault("IN")
    String defaultRegion();

    /**
     * The largest request body read whole into memory (every JSON body); uploads, read as a stream, may be as
     * large as quarkus.http.limits.max-body-size. Read by io.nexaflow.problem.BodyLimit, which may not import this.
     */
    @WithName("max-body-size")
    @WithDefault("1M")
    MemorySize maxBodySize();

    Sandbox sandbox();

    Console console();

    Datasource datasource();

    Calls calls();

    Campaigns campaigns();

    Callback callback();

    Journal journal();

    Retention retention();

    Http http();

    /** The read-only web console under /console (io.nexaflow.console). */
    interface Console {
        /** Off in prod unless NEXAFLOW_CONSOLE_ENABLED=true (application.properties); its paths then answer 404. */
        @WithDefault("false")
        boolean enabled();

        /** How long a console sign-in lasts; the key behind it is checked again on every request regardless. */
        @WithName("session-ttl")
        @WithDefault("8h")
        Duration sessionTtl();
    }

    interface Sandbox {
        /** The in-process Nexafone emulator under /sandbox; also lets flows use the vendor page's placeholder numbers. */
        @WithDefault("false")
        boolean enabled();

        /** The one account the sandbox issues tokens for (defaults to nexaflow's own Nexafone account, so its client works). */
        @WithName("account-id")
        String accountId();

        @WithName("api-key")
        String apiKey();

        @WithName("api-secret")
        String apiSecret();

        /** Lifetime of an access token (reported as expiresIn). */
        @WithName("token-ttl")
        @WithDefault("10m")
        Duration tokenTtl();

        /** Multiplies every simulated wait (ringing, playback, gather timeouts, talking); tests use 0.01. */
        @WithName("time-factor")
        @WithDefault("1.0")
        double timeFactor();

        /** Upper bound of any single simulated wait, after scaling. */
        @WithName("max-wait")
        @WithDefault("5m")
        Duration maxWait();

        /** How long a leg rings before it answers or is busy. */
        @WithName("ring-time")
        @WithDefault("2s")
        Duration ringTime();

        /** How long one play verb lasts. */
        @WithName("play-time")
        @WithDefault("3s")
        Duration playTime();

        /** How long a dialled party that answers talks before the dial verb continues. */
        @WithName("talk-time")
        @WithDefault("10s")
        Duration talkTime();

        /** How long an unanswered leg rings when the originate payload or dial verb names no timeout. */
        @WithName("leg-timeout")
        @WithDefault("30s")
        Duration legTimeout();

        /** How long the sandbox waits for a gather webhook to answer (real time, not scaled). */
        @WithName("webhook-timeout")
        @WithDefault("5s")
        Duration webhookTimeout();

        /** Digits pressed at successive gathers of a call that has no script of its own; "timeout" lets a gather time out. */
        @WithName("default-script")
        Optional<List<String>> defaultScript();

        /** How numbers answer when called: number → answer, busy, no-answer or fail; unlisted numbers answer. */
        Map<String, String> outcomes();

        /** Accept http:// gather webhooks on loopback hosts (dev mode has no TLS). */
        @WithName("allow-loopback-http")
        @WithDefault("true")
        boolean allowLoopbackHttp();

        /** Accept the vendor page's placeholder numbers such as "096506xxxxx". */
        @WithName("allow-placeholder-numbers")
        @WithDefault("true")
        boolean allowPlaceholderNumbers();

        /** Whether a pressed terminator is part of the dtmf sent to the webhook (the vendor page does not say). */
        @WithName("include-terminator")
        @WithDefault("false")
        boolean includeTerminator();

        /** Calls kept in memory; the oldest finished ones are evicted first. */
        @WithName("max-calls")
        @WithDefault("500")
        int maxCalls();

        /** Transcript steps per call before the sandbox ends it (a webhook loop must not run forever). */
        @WithName("max-steps")
        @WithDefault("200")
        int maxSteps();
    }

    interface Datasource {
        /**
         * In prod, an expression over QUARKUS_DATASOURCE_JDBC_URL with no default: a missing URL fails the start
         * with a message naming the variable (Quarkus's own message does not).
         */
        @WithName("required-url")
        @WithDefault("not-required")
        String requiredUrl();

        /**
         * Once started, how long a request waits for a database connection before it answers 503; the start itself
         * (migrations, a cold JVM's first connection) waits quarkus.datasource.jdbc.acquisition-timeout.
         */
        @WithDefault("500ms")
        Duration requestAcquisitionTimeout();
    }

    interface Campaigns {
        /** Whether this replica dials running campaigns (every replica does by default; they share the work). */
        @WithDefault("true")
        boolean enabled();

        /** How often the dialer leases contacts and takes call slots. */
        @WithDefault("100ms")
        Duration tick();

        /** How often contacts on the line are settled from their calls. */
        @WithDefault("1s")
        Duration sweep();

        /** Originates in flight at once on this replica (each waits for Nexafone's answer). */
        @WithName("dial-threads")
        @WithDefault("64")
        int dialThreads();

        /** How long a DIALING contact is this replica's; past it, the sweep settles it from its call. */
        @WithName("dial-lease")
        @WithDefault("60s")
        Duration dialLease();
    }

    interface Calls {
        /** A call still QUEUED or ORIGINATING this long after its last change is UNKNOWN (nexaflow stopped mid-way). */
        @WithName("originate-stale-after")
        @WithDefault("5m")
        Duration originateStaleAfter();

        /** A call IN_PROGRESS without a callback this long is over: the caller hung up at a gather. */
        @WithName("idle-after")
        @WithDefault("2h")
        Duration idleAfter();
    }

    interface Callback {
        /** What a caller hears when nexaflow cannot route a callback: one of hangup, or a play URL followed by hangup. */
        @WithName("fallback-audio-url")
        Optional<String> fallbackAudioUrl();

        /** Longest a callback waits for its write (PostgreSQL, then the journal) before the fallback verb is answered. */
        @WithDefault("3s")
        Duration deadline();

        /** How long a callback waits for its PostgreSQL commit before it goes to the journal instead. */
        @WithName("commit-budget")
        @WithDefault("200ms")
        Duration commitBudget();

        /**
         * When PostgreSQL looks stalled (a batch under way for longer than this with no commit by any writer meanwhile,
         * or the connection lost and no commit since), a callback goes to the journal after waiting this long instead
         * of the whole commit budget, and new callbacks go there at once. A database that is merely busy keeps
         * committing and gets the whole budget.
         */
        @WithName("stall-after")
        @WithDefault("100ms")
        Duration stallAfter();

        /** Writer threads, each with its own database connection, that commit callbacks in groups. */
        @WithDefault("2")
        int writers();

        /** Callbacks waiting for a writer; past this the fallback verb is answered at once. */
        @WithName("queue-capacity")
        @WithDefault("10000")
        int queueCapacity();

        /** Most callbacks committed in one transaction. */
        @WithName("max-batch")
        @WithDefault("256")
        int maxBatch();
    }

    interface Journal {
        /** Directory of the callback journal (a volume that survives container restarts in Kubernetes). */
        String dir();

        /** Beyond this the journal is full: readiness DOWN, callbacks then get the fallback verb. */
        @WithName("max-bytes")
        @WithDefault("268435456")
        long maxBytes();
    }

    interface Retention {

        /** What happens to an aged call: its rows go, or they stay with numbers masked and digits dropped. */
        enum Mode { DELETE, ANONYMISE }

        /** Ended calls older than this many days are swept (NEXAFLOW_RETENTION_DAYS); unset: kept forever. */
        Optional<Integer> days();

        /** delete or anonymise (NEXAFLOW_RETENTION_MODE). */
        @WithDefault("delete")
        Mode mode();

        /** Calls per transaction: bounds lock time and WAL per commit while a large backlog is swept. */
        @WithName("batch-size")
        @WithDefault("500")
        int batchSize();

        /** How often the sweep runs on each replica (replicas share the work, never a call). */
        @WithDefault("1h")
        String every();

        /**
         * The database role a sweep switches to (SET ROLE) for the deletes and updates the runtime role may not do
         * (NEXAFLOW_RETENTION_ROLE); unset: the runtime role sweeps itself (one role for everything).
         */
        Optional<String> role();
    }

    /** Requests nexaflow makes to a business's own API from a flow's http node (io.nexaflow.request). */
    interface Http {
        /**
         * host[:port] that may be called over plain http and whose addresses are not checked (development and tests;
         * NEXAFLOW_HTTP_INSECURE_HOSTS); a host without a port matches every port.
         */
        @WithName("insecure-hosts")
        Optional<List<String>> insecureHosts();

        /** When set, the only host[:port] that may be called (NEXAFLOW_HTTP_ALLOWED_HOSTS); their addresses are trusted. */
        @WithName("allowed-hosts")
        Optional<List<String>> allowedHosts();

        /** The most one turn of a call (between two verbs) spends in http nodes; then the error branch runs. */
        @WithName("turn-budget")
        @WithDefault("4s")
        Duration turnBudget();

        Circuit circuit();

        /** The circuit of each host[:port]: timeouts, connection failures and 5xx answers count against it. */
        interface Circuit {
            /** How many recent requests the failure ratio is taken over; the circuit cannot open before that many. */
            @WithDefault("10")
            int requests();

            /** The share of those requests that must have failed for the circuit to open. */
            @WithName("failure-ratio")
            @WithDefault("0.5")
            double failureRatio();

            /** How long an open circuit answers CIRCUIT_OPEN before it lets one trial request through. */
            @WithDefault("5s")
            Duration delay();
        }
    }
}
