package io.nexaflow.nexafone;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;

/** The JSON documents of the vendor's call flow reference, as printed there (the contract the tests hold us to). */
public final class VendorPage {

    public static final ObjectMapper JSON = new ObjectMapper();

    public static final String CLICK_TO_CALL = """
            {
            "from": "+911203135800",
            "to": "096506xxxxx",
            "accountId": "68b6b9f023fe9b8f89193652",
            "recordCall": { "enable": true },
            "action": {
            "type": "dial",
            "timeout": 15,
            "data": { "number": "098178xxxxx" }
            },
            "timeout": 30
            }""";

    public static final String ADVANCED = """
            {
            "from": "+911203135800",
            "to": "096506xxxx",
            "accountId": "68b6b9f023fe9b8f89193652",
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
            "action": "https://synecdochical-shanae-unworshiping.ngrok-free.dev/api/handle-dtmf"
            }
            }
            }
            },
            "timeout": 30
            }""";

    /** The Express webhook's /api/handle-dtmf answer for dtmf "1". */
    public static final String EXPRESS_DTMF_1 = """
            {
              "type": "play",
              "data": {
                "audioUrl": "https://nexafone.com/audio-prompts/input_submitted_have_a_nice_day.wav",
                "action": { "type": "hangup", "data": {} }
              }
            }""";

    /** The Express webhook's /api/handle-dtmf answer for dtmf "2". */
    public static final String EXPRESS_DTMF_2 = """
            {
              "type": "dial",
              "timeout": 15,
              "moh": { "enable": true },
              "data": {
                "number": "072178xxxxx",
                "action": {
                  "type": "play",
                  "data": {
                    "audioUrl": "https://nexafone.com/audio-prompts/nice_talking_give_your_feedback.wav",
                    "action": { "type": "hangup", "data": {} }
                  }
                }
              }
            }""";

    /** The Express webhook's /api/handle-dtmf answer for anything else (including a timeout). */
    public static final String EXPRESS_INVALID = """
            {
              "type": "play",
              "data": {
                "audioUrl": "https://nexafone.com/audio-prompts/invalid_option.wav",
                "action": { "type": "hangup", "data": {} }
              }
            }""";

    /** The Express webhook's /api/dial answer (TO_NUMBER unset). */
    public static final String EXPRESS_DIAL = """
            { "type": "dial", "data": { "number": "1001" } }""";

    /** The Express webhook's /api/gather answer, with the channelId the callback carried. */
    public static final String EXPRESS_GATHER = """
            {
              "type": "gather",
              "data": {
                "maxDigits": 4,
                "channelId": "ch-42",
                "timeout": 10000,
                "action": "https://synecdochical-shanae-unworshiping.ngrok-free.dev/api/dial"
              }
            }""";

    private VendorPage() {
    }

    public static ObjectNode parse(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
