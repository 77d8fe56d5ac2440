using ChaosDescent.Analyses;
using ChaosDescent.Objectives;
using ChaosDescent.Analyses.Distributions;
using ChaosDescent.Statistics;

namespace ChaosDescent.Tests.Analyses.Distributions;

public class GibbsTests
{
    [Fact]
    public void QuadraticGivesAGaussianWithVarianceEtaSigma2Over2()
    {
        // exp(−2 (x²/2)/(η σ²)) is N(0, ησ²/2).
        var g = RescaledGibbs.For(ObjectiveCatalog.Create("quadratic-sin", 1e-4), 0.1);
        var m = g.Marginal();
        Assert.Equal(0.5, g.Sigma2, 10);
        Assert.Equal(0.025, m.Variance, 8);
        Assert.Equal(0.0, m.Mean, 10);
        Assert.Equal(1.0, m.Expectation(_ => 1), 10);          // normalized
        Assert.Equal(0.5, m.Cdf(0), 6);
        Assert.Equal(1 / Math.Sqrt(2 * Math.PI * 0.025), g.Density([0.0]), 6);
        Assert.Equal(1.959963984540054 * Math.Sqrt(0.025), m.Quantile(0.975), 4);
    }

    [Fact]
    public void TryForGivesTheLawOrWhyNot()
    {
        var quadratic = ObjectiveCatalog.Create("quadratic-sin", 1e-4);
        var (s2, g, note) = RescaledGibbs.TryFor(quadratic, 0.1);
        Assert.Equal(0.5, s2!.Value, 10);
        Assert.Equal(0.025, g!.Marginal().Variance, 8);
        Assert.Null(note);

        (s2, g, note) = RescaledGibbs.TryFor(quadratic, 0);
        Assert.Equal(0.5, s2!.Value, 10);
        Assert.Null(g);
        Assert.Contains("must be positive", note);

        (s2, g, note) = RescaledGibbs.TryFor(ChaosDescent.Tests.Analyses.Chaos.TestMaps.LogisticObjective(), 0.1);
        Assert.Null(s2);
        Assert.Null(g);
        Assert.Contains("no micro-scale", note);
    }

    [Fact]
    public void QuarticSecondMomentHasTheGammaClosedForm()
    {
        // p ∝ exp(−x⁴/η) (σ² = 1/2): E x² = √η Γ(3/4)/Γ(1/4) — the anchors' sanity figure ≈ 0.107 at η = 0.1.
        var m = RescaledGibbs.For(ObjectiveCatalog.Create("quartic-sin"), 0.1).Marginal();
        Assert.Equal(Math.Sqrt(0.1) * 1.2254167024651776 / 3.6256099082219083, m.Variance, 8);
    }

    [Fact]
    public void MatyasMarginalsHaveCovarianceTemperatureTimesInverseA()
    {
        // f0 = ½xᵀAx, A = [[0.52, 0.48], [0.48, 0.52]]: Gibbs = N(0, T A⁻¹) with T = ησ²/2; (A⁻¹)₀₀ = 0.52/(0.52² − 0.48²) = 13.
        double eta = 0.01, t = eta * 0.5 / 2;
        var g = RescaledGibbs.For(ObjectiveCatalog.Create("matyas-sincos"), eta);
        Assert.Equal(t * 13, g.Marginal(0).Variance, 6);
        Assert.Equal(t * 13, g.Marginal(1).Variance, 6);
        var h = new Histogram2D(-1, 1, 20, -1, 1, 20);
        double total = 0;
        var cells = g.CellMasses(h);
        foreach (var c in cells) total += c;
        Assert.Equal(1.0, total, 3);
    }

    [Fact]
    public void ObjectivesWithoutAnIsotropicPositionIndependentZetaAreRefusedWithAReason()
    {
        var e = Assert.Throws<UserInputException>(() => RescaledGibbs.For(ObjectiveCatalog.Create("quadratic-nested-cos"), 0.1));
        Assert.Contains("depends on x", e.Message);
    }

    [Fact]
    public void DoubleWellLawIsSymmetricAndBimodal()
    {
        var g = RescaledGibbs.For(ObjectiveCatalog.Create("doublewell-sin", 1e-4, new Dictionary<string, double> { ["k"] = 1 }), 0.2);
        var m = g.Marginal();
        Assert.Equal(0.5, m.Cdf(0), 6);
        Assert.True(g.Density([1.0]) > 5 * g.Density([0.0]));
    }
}

public class DistanceTests
{
    private static double[] Normals(int n, double mu, int seed)
    {
        var rng = ChaosDescent.Numerics.Xoshiro256.ForStream((ulong)seed, 0);
        return Enumerable.Range(0, n).Select(_ => mu + rng.NextGaussian()).ToArray();
    }

    private static TabulatedDistribution StandardNormal()
    {
        const int m = 4001;
        var v = Enumerable.Range(0, m).Select(i => Math.Exp(-0.5 * Math.Pow(-10 + 20.0 * i / (m - 1), 2))).ToArray();
        return new TabulatedDistribution(-10, 10, v);
    }

