// An OTLP/HTTP receiver that discards what it gets (bench only): the tracing phase points nexaflow's exporter at
// it, so that tracing on costs what exporting costs nexaflow, and nothing else. Counts requests and bytes.
//   POST /v1/traces (any path)  -> 200, an empty ExportTraceServiceResponse (application/x-protobuf)
//   GET  /stats                 -> {"requests", "bytes"}
// Usage: node otlp-sink.js <port>   (listens on 127.0.0.1 only)
"use strict";
const http = require("http");

const port = Number(process.argv[2] || 4318);
const stats = { requests: 0, bytes: 0 };

http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/stats") {
    const text = JSON.stringify(stats);
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
    return res.end(text);
  }
  req.on("data", (c) => { stats.bytes += c.length; });
  req.on("end", () => {
    stats.requests++;
    res.writeHead(200, { "Content-Type": "application/x-protobuf", "Content-Length": 0 });
    res.end();
  });
}).listen(port, "127.0.0.1", () => console.log(`otlp sink on 127.0.0.1:${port}`));
