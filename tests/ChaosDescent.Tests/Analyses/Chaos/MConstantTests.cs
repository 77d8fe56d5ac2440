using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Objectives;
using ChaosDescent.Numerics.Quadrature;

namespace ChaosDescent.Tests.Analyses.Chaos;

public class MConstantTests
{
    private const double Zeta3 = 1.2020569031595942;

    [Theory]
    [InlineData("quartic-sin")]
    [InlineData("quartic-negcos")]
    [InlineData("doublewell-sin")]
    public void PeriodicSineGivesMinusLn2(string name)
    {
        var r = MConstant.Compute(ObjectiveCatalog.Create(name), MConstantOptions.Quick);
        Assert.Equal("quadrature-1d", r.Method);
        Assert.True(r.ErrorEstimate < 1e-7, $"error estimate {r.ErrorEstimate}");
        Assert.True(Math.Abs(r.M + Math.Log(2)) <= Math.Max(4 * r.ErrorEstimate, 1e-12), $"{r.M:R}");
    }

    [Theory]
    [InlineData(3.0, 1.0)]   // eps·3 sin(x/eps): ε f1'' = −3 sin θ → m = ln 3 − ln 2
    [InlineData(1.0, 2.0)]   // eps sin(2x/eps): ε f1'' = −4 sin θ → m = ln 4 − ln 2
    [InlineData(0.25, 3.0)]  // → m = ln(9/4) − ln 2
    public void ScaledSineGivesLnAmplitudeMinusLn2(double a, double w)
    {
        var micro = new SineSumMicroScale("test", [a], [w]);
        var r = MConstant.Compute(micro, MConstantOptions.Quick);
        double exact = Math.Log(a * w * w) - Math.Log(2);
        Assert.True(Math.Abs(r.M - exact) <= Math.Max(4 * r.ErrorEstimate, 1e-12), $"{r.M:R} vs {exact:R}");
    }

    [Fact]
    public void QuasiPeriodicOfThePaperIsZeroByJensen()
    {
        // ε f1'' = −sin θ1 − 2 sin θ2; averaging over θ2 first: (1/2π)∫ ln|u + 2 sin θ| dθ = ln(2/2) = 0 for |u| ≤ 1
        var r = MConstant.Compute(ObjectiveCatalog.Create("quartic-quasiperiodic"), MConstantOptions.Quick);
        Assert.Equal("fibers+shifted-lattice", r.Method);
        Assert.True(Math.Abs(r.M) <= 4 * r.ErrorEstimate, $"{r.M} +- {r.ErrorEstimate}");
        Assert.True(r.ErrorEstimate < 3e-4);
        Assert.True(Math.Abs(r.M - (-0.0117)) > 20 * r.ErrorEstimate, "must be told apart from the paper's -0.0117");
    }

    [Fact]
    public void QuasiPeriodicWithEqualCurvaturesGivesMinusLn2()
    {
        // ε sin(x/ε) + (ε/2) sin(√2x/ε): ε f1'' = −sin θ1 − sin θ2, Jensen with |u| ≤ 1 = |b| gives ln(1/2)
        var micro = new SineSumMicroScale("test", [1.0, 0.5], [1.0, Math.Sqrt(2)]);
        var r = MConstant.Compute(micro, MConstantOptions.Quick);
        Assert.True(Math.Abs(r.M + Math.Log(2)) <= 4 * r.ErrorEstimate, $"{r.M} +- {r.ErrorEstimate}");
    }

    [Fact]
    public void MatyasMatchesItsClosedForm()
    {
        // E ln max(|sin θ1|, |cos θ2|) = (8/π²)∫_0^{π/2} u ln sin u du = 7ζ(3)/(2π²) − ln 2
        var r = MConstant.Compute(ObjectiveCatalog.Create("matyas-sincos"), MConstantOptions.Quick);
        double exact = 7 * Zeta3 / (2 * Math.PI * Math.PI) - Math.Log(2);
        Assert.Equal("shifted-lattice", r.Method);
        Assert.True(Math.Abs(r.M - exact) <= 4 * r.ErrorEstimate + 1e-9, $"{r.M:R} vs {exact:R} (+- {r.ErrorEstimate})");
        Assert.NotNull(r.PerCoordinate);
        Assert.All(r.PerCoordinate!, v => Assert.Equal(-Math.Log(2), v, 10));
    }

    [Fact]
    public void GeneralMicroScaleAndMissingMicroScaleAreUserErrors()
    {
        var e1 = Assert.Throws<UserInputException>(() => MConstant.Compute(ObjectiveCatalog.Create("quadratic-nested-cos")));
        Assert.Contains("general", e1.Message);
        var e2 = Assert.Throws<UserInputException>(() => MConstant.Compute(TestMaps.LogisticObjective()));
        Assert.Contains("no micro-scale", e2.Message);
    }

    [Fact]
    public void WindowAverageOverWholePeriodsIsTheTorusAverage()
    {
        var micro = ObjectiveCatalog.Create("quartic-sin").Micro!;
        var w = MConstant.WindowAverage(micro, 2 * Math.PI * 7);
        Assert.Equal(-Math.Log(2), w.Value, 10);
    }
}

public class LogSingularQuadratureTests
{
    [Theory]
    [InlineData(-0.5, 1.0)] // |a| ≤ |b|: ln(|b|/2)
    [InlineData(0.0, 3.0)]
    [InlineData(2.0, 1.0)]  // |a| > |b|: ln((|a| + √(a² − b²))/2)
    [InlineData(1.0, 1.0)]  // a double zero at θ = 3π/2
    public void JensensFormula(double a, double b)
    {
        double exact = Math.Abs(a) <= Math.Abs(b) ? Math.Log(Math.Abs(b) / 2) : Math.Log((Math.Abs(a) + Math.Sqrt(a * a - b * b)) / 2);
        var q = LogSingularQuadrature.Average(t => a + b * Math.Sin(t), 0, 2 * Math.PI, 512);
        Assert.True(Math.Abs(q.Value - exact) < 1e-10, $"{q.Value:R} vs {exact:R}");
    }

    [Fact]
    public void DoubleZerosAreHandled()
    {
        // 1 − cos θ = 2 sin²(θ/2): mean of ln = ln 2 + 2(−ln 2) = −ln 2, with double zeros at 0 and 2π
        var q = LogSingularQuadrature.Average(t => 1 - Math.Cos(t), 0, 2 * Math.PI, 256);
        Assert.True(Math.Abs(q.Value + Math.Log(2)) < 1e-9, $"{q.Value:R}");
    }

    [Fact]
    public void TwoZerosBetweenSamplesAreFound()
    {
        // zeros at 1 ± 1e-4, far closer than the sample spacing 2π/16: |g| has one dip, refined and split
        var bp = LogSingularQuadrature.Breakpoints(t => (t - 1) * (t - 1) - 1e-8, 0, 2 * Math.PI, 16, out _);
        Assert.Contains(bp, t => Math.Abs(t - (1 - 1e-4)) < 1e-10);
        Assert.Contains(bp, t => Math.Abs(t - (1 + 1e-4)) < 1e-10);
    }
}
