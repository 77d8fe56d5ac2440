using ChaosDescent.Numerics;
using ChaosDescent.Objectives;

namespace ChaosDescent.Tests.Objectives;

/// <summary>ζ of Condition 1: closed-form moments, and the sampler against them with tolerances from the sample size.</summary>
public class NoiseStatisticsTests
{
    [Theory]
    [InlineData("quartic-sin", 0.5)]               // ζ = −cos U: Var = 1/2
    [InlineData("quartic-negcos", 0.5)]            // ζ = −sin U
    [InlineData("quartic-quasiperiodic", 1.5)]     // ζ = −cos U1 − √2 cos U2: 1/2 + 2/2
    [InlineData("tilted-doublewell-quasiperiodic", 1.5)]
    [InlineData("matyas-sincos", 0.5)]             // (−cos U1, sin U2): isotropic, σ² = 1/2
    public void Sigma2MatchesClosedForm(string name, double sigma2)
    {
        var stats = ObjectiveCatalog.Create(name).Micro!.NoiseStatistics!;
        Assert.NotNull(stats.Sigma2);
        Assert.Equal(sigma2, stats.Sigma2!.Value, 10);
        foreach (var m in stats.Mean) Assert.True(Math.Abs(m) < 1e-12);
    }

    [Fact]
    public void RangeIsExactForSineSums()
    {
        var r = ObjectiveCatalog.Create("quartic-quasiperiodic").Micro!.NoiseStatistics!.Range[0];
        Assert.Equal(-(1 + Math.Sqrt(2)), r.Min, 12);
        Assert.Equal(1 + Math.Sqrt(2), r.Max, 12);
    }

    [Theory]
    [InlineData("quartic-sin")]
    [InlineData("quartic-quasiperiodic")]
    [InlineData("matyas-sincos")]
    public void SampledMomentsAgreeWithQuadrature(string name)
    {
        var micro = ObjectiveCatalog.Create(name).Micro!;
        var stats = micro.NoiseStatistics!;
        int d = micro.Dimension, n = 200_000;
        var x = new double[d * n];
        var z = new double[d * n];
        var rng = Xoshiro256.ForStream(42, 0);
        micro.SampleNoiseBlock(x, 1e-6, ref rng, z, n);
        for (int k = 0; k < d; k++)
        {
            var col = z.AsSpan(k * n, n);
            double mean = 0, sq = 0, fourth = 0;
            foreach (var v in col) { mean += v; sq += v * v; fourth += v * v * v * v; }
            mean /= n;
            sq /= n;
            fourth /= n;
            double var = stats.Covariance[k * d + k];
            // 5 standard errors: SE(mean) = √(Var/n), SE(E ζ²) = √((E ζ⁴ − (E ζ²)²)/n).
            Assert.True(Math.Abs(mean) < 5 * Math.Sqrt(var / n), $"mean {mean}");
            Assert.True(Math.Abs(sq - var) < 5 * Math.Sqrt((fourth - sq * sq) / n), $"second moment {sq} vs {var}");
        }
    }

    [Fact]
    public void GeneralMicroScaleHasNoSigmaAndSamplesTheGradientOverABox()
    {
        var f = ObjectiveCatalog.Create("quadratic-nested-cos", 1e-4);
        Assert.True(f.Micro!.NoiseDependsOnPosition);
        Assert.Null(f.Micro.NoiseStatistics);
        // At x with sin(ax) = ±1 the local ζ = −a sin(ax) sin(P) with P spread over many periods: Var ≈ a²/2.
        double a = Math.Sqrt(3) / 5, x0 = Math.PI / 2 / a;
        var rng = Xoshiro256.ForStream(1, 0);
        var z = new double[1];
        double sq = 0;
        const int n = 100_000;
        for (int i = 0; i < n; i++)
        {
            f.Micro.SampleNoise([x0], 1e-4, ref rng, z);
            sq += z[0] * z[0];
        }
        sq /= n;
        // sin² over a box of half-width √ε = 0.01 averages to 1/2 up to the slight variation of sin(ax) across the box.
        Assert.InRange(sq, 0.97 * a * a / 2, 1.03 * a * a / 2);
    }
}
