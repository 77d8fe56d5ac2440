using ChaosDescent.Expressions;

namespace ChaosDescent.Tests.Expressions;

public class ErrorMessageTests
{
    private static readonly VariableSet X = VariableSet.Standard(1);

    private static ExpressionSyntaxException Fail(string text, VariableSet? vars = null) =>
        Assert.Throws<ExpressionSyntaxException>(() => ExpressionParser.Parse(text, vars ?? X, "f0"));

    [Fact]
    public void Syntax_error_shows_the_expression_with_a_caret()
    {
        var e = Fail("x^2 + )");
        Assert.Equal(
            "syntax error in f0 at column 7: expected a number, a variable, a function call or '(' but found ')'\n" +
            "  x^2 + )\n" +
            "        ^", e.Message);
        Assert.Equal(6, e.Position);
        Assert.IsAssignableFrom<UserInputException>(e);
    }

    [Fact]
    public void Missing_operand_at_the_end()
    {
        var e = Fail("x^4/4 +");
        Assert.Equal(
            "syntax error in f0 at the end: expected a number, a variable, a function call or '(' but found the end of the expression\n" +
            "  x^4/4 +\n" +
            "         ^", e.Message);
    }

    [Theory]
    [InlineData("(x + 1", 6, "expected ')' to close the '(' at column 1")]
    [InlineData("x + 1)", 5, "unmatched ')'")]
    [InlineData("2x", 1, "write 2*x for a product")]
    [InlineData("sin x", 4, "expected '(' after the function 'sin'")]
    [InlineData("sin(x, 2)", 5, "the function 'sin' takes one argument")]
    [InlineData("x(2)", 1, "'x' is a variable, not a function")]
    [InlineData("pi(2)", 2, "'pi' is a constant, not a function")]
    [InlineData("x $ 2", 2, "unexpected character '$'")]
    [InlineData("1e999", 0, "too large for double precision")]
    [InlineData("", 0, "the expression is empty")]
    [InlineData("   ", 3, "the expression is empty")]
    [InlineData("x,", 1, "unexpected ','")]
    public void Problems_are_located_and_explained(string text, int position, string fragment)
    {
        var e = Fail(text);
        Assert.Equal(position, e.Position);
        Assert.Contains(fragment, e.Problem);
    }

    [Fact]
    public void Unknown_names_list_the_allowed_ones()
    {
        var e = Fail("sinh(x)");
        Assert.Equal(0, e.Position);
        Assert.Equal(
            "unknown name 'sinh' (did you mean 'sin'?); variables: x; functions: sin, cos, tan, exp, log, sqrt, tanh, abs, sign; constants: pi, e",
            e.Problem);
        Assert.Contains("did you mean 'pi'", Fail("PI").Problem);
        var y = Fail("x + y");
        Assert.Equal(4, y.Position);
        Assert.Contains("variables: x;", y.Problem);
        Assert.Contains("variables: x, y;", Fail("x + z", VariableSet.Standard(2)).Problem);
    }

    [Fact]
    public void Deep_input_is_an_error_not_a_crash()
    {
        Assert.Contains("nested too deeply", Fail(new string('(', 10_000) + "x" + new string(')', 10_000)).Problem);
        Assert.Contains("nested too deeply", Fail(new string('-', 10_000) + "x").Problem);
        Assert.Contains("too deep", Fail(string.Join("+", Enumerable.Repeat("x", 10_000))).Problem);
        Assert.Contains("nested too deeply", Fail(string.Join("^", Enumerable.Repeat("x", 10_000))).Problem);
    }

    [Fact]
    public void Domain_errors_name_the_subexpression_and_the_point()
    {
        var f = ExpressionField.Parse("x^2 + log(x - 1)", label: "f0");
        var e = Assert.Throws<ExpressionDomainException>(() => f.Value([0.5]));
        Assert.Equal("f0: log of a negative number in log(x - 1) (argument -0.5) at x = 0.5", e.Message);
        Assert.IsAssignableFrom<UserInputException>(e);

        var g = ExpressionField.Parse("sqrt(x) + y", label: "f0");
        var s = Assert.Throws<ExpressionDomainException>(() => g.Value([-4, 1]));
        Assert.Equal("f0: sqrt of a negative number in sqrt(x) (argument -4) at (x, y) = (-4, 1)", s.Message);

        var d = Assert.Throws<ExpressionDomainException>(() => ExpressionField.Parse("1/x", label: "f").Value([0]));
        Assert.Contains("division by zero in 1/x (denominator 0) at x = 0", d.Message);

        var p = Assert.Throws<ExpressionDomainException>(() => ExpressionField.Parse("x^0.3", label: "f").Value([-2]));
        Assert.Contains("a negative number raised to a non-integer power in x^0.3 (base -2) at x = -2", p.Message);

        // The gradient of log(x) is 1/x: at x = 0 both are out of the domain; the gradient reports its own.
        var lg = Assert.Throws<ExpressionDomainException>(() => ExpressionField.Parse("log(x)", label: "f0").Gradient([0], new double[1]));
        Assert.Contains("the gradient of f0: division by zero", lg.Message);
    }

    [Fact]
    public void Domain_errors_in_a_block_are_found_with_the_particle()
    {
        var f = ExpressionField.Parse("sqrt(x)", label: "f0");
        var x = new double[21];
        for (int i = 0; i < x.Length; i++) x[i] = 1 + i;
        x[18] = -9; // in the padded tail of an 8-lane kernel
        var e = Assert.Throws<ExpressionDomainException>(() => f.AccumulateGradient(x, new double[21], 21));
        Assert.Contains("at x = -9", e.Message);
    }

    [Fact]
    public void Overflow_and_diverged_particles_are_not_user_errors()
    {
        var f = ExpressionField.Parse("exp(x) + log(x^2 + 1)");
        Assert.Equal(double.PositiveInfinity, f.Value([1000]));
        var g = new double[3];
        f.AccumulateGradient([double.NaN, 1, double.PositiveInfinity], g, 3);
        Assert.True(double.IsNaN(g[0]));
        Assert.Equal(Math.E + 1, g[1], 12);
    }
}
