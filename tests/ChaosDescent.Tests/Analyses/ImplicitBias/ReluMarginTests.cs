using ChaosDescent.Analyses.ImplicitBias;
using ChaosDescent.Numerics;
using ChaosDescent.Data;

namespace ChaosDescent.Tests.Analyses.ImplicitBias;

public class ReluMarginTests
{
    [Fact]
    public void GradientMatchesFiniteDifferences()
    {
        var data = DataSources.BuiltinClassification("xor");
        int q = 5, d = 2;
        var rng = Xoshiro256.ForStream(1, 2);
        var w1 = Enumerable.Range(0, q * d).Select(_ => rng.NextGaussian()).ToArray();
        var w2 = Enumerable.Range(0, q).Select(_ => rng.NextGaussian()).ToArray();
        var z = new double[data.Count * q];
        var u = new double[data.Count];
        var g1 = new double[q * d];
        var g2 = new double[q];
        ReluMargin.Forward(data, w1, w2, q, z, u);
        ReluMargin.Backward(data, w2, q, z, u, MarginLoss.Logistic, g1, g2);
        double Loss()
        {
            ReluMargin.Forward(data, w1, w2, q, z, u);
            return u.Sum(v => MarginLosses.Value(MarginLoss.Logistic, v)) / data.Count;
        }
        const double h = 1e-6;
        for (int i = 0; i < w1.Length; i++)
        {
            double keep = w1[i];
            w1[i] = keep + h; double lp = Loss();
            w1[i] = keep - h; double lm = Loss();
            w1[i] = keep;
            Assert.Equal((lp - lm) / (2 * h), g1[i], 7);
        }
        for (int j = 0; j < q; j++)
        {
            double keep = w2[j];
            w2[j] = keep + h; double lp = Loss();
            w2[j] = keep - h; double lm = Loss();
            w2[j] = keep;
            Assert.Equal((lp - lm) / (2 * h), g2[j], 7);
        }
    }

    [Fact]
    public void FitsXorAndTheNormalizedMarginSettles()
    {
        var data = DataSources.BuiltinClassification("xor");
        var tr = ReluMargin.Run(data, new ReluMarginSettings { Hidden = 10, LearningRate = 1, Steps = 20_000, Seed = 1 });
        Assert.True(tr.FirstFullAccuracyStep >= 0);
        Assert.Equal(1.0, tr.Accuracy[^1]);
        var s = ReluMarginSummary.From(tr);
        Assert.True(tr.NormalizedMargin[^1] > 0.1);
        Assert.True(s.MarginChangeLastDecade > -1e-3 && s.MarginChangeLastDecade < 0.05 * tr.NormalizedMargin[^1]);
        // The product of the norms grows like ln t with slope → 1/γ̄ (from below while γ̄ still creeps up).
        Assert.InRange(s.ProductSlope * tr.NormalizedMargin[^1], 0.85, 1.02);
        // Evaluate agrees with the training forward pass: the smallest y f(x) is the recorded margin.
        double min = Enumerable.Range(0, data.Count).Min(n => data.Y[n] * ReluMargin.Evaluate(tr, data.Row(n)));
        Assert.Equal(tr.MinMargin[^1], min, 10);
    }
}