    [Fact]
    public void SampleFromTheReferenceIsWithinNoise()
    {
        var p = StandardNormal();
        int n = 50_000;
        var xs = Normals(n, 0, 1);
        var d = Distances.ToReference(xs, p, -5, 5, 50);
        Assert.True(d.KolmogorovSmirnov < Distances.KolmogorovSmirnovCritical(n), $"KS {d.KolmogorovSmirnov}");
        var masses = p.BinMasses(Histogram1D.Of(xs, -5, 5, 50)).Bins;
        Assert.True(d.TotalVariation < 3 * Distances.ExpectedTotalVariationNoise(masses, n), $"TV {d.TotalVariation}");
        Assert.True(d.Wasserstein1 < 5 / Math.Sqrt(n), $"W1 {d.Wasserstein1}");
    }

    [Fact]
    public void ShiftedSampleHasW1EqualToTheShift()
    {
        // W1 between N(μ, 1) and N(0, 1) is |μ|; the sample version is within a few 1/√n of it.
        var p = StandardNormal();
        int n = 50_000;
        var xs = Normals(n, 0.3, 2);
        Assert.InRange(Distances.Wasserstein1(xs, p), 0.3 - 5 / Math.Sqrt(n), 0.3 + 5 / Math.Sqrt(n));
        // KS between N(0.3,1) and N(0,1) is 2Φ(0.15) − 1 = 0.11924
        Assert.InRange(Distances.KolmogorovSmirnov(xs, p.Cdf), 0.11924 - 0.01, 0.11924 + 0.01);
    }

    [Fact]
    public void TwoSampleDistancesOfAShiftAreExact()
    {
        var a = Normals(10_000, 0, 3);
        var b = a.Select(v => v + 0.25).ToArray();
        Assert.Equal(0.25, Distances.Wasserstein1(a, b), 10);
        Assert.Equal(0.0, Distances.Wasserstein1(a, a), 12);
        Assert.Equal(0.0, Distances.KolmogorovSmirnov(a, a), 12);
        Assert.Equal(1.0, Distances.KolmogorovSmirnov(a, a.Select(v => v + 100).ToArray()), 12);
        Assert.Equal(1.0, Distances.TotalVariation(a, a.Select(v => v + 100).ToArray(), -5, 5, 20), 12);
    }

    [Fact]
    public void BinnedDistancesAgreeWithExactOnesUpToTheBinWidth()
    {
        var p = StandardNormal();
        var xs = Normals(50_000, 0.2, 4);
        var h = Histogram1D.Of(xs, -6, 6, 600);
        var exact = Distances.ToReference(xs, p, -6, 6, 600);
        var binned = Distances.FromHistogram(h, p);
        Assert.InRange(binned.Wasserstein1, exact.Wasserstein1 - 0.02, exact.Wasserstein1 + 0.02);
        Assert.InRange(binned.KolmogorovSmirnov, exact.KolmogorovSmirnov - 0.01, exact.KolmogorovSmirnov + 0.01);
        Assert.Equal(exact.TotalVariation, binned.TotalVariation, 12);
    }

    [Fact]
    public void HistogramCountsOutOfRangeAndNaNApart()
    {
        var h = Histogram1D.Of([-2, -1, 0, 0.5, 1, 3, double.NaN], -1, 1, 4);
        Assert.Equal(1, h.Underflow);
        Assert.Equal(1, h.Overflow);
        Assert.Equal(1, h.NonFinite);
        Assert.Equal(4, h.InRange);
        Assert.Equal(2, h.Counts[3]); // x = 0.5 and x = 1 (the closed upper edge) fall in the last bin
    }
}

public class GdVersusStochasticMapTests
{
    [Fact]
    public void GradientDescentAndTheStochasticMapShareTheLongRunLaw()
    {
        // Thm. 4 (Sec. 2.1): as ε → 0 the invariant law of φ is one of φ̂. At ε = 1e-6 their ensembles after 300 steps
        // must pass a two-sample KS test at α = 1e-3 (fixed seeds, so the test is deterministic).
        var f = ObjectiveCatalog.Create("quartic-sin", 1e-6);
        var settings = new ChaosDescent.Runners.EnsembleSettings { Particles = 20_000, Steps = 300, Seed = 17 };
        var gd = ChaosDescent.Runners.EnsembleRunner.Run(new ChaosDescent.Maps.GradientDescentMap(f, 0.1), settings).Final.Coordinate(0);
        var st = ChaosDescent.Runners.EnsembleRunner.Run(new ChaosDescent.Maps.StochasticMap(f, 0.1), settings with { Seed = 18 }).Final.Coordinate(0);
        double ks = Distances.KolmogorovSmirnov(gd, st);
        Assert.True(ks < Distances.KolmogorovSmirnovCritical(gd.Length, st.Length), $"KS {ks}");
        // and both are close to rescaled Gibbs in W1 (O(η²) bias plus noise)
        var g = RescaledGibbs.For(f, 0.1).Marginal();
        Assert.True(Distances.Wasserstein1(gd, g) < 0.01);
        Assert.True(Distances.Wasserstein1(st, g) < 0.01);
    }
}
