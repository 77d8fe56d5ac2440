using ChaosDescent.Analyses.ImplicitBias;
using ChaosDescent.Data;

namespace ChaosDescent.Tests.Analyses.ImplicitBias;

public class MaxMarginGdTests
{
    /// <summary>
    /// x1 = (1, 1), x2 = (1, −1) (the support vectors, α = ½ each, ŵ = (1, 0)) and x3 = (3, 0.5) with margin θ₂ = 3, all
    /// labelled +1. The non-support term decays like t^−3, so ρ(t) settles fast: the slope of ‖w‖ against ln t is 1 to
    /// within O(1/ln² t) and ‖w(t)‖ − ln t → c = Σ α_n ln(η/(Nα_n))/‖ŵ‖ = ln(2η/3).
    /// </summary>
    private static ClassificationData Small() => TestData.Classification([[1, 1], [1, -1], [3, 0.5]], [1, 1, 1]);

    [Theory]
    [InlineData(MarginLoss.Logistic, 1.0)]
    [InlineData(MarginLoss.Exponential, 0.5)]
    public void SlopeAngleAndOffsetOnASmallSeparableSet(MarginLoss loss, double eta)
    {
        var data = Small();
        var r = MaxMarginAnalysis.Run(data, new LinearGdSettings { Loss = loss, LearningRate = eta, Steps = 100_000, Initial = [0, 1] });
        Assert.Equal(1.0, r.Svm.Norm, 12);
        Assert.Equal(1.0, r.NormGrowthSlope, 2);
        // The angle decreases decade by decade, like 1/ln t (ρ(t) → w̃ bounded).
        long T = r.Trace.Steps[^1];
        double a3 = MaxMarginAnalysis.At(r.Trace.Steps, r.Angle, T / 100), a4 = MaxMarginAnalysis.At(r.Trace.Steps, r.Angle, T / 10), a5 = r.FinalAngle;
        Assert.True(a3 > a4 && a4 > a5, $"{a3} {a4} {a5}");
        Assert.Equal(a4 * Math.Log(T / 10.0), a5 * Math.Log(T), 1);
        double c = MaxMarginAnalysis.AsymptoticOffset(r.Svm, eta, data.Count);
        Assert.Equal(Math.Log(2 * eta / 3), c, 12);
        Assert.True(Math.Abs(r.Norm[^1] - Math.Log(T) - c) < 0.02, $"gap {r.Norm[^1] - Math.Log(T) - c}");
        Assert.Equal(3.0, MaxMarginAnalysis.SecondMargin(data, r.Svm), 12);
    }

    [Fact]
    public void AngleIsAccurateAtSmallAngles()
    {
        Assert.True(Math.Abs(MaxMarginAnalysis.Angle([1, 0], [1, 1e-10]) - 1e-10) < 1e-24);
        Assert.Equal(Math.PI / 2, MaxMarginAnalysis.Angle([1, 0], [0, 3]), 14);
        Assert.Equal(Math.PI, MaxMarginAnalysis.Angle([1, 1], [-2, -2]), 14);
    }

    [Theory]
    [InlineData(MarginLoss.Logistic)]
    [InlineData(MarginLoss.Exponential)]
    public void LossDerivativeMatchesFiniteDifferences(MarginLoss loss)
    {
        foreach (var u in new[] { -30.0, -3, -0.5, 0, 0.7, 4, 40 })
        {
            double h = 1e-5 * Math.Max(1, Math.Abs(u));
            double fd = (MarginLosses.Value(loss, u + h) - MarginLosses.Value(loss, u - h)) / (2 * h);
            double exact = MarginLosses.NegDerivative(loss, u);
            Assert.True(Math.Abs(-fd - exact) <= 1e-7 * Math.Max(1e-3, Math.Abs(exact)), $"u = {u}: {-fd} vs {exact}");
        }
        Assert.True(double.IsFinite(MarginLosses.Value(loss, -800)) || loss == MarginLoss.Exponential);
        Assert.Equal(0.0, MarginLosses.Value(MarginLoss.Logistic, 800));
    }

    [Fact]
    public void NonSeparableDataConvergeToAFiniteMinimizer()
    {
        var data = DataSources.BuiltinClassification("xor");
        var r = MaxMarginAnalysis.Run(data, new LinearGdSettings { LearningRate = 1, Steps = 20_000 });
        Assert.False(r.Svm.Separable);
        Assert.True(double.IsNaN(r.FinalAngle));
        Assert.True(Math.Abs(r.NormGrowthSlope) < 1e-6, $"{r.NormGrowthSlope}");
    }

    [Fact]
    public void CheckpointsAreLogSpacedAndEndAtT()
    {
        var c = LinearClassifierGd.Checkpoints(12345, 10);
        Assert.Equal(0, c[0]);
        Assert.Equal(12345, c[^1]);
        Assert.True(c.Zip(c.Skip(1)).All(p => p.Second > p.First));
        Assert.InRange(c.Length, 35, 50);
    }
}
