using ChaosDescent.Analyses.ImplicitBias;
using ChaosDescent.Learning;
using ChaosDescent.Numerics;
using ChaosDescent.Data;

namespace ChaosDescent.Tests.Analyses.ImplicitBias;

public class DegenerateMinimaTests
{
    private static RegressionData ThreePoints() =>
        new("three", ["x"], ["y"], [-1.0, 0.2, 0.9], [0.5, -0.3, 0.8]);

    [Fact]
    public void HessianRankAtAZeroLossPointOfASmallOverParametrizedModel()
    {
        // 1-4-1 tanh: M = 4 + 4 + 4 + 1 = 13 parameters, N = 3 samples: at a zero-loss point ∇²L = (2/N) JᵀJ has
        // rank ≤ 3, so at least 10 eigenvalues vanish (exactly 10 when J has full row rank).
        var data = ThreePoints();
        var r = DegenerateMinima.Run(data, new MinimaSettings { Hidden = "4", Activation = Activation.Tanh(), LearningRate = 0.05, Epochs = 3000, Compare = false, Seed = 3 });
        Assert.Equal(13, r.Params);
        var m = r.Main;
        Assert.True(m.PolishedLoss < 1e-25, $"polished loss {m.PolishedLoss}");
        Assert.Equal(10, m.NearZero);
        Assert.True(m.GapRatio > 1e6, $"gap {m.GapRatio}");
        Assert.All(m.Eigenvalues.Take(10), v => Assert.True(Math.Abs(v) <= m.Threshold));
        Assert.All(m.Eigenvalues.Skip(10), v => Assert.True(v > 0));
        Assert.True(m.ResidualTermNorm < 1e-10 * m.Sharpness);
    }

    [Fact]
    public void ADivergedComparisonRunReportsNoSpectrum()
    {
        var r = DegenerateMinima.Run(ThreePoints(), new MinimaSettings
        {
            Hidden = "4",
            Activation = Activation.Tanh(),
            LearningRate = 0.05,
            Epochs = 300,
            LargeLearningRate = 1e3,
            Seed = 3,
        });
        var large = r.Comparisons.Single(c => c.Method == "gd-large");
        Assert.True(large.Diverged);
        Assert.Equal(1e3, large.LearningRate);
        Assert.True(double.IsNaN(large.TrainedLoss) && double.IsNaN(large.PolishedLoss) && double.IsNaN(large.Sharpness));
        Assert.True(double.IsNaN(large.PolishDistance) && double.IsNaN(large.DistanceFromInit) && double.IsNaN(large.Threshold));
        Assert.Empty(large.Eigenvalues);
        Assert.Equal(0, large.NearZero);
        Assert.Equal(0, large.PolishIterations);
        Assert.False(r.Main.Diverged);
        Assert.Equal(r.Main.Eigenvalues[^1], r.Main.Sharpness);
        Assert.NotEmpty(r.Main.Eigenvalues);
    }

    [Fact]
    public void JacobianMatchesFiniteDifferencesOfThePrediction()
    {
        var data = ThreePoints();
        var mlp = new Mlp([1, 5, 1], Activation.Tanh());
        var theta = mlp.CreateParameters(7);
        var rng = Xoshiro256.ForStream(1, 1);
        for (int k = 0; k < theta.Length; k++) theta[k] += 0.1 * rng.NextGaussian(); // nonzero biases too
        var j = DegenerateMinima.Jacobian(mlp, data, theta);
        var o = new double[1];
        for (int i = 0; i < data.Count; i++)
            for (int k = 0; k < theta.Length; k++)
            {
                var p = (double[])theta.Clone(); p[k] += 1e-6;
                var q = (double[])theta.Clone(); q[k] -= 1e-6;
                mlp.Predict(p, data.Input(i), o); double fp = o[0];
                mlp.Predict(q, data.Input(i), o); double fq = o[0];
                Assert.Equal((fp - fq) / 2e-6, j[i, k], 7);
            }
    }

    [Fact]
    public void LevenbergMarquardtReachesRoundingLevel()
    {
        var data = ThreePoints();
        var mlp = new Mlp([1, 6, 1], Activation.Tanh());
        var theta = mlp.CreateParameters(11);
        var loss = new MlpLoss(mlp, data);
        double before = loss.Loss(theta);
        var (polished, iterations) = DegenerateMinima.Polish(mlp, data, loss, theta, 200);
        Assert.True(before > 1e-3);
        Assert.True(loss.Loss(polished) < 1e-28, $"{loss.Loss(polished)} after {iterations} iterations");
        Assert.All(DegenerateMinima.Residuals(mlp, data, polished), r => Assert.True(Math.Abs(r) < 1e-14));
    }

    [Fact]
    public void AtAZeroLossPointTheHessianIsTheGaussNewtonMatrix()
    {
        // ∇²L = (2/N)(JᵀJ + Σ r_n ∇²f_n): with r = 0 the HVP-assembled Hessian and (2/N)JᵀJ built from the exact
        // Jacobian must have the same spectrum; away from a minimizer (r ≠ 0) they differ by the residual term.
        var data = ThreePoints();
        var mlp = new Mlp([1, 5, 1], Activation.Tanh());
        var loss = new MlpLoss(mlp, data);
        var start = mlp.CreateParameters(5);
        var (theta, _) = DegenerateMinima.Polish(mlp, data, loss, start, 200);
        var at = DegenerateMinima.Spectrum(mlp, data, loss, theta);
        double lmax = at.Eigenvalues[^1];
        for (int i = 0; i < at.Eigenvalues.Length; i++)
            Assert.True(Math.Abs(at.Eigenvalues[i] - at.GaussNewtonEigenvalues[i]) < 1e-12 * lmax, $"{i}: {at.Eigenvalues[i]} vs {at.GaussNewtonEigenvalues[i]}");
        var away = DegenerateMinima.Spectrum(mlp, data, loss, start);
        Assert.True(away.ResidualTermNorm > 1e-6, $"{away.ResidualTermNorm}");
        Assert.True(at.ResidualTermNorm < 1e-12 * lmax);
        Assert.Equal(mlp.ParameterCount - data.Count, at.NearZero);
    }
}
