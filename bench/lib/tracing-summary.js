// Sums up bench/run.sh's tracing phase (issue 16): callback saturation with tracing off, tracing on (exported to a
// discarding OTLP sink) at the default sample ratio and at 1.0 (full) and, when BENCH_TRACE_BASE gave one, the jar
// of main before tracing existed; interleaved
// rounds (lib/rounds.js). Writes tracing-summary.json and prints one line.
// Usage: node tracing-summary.js <out-dir> <rounds> <variant>...
"use strict";
const fs = require("fs");
const path = require("path");
const { rounds, ratio, formatRatio } = require("./rounds");

const [out, n, ...variants] = process.argv.slice(2);
const contenders = Object.fromEntries(variants.map((v) => [v, `trace-${v}`]));
const r = rounds(out, contenders, Array.from({ length: +n }, (_, i) => i + 1));
const read = (name) => JSON.parse(fs.readFileSync(path.join(out, name), "utf8"));
const answers = {};
for (const v of variants) {
  answers[v] = r[v].sat.reduce((a, s) => {
    for (const [k, x] of Object.entries(s.answers)) a[k] = (a[k] || 0) + x;
    return a;
  }, {});
}
// The fixed-rate windows (BENCH_TRACE_RATE): CPU per callback at one rate, each variant against off (off's CPU over
// the variant's: the throughput a CPU-bound service keeps).
const fixedRate = {};
for (const v of variants) {
  const runs = Array.from({ length: +n }, (_, i) => i + 1).map((i) => {
    try {
      const rate = read(`trace-${v}-rate-${i}.json`), cpu = read(`trace-${v}-rate-${i}-cpu.json`);
      return { requests: rate.answered + rate.preRoll.answered, cpu: cpu.appCpuSeconds, p99: rate.latencyMs?.p99 };
    } catch (e) { return null; }
  });
  if (runs.every(Boolean)) {
    fixedRate[v] = { appUsPerRequest: (1e6 * runs.reduce((a, x) => a + x.cpu, 0)) / runs.reduce((a, x) => a + x.requests, 0),
      perRound: runs.map((x) => (1e6 * x.cpu) / x.requests) };
  }
}
if (fixedRate.off) {
  for (const v of Object.keys(fixedRate)) {
    fixedRate[v].offOverThis = fixedRate.off.appUsPerRequest / fixedRate[v].appUsPerRequest;
    fixedRate[v].perRoundOffOverThis = fixedRate[v].perRound.map((x, i) => fixedRate.off.perRound[i] / x);
  }
}
const s = {
  rounds: +n, variants,
  rps: Object.fromEntries(variants.map((v) => [v, r[v].rps])),
  meanRps: Object.fromEntries(variants.map((v) => [v, r[v].meanRps])),
  appUsPerRequest: Object.fromEntries(variants.map((v) => [v, r[v].appUsPerRequest])),
  answers,
  onOverOff: ratio(r, "on", "off"),
  fullOverOff: variants.includes("full") ? ratio(r, "full", "off") : null,
  offOverBase: variants.includes("base") ? ratio(r, "off", "base") : null,
  // zero (nothing sampled) and the exp<x> variants (settings tried on top of 'on'), each against off.
  othersOverOff: Object.fromEntries(variants.filter((v) => v === "zero" || v === "baseon" || v.startsWith("exp"))
    .map((v) => [v, ratio(r, v, "off")])),
  fixedRate,
  sink: read("otlp-sink-stats.json"),
};
s.ok = variants.every((v) => answers[v].fallback === 0 && answers[v].non200 === 0 && answers[v].dry === 0)
  && s.sink.requests > 0;
fs.writeFileSync(path.join(out, "tracing-summary.json"), JSON.stringify(s, null, 2));
const n0 = (x) => (x == null ? "–" : Math.round(x).toLocaleString("en-US"));
console.log(variants.map((v) => `${v}: ${r[v].rps.map(n0).join(", ")} req/s, ${n0(r[v].appUsPerRequest)} µs CPU/req`)
  .join("; ") + `; on/off ${formatRatio(s.onOverOff)} (target ≥ 0.95×)` +
  (s.fullOverOff ? `; full/off ${formatRatio(s.fullOverOff)}` : "") +
  (s.offOverBase ? `; off/main ${formatRatio(s.offOverBase)} (target ≈ 1×)` : "") +
  Object.entries(s.othersOverOff).map(([v, x]) => `; ${v}/off ${formatRatio(x)}`).join("") +
  (Object.keys(fixedRate).length ? "; at a fixed rate, µs CPU/callback " + Object.entries(fixedRate).map(([v, x]) =>
    `${v} ${n0(x.appUsPerRequest)}` + (v !== "off" && x.offOverThis ? ` (off/${v} ${x.offOverThis.toFixed(2)}×, rounds ${
      x.perRoundOffOverThis.map((y) => y.toFixed(2)).join("/")})` : "")).join(", ") : "") +
  `; sink got ${s.sink.requests} exports, ${n0(s.sink.bytes / 1024)} KiB -> ${s.ok ? "ok" : "FAILED"}`);
