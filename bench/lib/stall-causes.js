// Names what PostgreSQL waited on during the fixed-rate phase's stalled seconds, against its ordinary seconds:
// per wait event, the mean number of backends seen waiting on it per sample, in stalled and in other seconds, and
// whether a checkpoint started or a WAL segment boundary fell in a stalled second.
// Usage: node stall-causes.js <cb-rate.json> <pg-waits.jsonl> <out.json>
"use strict";
const fs = require("fs");
const [rateFile, waitsFile, outFile] = process.argv.slice(2);
const rate = JSON.parse(fs.readFileSync(rateFile, "utf8"));
const samples = fs.readFileSync(waitsFile, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
const start = rate.measuredStartEpochMs, stalled = new Set(rate.perSecond.stalledSeconds);
const groups = { stalled: { samples: 0, waits: {}, background: {} }, other: { samples: 0, waits: {}, background: {} } };
const checkpointsIn = [], walSegmentsIn = [];
let prev = null;
for (const s of samples) {
  const second = Math.floor((s.t - start) / 1000);
  if (second < 0 || second >= rate.seconds) { prev = s; continue; }
  const g = groups[stalled.has(second) ? "stalled" : "other"];
  g.samples++;
  for (const [w, n] of Object.entries(s.waits)) g.waits[w] = (g.waits[w] || 0) + n;
  for (const [who, w] of Object.entries(s.background || {})) g.background[who + " " + w] = (g.background[who + " " + w] || 0) + 1;
  if (prev && s.ckpt > prev.ckpt) checkpointsIn.push(second);
  if (prev && Math.floor(s.walFiles) > Math.floor(prev.walFiles)) walSegmentsIn.push(second);
  prev = s;
}
const mean = (g) => Object.fromEntries(Object.entries(g.waits).sort((a, b) => b[1] - a[1])
  .map(([w, n]) => [w, +(n / Math.max(1, g.samples)).toFixed(2)]));
const result = {
  stalledSeconds: [...stalled], samples: { stalled: groups.stalled.samples, other: groups.other.samples },
  waitingPerSample: { stalled: mean(groups.stalled), other: mean(groups.other) },
  backgroundSeen: { stalled: groups.stalled.background, other: groups.other.background },
  checkpointStartedInSeconds: checkpointsIn, walSegmentBoundaryInSeconds: walSegmentsIn,
};
fs.writeFileSync(outFile, JSON.stringify(result, null, 2));
console.log(`stalled seconds ${JSON.stringify(result.stalledSeconds)}; backends waiting per sample, stalled: ` +
  `${JSON.stringify(result.waitingPerSample.stalled)}; other: ${JSON.stringify(result.waitingPerSample.other)}; ` +
  `checkpoints began in seconds ${JSON.stringify(checkpointsIn)}; WAL segment boundaries in ${walSegmentsIn.length} seconds`);
