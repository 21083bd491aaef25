// What users run today: the Express webhook from the Nexafone vendor page ("Example Express Webhook"), with two
// changes for the benchmark:
//  - no require("dotenv").config(): it only reads .env at start and changes nothing per request;
//  - it listens on 127.0.0.1 only (loopback benchmark).
// Stateless: hard-coded verbs, no authentication, no database, no audit trail. The routes are the page's, in
// webhook.js (shared with durable.js).
const { webhook } = require("./webhook");
const PORT = process.env.PORT || 3010;

webhook().listen(PORT, "127.0.0.1", () => {
  console.log(`Server ready on http://localhost:${PORT}`);
});
