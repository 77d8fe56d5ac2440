using ChaosDescent.Analyses.ImplicitBias;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;
using ChaosDescent.Numerics;
using ChaosDescent.Data;
using ChaosDescent.Numerics.LinearAlgebra;

namespace ChaosDescent.Tests.Analyses.ImplicitBias;

public class LangevinTests
{
    /// <summary>Least squares with H = XᵀX/N = diag(1, 0.25) exactly: rows (±√2, 0) and (0, ±1/√2), N = 4.</summary>
    private static LeastSquaresObjective Quadratic() => new(TestData.Regression(
        [[Math.Sqrt(2), 0], [-Math.Sqrt(2), 0], [0, 1 / Math.Sqrt(2)], [0, -1 / Math.Sqrt(2)]], [1.0, -0.4, 0.3, 0.2]));

    [Fact]
    public void LangevinStationaryCovarianceOnAQuadratic()
    {
        // dw = −∇V dt + √(2T) dB has stationary law N(w*, T H⁻¹); the Euler–Maruyama chain with step η has exactly
        // Σ = T H⁻¹ (I − ηH/2)⁻¹ for a quadratic V. 4000 independent chains, one sample each (the final state).
        var f = Quadratic();
        double eta = 0.05, temp = 0.01;
        var wStar = f.Minimize();
        var q = new double[] { 2 * eta * temp, 0, 0, 2 * eta * temp };
        var s = ChainSampler.GaussianNoise(f, q, new ChainSettings { Chains = 4000, BurnIn = 1000, Snapshots = 1, Thin = 1, LearningRate = eta, Seed = 5 });
        var cov = s.Covariance();
        double[] lam = [1, 0.25];
        int n = s.Count;
        for (int i = 0; i < 2; i++)
        {
            double exact = temp / lam[i] / (1 - eta * lam[i] / 2);
            double se = exact * Math.Sqrt(2.0 / n); // Var of a Gaussian sample variance: 2σ⁴/n
            Assert.True(Math.Abs(cov[i * 3] - exact) < 4 * se, $"Var(w{i + 1}) = {cov[i * 3]}, expected {exact} ± {4 * se}");
            // Against the Gibbs covariance T/λ the difference is the O(η) bias ηλ/2 (2.5% and 0.6% here).
            Assert.True(Math.Abs(cov[i * 3] / (temp / lam[i]) - 1) < eta * lam[i] / 2 + 4 * Math.Sqrt(2.0 / n));
        }
        double seOff = Math.Sqrt(cov[0] * cov[3] / n);
        Assert.True(Math.Abs(cov[1]) < 4 * seOff, $"off-diagonal {cov[1]}");
        var mean = s.Mean();
        for (int i = 0; i < 2; i++) Assert.True(Math.Abs(mean[i] - wStar[i]) < 4 * Math.Sqrt(cov[i * 3] / n));
        // The sampler's empirical law against the library's own prediction and Gibbs law.
        var gibbs = GibbsLaw.Create(f, wStar, temp);
        Assert.Equal("exact Gaussian", gibbs.Method);
        Assert.Equal(temp, gibbs.Covariance[0], 14);
        Assert.Equal(temp / 0.25, gibbs.Covariance[3], 13);
    }

    [Fact]
    public void DiscreteLyapunovMatchesTheDiagonalClosedForm()
    {
        double eta = 0.3;
        double[] a = [1 - eta * 2, 0, 0, 1 - eta * 0.5];
        double[] q = [0.7, 0, 0, 0.2];
        var s = GaussianTools.DiscreteLyapunov(a, q, 2);
        Assert.Equal(0.7 / (1 - a[0] * a[0]), s[0], 13);
        Assert.Equal(0.2 / (1 - a[3] * a[3]), s[3], 13);
        Assert.Equal(0, s[1], 14);
    }

