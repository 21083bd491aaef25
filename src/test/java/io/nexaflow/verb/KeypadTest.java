package io.nexaflow.verb;

import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class KeypadTest {

    @Test
    void twelveKeys() {
        for (char c = 0; c < 128; c++) {
            assertThat(Keypad.isKey(c)).as("'%s'", c).isEqualTo("0123456789*#".indexOf(c) >= 0);
        }
    }

    @Test
    void theSchemaPatternAcceptsTheSameKeys() {
        Pattern pattern = Pattern.compile(Keypad.KEY_PATTERN);
        for (char c = 0; c < 128; c++) {
            assertThat(pattern.matcher(String.valueOf(c)).matches()).as("'%s'", c).isEqualTo(Keypad.isKey(c));
        }
    }

    @Test
    void runsOfKeys() {
        assertThat(Keypad.isKey("#")).isTrue();
        assertThat(Keypad.isKey("12")).isFalse();
        assertThat(Keypad.isKey(null)).isFalse();
        assertThat(Keypad.isKeys("")).isTrue();
        assertThat(Keypad.isKeys("12a")).isFalse();
        assertThat(Keypad.isKeys("", 1, 32)).isFalse();
        assertThat(Keypad.isKeys("", 0, 32)).isTrue();
        assertThat(Keypad.isKeys("1".repeat(32), 1, 32)).isTrue();
        assertThat(Keypad.isKeys("1".repeat(33), 1, 32)).isFalse();
        assertThat(Keypad.isKeys(null, 0, 32)).isFalse();
    }
}
