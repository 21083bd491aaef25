package io.nexaflow.sandbox;

/** Example bodies of the sandbox endpoints for the OpenAPI document: the vendor page's own payloads. */
final class SandboxExamples {

    private SandboxExamples() {
    }

    static final String TOKEN_REQUEST = """
            { "apiKey": "ak_sandbox_key", "apiSecret": "as_sandbox_secret" }""";

    /** The vendor's Advanced blueprint, its gather pointed at the Express webhook of the page run locally. */
    static final String ADVANCED_PAYLOAD = """
            {
              "from": "+911203135800",
              "to": "096506xxxx",
              "accountId": "sandbox-account",
              "recordCall": { "enable": true },
              "action": {
                "type": "play",
                "data": {
                  "audioUrl": "https://nexafone.com/audio-prompts/thanks_for_call_plz_wait.wav",
                  "action": {
                    "type": "gather",
                    "data": {
                      "audioUrl": "https://nexafone.com/audio-prompts/hey_welcome_press1_or_2.wav",
                      "maxDigits": 5,
                      "timeout": 100000,
                      "digitTimeout": 5000,
                      "terminator": "#",
                      "action": "http://localhost:3010/api/handle-dtmf"
                    }
                  }
                }
              },
              "timeout": 30
            }""";

    static final String INVALID_PAYLOAD = """
            {
              "message": "Invalid payload: 2 problems",
              "errors": [
                { "pointer": "/to", "message": "is required" },
                { "pointer": "/action/data/audioUrl", "message": "must be an https:// URL, was 'http://cdn.example/a.wav'" }
              ]
            }""";

    /** An originate to a number whose outcome is {@code fail}. */
    static final String REFUSED_NUMBER = """
            {
              "message": "The platform cannot place this call",
              "errors": [
                { "pointer": "/to", "message": "the platform cannot place calls to this number" }
              ]
            }""";
}
