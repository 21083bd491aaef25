package io.nexaflow.flow;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;
import org.postgresql.Driver;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps every revision a call can run held in {@link RevisionPrograms}, so no callback reads a revision while
 * PostgreSQL is away: all of them at start (before the HTTP server answers), then each one any replica publishes,
 * announced with {@code NOTIFY nexaflow_revisions, '<revision id>'} in the publishing transaction.
 *
 * <p>Listens on a connection of its own, opened with the datasource's URL and credentials but outside the Agroal
 * pool: a LISTEN lives as long as its session, and a pooled connection would be validated, reaped or handed to a
 * request with the LISTEN still on it, and held for good it would be one connection fewer for requests. One
 * platform thread owns that connection (never the event loop); after the connection breaks it reconnects with
 * backoff, listens again and then reloads everything, so a publish it missed while away is caught up.
 */
@ApplicationScoped
public class PublishedRevisions {

    static final String CHANNEL = "nexaflow_revisions";
    /** The listener's connection names itself so an operator (or a test) finds it in pg_stat_activity. */
    static final String APPLICATION_NAME = "nexaflow-revisions";

    private static final Logger LOG = Logger.getLogger(PublishedRevisions.class);
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(30);
    private static final int POLL_MILLIS = 500;
    private static final Duration PING_EVERY = Duration.ofSeconds(15);
    /** Drops revisions no call can run any more, so memory stays bounded by what is live. */
    private static final Duration RESYNC_EVERY = Duration.ofMinutes(10);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /**
     * What a call can run: each live flow's published revision, and the revision every call still taking
     * callbacks pinned when it started (UNKNOWN calls may too, for a day). Past publishes are not recorded,
     * and a revision nothing pins is never needed at callback time.
     */
    private static final String RUNNABLE = """
            SELECT r.id FROM flow f JOIN flow_revision r ON r.flow_id = f.id AND r.version = f.active_version
             WHERE f.deleted_at IS NULL
            UNION
            SELECT c.revision_id FROM call c
             WHERE c.revision_id IS NOT NULL
               AND (c.status IN ('QUEUED', 'ORIGINATING', 'IN_PROGRESS')
                    OR (c.status = 'UNKNOWN' AND c.created_at > now() - interval '1 day'))""";
    private static final String DEFINITIONS = "SELECT id, definition::text FROM flow_revision WHERE id = ANY (?)";

    private final RevisionPrograms programs;
    private final Config config;

    private Run running;
    private Thread listener;

    public PublishedRevisions(RevisionPrograms programs, Config config) {
        this.programs = programs;
        this.config = config;
    }

