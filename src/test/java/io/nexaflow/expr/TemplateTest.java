package io.nexaflow.expr;

import io.nexaflow.expr.Template.Encoding;
import io.nexaflow.expr.Template.Reference;
import io.nexaflow.expr.Template.Reference.Kind;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TemplateTest {

    private static final Scope.Call CALL = new Scope.Call("+911203135800", "+14155550100", "c-42");

    private static Template template(String text) {
        return Template.parse(text).orElseThrow();
    }

    private static Scope scope(Map<String, Object> vars) {
        return Scope.of(CALL, vars);
    }

    @Test
    void rendersEveryKindOfReferenceWithWhitespaceInsideTheBraces() {
        Scope scope = new Scope(CALL, Map.of("account", "A-17"),
                name -> name.equals("API_KEY") ? Optional.of("s3cr3t") : Optional.empty());

        String rendered = template("{{call.from}}|{{ call.to }}|{{\tcall.id\n}}|{{vars.account}}|{{ secret.API_KEY}}")
                .render(scope, Encoding.PLAIN);

        assertThat(rendered).isEqualTo("+911203135800|+14155550100|c-42|A-17|s3cr3t");
    }

    @Test
    void urlEncodingTurnsAValueIntoOnePathOrQueryComponent() {
        Template url = template("https://api.example.com/accounts/{{vars.name}}?q={{vars.name}}&from={{call.from}}");

        String rendered = url.render(scope(Map.of("name", "a b/ü&")), Encoding.URL);

        assertThat(rendered).isEqualTo(
                "https://api.example.com/accounts/a%20b%2F%C3%BC%26?q=a%20b%2F%C3%BC%26&from=%2B911203135800");
    }

    @Test
    void urlEncodingLeavesOnlyTheUnreservedCharacters() {
        assertThat(Template.urlEncode("AZaz09-._~!*'();:@=+$,?#[]%\"")).isEqualTo(
                "AZaz09-._~%21%2A%27%28%29%3B%3A%40%3D%2B%24%2C%3F%23%5B%5D%25%22");
    }

    @Test
    void literalTextIsKeptAsWrittenEvenInUrlMode() {
        assertThat(template("https://x.example/a b?x=1&y={{vars.y}}").render(scope(Map.of("y", "1 2")), Encoding.URL))
                .isEqualTo("https://x.example/a b?x=1&y=1%202");
    }

    @Test
    void numbersAndBooleansRenderAsPeopleWriteThem() {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("int", 42);
        vars.put("long", 9_007_199_254_740_993L);
        vars.put("integralDouble", 42.0);
        vars.put("fraction", 1.5);
        vars.put("small", 0.0000001);
        vars.put("amount", new BigDecimal("100.50"));
        vars.put("huge", new BigDecimal("1E+3"));
        vars.put("yes", true);

        String rendered = template("{{vars.int}} {{vars.long}} {{vars.integralDouble}} {{vars.fraction}} "
                + "{{vars.small}} {{vars.amount}} {{vars.huge}} {{vars.yes}}").render(scope(vars), Encoding.PLAIN);

        assertThat(rendered).isEqualTo("42 9007199254740993 42 1.5 0.0000001 100.50 1000 true");
    }

    @Test
    void aMissingVariableNamesTheVariableButNoValue() {
        Scope scope = new Scope(CALL, Map.of("pin", "918273"), name -> Optional.of("s3cr3t"));

        Template.UnresolvedReference e = catchThrowableOfType(
                () -> template("{{secret.KEY}}/{{vars.pin}}/{{vars.account}}").render(scope, Encoding.URL),
                Template.UnresolvedReference.class);

        assertThat(e.getMessage()).isEqualTo("variable 'vars.account' is not set");
        assertThat(e.reference()).isEqualTo(new Reference(Kind.VAR, "account"));
        assertThat(e.toString()).doesNotContain("918273", "s3cr3t", "+9112");
    }

    @Test
    void aSecretResolvesOnlyThroughAScopeThatSuppliesIt() {
        Template header = template("Bearer {{secret.API_KEY}}");

        assertThatThrownBy(() -> header.render(scope(Map.of("API_KEY", "not-a-secret")), Encoding.PLAIN))
                .isInstanceOf(Template.UnresolvedReference.class)
                .hasMessage("secret 'API_KEY' is not configured");
    }

    @Test
    void aCallPartNotKnownYetIsUnresolved() {
        Scope scope = Scope.of(new Scope.Call("+911203135800", "+14155550100", null), Map.of());

        assertThatThrownBy(() -> template("{{call.id}}").render(scope, Encoding.PLAIN))
                .isInstanceOf(Template.UnresolvedReference.class)
                .hasMessage("'call.id' is not known for this call");
    }

    @Test
    void referencesAreTheVariablesAndSecretsEachOnceInOrder() {
        Template t = template("{{call.from}}{{vars.b}}{{secret.K}}{{vars.a}}{{ vars.b }}");

        assertThat(t.references()).containsExactly(
                new Reference(Kind.VAR, "b"), new Reference(Kind.SECRET, "K"), new Reference(Kind.VAR, "a"));
        assertThat(t.references().stream().map(Reference::toString)).containsExactly("vars.b", "secret.K", "vars.a");
    }

    @Test
    void constantTemplates() {
        assertThat(template("https://x.example/a.wav").isConstant()).isTrue();
        assertThat(template("").isConstant()).isTrue();
        assertThat(template("a { b } c }}").isConstant()).isTrue();
        assertThat(template("a { b } c }}").render(scope(Map.of()), Encoding.URL)).isEqualTo("a { b } c }}");
        assertThat(template("{{call.id}}").isConstant()).isFalse();
        assertThat(template("{{call.id}}").references()).isEmpty();
    }

    @Test
    void anUnknownReferenceIsReportedAtItsOffset() {
        Parsed<Template> parsed = Template.parse("hi {{ cal.from }}");

        assertThat(parsed.ok()).isFalse();
        assertThat(parsed.problems()).containsExactly(new ExpressionProblem(6, 1, 7,
                "unknown reference 'cal.from': use call.from, call.to, call.id, vars.NAME or secret.NAME"));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        Parsed<Template> parsed = Template.parse("{{vars.1x}}{{call.name}}\n{{}}{{secret.}}{{vars.ok}} {{vars.a");

        String nameRule = ": a name is a letter or underscore, then up to 63 letters, digits or underscores";
        String refRule = ": use call.from, call.to, call.id, vars.NAME or secret.NAME";
        assertThat(parsed.problems()).containsExactly(
                new ExpressionProblem(2, 1, 3, "unknown reference 'vars.1x'" + nameRule),
                new ExpressionProblem(13, 1, 14, "unknown reference 'call.name'" + refRule),
                new ExpressionProblem(25, 2, 1, "empty reference '{{}}'"),
                new ExpressionProblem(31, 2, 7, "unknown reference 'secret.'" + nameRule),
                new ExpressionProblem(52, 2, 28, "unclosed '{{'"));
    }

    @Test
    void namesAreAtMost64Characters() {
        String longest = "a".repeat(64);

        assertThat(Template.parse("{{vars." + longest + "}}").ok()).isTrue();
        assertThat(Template.parse("{{vars." + longest + "b}}").problems()).extracting(ExpressionProblem::offset)
                .containsExactly(2);
    }

    @Test
    void orElseThrowListsTheProblems() {
        assertThatThrownBy(() -> Template.parse("{{x}} {{").orElseThrow())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("line 1, column 3: unknown reference 'x': use call.from, call.to, call.id, vars.NAME or "
                        + "secret.NAME; line 1, column 7: unclosed '{{'");
    }

    @Test
    void problemsCarryNoMoreThanTheTemplateText() {
        assertThat(Template.parse("{{vars.x}}").problems()).isEqualTo(List.of());
        assertThat(template("{{vars.x}}").toString()).isEqualTo("Template[{{vars.x}}]");
    }
}
