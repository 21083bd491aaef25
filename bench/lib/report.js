// Turns the raw outputs of one bench/run.sh run into a table (stdout) and bench/RESULTS.md.
// Usage: node report.js <out-dir> <RESULTS.md>
"use strict";
const fs = require("fs");
const path = require("path");
const { rounds, formatRatio } = require("./rounds");
const [outDir, resultsFile] = process.argv.slice(2);
const read = (name) => {
  try { return JSON.parse(fs.readFileSync(path.join(outDir, name), "utf8")); } catch (e) { return null; }
};
const m = read("machine.json"), st = read("startup.json"), orig = read("originate.json"), stub = read("stub-stats.json");
const rate = read("cb-rate.json"), ceil = read("ceiling-sat.json"), ceilRate = read("ceiling-rate.json"), ceilCpu = read("ceiling-sat-cpu.json");
const expRate = read("express-rate.json"), durRate = read("durable-rate.json");
const r = rounds(outDir), nx = r.nexaflow, ex = r.express, du = r.durable;
const durRows = fs.existsSync(path.join(outDir, "durable-rows.txt")) ? +fs.readFileSync(path.join(outDir, "durable-rows.txt"), "utf8").trim() : null;
const pgb = read("pgbench.json"), pgb2 = read("pgbench-c2.json"), dur = read("durability.json");
const jdks = read("startup-jdks.json");
const outage = read("outage-summary.json"), data = read("data-summary.json"), dialer = read("dialer-summary.json");
const elapsed = read("elapsed.json"), origCpu = read("originate-cpu.json"), pgbCpu = read("pgbench-cpu.json");
const versions = fs.existsSync(path.join(outDir, "versions.txt")) ? fs.readFileSync(path.join(outDir, "versions.txt"), "utf8").trim().split("\n") : [];
const dbSize = fs.existsSync(path.join(outDir, "db-size.txt")) ? fs.readFileSync(path.join(outDir, "db-size.txt"), "utf8").trim() : "?";

const n0 = (v) => (v == null || Number.isNaN(v) ? "–" : Math.round(v).toLocaleString("en-US"));
const f1 = (v) => (v == null || Number.isNaN(v) ? "–" : v.toFixed(1));
const f2 = (v) => (v == null || Number.isNaN(v) ? "–" : v.toFixed(2));
const x = (a, b) => (a == null || !b ? "–" : (a / b).toFixed(2) + "×");
const pct = (a, b) => (a == null || !b ? "–" : Math.round((100 * a) / b) + "%");
const mib = (k) => (k == null ? "–" : Math.round(k / 1024) + " MiB");
const median = (a) => { const s = [...a].sort((p, q) => p - q); return s.length ? s[Math.floor((s.length - 1) / 2)] : null; };
const lat = (l) => (l ? `${f2(l.p50)} / ${f2(l.p99)} / ${f2(l.max)}` : "–");
const ok2xx = (r) => (r ? r.answers.next + r.answers.ended : null);
const errs = (r) => (r ? (typeof r.errors === "object" ? Object.values(r.errors).reduce((s, v) => s + v, 0) : 0) +
  (r.answers.errors || 0) + r.answers.non200 + (r.answers.fallback || 0) + (r.answers.dry || 0) : null);
const dry = (r) => (r && r.answers.dry) || 0;

const satRps = nx.meanRps, restartMs = st && median(st.restartMs);
// The database ceiling is the best pgbench figure: at the same concurrency as wrk, or at nexaflow's writer count.
const pgbBest = pgb || pgb2 ? Math.max((pgb && pgb.tps) || 0, (pgb2 && pgb2.tps) || 0) : null;
const lines = [];
const row = (...cells) => lines.push("| " + cells.join(" | ") + " |");
const both = (c, f) => c.sat.map((s, i) => f(s, c.cpu[i])).join(" · "); // a figure of round 1 · round 2
const sum = (xs) => xs.reduce((s, v) => s + (v || 0), 0);

