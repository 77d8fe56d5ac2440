using ChaosDescent.Expressions;

namespace ChaosDescent.Tests.Expressions;

public class RoundTripTests
{
    private static void AssertRoundTrip(Expr e, VariableSet vars)
    {
        var text = ExpressionPrinter.Print(e);
        var back = ExpressionParser.Parse(text, vars);
        Assert.True(e.Equals(back), $"printed '{text}' parsed back as '{ExpressionPrinter.Print(back)}'");
        Assert.Equal(text, ExpressionPrinter.Print(back));
    }

    [Theory]
    [InlineData("x^4/4 + sin(x)")]
    [InlineData("-x^2")]
    [InlineData("(-x)^2")]
    [InlineData("-(x*y)")]
    [InlineData("-x*y")]
    [InlineData("x - (y - 1)")]
    [InlineData("x - y - 1")]
    [InlineData("x/(y*2)")]
    [InlineData("x/y*2")]
    [InlineData("x^y^2")]
    [InlineData("(x^y)^2")]
    [InlineData("x^-2")]
    [InlineData("(-2)^x")]
    [InlineData("--x")]
    [InlineData("x + -y")]
    [InlineData("x*-y")]
    [InlineData("-(-x)")]
    [InlineData("1e-07*x + 2.5E+300*y")]
    [InlineData("pi*e - 3.141592653589793")]
    [InlineData("0.26*(x^2 + y^2) + 0.48*x*y + sign(x)*abs(y)")]
    [InlineData("-0*x")]
    public void Hand_written_expressions(string text)
    {
        var vars = VariableSet.Standard(2);
        var e = ExpressionParser.Parse(text, vars);
        AssertRoundTrip(e, vars);
        AssertRoundTrip(Simplifier.Simplify(e), vars);
    }

    [Fact]
    public void Printing_is_minimal_where_it_can_be()
    {
        var vars = VariableSet.Standard(2);
        Assert.Equal("x^4/4 + sin(x)", ExpressionParser.Parse("((x^4)/4) + (sin((x)))", vars).ToString());
        Assert.Equal("-x^2", ExpressionParser.Parse("-(x^2)", vars).ToString());
        Assert.Equal("x^y^2", ExpressionParser.Parse("x^(y^2)", vars).ToString());
        Assert.Equal("x + (-y)", ExpressionParser.Parse("x + -y", vars).ToString());
    }

    [Fact]
    public void Random_raw_trees_round_trip()
    {
        foreach (var vars in new[] { VariableSet.Standard(2), VariableSet.Standard(3) })
        {
            var gen = new RandomExpressions(17, vars);
            for (int n = 0; n < 3000; n++)
            {
                var e = gen.Raw(1 + n % 7);
                AssertRoundTrip(e, vars);
            }
        }
    }

    [Fact]
    public void Derivatives_and_simplified_trees_round_trip()
    {
        var vars = VariableSet.Standard(2);
        var gen = new RandomExpressions(5, vars);
        for (int n = 0; n < 500; n++)
        {
            var e = gen.Smooth(1 + n % 5);
            AssertRoundTrip(Simplifier.Simplify(e), vars);
            foreach (var d in Differentiator.Gradient(e, 2)) AssertRoundTrip(d, vars);
        }
    }
}
