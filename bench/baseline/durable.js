// The vendor page's Express webhook (webhook.js) made durable the way a careful user would: one INSERT per DTMF
// callback through node-postgres, answered only after PostgreSQL committed it (autocommit, synchronous_commit on:
// the statement and its commit in one round trip). No token, no routing state: the cheapest durable webhook, the
// honest peer for nexaflow's committed callbacks (bench/README.md).
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<db> PORT=<port> node durable.js
// PG_POOL sets the pool size (10: enough to keep two cores' worth of PostgreSQL busy behind one Node process).
const { Pool } = require("pg");
const { webhook } = require("./webhook");
const PORT = process.env.PORT || 3011;

const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.PG_POOL || 10),
  options: "-c synchronous_commit=on", // whatever the cluster's default, each commit waits for its WAL flush
});

// A named statement: parsed once per connection, then only bound and executed.
const insert = (body, verb) => pool.query({
  name: "express-event",
  text: "INSERT INTO express_event (call_id, dtmf, verb) VALUES ($1, $2, $3)",
  values: [body.callId, body.dtmf, verb],
});

pool.query(`CREATE TABLE IF NOT EXISTS express_event (
  id bigserial PRIMARY KEY, call_id text, dtmf text, verb jsonb, at timestamptz DEFAULT now())`).then(() => {
  webhook(insert).listen(PORT, "127.0.0.1", () => {
    console.log(`Durable webhook ready on http://localhost:${PORT}`);
  });
}, (e) => {
  console.error(`cannot create express_event: ${e.message}`);
  process.exit(1);
});