    /** Announces, in the caller's transaction, a revision a call may now run; delivered to every replica on commit. */
    static void announce(EntityManager em, UUID revision) {
        // NOTIFY takes no bind parameters; a UUID's text is safe to inline.
        em.createNativeQuery("NOTIFY " + CHANNEL + ", '" + revision + "'").executeUpdate();
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Starts listening and waits (bounded) until every runnable revision is held. */
    void start() {
        Run run;
        synchronized (this) {
            if (listener != null) {
                return;
            }
            run = new Run();
            running = run;
            listener = new Thread(() -> listen(run), APPLICATION_NAME);
            listener.setDaemon(true);
            listener.start();
        }
        try {
            if (!run.firstSync.await(STARTUP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf("revisions not loaded within %s: PostgreSQL does not answer; they load when it does,"
                        + " and until then a callback loads its revision on demand", STARTUP_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops listening and closes the connection; returns once the listener thread has ended (bounded). */
    synchronized void stop() {
        if (listener == null) {
            return;
        }
        running.stop.countDown();
        try {
            listener.join(POLL_MILLIS * 4L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        listener = null;
        running = null;
    }

    /** One listener thread's signals: its own, so a thread still ending never mistakes a later start for its own. */
    private static final class Run {
        final CountDownLatch stop = new CountDownLatch(1);
        final CountDownLatch firstSync = new CountDownLatch(1);

        boolean stopping() {
            return stop.getCount() == 0;
        }
    }

    private void listen(Run run) {
        Duration backoff = FIRST_BACKOFF;
        int failures = 0;
        while (!run.stopping()) {
            try (Connection connection = connect()) {
                try (Statement listen = connection.createStatement()) {
                    listen.execute("LISTEN " + CHANNEL);
                }
                // Listening before reloading: a publish committed in between arrives as a notification.
                long started = System.nanoTime();
                int held = resync(connection);
                if (failures > 0) {
                    LOG.infof("revision listener reconnected after %d attempt(s); %d revision(s) held", failures, held);
                } else {
                    LOG.infof("%d revision(s) loaded and compiled in %d ms", held,
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                }
                run.firstSync.countDown();
                backoff = FIRST_BACKOFF;
                failures = 0;
                follow(connection, run);
            } catch (SQLException | RuntimeException e) {
                if (run.stopping()) {
                    break;
                }
                failures++;
                if (failures == 1) {
                    LOG.warnf("revision listener lost PostgreSQL (%s); reconnecting with backoff", e.getMessage());
                } else {
                    LOG.debugf("revision listener: attempt %d failed: %s", failures, e.getMessage());
                }
                try {
                    run.stop.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException interrupted) {
                    break;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
        LOG.debug("revision listener stopped");
    }

    /** Holds each announced revision until the connection breaks or the service stops. */
    private void follow(Connection connection, Run run) throws SQLException {
        PGConnection pg = connection.unwrap(PGConnection.class);
        long lastPing = System.nanoTime();
        long lastResync = lastPing;
        while (!run.stopping()) {
            PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
            if (notifications != null && notifications.length > 0) {
                Set<UUID> announced = new HashSet<>();
                for (PGNotification notification : notifications) {
                    parse(notification.getParameter()).filter(id -> !programs.holds(id)).ifPresent(announced::add);
                }
                hold(connection, announced);
            }
            long now = System.nanoTime();
            if (now - lastResync > RESYNC_EVERY.toNanos()) {
                resync(connection);
                lastResync = now;
                lastPing = now;
            } else if (now - lastPing > PING_EVERY.toNanos()) {
                // Waiting for notifications reads nothing from a half-open link: a query finds it dead.
                try (Statement ping = connection.createStatement()) {
                    ping.execute("SELECT 1");
                }
                lastPing = now;
            }
        }
    }

    /** Holds exactly the revisions a call can run now; returns how many. */
    private int resync(Connection connection) throws SQLException {
        Set<UUID> runnable = new HashSet<>();
        try (Statement query = connection.createStatement(); ResultSet rows = query.executeQuery(RUNNABLE)) {
            while (rows.next()) {
                runnable.add(rows.getObject(1, UUID.class));
            }
        }
        Set<UUID> missing = new HashSet<>(runnable);
        missing.removeIf(programs::holds);
        hold(connection, missing);
        programs.holdOnly(runnable);
        return programs.heldCount();
    }

    private void hold(Connection connection, Set<UUID> revisions) throws SQLException {
        if (revisions.isEmpty()) {
            return;
        }
        try (PreparedStatement query = connection.prepareStatement(DEFINITIONS)) {
            query.setArray(1, connection.createArrayOf("uuid", revisions.toArray()));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    UUID id = rows.getObject(1, UUID.class);
                    try {
                        programs.hold(id, rows.getString(2));
                    } catch (RuntimeException e) {
                        LOG.errorf(e, "revision %s cannot be compiled; a callback on it gets the fallback verb", id);
                    }
                }
            }
        }
    }

    private Connection connect() throws SQLException {
        Properties properties = new Properties();
        String prefix = "quarkus.datasource.jdbc.additional-jdbc-properties.";
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(prefix)) {
                String key = name.substring(prefix.length()).replace("\"", "");
                config.getOptionalValue(name, String.class).ifPresent(value -> properties.setProperty(key, value));
            }
        }
        config.getOptionalValue("quarkus.datasource.username", String.class)
                .ifPresent(user -> properties.setProperty("user", user));
        config.getOptionalValue("quarkus.datasource.password", String.class)
                .ifPresent(password -> properties.setProperty("password", password));
        properties.setProperty("ApplicationName", APPLICATION_NAME);
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("socketTimeout", "30");
        properties.setProperty("tcpKeepAlive", "true");
        String url = config.getValue("quarkus.datasource.jdbc.url", String.class);
        // The driver itself, not DriverManager: Quarkus' class loaders do not always register it there.
        Connection connection = new Driver().connect(url, properties);
        if (connection == null) {
            throw new SQLException("not a PostgreSQL URL: " + url);
        }
        return connection;
    }

    private static Optional<UUID> parse(String payload) {
        try {
            return Optional.of(UUID.fromString(payload.trim()));
        } catch (IllegalArgumentException e) {
            LOG.warnf("ignored a %s notification that names no revision: '%s'", CHANNEL, payload);
            return Optional.empty();
        }
    }
}
