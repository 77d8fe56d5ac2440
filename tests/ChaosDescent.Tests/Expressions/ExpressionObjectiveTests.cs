using ChaosDescent.Expressions;
using ChaosDescent.Numerics;
using ChaosDescent.Objectives;

namespace ChaosDescent.Tests.Expressions;

/// <summary>Formula objectives agree with the catalog objectives of the same formula.</summary>
public class ExpressionObjectiveTests
{
    private static readonly double Sqrt2 = Math.Sqrt(2);

    public static TheoryData<string, string, string?, string?, double> Pairs() => new()
    {
        // catalog name, f0, f1, omega, eps
        { "quartic-sin", "x^4/4", "sin(u)", null, 1e-6 },
        { "quartic-sin", "x^4/4", "sin(x)", null, 1e-3 },
        { "quartic-negcos", "x^4/4", "-cos(u)", null, 1e-3 },
        { "quadratic-sin", "x^2/2", "sin(u)", null, 1e-4 },
        { "doublewell-sin", "(x^2 - 1)^2", "sin(u)", null, 1e-4 },
        { "quartic-quasiperiodic", "x^4/4", "sin(u1) + sin(u2)", "1,1.4142135623730951", 1e-6 },
        { "tilted-doublewell-quasiperiodic", "(x^2 - 1)^2/4 + x/8", "sin(u1) + sin(u2)", "1,1.4142135623730951", 1e-2 },
        { "matyas-sincos", "0.26*(x^2 + y^2) + 0.48*x*y", "sin(u) + cos(v)", null, 1e-7 },
    };