lines.push("### Gather callbacks (`POST /api/handle-dtmf`)", "");
row("measurement", "nexaflow (durable)", "HTTP ceiling (same stack, constant verb)", "Express webhook (vendor page, stateless)",
  "Express webhook + one INSERT per callback (durable)", "pgbench (same statement + commit)");
row("---", "---:", "---:", "---:", "---:", "---:");
const rounds2 = (c) => `(rounds ${c.rps.map(n0).join(", ")})`;
row(`throughput at saturation, req/s (wrk -t2 -c${m.connections}; callback contenders: two interleaved rounds of ` +
    `${m.phases.saturation}s, mean (rounds); ceiling ${m.phases.baselineSeconds}s)`,
  `**${n0(satRps)}** ${rounds2(nx)}`, `${n0(ceil && ceil.rps)} (nexaflow = ${pct(satRps, ceil && ceil.rps)})`,
  `${n0(ex.meanRps)} ${rounds2(ex)}; nexaflow = **${formatRatio(r.ratios.express)}**`,
  `${n0(du.meanRps)} ${rounds2(du)}; nexaflow = **${formatRatio(r.ratios.durable)}**`,
  `${n0(pgb && pgb.tps)} tps at -c${pgb && pgb.clients}, ${n0(pgb2 && pgb2.tps)} tps at -c2 (nexaflow = **${pct(satRps, pgbBest)}** of the better)`);
const latOf = (s) => (s ? lat(s.latencyMs) : "–");
row("latency at saturation p50 / p99 / max, ms (closed loop; round 1 · round 2)", both(nx, latOf), lat(ceil && ceil.latencyMs),
  both(ex, latOf), both(du, latOf), pgb ? `avg ${f2(pgb.latencyAvgMs)}` : "–");
row(`latency at a fixed ${m.rate}/s p50 / p99 / max, ms (open loop, from intended send)`,
  `**${lat(rate && rate.latencyMs)}**`, lat(ceilRate && ceilRate.latencyMs), lat(expRate && expRate.latencyMs), lat(durRate && durRate.latencyMs), "");
const pre = (x) => (x && x.preRoll ? `${f2(x.preRoll.p99)} / ${f2(x.preRoll.max)}` : "–");
row(`(left out: the ${rate && rate.preRoll ? rate.preRoll.seconds : "–"} s pre-roll at the same rate, p99 / max, ms)`,
  pre(rate), pre(ceilRate), pre(expRate), pre(durRate), "");
// Per second of the fixed-rate window: the p99 of the requests due in it (median and worst second), how many
// seconds had a p99 over the stall threshold, and how many stalled (that, or under half the rate answered).
const perSec = (x) => {
  const p = x && x.perSecond;
  return p ? `${f1(p.p99MedianMs)} / ${f1(p.p99WorstMs)}; ${p.secondsOverP99} of ${p.p99Ms.length} s over ${p.stallP99Ms} ms; ` +
    `${p.stalledSeconds.length} stalled` : "–";
};
row(`p99 per second at ${m.rate}/s: median / worst second, ms; seconds over 10 ms; stalled seconds`,
  `**${perSec(rate)}**`, perSec(ceilRate), perSec(expRate), perSec(durRate), "");
row(`p99 at ${m.rate}/s as a ratio`, "1", x(rate && rate.latencyMs.p99, ceilRate && ceilRate.latencyMs.p99) + " of ceiling's",
  x(rate && rate.latencyMs.p99, expRate && expRate.latencyMs.p99) + " of Express's",
  x(rate && rate.latencyMs.p99, durRate && durRate.latencyMs.p99) + " of durable Express's", "");
const cpuOf = (c) => `${f1(c.appUsPerRequest)} / ${f1(c.postgresUsPerRequest)}`;
row("CPU per request at saturation, µs (service / PostgreSQL; both rounds)", cpuOf(nx),
  ceilCpu ? `${f1(ceilCpu.appUsPerRequest)} / –` : "–", `${f1(ex.appUsPerRequest)} / –`, cpuOf(du),
  pgbCpu ? `– / ${f1(pgbCpu.postgresUsPerRequest)} per transaction` : "");
