package io.nexaflow.campaign;

import io.agroal.api.AgroalDataSource;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
     * the sweep settles it from its call, whatever the originate's answer already showed.
     */
    record Result(UUID campaign, long contact, UUID call, int leaseSeconds) {
    }

    private final Jdbc jdbc;
    private final BlockingQueue<Result> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;

    DialResults(AgroalDataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
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
        for (int i = 0; i < n; i++) {
            Result r = batch.get(i);
            campaigns[i] = r.campaign().toString();
            contacts[i] = r.contact();
            calls[i] = r.call().toString();
            leases[i] = r.leaseSeconds();
        }
        // Only contacts still DIALING: one the sweep settled meanwhile (its lease ran out) keeps what it was given.
        jdbc.transaction(connection -> Jdbc.update(connection, """
                UPDATE campaign_contact c
                   SET state = 'IN_PROGRESS', last_call_id = w.call,
                       leased_until = now() + w.lease * interval '1 second', last_error = NULL, updated_at = now()
                  FROM unnest(?::uuid[], ?::bigint[], ?::uuid[], ?::int[]) AS w (campaign_id, id, call, lease)
                 WHERE c.campaign_id = w.campaign_id AND c.id = w.id AND c.state = 'DIALING'""",
                campaigns, contacts, calls, leases));
    }

    /** Writes what is queued (a few seconds at most), then stops. */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        writer.join(TimeUnit.SECONDS.toMillis(5));
    }
}
