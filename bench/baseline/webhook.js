// The Express webhook from the Nexafone vendor page ("Example Express Webhook"), as published: its three routes
// and their hard-coded verbs. One copy, used by both baselines (bench/README.md):
//  - server.js: the page's app as it is (stateless: no authentication, no database, no audit trail);
//  - durable.js: the same app, recording each DTMF callback in PostgreSQL before it answers.
const express = require("express");

/** The verb the page's /api/handle-dtmf answers for a digit. */
function menu(dtmf) {
  if (dtmf === "1") {
    return {
      type: "play",
      data: {
        audioUrl: "https://nexafone.com/audio-prompts/input_submitted_have_a_nice_day.wav",
        action: { type: "hangup", data: {} }
      }
    };
  }
  if (dtmf === "2") {
    return {
      type: "dial",
      timeout: 15,
      moh: { enable: true },
      data: {
        number: "072178xxxxx",
        action: {
          type: "play",
          data: {
            audioUrl: "https://nexafone.com/audio-prompts/nice_talking_give_your_feedback.wav",
            action: { type: "hangup", data: {} }
          }
        }
      }
    };
  }
  return {
    type: "play",
    data: {
      audioUrl: "https://nexafone.com/audio-prompts/invalid_option.wav",
      action: { type: "hangup", data: {} }
    }
  };
}

/**
 * The page's app. With `record(body, verb)` (returning a promise), /api/handle-dtmf answers only once that promise
 * resolved; a rejection is Express 5's 500. Without it, the route is the page's synchronous handler.
 */
function webhook(record) {
  const app = express();
  app.use(express.json());

  app.post("/api/dial", (req, res) => {
    res.json({
      type: "dial",
      data: { number: process.env.TO_NUMBER || "1001" }
    });
  });

  app.post("/api/gather", (req, res) => {
    res.json({
      type: "gather",
      data: {
        maxDigits: 4,
        channelId: req.body.to.channelId,
        timeout: 10000,
        action: "https://synecdochical-shanae-unworshiping.ngrok-free.dev/api/dial"
      }
    });
  });

  app.post("/api/handle-dtmf", record
    ? async (req, res) => {
      const verb = menu(req.body.dtmf);
      await record(req.body, verb);
      res.json(verb);
    }
    : (req, res) => res.json(menu(req.body.dtmf)));

  return app;
}

module.exports = { webhook, menu };