const busy = (s, c) => (c ? c.machineBusyPct + "%" : "–");
row("machine CPU busy during the saturation window (round 1 · round 2)", both(nx, busy),
  ceilCpu ? ceilCpu.machineBusyPct + "%" : "–", both(ex, busy), both(du, busy), pgbCpu ? pgbCpu.machineBusyPct + "%" : "");
const errsAll = (c, fixed) => n0(sum(c.sat.map(errs))) + " / " + n0(errs(fixed)) + " (sat / rate)";
row("errors (socket errors, timeouts, non-200, fallback answers, pool ran dry)", errsAll(nx, rate), n0(errs(ceil)),
  errsAll(ex, expRate), errsAll(du, durRate), pgb ? n0(pgb.failed) + " failed tx" : "–");
const dryNx = sum(nx.sat.map(dry)) + dry(rate);
if (dryNx > 0) {
  lines.push("", `**The seeded calls ran out** (${dryNx} requests found no call waiting: the service fell ` +
    "behind and every call was in flight). Those requests got 403 and the figures above are not valid: rerun with more " +
    "BENCH_CALLS on a quieter machine.");
}
if (durRows != null && du.meanRps != null) {
  const answered = sum(du.sat.map((s) => s && s.answers.constant)) + ((durRate && durRate.answers.constant) || 0);
  lines.push("", `Durable Express: ${n0(durRows)} rows in \`express_event\` for ${n0(answered)} answers counted by the load ` +
    `generators (warm-ups included in the rows: rows ≥ answers, ${durRows >= answered ? "holds" : "**does not hold**"}).`);
}
lines.push("");

const stalls = read("stall-causes.json");
if (stalls) {
  const top = (w) => Object.entries(w).slice(0, 4).map(([k, v]) => `${k} ${v}`).join(", ") || "none";
  lines.push("### What PostgreSQL waited on in the fixed-rate window (bench/lib/pg-waits.js, every 50 ms)", "");
  lines.push(`- stalled seconds: ${stalls.stalledSeconds.length ? stalls.stalledSeconds.join(", ") : "none"}; ` +
    `backends waiting per sample in them: ${top(stalls.waitingPerSample.stalled)}; in the other seconds: ` +
    `${top(stalls.waitingPerSample.other)}.`);
  lines.push(`- checkpoints began in seconds: ${stalls.checkpointStartedInSeconds.join(", ") || "none"}; WAL segment ` +
    `boundaries fell in ${stalls.walSegmentBoundaryInSeconds.length} seconds` +
    (stalls.stalledSeconds.length ? ` (${stalls.walSegmentBoundaryInSeconds.filter((x) => stalls.stalledSeconds.includes(x)).length} of them stalled)` : "") + ".", "");
}

lines.push("### Durability (checked in PostgreSQL after the load)", "");
if (dur) {
  lines.push(`- saturation: ${n0(dur.saturation.acked2xx)} callbacks answered 2xx with the flow's verb; ` +
    `${n0(dur.saturation.dtmfRowsCommitted)} DTMF rows committed in that window ` +
    `(the difference is requests in flight when wrk stopped: answered by nexaflow, not counted by wrk).`);
  lines.push(`- fixed rate: ${n0(dur.fixedRate.acked2xx)} answered 2xx; ${n0(dur.fixedRate.dtmfRowsCommitted)} DTMF rows committed.`);
  lines.push(`- per call: ${n0(dur.perCall.calls)} calls, ${n0(dur.perCall.ackedWithNextGather)} acknowledged callbacks ` +
    `attributed to their call; calls with fewer committed DTMF rows than acknowledged callbacks: **${dur.perCall.callsWithFewerRowsThanAcks}**.`);
  lines.push(`- calls advanced: ${n0(dur.calls.completed)} of ${n0(dur.calls.total)} calls reached the end of the flow ` +
    `(≥ ${n0(dur.calls.endedAnswers)} final answers seen), ${n0(dur.calls.inProgress)} still in progress; ` +
    `fallback/rejected/forged events: ${n0(dur.problemEvents)}. Database size after the run: ${dbSize}.`);
  lines.push(`- verdict: **${dur.ok ? "every acknowledged callback is committed" : "FAILED — see durability.json"}**`);
}
lines.push("");

