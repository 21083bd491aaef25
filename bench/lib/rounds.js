// The interleaved callback rounds of bench/run.sh: nexaflow, stateless Express and durable Express at saturation,
// two rounds (the second in reverse order). The one place that turns their wrk outputs into throughputs, CPU per
// request and nexaflow's ratios with their spread; report.js uses it, and run.sh prints it after the rounds.
// The tracing phase (tracing-summary.js) compares its own contenders with it: tracing off, on, and main's jar.
// Usage: node rounds.js <out-dir>
"use strict";
const fs = require("fs");
const path = require("path");

const CONTENDERS = { nexaflow: "cb", express: "express", durable: "durable" }; // name -> file prefix
const ROUNDS = [1, 2];

function rounds(outDir, contenders = CONTENDERS, roundsRun = ROUNDS) {
  const read = (name) => {
    try { return JSON.parse(fs.readFileSync(path.join(outDir, name), "utf8")); } catch (e) { return null; }
  };
  const c = {};
  for (const [name, prefix] of Object.entries(contenders)) {
    const sat = roundsRun.map((r) => read(`${prefix}-sat-${r}.json`));
    const cpu = roundsRun.map((r) => read(`${prefix}-sat-${r}-cpu.json`));
    const done = sat.every(Boolean);
    const requests = done ? sat.reduce((s, x) => s + x.requests, 0) : null;
    c[name] = { sat, cpu, rps: sat.map((x) => (x ? x.rps : null)),
      // both rounds together: requests / seconds, and CPU seconds / requests
      meanRps: done ? requests / sat.reduce((s, x) => s + x.seconds, 0) : null,
      appUsPerRequest: done && cpu.every(Boolean) ? (1e6 * cpu.reduce((s, x) => s + x.appCpuSeconds, 0)) / requests : null,
      postgresUsPerRequest: done && cpu.every(Boolean) ? (1e6 * cpu.reduce((s, x) => s + x.postgresCpuSeconds, 0)) / requests : null };
  }
  if (contenders !== CONTENDERS) return c;
  return { ...c, ratios: { express: ratio(c, "nexaflow", "express"), durable: ratio(c, "nexaflow", "durable") } };
}

/** One contender / another: the ratio of their rounds' means, and the lowest and highest ratio of one round's pair. */
function ratio(c, name, base) {
  const n = c[name], b = c[base];
  if (!n || !b || n.meanRps == null || b.meanRps == null) return null;
  const perRound = n.rps.map((rps, i) => rps / b.rps[i]);
  return { mid: n.meanRps / b.meanRps, low: Math.min(...perRound), high: Math.max(...perRound), perRound };
}

/** "2.10× (1.98–2.22)" */
function formatRatio(r) {
  return r ? `${r.mid.toFixed(2)}× (${r.low.toFixed(2)}–${r.high.toFixed(2)})` : "–";
}

module.exports = { rounds, ratio, formatRatio };

if (require.main === module) {
  const r = rounds(process.argv[2]);
  const n0 = (v) => (v == null ? "–" : Math.round(v).toLocaleString("en-US"));
  for (const name of Object.keys(CONTENDERS)) {
    console.log(`${name}: ${r[name].rps.map(n0).join(", ")} req/s (rounds 1, 2)`);
  }
  console.log(`nexaflow / stateless Express: ${formatRatio(r.ratios.express)} (target ≥ 2×); ` +
    `nexaflow / durable Express: ${formatRatio(r.ratios.durable)} (target ≥ 4×)`);
}
