package io.nexaflow.call;

import io.nexaflow.call.CallRows.SeededFlow;
import io.nexaflow.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An export of 100,000 DTMF inputs streams from a database cursor: the client reads the first rows while the
 * server's cursor is still open, and while the client holds back, the server holds only a few rows.
 */
@QuarkusTest
class ExportStreamingTest {

    static final int CALLS = 10_000;
    static final int INPUTS_PER_CALL = 10;

    /** The export of a statement this test can recognise in pg_stat_activity: it reads DTMF across calls. */
    static final String EXPORT_SQL = "%FROM call_event e JOIN call c ON c.id = e.call_id%";

    @Inject
    CallRows rows;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void aHundredThousandInputsStreamInConstantMemory() throws Exception {
        SeededFlow flow = rows.flow(1);
        Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(20));
        rows.update("""
                WITH calls AS (
                    INSERT INTO call (id, platform_call_id, kind, flow_id, flow_version, revision_id, from_number,
                                      to_number, status, current_node, attempts, created_at, updated_at, ended_at)
                    SELECT gen_random_uuid(), 'nf-' || g, 'FLOW', ?, 1, ?, '+911203135800',
                           '+9198' || lpad(g::text, 8, '0'), 'COMPLETED', 'bye', '{"menu": 10}',
                           ?::timestamptz + g * interval '1 second', ?::timestamptz + g * interval '1 second',
                           ?::timestamptz + g * interval '1 second'
                      FROM generate_series(1, ?) AS g
                    RETURNING id, created_at)
                INSERT INTO call_event (call_id, type, node, attempt, dtmf, route, payload, at)
                SELECT c.id, 'DTMF', 'menu', a, '1#', 'thanks', '{"reason": "MATCH", "digits": "1"}',
                       c.created_at + a * interval '1 millisecond'
                  FROM calls c, generate_series(1, ?) AS a""",
                flow.id(), flow.revisions().get(0), base, base, base, CALLS, INPUTS_PER_CALL);

        // A first, small export warms what any export allocates once (buffer pools, caches) before measuring.
        io.nexaflow.support.Api.as("auditor").queryParam("flowId", flow.id())
                .queryParam("until", base.plusSeconds(100).toString()).get("/v1/dtmf/export").then().statusCode(200);
        long heapBefore = usedHeapAfterGc();
        try (Socket socket = new Socket()) {
            // A small, fixed receive window (no autotuning): when this test stops reading, the server must wait.
            socket.setReceiveBufferSize(16 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            long started = System.nanoTime();
            socket.getOutputStream().write(("GET /v1/dtmf/export?flowId=" + flow.id() + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + port + "\r\nAuthorization: Bearer " + Api.key("auditor") + "\r\n"
                    + "Accept: text/csv\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(socket.getInputStream());

            assertThat(line(in)).isEqualTo("HTTP/1.1 200 OK");
            Map<String, String> headers = headers(in);
            assertThat(headers).containsEntry("transfer-encoding", "chunked").doesNotContainKey("content-length");
            assertThat(headers.get("content-disposition")).startsWith("attachment; filename=\"nexaflow-dtmf-");
            BufferedReader body = new BufferedReader(new InputStreamReader(new Chunked(in), StandardCharsets.UTF_8));
            assertThat(body.readLine()).startsWith("seq,at,call,callId,");
            assertThat(body.readLine()).endsWith(",menu,10,1#,thanks,MATCH");
            long firstRowMillis = (System.nanoTime() - started) / 1_000_000;

            // Hold back. A server that streams fills the socket, then stops fetching: its cursor stays open and idle
            // for as long as the client waits. One that buffered the export reads every row and closes the cursor.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(exportsWaitingForTheClient())
                            .as("the export's cursor is open, and has not fetched for a second, while the client "
                                    + "holds back").isEqualTo(1));
            Object waitingSince = exportState();
            Thread.sleep(1_000);
            assertThat(exportState()).as("still waiting, not one fetch later").isEqualTo(waitingSince);
            long heapWhileStreaming = usedHeapAfterGc() - heapBefore;

            long lines = 2;
            long chars = 0;
            for (String line = body.readLine(); line != null; line = body.readLine()) {
                lines++;
                chars += line.length() + 2;
            }
            long totalMillis = (System.nanoTime() - started) / 1_000_000;
            System.out.printf(Locale.ROOT, "export of %d inputs: %.1f MB, first row after %d ms, all after %d ms; "
                            + "heap held while streaming: %.1f MB%n", lines - 1, chars / 1e6, firstRowMillis,
                    totalMillis, heapWhileStreaming / 1e6);

            assertThat(lines).isEqualTo(1 + CALLS * INPUTS_PER_CALL);
            assertThat(chars).isGreaterThan(15_000_000);
            // 100,000 rows held as objects would be tens of MB; a stream holds one fetch of 1,000 rows.
            assertThat(heapWhileStreaming).as("heap held while streaming").isLessThan(8_000_000);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(rows.count(
                "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query LIKE ?"
                        + " AND state <> 'idle'", EXPORT_SQL)).as("cursor closed, connection back in the pool").isZero());
    }

    /** Backends holding the DTMF export's cursor open without having been asked for rows lately. */
    private long exportsWaitingForTheClient() {
        return rows.count("SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query LIKE ?"
                + " AND query NOT LIKE '%LIMIT%' AND state = 'idle in transaction'"
                + " AND state_change < clock_timestamp() - interval '1 second'", EXPORT_SQL);
    }

    /** The export backend's state and when it last changed. */
    private Object exportState() {
        return rows.query("SELECT state, state_change FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
                + " AND query LIKE ? AND query NOT LIKE '%LIMIT%'", EXPORT_SQL);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed mid-line");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private static Map<String, String> headers(InputStream in) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return headers;
    }

    /** An HTTP/1.1 chunked body, decoded as it arrives. */
    private static final class Chunked extends InputStream {
        private final InputStream in;
        private long left;
        private boolean started;
        private boolean ended;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (!next()) {
                return -1;
            }
            left--;
            return in.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (!next()) {
                return -1;
            }
            int read = in.read(buffer, offset, (int) Math.min(length, left));
            if (read > 0) {
                left -= read;
            }
            return read;
        }

        private boolean next() throws IOException {
            if (ended) {
                return false;
            }
            if (left == 0) {
                if (started) {
                    line(in); // the CRLF after a chunk
                }
                started = true;
                String size = line(in);
                int extension = size.indexOf(';');
                left = Long.parseLong((extension < 0 ? size : size.substring(0, extension)).trim(), 16);
                if (left == 0) {
                    ended = true;
                    return false;
                }
            }
            return true;
        }
    }
}