lines.push("### Database outage (PostgreSQL cut by a TCP proxy while callbacks arrive)", "");
if (outage) {
  const d = outage.duringOutage, j = outage.journal;
  lines.push(`- ${f1(outage.outageSeconds)} s without the database at ${outage.rate} callbacks/s: **${n0(d.answered)} answered, ` +
    `${n0(d.withFlowVerb)} with the flow's verb, ${n0(d.fallback)} fallbacks** (${n0(d.non200)} non-200, ${n0(d.errors)} errors); ` +
    `p50 / p99 / max during the outage **${lat(d.latencyMs)} ms**.`);
  lines.push(`- journal: max depth ${j.maxDepth == null ? "– (no nexaflow_journal_depth metric)" : n0(j.maxDepth)}; ` +
    `drained **${j.drainMs == null ? "–" : n0(j.drainMs) + " ms"}** after the database returned.`);
  lines.push(`- events lost: **${n0(outage.eventsLost)}** (acknowledged callbacks with no committed DTMF row after the drain); ` +
    `verdict: **${outage.ok ? "ok" : "FAILED — see outage-summary.json"}**`);
} else lines.push("- not run");
lines.push("");

lines.push("### Data-driven flows (plain, set and http rings; a loopback business API)", "");
if (data) {
  const k = data.kinds;
  lines.push(`- at ${data.rate} callbacks/s, p50 / p99: plain **${f2(k.plain.p50)} / ${f2(k.plain.p99)} ms**, set ` +
    `**${f2(k.set.p50)} / ${f2(k.set.p99)} ms**, http **${f2(k.http.p50)} / ${f2(k.http.p99)} ms** (median of ${data.rounds} rounds).`);
  lines.push(`- an http node adds **${f2(data.httpAddsP99Ms)} ms** at p99 (http − set, per round); the API itself took ` +
    `${data.apiMs} ms, p99 ${f2(data.businessApi.latencyMs.p99)} ms by its own clock; target ≤ that + 2 ms: ` +
    `**${data.httpOverheadOk ? "met" : "missed"}**.`);
  lines.push(`- saturation: plain ${n0(k.plain.rps)}/s, set ${n0(k.set.rps)}/s (**${f2(data.setVsPlainThroughput)}×** plain), ` +
    `http ${n0(k.http.rps)}/s (${f2(data.httpVsPlainThroughput)}×); requests failed: ${n0(data.httpRequests.failed)}; ` +
    `verdict: **${data.ok ? "ok" : "FAILED — see data-summary.json"}**`);
} else lines.push("- not run");
lines.push("");

lines.push("### Campaign dialer (campaigns against the stub Nexafone, beside `POST /v1/calls` in the same rounds)", "");
if (dialer) {
  for (const r of dialer.rounds) {
    lines.push(`- round ${r.round}: **${n0(r.dialer.ratePerSecond)} originates/s** (${n0(r.dialer.originates)} in ` +
      `${f1(r.dialer.seconds)} s; service ${f1(r.dialer.cpu.appUsPerRequest)} µs, PostgreSQL ` +
      `${f1(r.dialer.cpu.postgresUsPerRequest)} µs CPU per originate); \`POST /v1/calls\` ${f1(r.api.ratePerSecond)}/s ` +
      `(service ${f1(r.api.cpu.appUsPerRequest)} µs per call); pace at ${r.pace.callsPerSecond}/s, calls per 10 s ` +
      `window / target: ${r.pace.campaigns.map((p) => `${p.min}–${p.max} (${p.windows} windows)`).join(", ")}.`);
  }
  lines.push(`- verdict: ${n0(dialer.dialerRatePerSecond.min)}–${n0(dialer.dialerRatePerSecond.max)} originates/s ` +
    `(target ≥ 300: **${dialer.dialerRatePerSecond.min >= 300 ? "met" : "missed"}**); pace within ±10% in every 10 s ` +
    `window: **${dialer.paceWithin10Pct ? "yes" : "no"}**`);
} else lines.push("- not run");
lines.push("");

