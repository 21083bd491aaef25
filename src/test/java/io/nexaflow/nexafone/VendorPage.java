package io.nexaflow.nexafone;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nexaflow.support.Golden;

import java.io.UncheckedIOException;

/**
 * The JSON documents of the vendor's call flow reference (the contract the tests hold us to): the golden files
 * of src/test/resources/golden, plus the Express example's other two answers.
 */
public final class VendorPage {

    public static final ObjectMapper JSON = new ObjectMapper();

    public static final String CLICK_TO_CALL = Golden.text("click-to-call-request.json");

    /** The Advanced blueprint exactly as printed, its gather pointed at the vendor's ngrok webhook. */
    public static final String ADVANCED = Golden.text("advanced-call-request.json")
            .replace("https://example.test/api/handle-dtmf?s=TOKEN",
                    "https://synecdochical-shanae-unworshiping.ngrok-free.dev/api/handle-dtmf");

    /** The Express webhook's /api/handle-dtmf answer for dtmf "1". */
    public static final String EXPRESS_DTMF_1 = Golden.text("handle-dtmf-1.json");

    /** The Express webhook's /api/handle-dtmf answer for dtmf "2". */
    public static final String EXPRESS_DTMF_2 = Golden.text("handle-dtmf-2.json");

    /** The Express webhook's /api/handle-dtmf answer for anything else (including a timeout). */
    public static final String EXPRESS_INVALID = Golden.text("handle-dtmf-fallback.json");

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
