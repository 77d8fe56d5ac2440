using ChaosDescent.Analyses.Distributions;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;
using ChaosDescent.Runners;

namespace ChaosDescent.Tests.Analyses.Distributions;

/// <summary>The ensemble `distribution` says whether its law at step K is still a transient.</summary>
public class EnsembleStationarityTests
{
    [Fact]
    public void AnEnsembleStillDriftingIsFlagged()
    {
        // all particles start at 1.5 on x⁴/4 + ε sin(x/ε): the drift η x³ ≈ 0.34 per step moves the whole law
        var map = new StochasticMap(ObjectiveCatalog.Create("quartic-sin", 1e-6), 0.1);
        var r = DistributionComparison.Run(new DistributionRequest { Map = map, Particles = 5000, Steps = 6, Initial = new FixedPoint([1.5]) });
        Assert.NotNull(r.Stationarity);
        Assert.False(r.Stationarity!.Stationary);
        Assert.Equal(3, r.Stationarity.FromStep);
        Assert.Contains("raise --steps", r.Stationarity.Warning);
    }

    [Fact]
    public void ARelaxedEnsembleIsNotFlagged()
    {
        // x²/2 + ε sin(x/ε) contracts by 1 − η = 0.9 per step: after 200 steps the start is forgotten to 1e-9.
        // False-alarm rate of the check at most 1e-3 (and smaller: both snapshots hold the same particles).
        var map = new StochasticMap(ObjectiveCatalog.Create("quadratic-sin", 1e-4), 0.1);
        var r = DistributionComparison.Run(new DistributionRequest { Map = map, Particles = 20_000, Steps = 400, Seed = 3 });
        Assert.True(r.Stationarity!.Stationary, $"D = {r.Stationarity.KsPerCoordinate[0]} vs {r.Stationarity.Critical}");
        Assert.Null(r.Stationarity.Warning);
    }
}