lines.push("### Originating (`POST /v1/calls` → stub Nexafone on loopback)", "");
if (orig) {
  lines.push(`- ${n0(orig.accepted)} calls accepted of ${n0(orig.sent)} in ${f1(orig.seconds)} s: **${n0(orig.callsPerSecond)} calls/s** ` +
    `at concurrency ${orig.concurrency} (p50 ${f1(orig.latencyMs.p50)} ms, p99 ${f1(orig.latencyMs.p99)} ms); statuses ${JSON.stringify(orig.statuses)}.`);
  if (origCpu) lines.push(`- service CPU ${f1(origCpu.appUsPerRequest)} µs and PostgreSQL CPU ${f1(origCpu.postgresUsPerRequest)} µs per call; machine ${origCpu.machineBusyPct}% busy.`);
}
if (stub) lines.push(`- stub Nexafone saw **${stub.auth} auth request(s)** for ${n0(stub.originate)} originates (token lifetime 3600 s; the run is shorter: expected 1), ${stub.unauthorized} unauthorized.`);
lines.push("");

lines.push("### Footprint", "");
if (st) {
  lines.push(`- start → \`/q/health/ready\` 200: first start on an empty database (Flyway migrates) **${n0(st.firstStartMs)} ms**; ` +
    `restarts (schema present) ${st.restartMs.map(n0).join(", ")} ms, median **${n0(restartMs)} ms**.`);
  lines.push(`- RSS (VmRSS): idle after start **${mib(st.rssIdleKiB)}**; under callback load max **${mib(st.rssLoadMaxKiB)}** ` +
    `(${st.rssLoadSamples} samples every 0.25 s); after the load ${mib(st.rssAfterLoadKiB)}.`);
}
if (jdks) {
  const cfg = (k, label) => jdks[k] ? `${label} **${n0(jdks[k].median)} ms** (${jdks[k].readyMs.map(n0).join(", ")})` : null;
  lines.push(`- ready on the image's JVM options (bench/startup.sh, ${jdks.runs} restarts each, interleaved): ` +
    [cfg("jdk17", "JDK 17"), cfg("jdk25aot", "JDK 25 with the AOT cache the image ships")].filter(Boolean).join("; ") +
    (jdks.jdk25aot ? `; training the cache took ${f1(jdks.jdk25aot.trainSeconds)} s (${n0(jdks.jdk25aot.cacheMiB)} MiB).` : "."));
}
lines.push("");

lines.push("### Targets", "");
const t = [];
const mark = (b) => (b == null ? "–" : b ? "met" : "**missed**");
// Throughput: judged on the weaker round (the low end of each spread), every event persisted.
const re = r.ratios.express, rd = r.ratios.durable;
t.push([`callback throughput ≥ 2× stateless Express and ≥ 4× durable Express in both rounds, every event persisted`,
  `${formatRatio(re)} (≥ 2×: ${mark(re ? re.low >= 2 : null)}) and ${formatRatio(rd)} (≥ 4×: ${mark(rd ? rd.low >= 4 : null)}); ` +
  `durability ${dur && dur.ok ? "ok" : "FAILED"}`,
  mark(re && rd ? re.low >= 2 && rd.low >= 4 && dur && dur.ok : null)]);
const ps = rate && rate.perSecond;
t.push([`callback p99 ≤ 10 ms at ${m.rate}/s over the whole ${m.phases.rateSeconds} s window`,
  rate ? `${f2(rate.latencyMs.p99)} ms; per second: worst ${ps ? f1(ps.p99WorstMs) : "–"} ms, ` +
    `${ps ? ps.secondsOverP99 : "–"} s over 10 ms, ${ps ? ps.stalledSeconds.length : "–"} stalled` : "–",
  mark(rate ? rate.latencyMs.p99 <= 10 : null)]);
