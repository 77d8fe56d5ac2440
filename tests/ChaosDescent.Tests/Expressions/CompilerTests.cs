using System.Runtime.Intrinsics;
using ChaosDescent.Expressions;

namespace ChaosDescent.Tests.Expressions;

public class CompilerTests
{
    public static TheoryData<LaneWidth> Widths()
    {
        var data = new TheoryData<LaneWidth> { LaneWidth.Scalar };
        if (Vector256.IsHardwareAccelerated) data.Add(LaneWidth.Vector256);
        if (Vector512.IsHardwareAccelerated) data.Add(LaneWidth.Vector512);
        return data;
    }

    /// <summary>Inputs for <paramref name="count"/> particles in structure-of-arrays layout.</summary>
    private static double[] Soa(RandomExpressions gen, int dim, int count, out double[][] points)
    {
        var soa = new double[dim * count];
        points = new double[count][];
        for (int i = 0; i < count; i++)
        {
            points[i] = gen.Point();
            for (int k = 0; k < dim; k++) soa[k * count + i] = points[i][k];
        }
        return soa;
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Polynomials_compile_to_exactly_the_reference_arithmetic(LaneWidth width)
    {
        var vars = VariableSet.Standard(2);
        var gen = new RandomExpressions(3, vars);
        for (int n = 0; n < 40; n++)
        {
            var outputs = new[] { gen.Polynomial(4), gen.Polynomial(3), gen.Polynomial(5) };
            var compiled = new CompiledExpressions(outputs, 2, 0, width);
            const int count = 19; // two full 8-lane vectors and a tail of 3
            var x = Soa(gen, 2, count, out var points);
            var y = new double[outputs.Length * count];
            compiled.EvaluateBlock(x, [], y, count, accumulate: false);
            var single = new double[outputs.Length];
            for (int i = 0; i < count; i++)
            {
                compiled.EvaluatePoint(points[i], [], single);
                for (int m = 0; m < outputs.Length; m++)
                {
                    double expected = Evaluator.Evaluate(outputs[m], points[i]);
                    Assert.Equal(expected, y[m * count + i]);
                    Assert.Equal(expected, single[m]);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Smooth_expressions_and_gradients_match_the_evaluator(LaneWidth width)
    {
        var vars = VariableSet.Standard(3);
        var gen = new RandomExpressions(11, vars);
        for (int n = 0; n < 40; n++)
        {
            var e = gen.Smooth(1 + n % 5);
            var outputs = new List<Expr> { e };
            outputs.AddRange(Differentiator.Gradient(e, 3));
            var compiled = new CompiledExpressions(outputs, 3, 0, width);
            const int count = 13;
            var x = Soa(gen, 3, count, out var points);
            var y = new double[outputs.Count * count];
            for (int i = 0; i < y.Length; i++) y[i] = 0.25 * i; // accumulate onto existing values
            var before = (double[])y.Clone();
            compiled.EvaluateBlock(x, [], y, count, accumulate: true);
            for (int i = 0; i < count; i++)
            {
                for (int m = 0; m < outputs.Count; m++)
                {
                    double expected = Evaluator.Evaluate(outputs[m], points[i]);
                    double got = y[m * count + i] - before[m * count + i];
                    // Vector exp/log and the SIMD sin/cos differ from System.Math by a few ulps (FastTrig: < 1e-13
                    // absolute), amplified through at most a few nested operations.
                    Assert.True(Math.Abs(got - expected) <= 1e-10 * (1 + Math.Abs(expected)),
                        $"{outputs[m]} at ({string.Join(", ", points[i])}): compiled {got}, evaluator {expected}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Parameters_are_broadcast_and_hoisted(LaneWidth width)
    {
        // u = s·x with s = 1/ε a parameter (index 1 after one input): the micro-scale gradient cos(x/ε).
        var x = Expr.Variable(0, "x");
        var s = Expr.Variable(1, "s");
        var outputs = new[] { Expr.Call(Function.Cos, Expr.Multiply(s, x)), Expr.Multiply(Expr.Power(s, Expr.Constant(2)), x) };
        var compiled = new CompiledExpressions(outputs, 1, 1, width);
        const double eps = 1e-4;
        double[] xs = [0.1, -0.3, 0.7, 1.1, 2.5, -2, 0.01, 0.001, 3, 4, 5];
        var y = new double[2 * xs.Length];
        Assert.True(compiled.EvaluateBlock(xs, [1 / eps], y, xs.Length, accumulate: false));
        for (int i = 0; i < xs.Length; i++)
        {
            Assert.Equal(Math.Cos(xs[i] / eps), y[i], 1e-12);
            Assert.Equal(xs[i] / (eps * eps), y[xs.Length + i], 1e-12 * Math.Abs(xs[i]) / (eps * eps));
        }
    }

    [Fact]
    public void Field_value_gradient_and_hessian()
    {
        var f = ExpressionField.Parse("0.26*(x^2 + y^2) - 0.48*x*y + sin(x)*cos(y)");
        Assert.Equal(2, f.Dimension);
        double x = 0.3, y = -1.2;
        Assert.Equal(0.26 * (x * x + y * y) - 0.48 * x * y + Math.Sin(x) * Math.Cos(y), f.Value([x, y]), 14);
        var g = new double[2];
        f.Gradient([x, y], g);
        Assert.Equal(0.52 * x - 0.48 * y + Math.Cos(x) * Math.Cos(y), g[0], 14);
        Assert.Equal(0.52 * y - 0.48 * x - Math.Sin(x) * Math.Sin(y), g[1], 14);
        var h = new double[4];
        f.Hessian([x, y], h);
        Assert.Equal(0.52 - Math.Sin(x) * Math.Cos(y), h[0], 14);
        Assert.Equal(-0.48 - Math.Cos(x) * Math.Sin(y), h[1], 14);
        Assert.Equal(h[1], h[2]);
        Assert.Equal(0.52 - Math.Sin(x) * Math.Cos(y), h[3], 14);
    }

    [Fact]
    public void Compiled_block_accumulates_the_gradient_of_the_paper_objective()
    {
        // Sec. 3.1 macro part and micro profile together: ∇(x⁴/4) + ∇(ε sin(x/ε)) = x³ + cos(x/ε).
        const double eps = 1e-6;
        var x = Expr.Variable(0, "x");
        var grad = Differentiator.Differentiate(ExpressionParser.Parse($"x^4/4 + {eps}*sin(x/{eps})", VariableSet.Standard(1)), 0);
        var compiled = new CompiledExpressions([grad], 1);
        var xs = Enumerable.Range(0, 1001).Select(i => -2 + 0.004 * i).ToArray();
        var g = new double[xs.Length];
        compiled.EvaluateBlock(xs, [], g, xs.Length, accumulate: true);
        for (int i = 0; i < xs.Length; i++)
            Assert.True(Math.Abs(g[i] - (xs[i] * xs[i] * xs[i] + Math.Cos(xs[i] / eps))) < 1e-9, $"x = {xs[i]}");
        Assert.Equal(0, x.Index);
    }
}
