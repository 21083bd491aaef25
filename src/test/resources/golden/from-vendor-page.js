// Regenerates the handle-dtmf-*.json goldens by running the vendor page's own /api/handle-dtmf handler
// and writing what its res.json(...) sends. Usage, from this folder:
//   node from-vendor-page.js ../../../../docs/nexafone-voice-call-flow-reference.txt
const fs = require("fs");
const page = fs.readFileSync(process.argv[2], "utf8");
const from = page.indexOf('app.post("/api/handle-dtmf"');
const to = page.indexOf("app.listen(", from);
const handlers = {};
const app = { post: (path, fn) => { handlers[path] = fn; } };
new Function("app", page.slice(from, to))(app);
const run = (dtmf) => {
  let body;
  handlers["/api/handle-dtmf"]({ body: { dtmf } }, { json: (b) => (body = b) });
  return body;
};
for (const [file, dtmf] of [["handle-dtmf-1.json", "1"], ["handle-dtmf-2.json", "2"], ["handle-dtmf-fallback.json", "7"]]) {
  fs.writeFileSync(file, JSON.stringify(run(dtmf), null, 2) + "\n");
}
