// Small helpers shared by the bench's Node clients (no dependencies).
"use strict";

/** Percentiles (ms) of an array of latencies in ms. */
function percentiles(values) {
  const a = Float64Array.from(values).sort();
  const at = (q) => (a.length === 0 ? null : a[Math.min(a.length - 1, Math.ceil(q * a.length) - 1)]);
  return {
    count: a.length,
    p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999),
    max: a.length ? a[a.length - 1] : null,
    mean: a.length ? a.reduce((s, v) => s + v, 0) / a.length : null,
  };
}

/** "http://127.0.0.1:8080/api/handle-dtmf?s=..." -> "/api/handle-dtmf?s=..." */
function pathOf(url) {
  const m = /^https?:\/\/[^/]+(\/.*)$/.exec(url);
  return m ? m[1] : url;
}

module.exports = { percentiles, pathOf };
