package io.nexaflow.nexafone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nexaflow.nexafone.PayloadValidator.Options;
import io.nexaflow.problem.Problem.FieldError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static io.nexaflow.nexafone.VendorPage.parse;
import static org.assertj.core.api.Assertions.assertThat;

class PayloadValidatorTest {

    private static final Options SANDBOX = Options.strict("IN").withPlaceholderNumbers(true).withLoopbackHttp(true);
    private final PayloadValidator lenient = new PayloadValidator(SANDBOX);
    private final PayloadValidator strict = new PayloadValidator(Options.strict("IN"));

    static List<String> blueprints() {
        return List.of(VendorPage.CLICK_TO_CALL, VendorPage.ADVANCED);
    }

    static List<String> expressResponses() {
        return List.of(VendorPage.EXPRESS_DTMF_1, VendorPage.EXPRESS_DTMF_2, VendorPage.EXPRESS_INVALID,
                VendorPage.EXPRESS_DIAL, VendorPage.EXPRESS_GATHER);
    }

    @ParameterizedTest
    @MethodSource("blueprints")
    void theVendorBlueprintsPass(String blueprint) {
        assertThat(lenient.validateOriginate(parse(blueprint))).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("expressResponses")
    void theExpressWebhookResponsesPass(String response) {
        assertThat(lenient.validateVerb(parse(response), "")).isEmpty();
    }

    @Test
    void strictModeRefusesThePlaceholdersOfTheBlueprints() {
        assertThat(strict.validateOriginate(parse(VendorPage.CLICK_TO_CALL))).containsExactly(
                new FieldError("/to", "'096506xxxxx' is a placeholder; placeholder numbers work only in sandbox mode"),
                new FieldError("/action/data/number", "'098178xxxxx' is a placeholder; placeholder numbers work only "
                        + "in sandbox mode; a dial target is a phone number, a sip: URI or a 2–6 digit extension"));
    }

    @Test
    void strictModeRefusesHttpWebhooksEvenOnLoopback() {
        ObjectNode gather = parse(VendorPage.EXPRESS_GATHER);
        ((ObjectNode) gather.get("data")).put("action", "http://127.0.0.1:8080/api/handle-dtmf");
        assertThat(strict.validateVerb(gather, "")).containsExactly(
                new FieldError("/data/action", "must be an https:// URL, was 'http://127.0.0.1:8080/api/handle-dtmf'"));
        assertThat(lenient.validateVerb(gather, "")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost/cb", "http://[::1]:9000/cb", "http://127.1.2.3/cb"})
    void loopbackHttpWebhooksPassWhenAllowed(String url) {
        assertThat(lenient.validateVerb(gatherTo(url), "")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://example.com/cb", "http://10.0.0.1/cb", "http://127.0.0.1.nip.io/cb", "ftp://localhost/cb"})
    void otherHttpWebhooksFailEvenWhenLoopbackIsAllowed(String url) {
        assertThat(lenient.validateVerb(gatherTo(url), "")).containsExactly(new FieldError("/data/action",
                "must be an https:// URL, was '" + url + "' (http:// only on a loopback host)"));
    }

    /** Each kind of fault, in a verb otherwise valid, at the pointer it names. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            unknown verb type     | {"type":"say","data":{}}                                                   | /type             | unknown verb type 'say'; expected one of [play, gather, dial, hangup]
            missing type          | {"data":{}}                                                                | /type             | is required: one of [play, gather, dial, hangup]
            verb not an object    | ["play"]                                                                   | ``                | must be a verb object {type, data}
            missing data          | {"type":"hangup"}                                                          | /data             | is required
            hangup data not empty | {"type":"hangup","data":{"reason":"bye"}}                                  | /data/reason      | unknown field; 'data' takes no fields
            unknown verb field    | {"type":"hangup","data":{},"next":"x"}                                     | /next             | unknown field; a hangup verb has only [type, data]
            play without audio    | {"type":"play","data":{}}                                                  | /data/audioUrl    | is required
            play http audio       | {"type":"play","data":{"audioUrl":"http://cdn.example/a.wav"}}             | /data/audioUrl    | must be an https:// URL, was 'http://cdn.example/a.wav'
            audio not a string    | {"type":"play","data":{"audioUrl":42}}                                     | /data/audioUrl    | must be an https:// URL string
            null optional action  | {"type":"play","data":{"audioUrl":"https://a.example/x.wav","action":null}}| /data/action      | must not be null; leave it out instead
            gather without action | {"type":"gather","data":{}}                                                | /data/action      | is required
            gather action object  | {"type":"gather","data":{"action":{"type":"hangup","data":{}}}}            | /data/action      | must be an https:// URL string
            maxDigits zero        | {"type":"gather","data":{"maxDigits":0,"action":"https://h.example/cb"}}   | /data/maxDigits   | must be between 1 and 32 digits, was 0
            timeout as string     | {"type":"gather","data":{"timeout":"5000","action":"https://h.example/cb"}}| /data/timeout     | must be a whole number of ms
            digitTimeout fraction | {"type":"gather","data":{"digitTimeout":1.5,"action":"https://h.example/cb"}}| /data/digitTimeout| must be a whole number of ms
            terminator two keys   | {"type":"gather","data":{"terminator":"##","action":"https://h.example/cb"}}| /data/terminator | must be one key: 0-9, * or #
            blank channelId       | {"type":"gather","data":{"channelId":" ","action":"https://h.example/cb"}} | /data/channelId   | must not be blank
            dial without number   | {"type":"dial","data":{}}                                                  | /data/number      | is required
            dial bad number       | {"type":"dial","data":{"number":"call me"}}                                | /data/number      | 'call me' is not a phone number (not a number); a dial target is a phone number, a sip: URI or a 2–6 digit extension
            dial timeout too long | {"type":"dial","timeout":601,"data":{"number":"1001"}}                     | /timeout          | must be between 1 and 600 seconds, was 601
            moh without enable    | {"type":"dial","moh":{},"data":{"number":"1001"}}                          | /moh/enable       | is required
            moh enable string     | {"type":"dial","moh":{"enable":"yes"},"data":{"number":"1001"}}            | /moh/enable       | must be true or false
            moh as boolean        | {"type":"dial","moh":true,"data":{"number":"1001"}}                        | /moh              | must be an object
            escaped pointer       | {"type":"hangup","data":{"a/b~c":1}}                                       | /data/a~1b~0c     | unknown field; 'data' takes no fields
            """)
    void reportsEachFaultAtItsPointer(String fault, String verb, String pointer, String message) throws Exception {
        assertThat(lenient.validateVerb(VendorPage.JSON.readTree(verb), "")).as(fault)
                .containsExactly(new FieldError(pointer, message));
    }

    @Test
    void pointersFollowTheNestingOfActions() {
        ObjectNode payload = parse(VendorPage.ADVANCED);
        ((ObjectNode) payload.at("/action/data/action/data")).put("audioUrl", "ftp://nexafone.com/x.wav");
        assertThat(lenient.validateOriginate(payload)).containsExactly(
                new FieldError("/action/data/action/data/audioUrl", "must be an https:// URL, was 'ftp://nexafone.com/x.wav'"));
        assertThat(lenient.validateVerb(payload.get("action"), "/action")).containsExactly(
                new FieldError("/action/data/action/data/audioUrl", "must be an https:// URL, was 'ftp://nexafone.com/x.wav'"));
    }

    @Test
    void reportsEveryFaultOfAPayloadAtOnce() {
        JsonNode payload = parse("""
                {
                  "from": "12",
                  "accountId": "",
                  "recordCall": { "enable": "yes", "mode": "stereo" },
                  "callerName": "Acme",
                  "action": {
                    "type": "dial", "timeout": 0, "moh": { "enable": true },
                    "data": { "number": "sip:", "action": { "type": "gather",
                      "data": { "maxDigits": 33, "terminator": "x", "action": "http://example.com/cb" } } }
                  },
                  "timeout": "30"
                }""");
        assertThat(lenient.validateOriginate(payload)).containsExactly(
                new FieldError("/callerName", "unknown field; the originate payload has only "
                        + "[from, to, accountId, recordCall, action, timeout]"),
                new FieldError("/from", "'12' is not a valid number in region IN"),
                new FieldError("/to", "is required"),
                new FieldError("/accountId", "must not be blank"),
                new FieldError("/recordCall/mode", "unknown field; 'recordCall' has only [enable]"),
                new FieldError("/recordCall/enable", "must be true or false"),
                new FieldError("/action/timeout", "must be between 1 and 600 seconds, was 0"),
                new FieldError("/action/data/number", "'sip:' is not a valid sip: URI"),
                new FieldError("/action/data/action/data/maxDigits", "must be between 1 and 32 digits, was 33"),
                new FieldError("/action/data/action/data/terminator", "must be one key: 0-9, * or #"),
                new FieldError("/action/data/action/data/action",
                        "must be an https:// URL, was 'http://example.com/cb' (http:// only on a loopback host)"),
                new FieldError("/timeout", "must be a whole number of seconds"));
    }

    @Test
    void anOriginateNeedsItsRequiredFieldsAndAnObject() {
        assertThat(lenient.validateOriginate(parse("{}"))).containsExactly(
                new FieldError("/from", "is required"),
                new FieldError("/to", "is required"),
                new FieldError("/accountId", "is required"),
                new FieldError("/action", "is required"));
        assertThat(lenient.validateOriginate(null)).containsExactly(new FieldError("", "must be a JSON object"));
        assertThat(lenient.validateOriginate(VendorPage.JSON.getNodeFactory().arrayNode()))
                .containsExactly(new FieldError("", "must be a JSON object"));
    }

    @Test
    void refusesChainsDeeperThanTheLimit() {
        JsonNode verb = parse("{\"type\":\"hangup\",\"data\":{}}");
        StringBuilder pointer = new StringBuilder();
        for (int i = 0; i < PayloadValidator.MAX_VERB_DEPTH; i++) {
            ObjectNode play = VendorPage.JSON.createObjectNode().put("type", "play");
            play.putObject("data").put("audioUrl", "https://a.example/x.wav").set("action", verb);
            verb = play;
            pointer.append("/data/action");
        }
        assertThat(lenient.validateVerb(verb, "")).containsExactly(
                new FieldError(pointer.toString(), "nests more than " + PayloadValidator.MAX_VERB_DEPTH + " verbs"));
        assertThat(lenient.validateVerb(verb.at("/data/action"), "")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"localhost,true", "LOCALHOST,true", "127.0.0.1,true", "127.255.0.9,true", "[::1],true",
            "128.0.0.1,false", "127.0.0.256,false", "localhost.example.com,false", "::ffff:127.0.0.1,false"})
    void knowsLoopbackHostsWithoutDns(String host, boolean loopback) {
        assertThat(PayloadValidator.isLoopbackHost(host)).isEqualTo(loopback);
    }

    private static ObjectNode gatherTo(String url) {
        ObjectNode gather = parse(VendorPage.EXPRESS_GATHER);
        ((ObjectNode) gather.get("data")).put("action", url);
        return gather;
    }
}
