// A business's own API on loopback, for the data-driven flows of bench/run.sh's data phase (bench only).
//   GET /accounts/:id -> {"id": ":id", "balance": 150.5, "name": "Asha K"} after <delayMs>
//   GET /stats        -> {"requests": n, "latencyMs": {p50, p99, ...}}: its own time per answer, arrival to last byte
// Usage: node business-api.js <port> <delayMs>
"use strict";
const http = require("http");
const { percentiles } = require("./common");

const port = Number(process.argv[2]), delay = Number(process.argv[3] || 0);
let requests = 0;
const took = [];

http.createServer((req, res) => {
  const send = (status, body) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
    res.end(text);
  };
  if (req.url === "/stats") return send(200, { requests, latencyMs: percentiles(took) });
  const m = /^\/accounts\/([0-9A-Za-z*]+)$/.exec(req.url);
  if (req.method !== "GET" || !m) return send(404, { error: "not found" });
  requests++;
  const t0 = process.hrtime.bigint();
  setTimeout(() => {
    send(200, { id: m[1], balance: 150.5, name: "Asha K" });
    if (took.length < 2000000) took.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }, delay);
}).listen(port, "127.0.0.1", () => console.log(`business API on 127.0.0.1:${port}, ${delay} ms a request`));
