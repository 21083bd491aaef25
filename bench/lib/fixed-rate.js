// Open-loop load at a fixed rate for gather callbacks (wrk2 is not in Debian; this replaces it).
// Request i is due at start + i/rate; its latency is measured from that intended send time, not from when a
// socket was free, so a stall shows up in the latency of every request it delays (no coordinated omission).
// Same chaining as callbacks.lua: each answer's next gather URL goes back into the pool.
//
// A pre-roll of BENCH_PREROLL seconds (default 5) at the same rate comes first and is left out of the latency figures
// (like wrk2's calibration period): the phase before is idle or saturated, and the switch is not the steady state
// being measured. Its p99/max are reported separately.
// BENCH_WINDOW="from,to" (seconds of the measured schedule) reports the requests due in that window apart, and with
// BENCH_WINDOW_PID signals that process at its edges (SIGUSR1 at the start, SIGUSR2 at the end: the outage phase
// cuts and restores its database proxy so) and records when, to the millisecond.
// Per second of the measured window it reports the p99 and max of the requests due in that second and how many
// answers arrived in it; a second is "stalled" when that p99 is over STALL_P99_MS or fewer than STALL_SHARE of the
// rate's answers arrived (a pause shows as both: its requests wait, then arrive in a burst a second later).
// Usage: node fixed-rate.js <baseUrl> <mode chain|constant> <pool-file|path> <rate/s> <seconds> <sockets>
//                           <out.json> [left-file] [acks-file]
"use strict";
const http = require("http");
const fs = require("fs");
const { percentiles, pathOf } = require("./common");

const [base, mode, source, rateArg, secondsArg, socketsArg, outFile, leftFile, acksFile] = process.argv.slice(2);
const rate = Number(rateArg), seconds = Number(secondsArg), sockets = Number(socketsArg);
const url = new URL(base);
const agent = new http.Agent({ keepAlive: true, maxSockets: sockets, scheduling: "fifo" });

const pool = []; // FIFO of [callId, path]
let poolHead = 0;
if (mode === "chain") {
  for (const line of fs.readFileSync(source, "utf8").split("\n")) {
    const [id, u] = line.trim().split(/\s+/);
    if (id && u) pool.push([id, pathOf(u)]);
  }
}

const preroll = Number(process.env.BENCH_PREROLL || 5);
const skip = Math.round(rate * preroll);
const total = skip + Math.round(rate * seconds);
const latencies = new Float64Array(total);
const prerollLatencies = [];
const dueAt = new Float64Array(total); // intended send time of each answered request, for the per-second series
const STALL_P99_MS = 10, STALL_SHARE = 0.5;
const completedPerSecond = new Array(Math.ceil(seconds)).fill(0); // answers (of any request) arriving in each second
let measured = 0;
const counts = { next: 0, ended: 0, fallback: 0, non200: 0, errors: 0, dry: 0, constant: 0 };
const acks = new Map();
let sent = 0, finished = 0, maxLateMs = 0;
const t0 = performance.now() + 50;
const [windowFrom, windowTo] = (process.env.BENCH_WINDOW || "").split(",").map(Number);
const windowPid = Number(process.env.BENCH_WINDOW_PID || 0);
const windowCounts = { next: 0, ended: 0, fallback: 0, non200: 0, errors: 0 };
const windowLatencies = [];
const windowEdges = {};
const inWindow = (due) => process.env.BENCH_WINDOW && due >= windowFrom * 1000 && due < windowTo * 1000;
function edge(name, signal) { // at the window's start and end: record the wall time, signal the process
  windowEdges[name + "EpochMs"] = Date.now();
  if (windowPid) process.kill(windowPid, signal);
}

function send(i) {
  let id, path;
  if (mode === "chain") {
    if (poolHead >= pool.length) { counts.dry++; id = "dry"; path = "/api/handle-dtmf?s=dry"; }
    else { [id, path] = pool[poolHead]; pool[poolHead++] = undefined; }
  } else {
    id = "c-bench"; path = source;
  }
  const due = t0 + (i * 1000) / rate;
  const windowed = i >= skip && inWindow(due - t0 - preroll * 1000);
  const body = '{"callId":"' + id + '","dtmf":"1","to":{"channelId":"' + id + '"}}';
  const req = http.request({ host: url.hostname, port: url.port, path, method: "POST", agent,
    headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) } }, (res) => {
    const chunks = [];
    res.on("data", (c) => chunks.push(c));
    res.on("end", () => {
      const now = performance.now(), latency = now - due;
      const second = Math.floor((now - t0) / 1000 - preroll);
      if (second >= 0 && second < completedPerSecond.length) completedPerSecond[second]++;
      if (i < skip) prerollLatencies.push(latency);
      else { dueAt[measured] = due - t0 - preroll * 1000; latencies[measured++] = latency; }
      finished++;
      if (windowed) windowLatencies.push(latency);
      const kind = classify(res.statusCode, Buffer.concat(chunks).toString("utf8"));
      if (windowed && kind in windowCounts) windowCounts[kind]++;
    });
  });
  req.setTimeout(10000, () => req.destroy(new Error("timeout")));
  req.on("error", () => { counts.errors++; finished++; if (windowed) windowCounts.errors++; });
  req.end(body);
}

