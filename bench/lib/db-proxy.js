// A loopback TCP proxy in front of PostgreSQL that the bench can cut, to take the database away from the service
// and give it back without touching the machine's PostgreSQL (bench only).
//   SIGUSR1: cut. Every open connection is dropped and new ones are closed at once, like a primary that went away.
//   SIGUSR2: restore. New connections reach PostgreSQL again.
// Usage: node db-proxy.js <listen-port> <upstream-port>   (both on 127.0.0.1)
"use strict";
const net = require("net");

const [listenPort, upstreamPort] = process.argv.slice(2).map(Number);
const open = new Set();
let cut = false;

net.createServer((client) => {
  if (cut) return client.destroy();
  const upstream = net.connect(upstreamPort, "127.0.0.1");
  for (const [a, b] of [[client, upstream], [upstream, client]]) {
    open.add(a);
    a.setNoDelay(true);
    a.pipe(b);
    a.on("error", () => b.destroy());
    a.on("close", () => { open.delete(a); b.destroy(); });
  }
}).listen(listenPort, "127.0.0.1", () => console.log(`db proxy 127.0.0.1:${listenPort} -> 127.0.0.1:${upstreamPort}`));

process.on("SIGUSR1", () => {
  cut = true;
  for (const socket of open) socket.destroy();
  console.log(new Date().toISOString() + " cut");
});
process.on("SIGUSR2", () => {
  cut = false;
  console.log(new Date().toISOString() + " restored");
});
process.on("SIGTERM", () => process.exit(0));
