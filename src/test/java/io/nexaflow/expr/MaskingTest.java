package io.nexaflow.expr;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MaskingTest {

    @Test
    void hidesEachSecretWhereverItAppears() {
        String headers = "Authorization: Bearer tok-123; X-Key: k$1\\; again tok-123";

        assertThat(Masking.mask(headers, List.of("tok-123", "k$1\\")))
                .isEqualTo("Authorization: Bearer ***; X-Key: ***; again ***");
    }

    @Test
    void hidesASecretAlsoInItsUrlEncodedForm() {
        String url = "https://api.example.com/a?key=p%40ss%20w%2Fd&raw=p@ss w/d";

        assertThat(Masking.mask(url, List.of("p@ss w/d"))).isEqualTo("https://api.example.com/a?key=***&raw=***");
    }

    @Test
    void aLongerValueIsHiddenWholeWhenItContainsAShorterOne() {
        assertThat(Masking.mask("id=918273&pin=9182", List.of("9182", "918273")))
                .isEqualTo("id=***&pin=***");
    }

    @Test
    void nothingToHide() {
        assertThat(Masking.mask("https://x.example/a", List.of())).isEqualTo("https://x.example/a");
        assertThat(Masking.mask("https://x.example/a", Arrays.asList("", null))).isEqualTo("https://x.example/a");
        assertThat(Masking.mask(null, List.of("x"))).isNull();
    }

    @Test
    void sensitiveDigitsKeepOnlyTheirCount() {
        assertThat(Masking.digits("918273")).isEqualTo("******");
        assertThat(Masking.digits("12*3#")).isEqualTo("****#");
        assertThat(Masking.digits("")).isEmpty();
        assertThat(Masking.digits(null)).isNull();
    }
}
