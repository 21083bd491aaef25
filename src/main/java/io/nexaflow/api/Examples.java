package io.nexaflow.api;

/** Example bodies for the OpenAPI document; the flow is the vendor page's demo IVR. */
public final class Examples {

    private Examples() {
    }

    public static final String SEED_IVR_DEFINITION = """
            {
              "start": "welcome",
              "nodes": {
                "welcome":  { "type": "play", "audioUrl": "https://nexafone.com/audio-prompts/thanks_for_call_plz_wait.wav", "next": "menu" },
                "menu":     { "type": "gather", "audioUrl": "https://nexafone.com/audio-prompts/hey_welcome_press1_or_2.wav",
                              "maxDigits": 5, "timeout": 100000, "digitTimeout": 5000, "terminator": "#",
                              "routes": { "1": "thanks", "2": "agent" },
                              "onInvalid": "invalid", "onTimeout": "invalid" },
                "thanks":   { "type": "play", "audioUrl": "https://nexafone.com/audio-prompts/input_submitted_have_a_nice_day.wav", "next": "bye" },
                "agent":    { "type": "dial", "number": "072178xxxxx", "timeout": 15, "moh": true, "next": "feedback" },
                "feedback": { "type": "play", "audioUrl": "https://nexafone.com/audio-prompts/nice_talking_give_your_feedback.wav", "next": "bye" },
                "invalid":  { "type": "play", "audioUrl": "https://nexafone.com/audio-prompts/invalid_option.wav", "next": "bye" },
                "bye":      { "type": "hangup" }
              }
            }""";

    public static final String SEED_IVR_REQUEST = "{\n  \"name\": \"Demo IVR\",\n"
            + "  \"description\": \"The vendor page's demo menu: 1 thanks, 2 agent\",\n"
            + "  \"comment\": \"first version\",\n  \"publish\": true,\n  \"definition\": "
            + SEED_IVR_DEFINITION + "\n}";

    public static final String VALIDATE_REQUEST = "{\n  \"definition\": " + SEED_IVR_DEFINITION + "\n}";

    public static final String INVALID_FLOW_PROBLEM = """
            {
              "type": "urn:nexaflow:problem:invalid-flow",
              "title": "Flow definition is invalid",
              "status": 422,
              "detail": "2 problems, listed in 'errors'",
              "instance": "/v1/flows",
              "errors": [
                { "pointer": "/definition/nodes/menu/maxDigits", "message": "must be between 1 and 32, was 40" },
                { "pointer": "/definition/nodes/menu/routes/1", "message": "refers to node 'thanks', which does not exist" }
              ]
            }""";

    public static final String FLOW_CREATED = """
            {
              "id": "6f1c1a52-3d47-4c5e-9a76-2f0d3c8b1e11",
              "name": "Demo IVR",
              "description": "The vendor page's demo menu: 1 thanks, 2 agent",
              "activeVersion": 1,
              "latestVersion": 1,
              "createdAt": "2026-11-27T10:14:02.511Z",
              "updatedAt": "2026-11-27T10:14:02.511Z",
              "definition": """ + SEED_IVR_DEFINITION + """
            ,
              "warnings": []
            }""";

    public static final String CALL_PLACED = """
            {
              "id": "0b5c4a1e-7f2d-4c69-b1c5-3a9e8d2f6a10",
              "callId": "nf-7d1e52c0",
              "kind": "FLOW",
              "status": "IN_PROGRESS",
              "flowId": "6f1c1a52-3d47-4c5e-9a76-2f0d3c8b1e11",
              "flowVersion": 1,
              "from": "+911203135800",
              "to": "+919650612345",
              "currentNode": "menu",
              "attempts": {},
              "createdAt": "2026-11-27T10:15:02.123Z",
              "updatedAt": "2026-11-27T10:15:02.480Z"
            }""";

