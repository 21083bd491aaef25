// What users run today: the Express webhook from the Nexafone vendor page ("Example Express Webhook"),
// copied as published, with two changes for the benchmark:
//  - no require("dotenv").config(): it only reads .env at start and changes nothing per request;
//  - it listens on 127.0.0.1 only (loopback benchmark).
// Stateless: hard-coded verbs, no authentication, no database, no audit trail.
const express = require("express");
const app = express();
const PORT = process.env.PORT || 3010;

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

app.post("/api/handle-dtmf", (req, res) => {
  const { dtmf } = req.body;
  if (dtmf === "1") {
    return res.json({
      type: "play",
      data: {
        audioUrl: "https://nexafone.com/audio-prompts/input_submitted_have_a_nice_day.wav",
        action: { type: "hangup", data: {} }
      }
    });
  }
  if (dtmf === "2") {
    return res.json({
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
    });
  }
  return res.json({
    type: "play",
    data: {
      audioUrl: "https://nexafone.com/audio-prompts/invalid_option.wav",
      action: { type: "hangup", data: {} }
    }
  });
});

app.listen(PORT, "127.0.0.1", () => {
  console.log(`Server ready on http://localhost:${PORT}`);
});