function classify(status, text) {
  if (status !== 200) { counts.non200++; return "non200"; }
  if (mode !== "chain") { counts.constant++; return "constant"; }
  const action = /"action":"(https?:\/\/[^"]*)"/.exec(text);
  const channel = /"channelId":"([^"]*)"/.exec(text);
  if (action && channel) {
    counts.next++;
    acks.set(channel[1], (acks.get(channel[1]) || 0) + 1);
    pool.push([channel[1], pathOf(action[1])]);
    return "next";
  }
  if (text.includes("bench-fallback")) { counts.fallback++; return "fallback"; }
  counts.ended++;
  return "ended";
}

function tick() {
  const now = performance.now();
  if (process.env.BENCH_WINDOW) {
    const at = now - t0 - preroll * 1000;
    if (at >= windowFrom * 1000 && !windowEdges.startEpochMs) edge("start", "SIGUSR1");
    if (at >= windowTo * 1000 && !windowEdges.endEpochMs) edge("end", "SIGUSR2");
  }
  while (sent < total && t0 + (sent * 1000) / rate <= now) {
    maxLateMs = Math.max(maxLateMs, now - (t0 + (sent * 1000) / rate));
    send(sent++);
  }
  if (process.env.BENCH_WINDOW && !windowEdges.endEpochMs && sent >= total) edge("end", "SIGUSR2");
  if (sent < total) setTimeout(tick, 1);
  else waitForAnswers(Date.now() + 10000);
}

function waitForAnswers(deadline) {
  if (finished < sent && Date.now() < deadline) return setTimeout(() => waitForAnswers(deadline), 20);
  const p = percentiles(latencies.subarray(0, measured));
  // p99 and max per second of the schedule (requests bucketed by when they were due, so a stall counts against the
  // second it delayed), beside the answers that arrived in each second.
  const buckets = Array.from({ length: Math.ceil(seconds) }, () => []);
  // (clamped: the first request's due time can come out a hair below 0 in floating point)
  const bucket = (ms) => Math.max(0, Math.min(buckets.length - 1, Math.floor(ms / 1000)));
  for (let i = 0; i < measured; i++) buckets[bucket(dueAt[i])].push(latencies[i]);
  const q = buckets.map((b) => percentiles(b));
  const p99s = q.map((x) => x.p99 && +x.p99.toFixed(1));
  const over = p99s.map((v) => v == null || v > STALL_P99_MS), few = completedPerSecond.map((n) => n < STALL_SHARE * rate);
  const stalled = over.map((o, s) => (o || few[s] ? s : -1)).filter((s) => s >= 0);
  const perSecond = { p99Ms: p99s, maxMs: q.map((x) => x.max && +x.max.toFixed(1)), completed: completedPerSecond,
    p99MedianMs: percentiles(p99s.filter((v) => v != null)).p50, p99WorstMs: Math.max(0, ...p99s.filter((v) => v != null)),
    stallP99Ms: STALL_P99_MS, stallShare: STALL_SHARE, secondsOverP99: over.filter(Boolean).length,
    secondsFewCompleted: few.filter(Boolean).length, stalledSeconds: stalled };
  const pre = percentiles(prerollLatencies);
  const summary = { mode, rate, seconds, sent: sent - skip, answered: measured, answers: counts,
    achievedRps: measured / seconds, schedulerMaxLateMs: maxLateMs, latencyMs: p, perSecond,
    // Wall time of second 0 of the measured window, to line the series up with pg-waits.js samples.
    measuredStartEpochMs: Math.round(Date.now() - performance.now() + t0 + preroll * 1000),
    preRoll: { seconds: preroll, answered: pre.count, p99: pre.p99, max: pre.max } };
  if (process.env.BENCH_WINDOW) {
    summary.window = { from: windowFrom, to: windowTo, ...windowEdges, answers: windowCounts,
      latencyMs: percentiles(windowLatencies) };
  }
  fs.writeFileSync(outFile, JSON.stringify(summary, null, 2));
  if (leftFile) {
    const left = [];
    for (let i = poolHead; i < pool.length; i++) if (pool[i]) left.push(pool[i][0] + " http://x" + pool[i][1]);
    fs.writeFileSync(leftFile, left.join("\n") + (left.length ? "\n" : ""));
  }
  if (acksFile) fs.writeFileSync(acksFile, [...acks].map(([k, v]) => k + " " + v).join("\n") + "\n");
  console.log(`fixed rate ${rate}/s for ${seconds} s after a ${preroll} s pre-roll: ${measured}/${sent - skip} answered; p50 ${p.p50?.toFixed(2)} ms, ` +
    `p99 ${p.p99?.toFixed(2)} ms, max ${p.max?.toFixed(2)} ms; per second p99 median ${perSecond.p99MedianMs} ms, worst ` +
    `${perSecond.p99WorstMs} ms, ${perSecond.secondsOverP99} of ${buckets.length} s over ${STALL_P99_MS} ms, ` +
    `${perSecond.stalledSeconds.length} stalled; ${JSON.stringify(counts)}`);
  agent.destroy();
}

setTimeout(tick, 50);
