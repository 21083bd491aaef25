// Originates calls through nexaflow's POST /v1/calls as fast as `concurrency` clients can (closed loop).
// Usage: node originate.js <baseUrl> <apiKey> <flowId> <count> <concurrency> <out.json> [maxSeconds]
// Each request carries an Idempotency-Key, as a careful client would. Writes a JSON summary to out.json.
// BENCH_VARIABLES (a JSON object), when set, is sent as the calls' starting variables.
"use strict";
const http = require("http");
const fs = require("fs");
const { percentiles } = require("./common");

const [base, apiKey, flowId, countArg, concArg, outFile, maxSecondsArg] = process.argv.slice(2);
const count = Number(countArg), concurrency = Number(concArg);
const maxMillis = Number(maxSecondsArg || 120) * 1000;
const url = new URL(base);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const run = Date.now().toString(36);

const statuses = {};
const latencies = [];
let next = 0, done = 0, errors = 0;
const started = process.hrtime.bigint();
const deadline = Date.now() + maxMillis;

function one(i) {
  return new Promise((resolve) => {
    const body = JSON.stringify({
      from: "+911203135800",
      to: "+9198" + String(10000000 + (i % 89999999)).padStart(8, "0"),
      flowId, timeout: 30,
      ...(process.env.BENCH_VARIABLES ? { variables: JSON.parse(process.env.BENCH_VARIABLES) } : {}),
    });
    const t0 = process.hrtime.bigint();
    const req = http.request({
      host: url.hostname, port: url.port, path: "/v1/calls", method: "POST", agent,
      headers: {
        "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body),
        Authorization: "Bearer " + apiKey, "Idempotency-Key": "bench-" + run + "-" + i,
      },
    }, (res) => {
      res.resume();
      res.on("end", () => {
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1;
        resolve();
      });
    });
    req.on("error", () => { errors++; resolve(); });
    req.setTimeout(30000, () => req.destroy(new Error("timeout")));
    req.end(body);
  });
}

async function worker() {
  while (next < count && Date.now() < deadline) {
    await one(next++);
    done++;
  }
}

Promise.all(Array.from({ length: concurrency }, worker)).then(() => {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const ok = (statuses[202] || 0) + (statuses[200] || 0) + (statuses[201] || 0);
  const summary = { requested: count, sent: done, seconds, statuses, errors, accepted: ok,
    callsPerSecond: ok / seconds, concurrency, latencyMs: percentiles(latencies) };
  fs.writeFileSync(outFile, JSON.stringify(summary, null, 2));
  console.log(`originate: ${ok}/${done} accepted in ${seconds.toFixed(1)} s = ${(ok / seconds).toFixed(0)} calls/s ` +
    `(p50 ${summary.latencyMs.p50?.toFixed(1)} ms, p99 ${summary.latencyMs.p99?.toFixed(1)} ms) statuses ${JSON.stringify(statuses)}`);
  agent.destroy();
});