    [Fact]
    public void ExactSgdCovarianceMatchesSimulationAndItsLimits()
    {
        var f = new LeastSquaresObjective(DataSources.BuiltinRegression("linreg2d"));
        var wStar = f.Minimize();
        double eta = 0.1;
        int b = 10;
        var exact = LangevinComparison.ExactLeastSquaresSgdCovariance(f, wStar, eta, b);
        // Full batch: no noise, the law is a point mass.
        Assert.All(LangevinComparison.ExactLeastSquaresSgdCovariance(f, wStar, eta, f.Count), v => Assert.Equal(0, v, 15));
        // Small η: the frozen-noise Lyapunov equation becomes exact to O(η).
        double small = 1e-4;
        var h = new double[4];
        f.Hessian(wStar, h);
        double cb = FiniteSumObjective.BatchFactor(f.Count, b);
        var c = f.SampleGradientCovariance(wStar).Select(v => cb * v).ToArray();
        double[] a = [1 - small * h[0], -small * h[1], -small * h[2], 1 - small * h[3]];
        var lyap = GaussianTools.DiscreteLyapunov(a, c.Select(v => small * small * v).ToArray(), 2);
        var ex2 = LangevinComparison.ExactLeastSquaresSgdCovariance(f, wStar, small, b);
        Assert.True(GaussianTools.FrobeniusRelative(ex2, lyap) < 1e-3);
        // Simulation of SGD itself, independent chains.
        var s = ChainSampler.Sgd(f, b, new ChainSettings { Chains = 3000, BurnIn = 800, Snapshots = 1, Thin = 1, LearningRate = eta, Seed = 11 });
        var cov = s.Covariance();
        for (int i = 0; i < 2; i++)
        {
            double se = exact[i * 3] * Math.Sqrt(2.0 / s.Count);
            Assert.True(Math.Abs(cov[i * 3] - exact[i * 3]) < 4 * se, $"Var(w{i + 1}) = {cov[i * 3]} vs {exact[i * 3]} ± {4 * se}");
        }
    }

    [Fact]
    public void BatchesAreDistinctAndUniform()
    {
        var rng = Xoshiro256.ForStream(3, 0);
        int n = 20, b = 7, draws = 20000;
        var counts = new int[n];
        var idx = new int[b];
        for (int t = 0; t < draws; t++)
        {
            MinibatchSgdMap.DrawBatch(ref rng, n, b, idx);
            Assert.Equal(b, idx.Distinct().Count());
            foreach (var i in idx) counts[i]++;
        }
        double p = (double)b / n, mean = draws * p, sd = Math.Sqrt(draws * p * (1 - p));
        Assert.All(counts, k => Assert.True(Math.Abs(k - mean) < 5 * sd, $"{k} vs {mean}"));
    }

    /// <summary>A quadratic that claims not to be, to force the quadrature path of <see cref="GibbsLaw"/>.</summary>
    private sealed class Disguised(LeastSquaresObjective inner) : FiniteSumObjective
    {
        public override string Name => "disguised";
        public override int Dimension => inner.Dimension;
        public override int Count => inner.Count;
        public override bool IsQuadratic => false;
        public override double Value(ReadOnlySpan<double> w) => inner.Value(w);
        public override void AddSampleGradient(int n, ReadOnlySpan<double> w, Span<double> g, double scale) => inner.AddSampleGradient(n, w, g, scale);
        public override void Hessian(ReadOnlySpan<double> w, Span<double> h) => inner.Hessian(w, h);
    }

    [Fact]
    public void GibbsQuadratureReproducesTheGaussianCase()
    {
        var ls = new LeastSquaresObjective(DataSources.BuiltinRegression("linreg2d"));
        var wStar = ls.Minimize();
        var exact = GibbsLaw.Create(ls, wStar, 0.01);
        var quad = GibbsLaw.Create(new Disguised(ls), wStar, 0.01);
        Assert.Equal("quadrature", quad.Method);
        Assert.True(GaussianTools.FrobeniusRelative(quad.Covariance, exact.Covariance) < 1e-8);
        Assert.True(Math.Abs(quad.Mean[0] - exact.Mean[0]) < 1e-8 && Math.Abs(quad.Mean[1] - exact.Mean[1]) < 1e-8);
        foreach (var x in new[] { -0.3, 0.1, 0.5 })
            Assert.True(Math.Abs(quad.MarginalCdf[1](exact.Mean[0] + x) - exact.MarginalCdf[1](exact.Mean[0] + x)) < 1e-3);
    }

    [Fact]
    public void SampleGradientsAndCovarianceAreConsistent()
    {
        var f = new LogisticRegressionObjective(DataSources.BuiltinClassification("logreg2d"), 0.01);
        double[] w = [0.3, -0.7];
        var g = new double[2];
        f.Gradient(w, g);
        var sum = new double[2];
        for (int n = 0; n < f.Count; n++) f.AddSampleGradient(n, w, sum, 1.0 / f.Count);
        Assert.Equal(g[0], sum[0], 13);
        Assert.Equal(g[1], sum[1], 13);
        // Finite differences of V.
        for (int k = 0; k < 2; k++)
        {
            var p = (double[])w.Clone(); p[k] += 1e-6;
            var m = (double[])w.Clone(); m[k] -= 1e-6;
            Assert.Equal((f.Value(p) - f.Value(m)) / 2e-6, g[k], 8);
        }
        var h = new double[4];
        f.Hessian(w, h);
        var gp = new double[2];
        f.Gradient([w[0] + 1e-6, w[1]], gp);
        Assert.Equal((gp[0] - g[0]) / 1e-6, h[0], 5);
        Assert.Equal((gp[1] - g[1]) / 1e-6, h[2], 5);
    }
}
