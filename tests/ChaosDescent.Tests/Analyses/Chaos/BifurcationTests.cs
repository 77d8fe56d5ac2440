using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;

namespace ChaosDescent.Tests.Analyses.Chaos;

public class PeriodDetectionTests
{
    [Theory]
    [InlineData(2.8, 1)]
    [InlineData(3.2, 2)]
    [InlineData(3.5, 4)]
    [InlineData(3.56, 8)]     // between r3 = 3.544090 and r4 = 3.564407
    [InlineData(3.83, 3)]     // the period-3 window, born at 1 + √8
    [InlineData(3.74, 5)]     // the period-5 window around r = 3.7389 … 3.7411
    [InlineData(4.0, 0)]
    public void LogisticPeriodsAreDetected(double r, int period)
    {
        var a = AttractorProbe.Run(TestMaps.Logistic(r), [0.1], new AttractorSettings());
        Assert.False(a.Diverged);
        Assert.Equal(period, a.Period);
        if (period == 0) Assert.True(a.Lambda > 0.5, $"lambda {a.Lambda}"); // ln 2 at r = 4
        else Assert.True(a.Lambda < 0);
    }

    [Fact]
    public void TwoCycleMultiplierMatchesTheClosedForm()
    {
        // logistic 2-cycle multiplier: 4 + 2r − r²
        double r = 3.2;
        var a = AttractorProbe.Run(TestMaps.Logistic(r), [0.1], new AttractorSettings());
        Assert.Equal(2, a.Period);
        Assert.Equal(4 + 2 * r - r * r, a.Multiplier, 9);
        Assert.Equal(Math.Log(Math.Abs(4 + 2 * r - r * r)) / 2, a.Lambda, 9);
    }

    [Fact]
    public void SlowlyConvergingFixedPointIsNotMistakenForATwoCycle()
    {
        // r = 2.995: the fixed point's multiplier is 2 − r = −0.995, so |x_k − x_{k−2}| shrinks 100× faster than
        // |x_k − x_{k−1}|: the least period must still come out as 1
        var a = AttractorProbe.Run(TestMaps.Logistic(2.995), [0.1], new AttractorSettings { MaxSteps = 8_000 });
        Assert.Equal(1, a.Period);
        Assert.Equal(2 - 2.995, a.Multiplier, 6);
    }

    [Fact]
    public void DivergenceIsReported()
    {
        var a = AttractorProbe.Run(TestMaps.Logistic(3.2), [1.5], new AttractorSettings()); // beyond the repelling fixed point x = 1
        Assert.True(a.Diverged);
        Assert.Equal(0, a.Period);
    }

    [Fact]
    public void ChaoticOrbitInsideOneWellIsLocal()
    {
        // quartic-negcos at eta = 3.8 eps: aperiodic, λ > 0, confined to |x| < 2.5 eps inside the well (−π eps, π eps)
        double eps = 1e-3;
        var f = ObjectiveCatalog.Create("quartic-negcos", eps);
        var a = AttractorProbe.Run(MapFactory.Create("gd", f, 3.9 * eps), [0.37 * eps], new AttractorSettings());
        Assert.Equal(0, a.Period);
        Assert.True(a.Lambda - 3 * a.LambdaStdErr > 0);
        Assert.True(WellGeometry.InOneWell(f, a.Window, a.Window.Length));
        var b = AttractorProbe.Run(MapFactory.Create("gd", f, 8 * eps), [0.37 * eps], new AttractorSettings());
        Assert.False(WellGeometry.InOneWell(f, b.Window, b.Window.Length));
    }

    [Fact]
    public void WellAroundTheMinimumOfQuarticNegcosIsPlusMinusPiEps()
    {
        // f' = x³ + sin(x/ε) vanishes at x/ε = π + (πε)³/ε… within 1e-6 of π for ε = 1e-3
        double eps = 1e-3;
        var (lo, hi) = WellGeometry.WellAround(ObjectiveCatalog.Create("quartic-negcos", eps), 0);
        Assert.True(Math.Abs(hi / eps - Math.PI) < 1e-6, $"{hi / eps}");
        Assert.True(Math.Abs(lo / eps + Math.PI) < 1e-6, $"{lo / eps}");
    }
}

public class BifurcationTests
{
    [Fact]
    public void LogisticCascadeIsLocatedWithFeigenbaumRatios()
    {
        // r_k of the logistic map: 3, 1 + √6, 3.5440903596, 3.5644072661, 3.5687594195; accumulation 3.5699456718
        var map = TestMaps.Logistic(3.0);
        var d = Bifurcation.Run(map, new BifurcationSettings
        {
            EtaMin = 1.9,
            EtaMax = 2.58,
            Points = 120,
            Start = [0.1],
            Attractor = new AttractorSettings { MaxSteps = 20_000 },
        });
        var cascade = d.Doublings.Where(x => x.Refined).ToArray();
        double[] expected = [2.0, Math.Sqrt(6), 2.5440903596, 2.5644072661, 2.5687594195];
        Assert.True(cascade.Length >= 5, $"{cascade.Length} doublings");
        for (int k = 0; k < 5; k++)
        {
            Assert.Equal(1 << k, cascade[k].FromPeriod);
            Assert.True(Math.Abs(cascade[k].Eta - expected[k]) < 1e-8, $"doubling {k}: {cascade[k].Eta:R} vs {expected[k]:R}");
        }
        // δ_k → 4.6692: (r2−r1)/(r3−r2) = 4.7515, then 4.6562, 4.6683
        Assert.True(Math.Abs(d.FeigenbaumRatios[0] - 4.7515) < 1e-3, $"{d.FeigenbaumRatios[0]}");
        Assert.True(Math.Abs(d.FeigenbaumRatios[2] - 4.6683) < 1e-3, $"{d.FeigenbaumRatios[2]}");
        Assert.True(Math.Abs(d.AccumulationEta!.Value - 2.5699456718) < 1e-4, $"{d.AccumulationEta}");
        Assert.NotNull(d.OnsetEta);
        Assert.InRange(d.OnsetEta!.Value, 2.5699, 2.58);
    }

    [Fact]
    public void QuarticNegcosFlipsAtTwoEps()
    {
        double eps = 1e-3;
        var f = ObjectiveCatalog.Create("quartic-negcos", eps);
        var d = Bifurcation.Run(MapFactory.Create("gd", f, eps), new BifurcationSettings { EtaMin = 1.5 * eps, EtaMax = 2.6 * eps, Points = 23 });
        var first = d.Doublings.First();
        Assert.Equal((1, 2), (first.FromPeriod, first.ToPeriod));
        Assert.True(first.Refined);
        Assert.Equal(2.0, first.Eta / eps, 9); // φ'(0) = 1 − η/ε
        Assert.True(d.Points.Where(p => p.Eta < 1.99 * eps).All(p => p.Period == 1));
        Assert.Null(d.OnsetEta);
        Assert.NotNull(d.Well);
    }

    [Fact]
    public void BadRangesAreUserErrors()
    {
        var map = TestMaps.Logistic(3);
        Assert.Throws<UserInputException>(() => Bifurcation.Run(map, new BifurcationSettings { EtaMin = 2, EtaMax = 1 }));
        Assert.Throws<UserInputException>(() => Bifurcation.Run(map, new BifurcationSettings { EtaMin = 1, EtaMax = 2, Points = 1 }));
    }
}
