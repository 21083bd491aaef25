// A tiny, fast stand-in for the Nexafone platform on loopback (bench only).
//   POST /auth/get-access-token/:accountId -> {"accessToken": "...", "expiresIn": 3600}   (counted)
//   POST /voice/v1/calls                   -> {"callId": "<uuid>"}                        (counted)
//     Each originate payload is recorded: the callId it was given and the gather `action` URL found in the
//     payload's verb chain (the real signed callback URL nexaflow made), one "callId url" line per call.
//   GET  /stats                            -> counters
// Usage: node stub-nexafone.js <port> <calls-file>
"use strict";
const http = require("http");
const fs = require("fs");
const crypto = require("crypto");

const port = Number(process.argv[2] || 18090);
const out = fs.openSync(process.argv[3] || "calls.txt", "a"); // written synchronously: complete when answered
const stats = { auth: 0, originate: 0, unauthorized: 0, noGather: 0, other: 0 };
let token = null;

function gatherAction(verb) {
  for (let v = verb, depth = 0; v && typeof v === "object" && depth < 64; depth++) {
    const data = v.data || {};
    if (v.type === "gather") return typeof data.action === "string" ? data.action : null;
    v = data.action;
  }
  return null;
}

function reply(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    if (req.method === "GET" && req.url === "/stats") return reply(res, 200, stats);
    if (req.method === "POST" && req.url.startsWith("/auth/get-access-token/")) {
      stats.auth++;
      token = "bench-token-" + stats.auth + "-" + crypto.randomUUID();
      return reply(res, 200, { accessToken: token, expiresIn: 3600 });
    }
    if (req.method === "POST" && req.url === "/voice/v1/calls") {
      if (req.headers.authorization !== "Bearer " + token) {
        stats.unauthorized++;
        return reply(res, 401, { message: "invalid access token" });
      }
      let payload;
      try {
        payload = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch (e) {
        return reply(res, 400, { message: "not JSON" });
      }
      stats.originate++;
      const callId = crypto.randomUUID();
      const action = gatherAction(payload.action);
      if (action) fs.writeSync(out, callId + " " + action + "\n");
      else stats.noGather++;
      return reply(res, 200, { callId });
    }
    stats.other++;
    reply(res, 404, { message: "not found" });
  });
}).listen(port, "127.0.0.1", () => console.log("stub nexafone on 127.0.0.1:" + port));

process.on("SIGTERM", () => process.exit(0));
