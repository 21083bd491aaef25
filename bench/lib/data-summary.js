// Sums up bench/run.sh's data phase (issue 13): plain, set and http rings, rounds of fixed rate and saturation.
// Writes data-summary.json into the out dir and prints one line.
// Usage: node data-summary.js <out-dir> <rounds> <apiMs>
"use strict";
const fs = require("fs"), [out, rounds, apiMs] = process.argv.slice(2);
const read = (n) => JSON.parse(fs.readFileSync(out + "/" + n));
const median = (a) => { const s = [...a].sort((p, q) => p - q); return s[Math.floor((s.length - 1) / 2)]; };
const kinds = {};
for (const k of ["plain", "set", "http"]) {
  const rate = [], sat = [];
  for (let r = 1; r <= +rounds; r++) { rate.push(read(`data-${k}-rate-${r}.json`)); sat.push(read(`data-${k}-sat-${r}.json`)); }
  const bad = rate.concat(sat).reduce((s, x) => s + x.answers.non200 + (x.answers.fallback || 0) + (x.answers.errors || 0)
    + (x.answers.dry || 0), 0);
  kinds[k] = { p50: median(rate.map((x) => x.latencyMs.p50)), p99: median(rate.map((x) => x.latencyMs.p99)),
    p99s: rate.map((x) => +x.latencyMs.p99.toFixed(2)), rps: median(sat.map((x) => x.rps)),
    rpsAll: sat.map((x) => Math.round(x.rps)), notAnswered: bad };
}
const [ok, failed] = fs.readFileSync(out + "/data-http-events.txt", "utf8").trim().split("|").map(Number);
// Compared within each round (the three ran back to back), then the median over rounds: drift between rounds
// (the JIT still warming in the first) moves the three alike and cancels out of the ratio.
const perRound = (f) => median(Array.from({ length: +rounds }, (_, i) => f(i)));
const satOf = (k, i) => read(`data-${k}-sat-${i + 1}.json`).rps, p99Of = (k, i) => read(`data-${k}-rate-${i + 1}.json`).latencyMs.p99;
const s = { apiMs: +apiMs, rate: read("data-plain-rate-1.json").rate, rounds: +rounds, kinds,
  setVsPlainThroughput: perRound((i) => satOf("set", i) / satOf("plain", i)),
  httpVsPlainThroughput: perRound((i) => satOf("http", i) / satOf("plain", i)),
  httpAddsP99Ms: perRound((i) => p99Of("http", i) - p99Of("set", i)), httpRequests: { ok, failed },
  businessApi: JSON.parse(fs.readFileSync(out + "/business-api-stats.json")) };
// The target (issue 13): an http node adds at most the latency of the API itself (its p99, by its own clock) + 2 ms.
s.httpOverheadOk = s.httpAddsP99Ms <= s.businessApi.latencyMs.p99 + 2;
s.ok = s.httpOverheadOk && failed === 0 && Object.values(kinds).every((k) => k.notAnswered === 0);
fs.writeFileSync(out + "/data-summary.json", JSON.stringify(s, null, 2));
const f = (v) => v.toFixed(2);
console.log(`data flows at ${s.rate}/s p50/p99 ms: plain ${f(kinds.plain.p50)}/${f(kinds.plain.p99)}, set ${f(kinds.set.p50)}/${f(kinds.set.p99)}, ` +
  `http ${f(kinds.http.p50)}/${f(kinds.http.p99)} (the API takes ${apiMs} ms, p99 ${f(s.businessApi.latencyMs.p99)} ms by its own clock; ` +
  `http adds ${f(s.httpAddsP99Ms)} ms at p99 over set); saturation ` +
  `plain ${Math.round(kinds.plain.rps)}/s, set ${Math.round(kinds.set.rps)}/s (${f(s.setVsPlainThroughput)}x), http ${Math.round(kinds.http.rps)}/s; ` +
  `requests ok ${ok}, failed ${failed} -> ${s.ok ? "ok" : "FAILED"}`);