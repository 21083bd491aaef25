package io.nexaflow.expr;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScopeTest {

    private static final Scope.Call CALL = new Scope.Call("+911203135800", "+14155550100", "c-42");

    @Test
    void keepsItsOwnCopyOfTheVariablesInOrder() {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("b", 1);
        vars.put("a", "x");
        Scope scope = Scope.of(CALL, vars);
        vars.put("c", true);

        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("b", 1L);
        expected.put("a", "x");
        assertThat(scope.vars()).containsExactlyEntriesOf(expected);
        assertThatThrownBy(() -> scope.vars().put("d", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void withVarsSetsOverACopy() {
        Scope before = Scope.of(CALL, Map.of("lang", "en"));

        Scope after = before.withVars(Map.of("lang", "hi", "balance", new BigDecimal("12.30")));

        assertThat(before.vars()).isEqualTo(Map.of("lang", "en"));
        assertThat(after.vars()).isEqualTo(Map.of("lang", "hi", "balance", new BigDecimal("12.30")));
        assertThat(after.call()).isEqualTo(CALL);
    }

    @Test
    void refusesValuesThatAreNotVariablesNamingOnlyTheVariable() {
        Map<String, Object> vars = new HashMap<>();
        vars.put("pin", null);

        assertThatThrownBy(() -> Scope.of(CALL, vars)).hasMessage("variable 'pin' must be a string, number or boolean, not null");
        assertThatThrownBy(() -> Scope.of(CALL, Map.of("a-b", 1))).hasMessage("not a variable name: a-b");
    }

    @Test
    void toStringShowsNoValueNumberOrSecret() {
        Scope scope = new Scope(CALL, Map.of("pin", "918273"), name -> Optional.of("s3cr3t"));

        assertThat(scope.toString()).isEqualTo("Scope[call=Call[id=c-42], vars=[pin]]");
        assertThat(scope.secret("ANY")).contains("s3cr3t");
        assertThat(Scope.of(CALL, Map.of()).secret("ANY")).isEmpty();
    }
}
