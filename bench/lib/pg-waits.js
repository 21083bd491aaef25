// Samples what PostgreSQL's active backends wait on, every 50 ms, while a phase runs, so a stalled second of the
// fixed-rate phase can be named (WAL file initialisation, a checkpoint, a lock, ...) instead of guessed. Writes one
// JSON line per sample: {t: epoch ms, waits: {"IO:WALSync": 3, "CPU": 1, ...}, ckpt: checkpoints so far,
// walFiles: WAL segments written since start (pg_stat_wal.wal_bytes / 16 MiB)}.
// Usage: node pg-waits.js <postgres-url> <out.jsonl> <max-seconds>   (stops at max-seconds or on SIGTERM)
"use strict";
const fs = require("fs");
const path = require("path");
const { Client } = require(path.join(__dirname, "..", "baseline", "node_modules", "pg"));
const [url, outFile, maxArg] = process.argv.slice(2);
const until = Date.now() + Number(maxArg) * 1000;
const out = fs.createWriteStream(outFile);
const client = new Client({ connectionString: url });
let stopping = false;
process.on("SIGTERM", () => { stopping = true; });

const SQL = `
  SELECT (SELECT json_object_agg(w, n) FROM (
            SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS w, count(*) AS n
              FROM pg_stat_activity
             WHERE state = 'active' AND pid <> pg_backend_pid() AND backend_type = 'client backend'
             GROUP BY 1) x) AS waits,
         (SELECT json_object_agg(backend_type, coalesce(wait_event_type || ':' || wait_event, 'CPU'))
            FROM pg_stat_activity WHERE backend_type IN ('walwriter', 'checkpointer', 'autovacuum worker')
             AND (wait_event IS NULL OR wait_event NOT IN ('WalWriterMain', 'CheckpointerMain'))) AS background,
         (SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter) AS ckpt,
         (SELECT wal_bytes FROM pg_stat_wal) AS wal_bytes`;

async function main() {
  await client.connect();
  let firstWal = null;
  while (!stopping && Date.now() < until) {
    const started = Date.now();
    const { rows: [r] } = await client.query(SQL);
    if (firstWal === null) firstWal = Number(r.wal_bytes);
    out.write(JSON.stringify({ t: started, waits: r.waits || {}, background: r.background || undefined,
      ckpt: Number(r.ckpt), walFiles: +((Number(r.wal_bytes) - firstWal) / (16 << 20)).toFixed(2) }) + "\n");
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 50 - (Date.now() - started))));
  }
  await client.end();
  out.end();
}
main().catch((e) => { console.error("pg-waits: " + e.message); process.exit(1); });