    public static final String CALL_WITH_EVENTS = """
            {
              "id": "0b5c4a1e-7f2d-4c69-b1c5-3a9e8d2f6a10",
              "callId": "nf-7d1e52c0",
              "kind": "FLOW",
              "status": "COMPLETED",
              "flowId": "6f1c1a52-3d47-4c5e-9a76-2f0d3c8b1e11",
              "flowVersion": 1,
              "from": "+911203135800",
              "to": "+919650612345",
              "currentNode": "bye",
              "attempts": { "menu": 1 },
              "createdAt": "2026-11-27T10:15:02.123Z",
              "updatedAt": "2026-11-27T10:15:41.004Z",
              "endedAt": "2026-11-27T10:15:41.004Z",
              "events": [
                { "seq": 1, "type": "STATUS", "payload": { "from": null, "to": "QUEUED" },
                  "at": "2026-11-27T10:15:02.123Z" },
                { "seq": 5, "type": "STATUS", "payload": { "from": "ORIGINATING", "to": "IN_PROGRESS" },
                  "at": "2026-11-27T10:15:02.480Z" },
                { "seq": 6, "type": "DTMF", "node": "menu", "attempt": 1, "dtmf": "1", "route": "thanks",
                  "at": "2026-11-27T10:15:31.870Z" },
                { "seq": 9, "type": "STATUS", "node": "bye", "payload": { "from": "IN_PROGRESS", "to": "COMPLETED" },
                  "at": "2026-11-27T10:15:41.004Z" }
              ]
            }""";

    /** A week of the demo IVR: 112 callers heard the menu, 19 of them went to "invalid", 2 still wait at it. */
    public static final String FLOW_ANALYTICS = """
            {
              "flowId": "6f1c1a52-3d47-4c5e-9a76-2f0d3c8b1e11", "version": 1,
              "from": "2026-11-20T00:00:00Z", "to": "2026-11-27T00:00:00Z",
              "totals": { "calls": 120, "placed": 112, "completed": 110, "running": 2, "failed": 6, "unknown": 2,
                          "keyPresses": 110, "invalid": 7, "timeouts": 12, "maxAttempts": 0, "httpErrors": 0 },
              "nodes": [
                { "node": "agent", "type": "dial", "entered": 30, "visits": 30, "keys": [], "invalid": 0, "timeout": 0,
                  "maxAttempts": 0, "httpErrors": 0, "ended": 0, "waiting": 0, "medianMs": null },
                { "node": "bye", "type": "hangup", "entered": 110, "visits": 110, "keys": [], "invalid": 0,
                  "timeout": 0, "maxAttempts": 0, "httpErrors": 0, "ended": 110, "waiting": 0, "medianMs": null },
                { "node": "feedback", "type": "play", "entered": 30, "visits": 30, "keys": [], "invalid": 0,
                  "timeout": 0, "maxAttempts": 0, "httpErrors": 0, "ended": 0, "waiting": 0, "medianMs": null },
                { "node": "invalid", "type": "play", "entered": 19, "visits": 19, "keys": [], "invalid": 0,
                  "timeout": 0, "maxAttempts": 0, "httpErrors": 0, "ended": 0, "waiting": 0, "medianMs": null },
                { "node": "menu", "type": "gather", "entered": 112, "visits": 112,
                  "keys": [ { "keys": "1", "to": "thanks", "presses": 61 },
                            { "keys": "2", "to": "agent", "presses": 30 } ],
                  "invalid": 7, "timeout": 12, "maxAttempts": 0, "httpErrors": 0, "ended": 0, "waiting": 2,
                  "medianMs": 6400 },
                { "node": "thanks", "type": "play", "entered": 61, "visits": 61, "keys": [], "invalid": 0,
                  "timeout": 0, "maxAttempts": 0, "httpErrors": 0, "ended": 0, "waiting": 0, "medianMs": null },
                { "node": "welcome", "type": "play", "entered": 112, "visits": 112, "keys": [], "invalid": 0,
                  "timeout": 0, "maxAttempts": 0, "httpErrors": 0, "ended": 0, "waiting": 0, "medianMs": null }
              ],
              "edges": [
                { "from": "agent", "to": "feedback", "label": null, "calls": 30 },
                { "from": "feedback", "to": "bye", "label": null, "calls": 30 },
                { "from": "invalid", "to": "bye", "label": null, "calls": 19 },
                { "from": "menu", "to": "thanks", "label": "1", "calls": 61 },
                { "from": "menu", "to": "agent", "label": "2", "calls": 30 },
                { "from": "menu", "to": "invalid", "label": "onTimeout, onInvalid", "calls": 19 },
                { "from": "thanks", "to": "bye", "label": null, "calls": 61 },
                { "from": "welcome", "to": "menu", "label": null, "calls": 112 }
              ]
            }""";
}
