package io.nexaflow.expr;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A switch node's {@code when}: a boolean expression in the Common Expression Language (CEL, as Kubernetes and
 * Envoy use it) over {@code vars} ({@code map(string, dyn)}) and {@code call} ({@code map(string, string)} with
 * from, to and id). Compiled and type-checked once, when a flow is validated; the compiled condition is immutable
 * and safe to share between threads, so callers cache it per flow revision. Secrets are not visible to it.
 */
public final class Condition {

    /** The longest expression accepted, in code points. */
    public static final int MAX_LENGTH = 1000;

    // Building the environment is the expensive part; compiling against it and evaluating are not.
    private static final Cel CEL = CelFactory.standardCelBuilder()
            .setOptions(CelOptions.current()
                    .enableHeterogeneousNumericComparisons(true) // vars.balance > 100.0 also when balance is 150
                    .maxExpressionCodePointSize(MAX_LENGTH)
                    .comprehensionMaxIterations(1000)
                    .build())
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS) // has(vars.x), all, exists, map, filter
            .addVar("vars", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("call", MapType.create(SimpleType.STRING, SimpleType.STRING))
            .build();

    /** Why an evaluation gave no boolean: a missing key, a wrong type, a non-boolean result. */
    public static final class EvaluationFailed extends Exception {

        EvaluationFailed(String message) {
            super(message, null, false, false);
        }
    }

    private final String expression;
    private final CelRuntime.Program program;

    private Condition(String expression, CelRuntime.Program program) {
        this.expression = expression;
        this.program = program;
    }

    /**
     * The type-checked condition, or CEL's messages with their line and column: syntax errors, unknown names,
     * wrong types, and a result that is not a boolean.
     */
    public static Parsed<Condition> compile(String expression) {
        CelValidationResult result;
        try {
            result = CEL.compile(expression);
        } catch (RuntimeException e) {
            return Parsed.failed(List.of(new ExpressionProblem(-1, -1, -1, "cannot compile: " + e.getMessage())));
        }
        if (result.hasError()) {
            List<ExpressionProblem> problems = new ArrayList<>();
            for (CelIssue issue : result.getErrors()) {
                CelSourceLocation at = issue.getSourceLocation();
                // CEL counts lines from 1 and columns from 0.
                problems.add(ExpressionProblem.atLine(expression, at.getLine(), at.getColumn() + 1, issue.getMessage()));
            }
            return Parsed.failed(problems);
        }
        try {
            CelAbstractSyntaxTree ast = result.getAst();
            CelKind kind = ast.getResultType().kind();
            if (kind != CelKind.BOOL && kind != CelKind.DYN) {
                return Parsed.failed(List.of(ExpressionProblem.at(expression, 0,
                        "a condition must be true or false, this one is of type " + ast.getResultType().name())));
            }
            return Parsed.of(new Condition(expression, CEL.createProgram(ast)));
        } catch (Exception e) {
            return Parsed.failed(List.of(new ExpressionProblem(-1, -1, -1, "cannot compile: " + e.getMessage())));
        }
    }

    /** The expression as written. */
    public String expression() {
        return expression;
    }

    /**
     * True or false for this scope.
     *
     * @throws EvaluationFailed when CEL reports an error (a key not in {@code vars}, an operator that does not fit
     *                          the values' types) or the result is not a boolean
     */
    public boolean evaluate(Scope scope) throws EvaluationFailed {
        Object result;
        try {
            result = program.eval(activation(scope));
        } catch (CelEvaluationException e) {
            throw new EvaluationFailed(withoutValues(e.getMessage(), scope));
        } catch (RuntimeException e) {
            throw new EvaluationFailed("evaluation failed: " + e.getClass().getSimpleName());
        }
        if (result instanceof Boolean b) {
            return b;
        }
        throw new EvaluationFailed("the condition gave " + typeName(result) + ", not true or false");
    }

    private static CelVariableResolver activation(Scope scope) {
        return name -> switch (name) {
            case "vars" -> Optional.of(vars(scope.vars()));
            case "call" -> Optional.of(call(scope.call()));
            default -> Optional.empty();
        };
    }

    private static Map<String, Object> vars(Map<String, Object> vars) {
        if (vars.values().stream().noneMatch(BigDecimal.class::isInstance)) {
            return vars;
        }
        // CEL has no decimal type: a BigDecimal is compared as a double.
        Map<String, Object> converted = new HashMap<>(vars.size() * 2);
        vars.forEach((name, value) -> converted.put(name, value instanceof BigDecimal b ? b.doubleValue() : value));
        return converted;
    }

    private static Map<String, String> call(Scope.Call call) {
        Map<String, String> map = new HashMap<>(4);
        if (call.from() != null) {
            map.put("from", call.from());
        }
        if (call.to() != null) {
            map.put("to", call.to());
        }
        if (call.id() != null) {
            map.put("id", call.id());
        }
        return map;
    }

    /**
     * CEL's message without the values it may quote ({@code int(vars.pin)} says {@code For input string: "918273x"}):
     * the message ends up in events, and a variable may hold sensitive digits.
     */
    private static String withoutValues(String message, Scope scope) {
        List<String> values = new ArrayList<>();
        scope.vars().values().forEach(value -> values.add(Variables.format(value)));
        values.add(scope.call().from());
        values.add(scope.call().to());
        // A value of one or two characters tells little and would shred the message.
        values.removeIf(value -> value == null || value.length() < 3);
        return Masking.mask(message, values);
    }

    private static String typeName(Object value) {
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Number) {
            return "a number";
        }
        return value == null ? "null" : "a " + value.getClass().getSimpleName();
    }

    @Override
    public String toString() {
        return "Condition[" + expression + "]";
    }
}
