using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;

namespace ChaosDescent.Tests.Analyses.Chaos;

public class RegimeMapTests
{
    [Fact]
    public void QuadraticSinRespectsTheHardBounds()
    {
        // f0 = x²/2 is 1-smooth: η > 2 diverges, η < 2 stays bounded; f is (1 + 1/ε)-smooth: η < 2ε/(1+ε) converges
        var f = ObjectiveCatalog.Create("quadratic-sin");
        var r = RegimeMap.Run(MapFactory.Create("gd", f, 0.1), new RegimeSettings
        {
            EtaMin = 1e-4,
            EtaMax = 3,
            EpsMin = 1e-4,
            EpsMax = 1e-1,
            EtaPoints = 8,
            EpsPoints = 6,
            Attractor = new AttractorSettings { MaxSteps = 8_000, MinTransient = 1_000, MaxPeriod = 32 },
        });
        Assert.Equal(48, r.Cells.Length);
        Assert.Equal(2, r.StabilityEta, 12);
        Assert.Equal(-Math.Log(2), r.M!.Value, 9);
        foreach (var c in r.Cells)
        {
            if (c.Eta > 2) Assert.Equal(Regime.Diverges, c.Regime);
            else Assert.NotEqual(Regime.Diverges, c.Regime);
            if (c.Eta < 2 * c.Eps / (1 + c.Eps)) Assert.Equal(Regime.Converges, c.Regime);
            if (c.Regime is Regime.LocalChaos or Regime.GlobalChaos) Assert.True(c.Eta > 2 * c.Eps, $"chaos below threshold at {c}");
        }
        var wide = r.Cells.Where(c => c.Eta >= 20 * c.Eps && c.Eta < 2).ToArray();
        Assert.NotEmpty(wide);
        Assert.True(wide.Count(c => c.Regime == Regime.GlobalChaos) >= 0.8 * wide.Length);
    }

    [Fact]
    public void GridsTooLargeForMemoryAreRefusedWithTheirSize()
    {
        var f = ObjectiveCatalog.Create("quadratic-sin");
        var e = Assert.Throws<UserInputException>(() => RegimeMap.Run(MapFactory.Create("gd", f, 0.1),
            new RegimeSettings { EtaPoints = 20_000, EpsPoints = 20_000, MemoryBudgetBytes = 1L << 30 }));
        Assert.Contains("needs about 95.4 GiB", e.Message);
    }

    [Fact]
    public void StabilityBoundFollowsTheMap()
    {
        // x²/2 (L0 = 1): GD 2/L0; heavy ball 2(1 + γ)/L0; NAG-SC with μ = L0 = 1: ηL0 = (2 + 2c)/(1 + 2c) at η = 4
        var f = ObjectiveCatalog.Create("quadratic-sin");
        Assert.Equal(2, RegimeMap.StabilityEta(MapFactory.Create("gd", f, 0.1)), 9);
        Assert.Equal(2 * 1.9, RegimeMap.StabilityEta(MapFactory.Create("heavyball", f, 0.1)), 9);
        Assert.Equal(4, RegimeMap.StabilityEta(MapFactory.Create("nag", f, 0.1)), 6);
    }

    [Fact]
    public void OrbitsWiderThanThousandsOfWellsAreClassifiedQuickly()
    {
        // NAG at its stability edge: the orbit swings over ~1e5 (far outside |x| <= 1) without diverging
        var f = ObjectiveCatalog.Create("quadratic-sin", 1e-4);
        var cell = RegimeMap.Classify(MapFactory.Create("nag", f, 4), RegimeMap.DefaultStart(f),
            new RegimeSettings { Attractor = new AttractorSettings { MaxSteps = 5_000, MinTransient = 1_000 } });
        Assert.Equal(Regime.GlobalChaos, cell.Regime);
        Assert.True(WellGeometry.InOneWell(f, [0.5 * 1e-4, 1e-4], 2));
        Assert.False(WellGeometry.InOneWell(f, [-0.5, 0.5], 2));
    }

    [Fact]
    public void ObjectivesWithoutMicroScaleAreRefused()
    {
        Assert.Throws<UserInputException>(() => RegimeMap.Run(TestMaps.Logistic(3), new RegimeSettings { EtaPoints = 2, EpsPoints = 2 }));
    }
}
