package io.nexaflow.expr;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConditionTest {

    private static final Scope.Call CALL = new Scope.Call("+911203135800", "+14155550100", "c-42");

    private static Condition condition(String expression) {
        return Condition.compile(expression).orElseThrow();
    }

    private static boolean evaluate(String expression, Map<String, Object> vars) throws Condition.EvaluationFailed {
        return condition(expression).evaluate(Scope.of(CALL, vars));
    }

    @Test
    void comparesANumberWhateverItsJsonType() throws Exception {
        assertThat(evaluate("vars.balance > 100.0", Map.of("balance", 150.25))).isTrue();
        assertThat(evaluate("vars.balance > 100.0", Map.of("balance", 150L))).isTrue();
        assertThat(evaluate("vars.balance > 100.0", Map.of("balance", 100))).isFalse();
        assertThat(evaluate("vars.balance > 100.0", Map.of("balance", new BigDecimal("100.01")))).isTrue();
        assertThat(evaluate("vars.balance > 100", Map.of("balance", 99.5))).isFalse();
    }

    @Test
    void comparesStrings() throws Exception {
        assertThat(evaluate("vars.lang == \"hi\"", Map.of("lang", "hi"))).isTrue();
        assertThat(evaluate("vars.lang == \"hi\"", Map.of("lang", "en"))).isFalse();
    }

    @Test
    void hasTellsWhetherAVariableIsSet() throws Exception {
        assertThat(evaluate("has(vars.x)", Map.of("x", false))).isTrue();
        assertThat(evaluate("has(vars.x)", Map.of("y", "1"))).isFalse();
        assertThat(evaluate("has(vars.x) && vars.x", Map.of())).isFalse();
    }

    @Test
    void seesTheCall() throws Exception {
        assertThat(evaluate("call.from.startsWith(\"+91\")", Map.of())).isTrue();
        assertThat(evaluate("call.to.startsWith(\"+91\")", Map.of())).isFalse();
        assertThat(evaluate("call.id == \"c-42\" && vars.paid == true", Map.of("paid", true))).isTrue();
    }

    @Test
    void aSyntaxErrorComesBackWithItsLineAndColumn() {
        Parsed<Condition> parsed = Condition.compile("vars.balance >");

        assertThat(parsed.ok()).isFalse();
        assertThat(parsed.problems()).hasSize(1);
        ExpressionProblem problem = parsed.problems().get(0);
        assertThat(List.of(problem.offset(), problem.line(), problem.column())).isEqualTo(List.of(14, 1, 15));
        assertThat(problem.message()).startsWith("mismatched input '<EOF>'");
    }

    @Test
    void aSyntaxErrorOnTheSecondLine() {
        ExpressionProblem problem = Condition.compile("has(vars.a) &&\n  vars.b ==").problems().get(0);

        assertThat(List.of(problem.offset(), problem.line(), problem.column())).isEqualTo(List.of(26, 2, 12));
    }

    @Test
    void aResultThatIsNotABooleanIsACompileError() {
        assertThat(Condition.compile("size(vars.name)").problems()).containsExactly(
                new ExpressionProblem(0, 1, 1, "a condition must be true or false, this one is of type int"));
        assertThat(Condition.compile("call.from").problems()).containsExactly(
                new ExpressionProblem(0, 1, 1, "a condition must be true or false, this one is of type string"));
        assertThat(Condition.compile("1 + 2").problems()).containsExactly(
                new ExpressionProblem(0, 1, 1, "a condition must be true or false, this one is of type int"));
    }

    @Test
    void unknownNamesAndWrongTypesAreCompileErrors() {
        ExpressionProblem unknown = Condition.compile("account == \"1\"").problems().get(0);
        assertThat(List.of(unknown.offset(), unknown.line(), unknown.column())).isEqualTo(List.of(0, 1, 1));
        assertThat(unknown.message()).contains("undeclared reference to 'account'");

        ExpressionProblem wrongType = Condition.compile("call.from > 3").problems().get(0);
        assertThat(wrongType.message()).contains("found no matching overload for '_>_'");
    }

    @Test
    void aMissingKeyIsAnEvaluationErrorNamingTheKey() {
        assertThatThrownBy(() -> evaluate("vars.balance > 100.0", Map.of("pin", "918273")))
                .isInstanceOf(Condition.EvaluationFailed.class)
                .hasMessage("evaluation error at <input>:4: key 'balance' is not present in map.");
    }

    @Test
    void aWrongTypeAtRunTimeIsAnEvaluationError() {
        assertThatThrownBy(() -> evaluate("vars.balance > 100.0", Map.of("balance", "lots")))
                .isInstanceOf(Condition.EvaluationFailed.class)
                .hasMessage("evaluation error at <input>:13: No matching overload for function '_>_'. "
                        + "Overload candidates: greater_double,greater_int64_double,greater_uint64_double");
        assertThatThrownBy(() -> evaluate("vars.n / 0 == 1", Map.of("n", 4)))
                .isInstanceOf(Condition.EvaluationFailed.class)
                .hasMessage("evaluation error at <input>:7: / by zero");
    }

    @Test
    void anEvaluationErrorQuotesNoValue() {
        Scope scope = Scope.of(CALL, Map.of("pin", "918273x", "n", 7));

        assertThatThrownBy(() -> condition("int(vars.pin) > 3").evaluate(scope))
                .isInstanceOf(Condition.EvaluationFailed.class)
                .hasMessage("evaluation error at <input>:3: For input string: \"***\"");
        assertThatThrownBy(() -> condition("vars.missing == 1").evaluate(scope))
                .hasMessage("evaluation error at <input>:4: key 'missing' is not present in map.");
    }

    @Test
    void aDynResultThatIsNotABooleanIsAnEvaluationError() {
        Condition dyn = condition("vars.flag");

        assertThatThrownBy(() -> dyn.evaluate(Scope.of(CALL, Map.of("flag", "yes"))))
                .isInstanceOf(Condition.EvaluationFailed.class)
                .hasMessage("the condition gave a string, not true or false");
    }

    @Test
    void anExpressionOver1000CharactersIsRefused() {
        String longest = "vars.s == \"" + "x".repeat(Condition.MAX_LENGTH - 12) + "\"";

        assertThat(longest).hasSize(Condition.MAX_LENGTH);
        assertThat(Condition.compile(longest).ok()).isTrue();
        assertThat(Condition.compile(longest + " ").ok()).isFalse();
    }

    @Test
    void secretsAreNotVisible() {
        assertThat(Condition.compile("secret.KEY == \"x\"").ok()).isFalse();
    }

    @Test
    void oneCompiledConditionServesManyThreads() throws Exception {
        Condition c = condition("vars.n % 2 == 0 && call.from.startsWith(\"+91\")");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = IntStream.range(0, 2000)
                    .mapToObj(n -> pool.submit(() -> c.evaluate(Scope.of(CALL, Map.of("n", n))))).toList();
            for (int n = 0; n < results.size(); n++) {
                assertThat(results.get(n).get()).as("n=%d", n).isEqualTo(n % 2 == 0);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void costOfOneEvaluation() throws Exception {
        Condition c = condition("has(vars.balance) && vars.balance > 100.0 && call.from.startsWith(\"+91\")");
        Scope scope = new Scope(CALL, Map.of("balance", 150.25, "lang", "hi", "account", "123456"),
                name -> Optional.empty());
        int warmup = 50_000;
        int runs = 200_000;
        for (int i = 0; i < warmup; i++) {
            c.evaluate(scope);
        }
        long start = System.nanoTime();
        int trues = 0;
        for (int i = 0; i < runs; i++) {
            trues += c.evaluate(scope) ? 1 : 0;
        }
        long elapsed = System.nanoTime() - start;
        long compileStart = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            Condition.compile("vars.balance > " + i + ".5").orElseThrow();
        }
        long compile = (System.nanoTime() - compileStart) / 100;
        System.out.printf("Condition.evaluate: %.2f µs per call over %d runs; compile: %.1f µs%n",
                elapsed / 1000.0 / runs, runs, compile / 1000.0);
        assertThat(trues).isEqualTo(runs);
    }
}
