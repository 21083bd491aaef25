// Summarises the dialer phase (issue 14): originates/s of the dialer beside POST /v1/calls in the same run, pace
// accuracy per campaign (calls in every 10-second window of its steady run against 10 x callsPerSecond), and CPU
// per originate. Usage: node dialer-summary.js <outDir> <rounds>
"use strict";
const fs = require("fs");
const [out, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg);
const read = (f) => JSON.parse(fs.readFileSync(out + "/" + f, "utf8"));

const result = { rounds: [] };
for (let r = 1; r <= rounds; r++) {
  const dialer = read(`dialer-${r}.json`), api = read(`dialer-api-${r}.json`), paced = read(`dialer-pace-${r}.json`);
  const cpu = read(`dialer-cpu-${r}.json`), apiCpu = read(`dialer-api-cpu-${r}.json`);
  // Seconds per campaign from the database: "campaign-id epoch-second count" lines.
  const perSecond = {};
  for (const line of fs.readFileSync(`${out}/dialer-seconds-${r}.txt`, "utf8").trim().split("\n")) {
    const [who, second, n] = line.trim().split("|");
    if (!paced.campaigns.includes(who.replace("campaign ", ""))) continue;
    (perSecond[who] ||= {})[Number(second)] = Number(n);
  }
  const pace = [];
  for (const [who, seconds] of Object.entries(perSecond)) {
    const keys = Object.keys(seconds).map(Number).sort((a, b) => a - b);
    // Steady run: leave out its first and last second (partial), then every 10-second window inside.
    const from = keys[0] + 1, to = keys[keys.length - 1] - 1;
    const ratios = [];
    for (let s = from; s + 10 <= to + 1; s++) {
      let n = 0;
      for (let k = s; k < s + 10; k++) n += seconds[k] || 0;
      ratios.push(n / (10 * paced.callsPerSecond));
    }
    pace.push({ campaign: who, windows: ratios.length,
      min: ratios.length ? +Math.min(...ratios).toFixed(3) : null,
      max: ratios.length ? +Math.max(...ratios).toFixed(3) : null });
  }
  result.rounds.push({ round: r, dialer: { originates: dialer.originates, seconds: dialer.seconds,
    ratePerSecond: dialer.ratePerSecond, completed: dialer.completed, cpu },
    api: { accepted: api.accepted, ratePerSecond: +api.callsPerSecond.toFixed(1), cpu: apiCpu },
    pace: { callsPerSecond: paced.callsPerSecond, campaigns: pace } });
}
const rates = result.rounds.map((x) => x.dialer.ratePerSecond);
result.dialerRatePerSecond = { min: Math.min(...rates), max: Math.max(...rates) };
const windows = result.rounds.flatMap((x) => x.pace.campaigns);
result.paceWithin10Pct = windows.every((w) => w.min === null || (w.min >= 0.9 && w.max <= 1.1));
fs.writeFileSync(out + "/dialer-summary.json", JSON.stringify(result, null, 2));
for (const x of result.rounds) {
  console.log(`round ${x.round}: dialer ${x.dialer.originates} originates in ${x.dialer.seconds} s = ` +
    `${x.dialer.ratePerSecond}/s (app ${x.dialer.cpu.appUsPerRequest} µs, PostgreSQL ${x.dialer.cpu.postgresUsPerRequest} ` +
    `µs CPU per originate); POST /v1/calls ${x.api.ratePerSecond}/s (app ${x.api.cpu.appUsPerRequest} µs, ` +
    `PostgreSQL ${x.api.cpu.postgresUsPerRequest} µs); dialer/API ${(x.dialer.ratePerSecond / x.api.ratePerSecond).toFixed(2)}x; ` +
    `pace at ${x.pace.callsPerSecond}/s, calls per 10 s window / target: ` +
    x.pace.campaigns.map((p) => `${p.min}-${p.max} (${p.windows} windows)`).join(", "));
}
console.log(`dialer ${result.dialerRatePerSecond.min}-${result.dialerRatePerSecond.max} originates/s over ${rounds} ` +
  `round(s); pace within ±10% of every campaign's rate in every 10 s window: ${result.paceWithin10Pct}`);
