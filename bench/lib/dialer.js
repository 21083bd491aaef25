// Runs outbound campaigns through nexaflow's API against the stub Nexafone and measures the dialer (issue 14).
// Usage: node dialer.js <baseUrl> <apiKey> <stubUrl> <flowId> <campaigns> <contacts> <callsPerSecond> <out.json>
//        [maxSeconds] [tag]
// Creates <campaigns> campaigns of <contacts> contacts each (all week, maxConcurrent 1000), starts them together,
// samples the stub's originate counter every 250 ms until every campaign is COMPLETED (or maxSeconds pass), and
// writes {campaigns: [ids], started, originates, seconds, ratePerSecond, series: [[ms, count]...]}.
"use strict";
const http = require("http");
const fs = require("fs");

const [base, apiKey, stubUrl, flowId, campaignsArg, contactsArg, cpsArg, outFile, maxArg, tagArg] =
  process.argv.slice(2);
const campaigns = Number(campaignsArg), contacts = Number(contactsArg), cps = Number(cpsArg);
const maxMillis = Number(maxArg || 300) * 1000;
const tag = Number(tagArg || 0); // keeps numbers distinct across rounds in one database (they would be duplicates)
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

function request(url, method, body, type) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const headers = { Authorization: "Bearer " + apiKey };
    if (body != null) {
      headers["Content-Type"] = type || "application/json";
      headers["Content-Length"] = Buffer.byteLength(body);
    }
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, agent, headers },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (text += c));
        res.on("end", () => (res.statusCode < 300 ? resolve(text ? JSON.parse(text) : null)
          : reject(new Error(method + " " + u.pathname + " -> " + res.statusCode + " " + text))));
      });
    req.on("error", reject);
    req.setTimeout(60000, () => req.destroy(new Error("timeout " + url)));
    if (body != null) req.write(body);
    req.end();
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const stubCount = async () => (await request(stubUrl + "/stats", "GET")).originate;

(async () => {
  const ids = [];
  for (let c = 0; c < campaigns; c++) {
    const created = await request(base + "/v1/campaigns", "POST", JSON.stringify({
      name: "bench dialer " + tag + "-" + c, flowId, from: "+911203135800", timezone: "UTC",
      windows: [{ days: ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"], start: "00:00", end: "24:00" }],
      callsPerSecond: cps, maxConcurrent: 1000, noAnswerAfterSeconds: 10,
    }));
    const lines = ["number"];
    for (let i = 0; i < contacts; i++) {
      lines.push("+919" + String(tag % 10) + String(c).padStart(2, "0") + String(i).padStart(6, "0"));
    }
    const imported = await request(base + "/v1/campaigns/" + created.id + "/contacts", "POST",
      lines.join("\n") + "\n", "text/csv");
    if (imported.accepted !== contacts) throw new Error("upload accepted " + JSON.stringify(imported));
    ids.push(created.id);
  }
  const before = await stubCount();
  const series = [];
  const t0 = Date.now();
  await Promise.all(ids.map((id) => request(base + "/v1/campaigns/" + id + "/start", "POST")));
  let done = false, lastPoll = 0;
  while (!done && Date.now() - t0 < maxMillis) {
    series.push([Date.now() - t0, (await stubCount()) - before]);
    if (Date.now() - lastPoll >= 1000) {
      lastPoll = Date.now();
      const states = await Promise.all(ids.map((id) => request(base + "/v1/campaigns/" + id, "GET")));
      done = states.every((s) => s.state === "COMPLETED");
    }
    await sleep(250);
  }
  const total = (await stubCount()) - before;
  series.push([Date.now() - t0, total]);
  // The dialling window: from the first originate to the moment the count reached its final value.
  const first = series.find(([, n]) => n > 0);
  const last = series.find(([, n]) => n === total);
  const seconds = first && last ? Math.max(0.25, (last[0] - first[0]) / 1000) : null;
  const out = { campaigns: ids, callsPerSecond: cps, contacts, completed: done, originates: total,
    expected: campaigns * contacts, seconds, ratePerSecond: seconds ? +(total / seconds).toFixed(1) : null,
    startedEpochMs: t0, series };
  fs.writeFileSync(outFile, JSON.stringify(out));
  console.log(`dialer: ${campaigns} campaigns x ${contacts} contacts at ${cps}/s each: ${total} originates ` +
    `in ${seconds} s = ${out.ratePerSecond}/s${done ? "" : " (NOT all completed)"}`);
  if (!done) process.exit(2);
})().catch((e) => { console.error(e); process.exit(1); });
