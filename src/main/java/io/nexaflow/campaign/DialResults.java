package io.nexaflow.campaign;

import io.agroal.api.AgroalDataSource;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What each placed call means for its contact, written many contacts to one UPDATE instead of a transaction per
 * call: at hundreds of originates a second, that transaction was a fifth of the dialer's database work. Nothing
 * here needs to be durable: a result lost with its replica leaves the contact DIALING past its lease, and the sweep
 * settles it from the call its Idempotency-Key placed (Dialer#settleExpiredDials).
 */
final class DialResults implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DialResults.class);
    private static final int BATCH = 1_000;

    /**
     * A DIALING contact whose call went out: IN_PROGRESS for {@code leaseSeconds} (its noAnswerAfterSeconds), then
     * the sweep settles it from its call; or, when the call had already {@code ended} by the time the originate
     * answered (a flow without gathers, or a caller quicker than Nexafone's answer), COMPLETED at once, ANSWERED
     * if a gather callback came and PLACED if none did.
     */
    record Result(UUID campaign, long contact, UUID call, int leaseSeconds, boolean ended) {
    }

    private final Jdbc jdbc;
    private final BiConsumer<UUID, Attempts.Outcome> settled;
    private final BlockingQueue<Result> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;

    /** @param settled told of each attempt settled here (campaign, outcome), after commit */
    DialResults(AgroalDataSource dataSource, BiConsumer<UUID, Attempts.Outcome> settled) {
        this.jdbc = new Jdbc(dataSource);
        this.settled = settled;
        this.writer = new Thread(this::run, "campaign-dial-results");
        writer.setDaemon(true);
        writer.start();
    }

    void add(Result result) {
        queue.add(result);
    }

    private void run() {
        List<Result> batch = new ArrayList<>(BATCH);
        while (!closed || !queue.isEmpty()) {
            try {
                Result first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // The leases run out and the sweep settles these contacts from their calls.
                LOG.warnf("campaign dialer: %d dial result(s) not written, the sweep will settle them: %s",
                        batch.size(), e.getMessage());
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Result> batch) {
        int n = batch.size();
        String[] campaigns = new String[n];
        Long[] contacts = new Long[n];
        String[] calls = new String[n];
        Integer[] leases = new Integer[n];
        Boolean[] ended = new Boolean[n];
        for (int i = 0; i < n; i++) {
            Result r = batch.get(i);
            campaigns[i] = r.campaign().toString();
            contacts[i] = r.contact();
            calls[i] = r.call().toString();
            leases[i] = r.leaseSeconds();
            ended[i] = r.ended();
        }
        // Only contacts still DIALING: one the sweep settled meanwhile (its lease ran out) keeps what it was given.
        List<Object[]> done = jdbc.transaction(connection -> Jdbc.query(connection, """
                UPDATE campaign_contact c
                   SET state = CASE WHEN w.ended THEN 'COMPLETED' ELSE 'IN_PROGRESS' END,
                       last_call_id = w.call,
                       last_outcome = CASE WHEN NOT w.ended THEN c.last_outcome
                                           WHEN EXISTS (SELECT 1 FROM call_event e
                                                         WHERE e.call_id = w.call AND e.type = 'DTMF')
                                           THEN 'ANSWERED' ELSE 'PLACED' END,
                       leased_until = CASE WHEN w.ended THEN NULL ELSE now() + w.lease * interval '1 second' END,
                       leased_by = CASE WHEN w.ended THEN NULL ELSE c.leased_by END,
                       last_error = NULL, updated_at = now()
                  FROM unnest(?::uuid[], ?::bigint[], ?::uuid[], ?::int[], ?::bool[])
                       AS w (campaign_id, id, call, lease, ended)
                 WHERE c.campaign_id = w.campaign_id AND c.id = w.id AND c.state = 'DIALING'
                RETURNING c.campaign_id, c.last_outcome, w.ended""",
                rows -> new Object[] {rows.getObject(1, UUID.class), rows.getString(2), rows.getBoolean(3)},
                campaigns, contacts, calls, leases, ended));
        for (Object[] row : done) {
            if ((Boolean) row[2]) {
                settled.accept((UUID) row[0], Attempts.Outcome.valueOf((String) row[1]));
            }
        }
    }

    /** Writes what is queued (a few seconds at most), then stops. */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        writer.join(TimeUnit.SECONDS.toMillis(5));
    }
}
