using ChaosDescent.Analyses;
using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;

namespace ChaosDescent.Tests.Analyses.Chaos;

public class BoundaryDimensionTests
{
    [Fact]
    public void StraightBoundaryHasDimensionOne()
    {
        // the half-plane j < 0.3 i + 40 on a 512² grid: N(s) ≈ (512/s)·(1 + 0.3) up to the rounding of boxes at the
        // edges, so the slope is 1 to within the discretization (a few 1e-2 over 2 … 64)
        var fit = BoundaryDimension.Fit(512, 512, (i, j) => j < 0.3 * i + 40 ? (sbyte)1 : (sbyte)-1, 2, 64);
        Assert.InRange(fit.Dimension, 0.97, 1.03);
        Assert.True(fit.Lo <= fit.Dimension && fit.Dimension <= fit.Hi);
        Assert.Equal(6, fit.BoxSizes.Length);
    }

    private static bool InCantor(int x, int levels)
    {
        for (int k = 0; k < levels; k++, x /= 3)
            if (x % 3 == 1) return false;
        return true;
    }

    [Fact]
    public void CantorCurtainHasDimensionOnePlusLog2Over3()
    {
        // C × [0, 1] with C the middle-thirds Cantor set at 3^6 columns: every level-j interval of C (2^(6−j) of
        // them) holds boundary columns, so with boxes of side 3^j, N = 2^(6−j)·3^(6−j) exactly and the slope is
        // 1 + ln 2/ln 3 = 1.6309… to rounding, with zero scatter
        int n = 729;
        var fit = BoundaryDimension.Fit(n, n, (i, j) => InCantor(j, 6) ? (sbyte)1 : (sbyte)-1, [1, 3, 9, 27, 81]);
        Assert.Equal(1 + Math.Log(2) / Math.Log(3), fit.Dimension, 10);
        Assert.True(fit.StdErr < 1e-10);
        // and the 1-D set: one row, boxes 3^j wide
        var line = BoundaryDimension.Fit(1, n, (_, j) => InCantor(j, 6) ? (sbyte)1 : (sbyte)-1, [1, 3, 9, 27, 81]);
        Assert.Equal(Math.Log(2) / Math.Log(3), line.Dimension, 10);
    }

    [Fact]
    public void NoBoundaryGivesNoDimension()
    {
        var fit = BoundaryDimension.Fit(64, 64, (_, _) => 1, 2, 16);
        Assert.True(double.IsNaN(fit.Dimension));
        Assert.Equal(0, fit.BoundaryCells);
    }

    [Fact]
    public void QuadraticSinDivergesAcrossTheStraightLineEtaEqualsTwo()
    {
        // f0 = x²/2: GD diverges exactly for η > 2 whatever ε (the hard bound the regime map tests check), so the
        // bounded/diverging boundary is the grid row at η = 2: dimension 1
        var f = ObjectiveCatalog.Create("quadratic-sin");
        var system = new DescentSystem { Objective = f };
        var settings = new BoundaryDimensionSettings
        {
            Regime = new RegimeSettings { EtaMin = 0.5, EtaMax = 3, EpsMin = 1e-3, EpsMax = 1e-1, EtaPoints = 32, EpsPoints = 64, Attractor = new AttractorSettings { MaxSteps = 5_000, MinTransient = 1_000 } },
            MinBox = 1,
            MaxBox = 16,
            EpsBands = 2,
        };
        var r = (BoundaryDimensionResult)AnalysisCatalog.Get("boundary-dimension").Run(system, settings, null);
        Assert.Equal(1.0, r.BoundedVsDiverging.Dimension, 2);
        Assert.Equal(2, r.Bands.Count);
        Assert.True(r.StepsTotal > 0);
    }

    [Fact]
    public void BadSettingsAreRefused()
    {
        var f = ObjectiveCatalog.Create("quadratic-sin");
        Assert.Throws<UserInputException>(() => BoundaryDimension.Run(MapFactory.Create("gd", f, 0.1), new BoundaryDimensionSettings { MinBox = 0 }));
        Assert.Throws<UserInputException>(() => BoundaryDimension.Fit(8, 8, (_, _) => 1, [2]));
    }
}
