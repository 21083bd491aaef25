// Prints a data-driven variant of bench/lib/flow.json (the same ring of 8 gathers, 80 callbacks a call) for
// bench/run.sh's data phase. Each gather saves the digit pressed (saveAs) and goes through one internal node to
// the next gather, whose prompt is a template:
//   set  — a set node copies the digit into another variable: the cost of variables in an encrypted state token
//   http — an http node asks the business API (<apiBase>/accounts/{{vars.acct}}) and extracts the balance
//   plain — flow.json's ring as it is, under its own name (flow names are unique, and a full run has created
//           flow.json's already)
// Usage: node data-flow.js <plain|set|http> [apiBase] > flow.json
"use strict";
const fs = require("fs");
const path = require("path");

const [kind, apiBase] = process.argv.slice(2);
if (!["plain", "set", "http"].includes(kind)) throw new Error("usage: data-flow.js <plain|set|http> [apiBase]");
const plain = JSON.parse(fs.readFileSync(path.join(__dirname, "flow.json"), "utf8"));
const nodes = plain.definition.nodes;
const prompt = kind === "http" ? "https://nexafone.com/audio-prompts/balance.wav?b={{vars.balance}}"
  : "https://nexafone.com/audio-prompts/you-pressed.wav?d={{vars.last}}";
for (let i = 1; i <= 8 && kind !== "plain"; i++) {
  const gather = nodes["menu" + i], step = "step" + i, next = gather.routes["1"];
  gather.saveAs = "acct";
  gather.audioUrl = prompt;
  gather.routes = { "1": step, "2": step, "3": step };
  nodes[step] = kind === "http"
    ? { type: "http", method: "GET", url: apiBase + "/accounts/{{vars.acct}}", timeoutMs: 1000,
        extract: { balance: "/balance" }, next, onError: "bye" }
    : { type: "set", vars: { last: "{{vars.acct}}" }, next };
}
plain.name = "bench-" + kind;
plain.description = kind === "plain" ? "bench/run.sh data phase: flow.json's ring"
  : `bench/run.sh data phase: flow.json's ring with a ${kind} node after each gather`;
process.stdout.write(JSON.stringify(plain));
