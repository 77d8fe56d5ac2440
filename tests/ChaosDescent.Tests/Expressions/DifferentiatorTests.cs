using ChaosDescent.Expressions;

namespace ChaosDescent.Tests.Expressions;

public class DifferentiatorTests
{
    private static readonly VariableSet X = VariableSet.Standard(1);

    private static string D(string text) =>
        ExpressionPrinter.Print(Differentiator.Differentiate(ExpressionParser.Parse(text, X), 0));

    [Theory]
    [InlineData("x^4/4 + sin(x)", "x^3 + cos(x)")]
    [InlineData("x^2/2", "x")]
    [InlineData("3*x + 2", "3")]
    [InlineData("x*x", "2*x")]
    [InlineData("cos(x)", "-sin(x)")]
    [InlineData("exp(2*x)", "2*exp(2*x)")]
    [InlineData("log(x)", "1/x")]
    [InlineData("sqrt(x)", "1/(2*sqrt(x))")]
    [InlineData("abs(x)", "sign(x)")]
    [InlineData("abs(x^2 - 1)", "sign(x^2 - 1)*(2*x)")]
    [InlineData("sign(x)", "0")]
    [InlineData("tanh(x)", "1 - tanh(x)^2")]
    [InlineData("tan(x)", "1/cos(x)^2")]
    [InlineData("x^-1", "-x^-2")]
    [InlineData("2^x", "0.6931471805599453*2^x")]
    [InlineData("(x^2 - 1)^2", "2*(x^2 - 1)*(2*x)")]
    public void Closed_forms(string f, string expected)
    {
        var actual = D(f);
        // Compare as trees: the expected text must parse to what the differentiator built.
        Assert.Equal(ExpressionParser.Parse(expected, X), ExpressionParser.Parse(actual, X));
    }

    [Fact]
    public void Abs_is_differentiated_as_sign_with_zero_at_the_kink()
    {
        var f = ExpressionField.Parse("abs(x)");
        var g = new double[1];
        f.Gradient([0.0], g);
        Assert.Equal(0.0, g[0]);
        f.Gradient([-2.0], g);
        Assert.Equal(-1.0, g[0]);
    }

    [Fact]
    public void Gradients_of_random_expressions_match_finite_differences()
    {
        foreach (var dim in new[] { 1, 2, 3 })
        {
            var vars = VariableSet.Standard(dim);
            var gen = new RandomExpressions(100 + dim, vars);
            int compared = 0;
            for (int n = 0; n < 300; n++)
            {
                var e = gen.Smooth(1 + n % 5);
                var grad = Differentiator.Gradient(e, dim);
                var p = gen.Point();
                for (int k = 0; k < dim; k++)
                {
                    if (!TryFiniteDifference(p, k, q => Evaluator.Evaluate(e, q), out double fd, out double scale)) continue;
                    double exact = Evaluator.Evaluate(grad[k], p);
                    Assert.True(Math.Abs(exact - fd) <= 1e-6 * scale,
                        $"d/d{vars.Names[k]} of {e} at ({string.Join(", ", p)}): symbolic {exact} ({grad[k]}), finite difference {fd}");
                    compared++;
                }
            }
            Assert.True(compared > 250 * dim, $"only {compared} comparisons");
        }
    }

    [Fact]
    public void Hessians_of_random_expressions_match_finite_differences_of_the_gradient()
    {
        var vars = VariableSet.Standard(2);
        var gen = new RandomExpressions(7, vars);
        for (int n = 0; n < 150; n++)
        {
            var e = gen.Smooth(1 + n % 4);
            var grad = Differentiator.Gradient(e, 2);
            var hess = Differentiator.Hessian(e, 2);
            var p = gen.Point();
            for (int i = 0; i < 2; i++)
            {
                for (int j = 0; j < 2; j++)
                {
                    Assert.Equal(hess[i * 2 + j], hess[j * 2 + i]);
                    if (!TryFiniteDifference(p, j, q => Evaluator.Evaluate(grad[i], q), out double fd, out double scale)) continue;
                    double exact = Evaluator.Evaluate(hess[i * 2 + j], p);
                    Assert.True(Math.Abs(exact - fd) <= 1e-6 * scale, $"H[{i},{j}] of {e}: symbolic {exact}, finite difference {fd}");
                }
            }
        }
    }

    /// <summary>
    /// Fourth-order central difference with h = 1e-3: truncation ~h⁴·f⁽⁵⁾/30, rounding ~1e-16·|f|/h. The scale
    /// for the tolerance is 1 + |f| + max|f′| seen on the stencil. Skips points where the stencil is not smooth
    /// (a kink of abs inside it shows as disagreeing one-sided slopes).
    /// </summary>
    private static bool TryFiniteDifference(double[] p, int k, Func<double[], double> f, out double derivative, out double scale)
    {
        const double h = 1e-3;
        var q = (double[])p.Clone();
        double At(double t)
        {
            q[k] = p[k] + t;
            return f(q);
        }
        double m2 = At(-2 * h), m1 = At(-h), f0 = At(0), p1 = At(h), p2 = At(2 * h);
        derivative = (m2 - 8 * m1 + 8 * p1 - p2) / (12 * h);
        double left = (f0 - m1) / h, right = (p1 - f0) / h;
        scale = 1 + Math.Abs(f0) + Math.Max(Math.Abs(left), Math.Abs(right));
        double second = (p1 - m1) / (2 * h);
        bool finite = double.IsFinite(derivative) && double.IsFinite(scale);
        // Smooth: the 2nd- and 4th-order stencils agree to ~h²·f‴/6. A kink of abs inside the stencil (or a
        // nearly singular point) breaks that: skip those samples.
        return finite && Math.Abs(second - derivative) < 1e-4 * scale;
    }
}