    private static MultiscaleObjective Expression(string f0, string? f1, string? omega, double eps) =>
        ExpressionObjective.Create(new ExpressionObjectiveSpec
        {
            F0 = f0,
            F1 = f1,
            Epsilon = eps,
            Omega = omega?.Split(',').Select(s => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
        });

    private static void Close(double expected, double actual, double relative, string what) =>
        Assert.True(Math.Abs(expected - actual) <= relative * (1 + Math.Abs(expected)), $"{what}: catalog {expected:R}, expression {actual:R}");

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Value_gradient_and_hessian_agree_to_rounding(string name, string f0, string? f1, string? omega, double eps)
    {
        // Not matyas-sincos: its ε cos(y/ε) is stored in the catalog as ε sin(y/ε + π/2) and sampled by that sine's
        // phase, while the expression "cos(v)" samples the cosine's own phase — equal in law, not draw for draw.
        var catalog = ObjectiveCatalog.Create(name, eps);
        var expr = Expression(f0, f1, omega, eps);
        int d = catalog.Dimension;
        Assert.Equal(d, expr.Dimension);
        var rng = Xoshiro256.ForStream(42, 0);
        var x = new double[d];
        double[] gc = new double[d], ge = new double[d], hc = new double[d * d], he = new double[d * d];
        // The two implementations may round the phase ω·x/ε differently (x/ε·ω vs. x·(ω/ε)): allow a few ulps of
        // the phase (|x| ≤ 2, ω ≤ √2), which move sin/cos by as much, times the amplitudes (Σ|ω| ≤ 3 for the
        // gradient, Σω² ≤ 3 with the factor 1/ε for the Hessian).
        double phaseError = 8 * 2.2e-16 * 2 * Sqrt2 / eps;
        for (int t = 0; t < 200; t++)
        {
            for (int k = 0; k < d; k++) x[k] = rng.NextDouble(-2, 2);
            Within(catalog.Value(x), expr.Value(x), 1e-13 * (1 + Math.Abs(catalog.Value(x))) + 3 * eps * phaseError, $"{name} f at {x[0]}");
            catalog.Gradient(x, gc);
            expr.Gradient(x, ge);
            for (int k = 0; k < d; k++) Within(gc[k], ge[k], 1e-13 * (1 + Math.Abs(gc[k])) + 3 * phaseError, $"{name} grad[{k}]");
            catalog.Hessian(x, hc);
            expr.Hessian(x, he);
            for (int k = 0; k < d * d; k++) Within(hc[k], he[k], 1e-13 * (1 + Math.Abs(hc[k])) + 3 * phaseError / eps, $"{name} hess[{k}]");
        }
    }

    private static void Within(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: catalog {expected:R}, expression {actual:R} (tolerance {tolerance:G3})");

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Block_gradients_agree(string name, string f0, string? f1, string? omega, double eps)
    {
        // matyas-sincos's second term is ε cos(y/ε), stored in the catalog as the sine ε sin(y/ε + π/2), and sampled
        // by its uniform phase; the expression "cos(v)" samples the phase of the cosine, so the two agree in law but
        // not draw for draw. The draw order is what this test is about, so the second term is written as a sine here.
        // Not matyas-sincos: its ε cos(y/ε) is stored in the catalog as ε sin(y/ε + π/2) and sampled by that sine's
        // phase, while the expression "cos(v)" samples the cosine's own phase — equal in law, not draw for draw.
        var catalog = ObjectiveCatalog.Create(name, eps);
        var expr = Expression(f0, f1, omega, eps);
        int d = catalog.Dimension, count = 1003;
        var rng = Xoshiro256.ForStream(7, 1);
        var x = new double[d * count];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextDouble(-2, 2);
        var gc = new double[d * count];
        var ge = new double[d * count];
        catalog.AccumulateGradient(x, gc, count);
        expr.AccumulateGradient(x, ge, count);
        double phaseError = 8 * 2.2e-16 * 2 * Sqrt2 / eps;
        for (int i = 0; i < gc.Length; i++) Within(gc[i], ge[i], 1e-13 * (1 + Math.Abs(gc[i])) + 3 * phaseError, $"{name} block gradient {i}");
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Noise_statistics_and_condition_2_data_agree(string name, string f0, string? f1, string? omega, double eps)
    {
        var catalog = ObjectiveCatalog.Create(name, eps).Micro!;
        var expr = Expression(f0, f1, omega, eps).Micro!;
        Assert.Equal(catalog.Kind, expr.Kind);
        Assert.Equal(catalog.PhaseDimension, expr.PhaseDimension);
        Assert.Equal(catalog.PhasePeriods, expr.PhasePeriods);
        var sc = catalog.NoiseStatistics!;
        var se = expr.NoiseStatistics!;
        Assert.Equal(sc.Sigma2.HasValue, se.Sigma2.HasValue);
        if (sc.Sigma2 is { } s2) Close(s2, se.Sigma2!.Value, 1e-12, "sigma^2");
        for (int k = 0; k < sc.Covariance.Length; k++) Close(sc.Covariance[k], se.Covariance[k], 1e-12, "covariance");
        for (int k = 0; k < sc.Mean.Length; k++) Assert.True(Math.Abs(se.Mean[k]) < 1e-12);
        // The range: catalog exact, expression from the quadrature grid (within the grid's resolution).
        for (int k = 0; k < sc.Range.Length; k++)
        {
            Assert.True(Math.Abs(sc.Range[k].Min - se.Range[k].Min) < 1e-3, $"range min {sc.Range[k].Min} vs {se.Range[k].Min}");
            Assert.True(Math.Abs(sc.Range[k].Max - se.Range[k].Max) < 1e-3, $"range max {sc.Range[k].Max} vs {se.Range[k].Max}");
        }
        Close(M(catalog), M(expr), 1e-12, "m");
        int d = catalog.Dimension;
        var rng = Xoshiro256.ForStream(3, 3);
        var phase = new double[catalog.PhaseDimension];
        var shifted = new double[catalog.PhaseDimension];
        var offsets = Offsets(catalog);
        double[] zc = new double[d], ze = new double[d], hc = new double[d * d], he = new double[d * d];
        for (int t = 0; t < 100; t++)
        {
            for (int j = 0; j < phase.Length; j++)
            {
                phase[j] = rng.NextDouble() * catalog.PhasePeriods[j];
                shifted[j] = phase[j] + offsets[j];
            }
            catalog.NoiseAtPhase(shifted, zc);
            expr.NoiseAtPhase(phase, ze);
            catalog.ScaledHessianAtPhase(shifted, hc);
            expr.ScaledHessianAtPhase(phase, he);
            for (int k = 0; k < d; k++) Close(zc[k], ze[k], 1e-14, "zeta");
            for (int k = 0; k < d * d; k++) Close(hc[k], he[k], 1e-14, "eps*hessian");
        }
    }

    /// <summary>
    /// The catalog's phase of a sine term includes its offset (−ε cos(x/ε) = ε sin(x/ε − π/2) has phase
    /// x/ε − π/2); the expression's phase is ω·x/ε. Pointwise comparisons shift by the offsets.
    /// </summary>
    private static double[] Offsets(MicroScale catalog) => catalog switch
    {
        SineSumMicroScale s => s.Offsets.ToArray(),
        SeparableMicroScale s => s.Parts.SelectMany(p => p.Offsets).ToArray(),
        _ => new double[catalog.PhaseDimension],
    };

    /// <summary>m of Cond. 2: E ln‖ε∇²f1,ε‖₂ over uniform phases (midpoint rule; spectral norm of the symmetric matrix).</summary>
    private static double M(MicroScale micro, int grid2 = 200)
    {
        int p = micro.PhaseDimension, d = micro.Dimension;
        int n = p == 1 ? 20000 : p == 2 ? grid2 : 60;
        long total = (long)Math.Pow(n, p);
        var phase = new double[p];
        var h = new double[d * d];
        double sum = 0;
        for (long t = 0; t < total; t++)
        {
            long r = t;
            for (int j = 0; j < p; j++)
            {
                phase[j] = (r % n + 0.5) / n * micro.PhasePeriods[j];
                r /= n;
            }
            micro.ScaledHessianAtPhase(phase, h);
            double norm = d == 1 ? Math.Abs(h[0]) : SpectralNorm2(h);
            sum += Math.Log(norm);
        }
        return sum / total;
    }

    private static double SpectralNorm2(double[] h)
    {
        double a = h[0], b = h[1], c = h[3];
        double mean = (a + c) / 2, rad = Math.Sqrt((a - c) * (a - c) / 4 + b * b);
        return Math.Max(Math.Abs(mean + rad), Math.Abs(mean - rad));
    }

    [Fact]
    public void Quasi_periodic_m_is_zero()
    {
        // D.3.2: m = E ln|sin θ1 + 2 sin θ2| for ε sin(x/ε) + ε sin(√2 x/ε). Integrating θ1 in closed form
        // ((1/2π)∫ ln|c + sin θ| dθ = −ln 2 for |c| ≤ 1, ln((|c| + √(c²−1))/2) otherwise) and θ2 numerically gives
        // 0 to 1e-9 (docs/expressions.md); the paper quotes ≈ −0.0117. The midpoint rule on 600² phases has an
        // error of a few 1e-4 from the logarithmic singularity.
        var micro = Expression("x^4/4", "sin(u1) + sin(u2)", "1,1.4142135623730951", 1e-6).Micro!;
        double m = M(micro, 600);
        Assert.True(Math.Abs(m) < 1e-3, $"m = {m}");
    }

    [Fact]
    public void Quadratic_f0_reports_L_and_mu_like_the_catalog()
    {
        var catalog = ObjectiveCatalog.Create("matyas-sincos").Macro;
        var expr = Expression("0.26*(x^2 + y^2) + 0.48*x*y", "sin(u) + cos(v)", null, 1e-7).Macro;
        Assert.Equal(catalog.SmoothnessBound!.Value, expr.SmoothnessBound!.Value, 12);
        Assert.Equal(catalog.StrongConvexity!.Value, expr.StrongConvexity!.Value, 12);
        Assert.Null(Expression("x^4/4", null, null, 1e-6).Macro.StrongConvexity);
    }

    /// <summary>
    /// Blocks of 77 particles (under one chunk of the catalog's sine-sum sampler), 1,003 and 4,096 (several chunks, and
    /// more than one term or coordinate): the phases must be drawn in the catalog's order at every size.
    /// </summary>
    [Theory]
    [InlineData("quartic-quasiperiodic", "x^4/4", "sin(u1) + sin(u2)", "1,1.4142135623730951", 77)]
    [InlineData("quartic-quasiperiodic", "x^4/4", "sin(u1) + sin(u2)", "1,1.4142135623730951", 1003)]
    [InlineData("tilted-doublewell-quasiperiodic", "(x^2 - 1)^2/4 + x/8", "sin(u1) + sin(u2)", "1,1.4142135623730951", 4096)]
    [InlineData("quartic-sin", "x^4/4", "sin(u)", null, 1003)]
    public void Stochastic_noise_draws_match_the_catalog_draw_for_draw(string name, string f0, string f1, string? omega, int count)
    {
        const double eps = 1e-6;
        // matyas-sincos's second term is ε cos(y/ε), stored in the catalog as the sine ε sin(y/ε + π/2), and sampled
        // by its uniform phase; the expression "cos(v)" samples the phase of the cosine, so the two agree in law but
        // not draw for draw. The draw order is what this test is about, so the second term is written as a sine here.
        // Not matyas-sincos: its ε cos(y/ε) is stored in the catalog as ε sin(y/ε + π/2) and sampled by that sine's
        // phase, while the expression "cos(v)" samples the cosine's own phase — equal in law, not draw for draw.
        var catalog = ObjectiveCatalog.Create(name, eps);
        var expr = Expression(f0, f1, omega, eps);
        int d = catalog.Dimension;
        Assert.Equal(d, expr.Dimension);
        var x = new double[d * count];
        var zc = new double[d * count];
        var ze = new double[d * count];
        var r1 = Xoshiro256.ForStream(9, 2);
        var r2 = Xoshiro256.ForStream(9, 2);
        catalog.Micro!.SampleNoiseBlock(x, eps, ref r1, zc, count);
        expr.Micro!.SampleNoiseBlock(x, eps, ref r2, ze, count);
        // Same phases; cos through FastTrig (one ulp of 1) vs. Math.Cos; a phase drawn out of order would differ by O(1).
        for (int i = 0; i < d * count; i++) Assert.True(Math.Abs(zc[i] - ze[i]) < 1e-14, $"particle {i}: {zc[i]} vs {ze[i]}");
        // Both generators consumed the same number of draws.
        Assert.Equal(r1.NextUInt64(), r2.NextUInt64());
    }

    [Fact]
    public void Whole_formula_without_micro_scale()
    {
        var f = ExpressionObjective.Create(new ExpressionObjectiveSpec { F = "x^4/4 + eps*sin(x/eps)", Epsilon = 1e-3 });
        var c = ObjectiveCatalog.Create("quartic-sin", 1e-3);
        Assert.Null(f.Micro);
        Assert.Null(f.Sigma2);
        foreach (var x in new[] { -1.3, 0.2, 0.77 })
        {
            Assert.Equal(c.Value(x), f.Value(x), 14);
            Assert.Equal(c.Derivative(x), f.Derivative(x), 12);
        }
        Assert.Equal("x^4/4 + 0.001*sin(x/0.001)", f.Formula);
    }

    [Fact]
    public void Formula_names_the_micro_scale_like_the_catalog()
    {
        Assert.Equal("x^4/4 + eps*sin(x/eps)", Expression("x^4/4", "sin(u)", null, 1e-6).Formula);
        Assert.Equal("x^4/4 + eps*(sin(x/eps) + sin(1.4142135623730951*x/eps))",
            Expression("x^4/4", "sin(u1) + sin(u2)", "1,1.4142135623730951", 1e-6).Formula);
    }

    [Theory]
    [InlineData("x^4/4", "u^2", null, "is not periodic with period 2*pi in u")]
    [InlineData("x^4/4", "sin(u1) + sin(u2)", "1,2", "are resonant (ratio 2/1)")]
    [InlineData("x^2 + y^2", "sin(u1)", "1,1.4142135623730951", "needs a 1-D f0")]
    [InlineData("x^2 + y^2", "sin(u) + cos(y)", null, "mixes the fast variables")]
    [InlineData("x^4/4", "sin(w)", null, "unknown name 'w'")]
    public void Micro_scale_errors(string f0, string f1, string? omega, string fragment)
    {
        var e = Assert.ThrowsAny<UserInputException>(() => Expression(f0, f1, omega, 1e-3));
        Assert.Contains(fragment, e.Message.Replace("6.283185307179586", "2*pi"));
    }

    [Fact]
    public void Period_is_declared()
    {
        var micro = ExpressionObjective.Create(new ExpressionObjectiveSpec { F0 = "x^2/2", F1 = "sin(2*pi*u)", Period = 1, Epsilon = 1e-3 }).Micro!;
        Assert.Equal([1.0], micro.PhasePeriods);
        // ζ = −2π cos(2πθ): σ² = (2π)²/2.
        Assert.Equal(2 * Math.PI * Math.PI, micro.NoiseStatistics!.Sigma2!.Value, 9);
    }

    [Fact]
    public void Conflicting_forms_are_errors()
    {
        Assert.Contains("not both", Assert.Throws<UserInputException>(() =>
            ExpressionObjective.Create(new ExpressionObjectiveSpec { F = "x^2", F0 = "x^2" })).Message);
        Assert.Contains("--f1 needs --f0", Assert.Throws<UserInputException>(() =>
            ExpressionObjective.Create(new ExpressionObjectiveSpec { F1 = "sin(u)" })).Message);
        Assert.Contains("--eps must be a positive", Assert.Throws<UserInputException>(() =>
            ExpressionObjective.Create(new ExpressionObjectiveSpec { F0 = "x^2", Epsilon = -1 })).Message);
    }
}
