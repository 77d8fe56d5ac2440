using ChaosDescent.Expressions;

namespace ChaosDescent.Tests.Expressions;

public class ParserTests
{
    private static readonly VariableSet X = VariableSet.Standard(1);
    private static readonly VariableSet XY = VariableSet.Standard(2);

    private static double Eval(string text, params double[] point) =>
        Evaluator.Evaluate(ExpressionParser.Parse(text, point.Length <= 1 ? X : XY), point.Length == 0 ? [0.0] : point);

    [Theory]
    [InlineData("1 + 2 * 3", 7)]
    [InlineData("(1 + 2) * 3", 9)]
    [InlineData("2^3^2", 512)] // right-associative: 2^(3^2)
    [InlineData("(2^3)^2", 64)]
    [InlineData("-2^2", -4)] // unary minus binds weaker than ^
    [InlineData("(-2)^2", 4)]
    [InlineData("2^-1", 0.5)]
    [InlineData("-2*3", -6)]
    [InlineData("8/4/2", 1)] // left-associative
    [InlineData("1 - 2 - 3", -4)]
    [InlineData("--3", 3)]
    [InlineData("+3", 3)]
    [InlineData("1e-3", 1e-3)]
    [InlineData("2.5E+2", 250)]
    [InlineData(".5", 0.5)]
    [InlineData("2**3", 8)]
    [InlineData("3 \u2212 1", 2)]
    [InlineData("pi", Math.PI)]
    [InlineData("2*e", 2 * Math.E)]
    [InlineData("sqrt(16) + abs(-3) + exp(0) + log(1) + tanh(0) + tan(0)", 8)]
    [InlineData("sign(-3) + sign(0) + sign(2)", 0)]
    public void Constants_and_precedence(string text, double expected) => Assert.Equal(expected, Eval(text), 12);

    [Fact]
    public void Variables_follow_the_dimension()
    {
        Assert.Equal(3 * 3 * 3 * 3 / 4.0 + Math.Sin(3), Eval("x^4/4 + sin(x)", 3), 12);
        Assert.Equal(0.26 * 5 + 0.48 * 2, Eval("0.26*(x^2 + y^2) + 0.48*x*y", 1, 2), 12);
        var e = ExpressionParser.Parse("x1*x2 + x3", out var vars);
        Assert.Equal(["x1", "x2", "x3"], vars.Names);
        Assert.Equal(7.0, Evaluator.Evaluate(e, [2, 3, 1]));
    }

    [Theory]
    [InlineData("x^2", 1)]
    [InlineData("x*y", 2)]
    [InlineData("y", 2)]
    [InlineData("x1 + x5", 5)]
    [InlineData("3", 1)]
    public void Dimension_is_inferred(string text, int dimension) => Assert.Equal(dimension, VariableSet.Infer(text).Count);

    [Fact]
    public void Mixing_variable_styles_is_an_error()
    {
        var e = Assert.Throws<ExpressionSyntaxException>(() => VariableSet.Infer("x + x2"));
        Assert.Contains("use either x, y or x1 … xd", e.Message);
    }

    [Fact]
    public void The_tree_is_structural_and_immutable()
    {
        var a = ExpressionParser.Parse("x^4/4 + sin(x)", X);
        var b = ExpressionParser.Parse("(x^4)/4+sin( x )", X);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, ExpressionParser.Parse("x^4/4 + cos(x)", X));
        // A negated number is a negative constant (canonical form), a negated variable is a negation.
        Assert.IsType<ConstantExpr>(ExpressionParser.Parse("-3", X));
        Assert.IsType<NegateExpr>(ExpressionParser.Parse("-x", X));
    }
}
