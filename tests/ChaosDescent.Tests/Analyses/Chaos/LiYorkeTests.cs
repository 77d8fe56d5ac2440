using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;

namespace ChaosDescent.Tests.Analyses.Chaos;

public class LiYorkeTests
{
    private static void AssertWitness(OptimizerMap map, LiYorkeWitness w)
    {
        Assert.True(w.Found);
        // re-derive b, c, d and the ordering from a alone
        double Phi(double x) => x - map.LearningRate * map.Objective.Derivative(x);
        double b = Phi(w.A), c = Phi(b), d = Phi(c);
        Assert.Equal((w.B, w.C, w.D), (b, c, d));
        Assert.True(w.Pattern == "d<=a<b<c" ? d <= w.A && w.A < b && b < c : d >= w.A && w.A > b && b > c);
        Assert.True(w.Margin > 0 && w.ErrorBound > 0 && w.Margin > w.ErrorBound, $"margin {w.Margin}, bound {w.ErrorBound}");
        Assert.InRange(w.A, w.Lo, w.Hi);
    }

    [Theory]
    [InlineData(3.83)] // stable 3-cycle
    [InlineData(4.0)]
    public void LogisticWithAPeriodThreeOrbitHasAWitness(double r)
    {
        var map = TestMaps.Logistic(r);
        AssertWitness(map, LiYorke.Search(map, new LiYorkeSettings { Lo = -1 / (r - 1), Hi = 1, Points = 50_000 }));
    }

    [Theory]
    [InlineData(3.2)]   // periods 1, 2 only
    [InlineData(3.6)]   // chaotic, but no period 3 before 1 + √8 (Sharkovskii)
    [InlineData(3.82)]
    public void LogisticWithoutPeriodThreeHasNone(double r)
    {
        var map = TestMaps.Logistic(r);
        Assert.False(LiYorke.Search(map, new LiYorkeSettings { Lo = -1 / (r - 1), Hi = 1, Points = 50_000 }).Found);
    }

    [Fact]
    public void GradientDescentWithLargeStepHasAWitnessAndAMonotoneOneHasNone()
    {
        var f = ObjectiveCatalog.Create("quadratic-sin", 1e-4);
        var big = MapFactory.Create("gd", f, 1e-2);
        AssertWitness(big, LiYorke.Search(big, new LiYorkeSettings { Points = 50_000 }));
        // η < ε/(1+ε): φ' = 1 − η(1 − sin(x/ε)/ε) > 0, an increasing map has no period-3 point
        var small = MapFactory.Create("gd", f, 0.5e-4);
        Assert.False(LiYorke.Search(small, new LiYorkeSettings { Points = 50_000 }).Found);
    }

    [Fact]
    public void ErrorBoundCoversAnIndependentEvaluation()
    {
        // the map's own step (FMA, phase x·(1/ε)) and x − η f'(x) differ by at most twice the per-evaluation bound
        var map = MapFactory.Create("gd", ObjectiveCatalog.Create("quartic-sin", 1e-6), 3e-5);
        var rng = global::ChaosDescent.Numerics.Xoshiro256.ForStream(1, 0);
        var scratch = new double[map.ScratchLength(1)];
        for (int i = 0; i < 2000; i++)
        {
            double x = -1.2 + 2.4 * i / 1999;
            var s = new double[] { x };
            map.Step(s, 1, ref rng, scratch);
            double direct = x - map.LearningRate * map.Objective.Derivative(x);
            Assert.True(Math.Abs(s[0] - direct) <= 2 * LiYorke.EvaluationErrorBound(map, x), $"x = {x}");
        }
    }

    [Fact]
    public void OnlyOneDimensionalGradientDescentIsAccepted()
    {
        Assert.Throws<UserInputException>(() => LiYorke.Search(MapFactory.Create("gd", ObjectiveCatalog.Create("matyas-sincos"), 0.01)));
        Assert.Throws<UserInputException>(() => LiYorke.Search(MapFactory.Create("heavyball", ObjectiveCatalog.Create("quartic-sin"), 0.01)));
    }
}
