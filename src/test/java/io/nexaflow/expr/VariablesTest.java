package io.nexaflow.expr;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import io.nexaflow.problem.Problem.FieldError;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VariablesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void aFlatObjectOfScalarsIsFine() throws Exception {
        assertThat(Variables.check(json("{\"account\": \"A-17\", \"amount\": 1250.5, \"due\": 3, \"vip\": true}")))
                .isEmpty();
        assertThat(Variables.check(null)).isEmpty();
        assertThat(Variables.check(JSON.nullNode())).isEmpty();
        assertThat(Variables.check(json("{}"))).isEmpty();
    }

    @Test
    void everyProblemComesWithItsPointer() throws Exception {
        JsonNode variables = json("{\"account\": {\"id\": 1}, \"list\": [1], \"none\": null, \"9lives\": 1,"
                + " \"a/b\": \"x\", \"big\": 123456789012345678901234567890}");

        assertThat(Variables.check(variables)).containsExactly(
                new FieldError("/variables/account", "must be a string, number or boolean"),
                new FieldError("/variables/list", "must be a string, number or boolean"),
                new FieldError("/variables/none", "must be a string, number or boolean"),
                new FieldError("/variables/9lives", "is not a variable name: [A-Za-z_][A-Za-z0-9_]{0,63}"),
                new FieldError("/variables/a~1b", "is not a variable name: [A-Za-z_][A-Za-z0-9_]{0,63}"),
                new FieldError("/variables/big", "must be an integer between -2^63 and 2^63-1"));
    }

    @Test
    void notAnObject() throws Exception {
        assertThat(Variables.check(json("[1, 2]"), "/calls/0/variables")).containsExactly(new FieldError(
                "/calls/0/variables", "must be a JSON object of variable names to strings, numbers or booleans"));
    }

    @Test
    void atMost4KiBOfJson() throws Exception {
        // {"v":"…"} is 8 bytes around the value; ü is 2 bytes in UTF-8.
        String exactly = "{\"v\":\"" + "ü".repeat(2044) + "\"}";
        String over = "{\"v\":\"" + "ü".repeat(2044) + "x\"}";

        assertThat(Variables.check(json(exactly))).isEmpty();
        assertThat(Variables.check(json(over))).containsExactly(
                new FieldError("/variables", "must be at most 4096 bytes of JSON, is 4097"));
    }

    @Test
    void jsonToMapKeepsTypesAndOrder() throws Exception {
        Map<String, Object> vars = Variables.fromJson(
                json("{\"s\": \"x\", \"i\": 3, \"l\": 9007199254740993, \"d\": 1.5, \"b\": false, \"neg\": -7}"));

        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("s", "x");
        expected.put("i", 3L);
        expected.put("l", 9_007_199_254_740_993L);
        expected.put("d", 1.5);
        expected.put("b", false);
        expected.put("neg", -7L);
        assertThat(vars).containsExactlyEntriesOf(expected);
    }

    @Test
    void aRoundTripGivesAnEqualDocument() throws Exception {
        JsonNode original = json("{\"s\": \"ü\", \"i\": 3, \"l\": 9007199254740993, \"d\": 1.5, \"b\": true, \"z\": 0}");

        JsonNode back = Variables.toJson(Variables.fromJson(original));

        assertThat(back).isEqualTo(original);
        assertThat(back.toString()).isEqualTo("{\"s\":\"ü\",\"i\":3,\"l\":9007199254740993,\"d\":1.5,\"b\":true,\"z\":0}");
    }

    @Test
    void decimalsReadAsBigDecimalStayExact() throws Exception {
        ObjectMapper exact = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
        JsonNode original = exact.readTree("{\"amount\": 100.50}");

        Map<String, Object> vars = Variables.fromJson(original);

        assertThat(vars).isEqualTo(Map.of("amount", new BigDecimal("100.50")));
        assertThat(Variables.toJson(vars)).isEqualTo(original);
        assertThat(Variables.toJson(vars).toString()).isEqualTo("{\"amount\":100.50}");
    }

    @Test
    void fromJsonRefusesWhatCheckRefuses() throws Exception {
        assertThatThrownBy(() -> Variables.fromJson(json("{\"a\": {\"b\": 1}}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid variables: /variables/a must be a string, number or boolean");
    }

    @Test
    void normalizeKeepsOneFormPerType() {
        assertThat(List.of(Variables.normalize("a", 42), Variables.normalize("a", (short) 4),
                Variables.normalize("a", 1.5f), Variables.normalize("a", "x"), Variables.normalize("a", true)))
                .isEqualTo(List.of(42L, 4L, 1.5, "x", true));
        assertThatThrownBy(() -> Variables.normalize("pin", new StringBuilder("918273")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("variable 'pin' must be a string, number or boolean, not StringBuilder");
        assertThatThrownBy(() -> Variables.normalize("x", Double.NaN))
                .hasMessage("variable 'x' is not a finite number");
    }

    @Test
    void names() {
        assertThat(List.of(Variables.isName("a"), Variables.isName("_"), Variables.isName("A_1"),
                Variables.isName("x".repeat(64)), Variables.isName("x".repeat(65)), Variables.isName("1a"),
                Variables.isName("a-b"), Variables.isName(""), Variables.isName(null)))
                .isEqualTo(List.of(true, true, true, true, false, false, false, false, false));
    }
}
