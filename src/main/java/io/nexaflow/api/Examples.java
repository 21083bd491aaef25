package io.nexaflow.api;

/** Example bodies for the OpenAPI document; the flow is the vendor page's demo IVR (ARCHITECTURE §2). */
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
}
