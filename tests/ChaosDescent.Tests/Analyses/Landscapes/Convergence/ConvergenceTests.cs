using ChaosDescent.Analyses.Landscapes.Convergence;
using ChaosDescent.Maps;
using ChaosDescent.Numerics;
using ChaosDescent.Objectives;

namespace ChaosDescent.Tests.Analyses.Landscapes.Convergence;

public class ConvergenceTests
{
    private static double[] Normal(int n, ulong seed, double mean = 0, double sd = 1)
    {
        var rng = Xoshiro256.ForStream(seed, 0);
        return Enumerable.Range(0, n).Select(_ => mean + sd * rng.NextGaussian()).ToArray();
    }

    [Fact]
    public void ShiftAndScaleHaveClosedForms()
    {
        var x = Normal(1000, 1);
        Assert.Equal(0.37, Wasserstein2.BetweenSamples(x, x.Select(v => v + 0.37).ToArray()), 1e-12);
        // monotone coupling of x with 2.5x pairs x_(i) with 2.5 x_(i): W2 = 1.5 √(mean x²)
        double rms = Math.Sqrt(x.Average(v => v * v));
        Assert.Equal(1.5 * rms, Wasserstein2.BetweenSamples(x, x.Select(v => 2.5 * v).ToArray()), 1e-12);
        Assert.Equal(0, Wasserstein2.BetweenSamples(x, x), 1e-15);
    }

    [Fact]
    public void UnequalSizesAreIntegratedExactly()
    {
        Assert.Equal(0, Wasserstein2.BetweenSamples([0.0, 1.0], [0.0, 0.0, 1.0, 1.0]), 1e-15);
        // quantiles: A = 0 on (0, ½], 1 on (½, 1]; B = 0, 1, 2 on thirds: W2² = (½ − ⅓)·1 + (1 − ⅔)·1 = ½
        Assert.Equal(Math.Sqrt(0.5), Wasserstein2.BetweenSamples([1.0, 0.0], [2.0, 0.0, 1.0]), 1e-15);
        var a = Normal(700, 2);
        var b = Normal(1100, 3, 0.2, 1.3);
        Assert.Equal(Wasserstein2.BetweenSamples(a, b), Wasserstein2.BetweenSamples(b, a), 1e-14);
    }

    [Fact]
    public void GaussianSamplesApproachTheGaussianClosedForm()
    {
        // W2(N(0,1), N(μ, s²))² = μ² + (1 − s)²
        var a = Normal(100_000, 4);
        var b = Normal(100_000, 5, 0.3, 1.5);
        double exact = Math.Sqrt(0.09 + 0.25);
        Assert.Equal(exact, Wasserstein2.BetweenSamples(a, b), 0.01);
        // sample against the exact quantile function of N(0.3, 1.5²)
        double toLaw = Wasserstein2.ToQuantileFunction(a, u => MathNet.Numerics.Distributions.Normal.InvCDF(0.3, 1.5, u));
        Assert.Equal(exact, toLaw, 0.01);
    }

    [Fact]
    public void StochasticMapOnAQuadraticConvergesAtRateOneMinusEta()
    {
        // Thm. 13 with μ = ν = 1: r = 1 − η; the bound is tight for f0 = x²/2
        var map = new StochasticMap(ObjectiveCatalog.Create("quadratic-sin"), 0.1);
        var c = ConvergenceRate.Run(new ConvergenceRequest { Map = map, Particles = 10_000, ReferenceParticles = 20_000, Steps = 50, Snapshots = 25, Threads = 1 });
        Assert.Equal(0.9, c.PredictedRate!.Value, 1e-15);
        Assert.True(c.FitPoints >= 10);
        Assert.Equal(-Math.Log(0.9), -Math.Log(c.FittedRate), 0.05 * -Math.Log(0.9));
        // W2 at step 0: all particles at x* + 2 = 2 against ρ∞ (mean 0, variance ησ²/(2 − η) ≈ 0.026)
        Assert.Equal(Math.Sqrt(4 + 0.1 * 0.5 / 1.9), c.W2[0], 0.01);
    }
}