t.push([`≥ 50% of the pgbench ceiling (the better of -c${pgb && pgb.clients} and -c2)`, pct(satRps, pgbBest), mark(pgbBest && satRps ? satRps >= 0.5 * pgbBest : null)]);
t.push([`RSS under load ≤ 300 MiB`, mib(st && st.rssLoadMaxKiB), mark(st ? st.rssLoadMaxKiB <= 300 * 1024 : null)]);
const imageReady = jdks && jdks.jdk25aot ? jdks.jdk25aot.median : null;
t.push([`ready ≤ 3 s (restart median of the image: JDK 25 with its AOT cache)`, `${n0(imageReady)} ms (JDK 17: ` +
  `${n0(jdks && jdks.jdk17 && jdks.jdk17.median)} ms; this run's JDK 17 + AppCDS restarts ${n0(restartMs)} ms, first ` +
  `${n0(st && st.firstStartMs)} ms)`, mark(imageReady != null ? imageReady <= 3000 : null)]);
row("target", "this run", "");
row("---", "---", "---");
t.forEach((r) => row(...r));
lines.push("");

lines.push("### Run", "");
lines.push(`- ${m.stamp}${m.quick ? " — **BENCH_QUICK smoke run** (short phases: indicative only)" : ""}; ` +
  `${m.cpus} × ${m.cpuModel}, ${m.memGiB} GiB; load average before ${m.loadavg.map((v) => v.toFixed(2)).join(" ")}, ` +
  `**${m.busyBeforePct}% of the CPUs busy with other work before the run** (3 s sample)` +
  (elapsed ? `; load average after ${elapsed.loadavgAfter}; run took ${elapsed.seconds} s.` : "."));
lines.push(`- service JVM: \`${m.javaOpts}\``);
lines.push(`- ${m.calls} calls seeded, 80 callbacks each. Callback contenders at saturation, interleaved: round 1 ` +
  `nexaflow → Express → durable Express, round 2 the reverse, ${m.phases.saturation}s each; warm-up before the first ` +
  `window ${m.phases.warm}s (nexaflow) / ${m.phases.baselineWarm}s (Express, V8), ${m.phases.rewarm}s before the second; ` +
  `ratios: the two rounds' means (lowest–highest single round). Durable Express: pg pool ${m.durablePool}, one INSERT ` +
  `per callback, autocommit, synchronous_commit on. Then fixed rate ${m.phases.rateSeconds}s (nexaflow) and ` +
  `${m.phases.baselineRateSeconds}s (each Express), after a 5 s pre-roll; HTTP ceiling ${m.phases.baselineSeconds}s ` +
  `saturation + ${m.phases.baselineRateSeconds}s fixed rate; pgbench ${m.phases.pgbench}s.`);
lines.push(`- versions: ${versions.join("; ")}`);
lines.push(`- raw outputs: \`bench/out/${path.basename(outDir)}/\` (not committed)`);

const table = lines.join("\n");
console.log("\n" + table + "\n");

const findings = path.join(__dirname, "..", "FINDINGS.md");
const md = ["# nexaflow benchmark results", "",
  "Generated by `bash bench/run.sh` (how each figure is measured: [README.md](README.md)). The section after the",
  "figures is [FINDINGS.md](FINDINGS.md): profiles, changes with before/after, and what blocks a missed target.", "",
  "## Figures of the last run", "",
  ...(m.busyBeforePct > 5 || m.loadavg[0] > 1.5
    ? [`> **Shared machine:** load average ${m.loadavg[0].toFixed(2)} and ${m.busyBeforePct}% of the CPUs busy with other work ` +
       "when this run started (see Run). These figures are not the quiet-machine figures the targets are about; " +
       "FINDINGS.md explains what could still be concluded.", ""]
    : []),
  table, "",
  fs.existsSync(findings) ? fs.readFileSync(findings, "utf8").trim() : "", ""].join("\n");
fs.writeFileSync(resultsFile, md);
console.log("wrote " + resultsFile);
