using System.Text.Json.Serialization;
using ChaosDescent.Maps;
using ChaosDescent.Runners;
using ChaosDescent.Statistics;

namespace ChaosDescent.Analyses.Distributions;

/// <summary>Settings of <see cref="DistributionAnalysis"/> (CLI <c>chaosdescent distribution</c>).</summary>
public sealed record DistributionSettings : SeededSettings
{
    /// <summary><c>orbit</c> (default false): one long orbit (time averages) instead of an ensemble.</summary>
    public bool Orbit { get; init; }

    /// <summary><c>particles</c> (default 100000): ensemble size N.</summary>
    public int Particles { get; init; } = 100_000;

    /// <summary><c>steps</c> (default null: 1000 for an ensemble, 1e6 for an orbit): steps K.</summary>
    public long? Steps { get; init; }

    /// <summary><c>burn_in</c> (default 1000): orbit steps discarded first (at most K − 1).</summary>
    public long BurnIn { get; init; } = 1000;

    /// <summary><c>initial</c> (default "uniform:-1,1"): initial ensemble, uniform:LO,HI | gaussian:MEAN,SD | point:X[,Y].</summary>
    public string Initial { get; init; } = "uniform:-1,1";

    /// <summary><c>orbit_start</c> (default null: 0.1123…): start of the orbit.</summary>
    public double[]? OrbitStart { get; init; }

    /// <summary><c>bins</c> (default 100): histogram bins per coordinate.</summary>
    public int Bins { get; init; } = 100;

    /// <summary><c>compare</c> (default null): also run this map with the same settings (seed + 1) and report the
    /// distances between the two laws (Thm. 4: GD and the stochastic map have the same long-run law).</summary>
    public string? Compare { get; init; }
}

/// <summary>One coordinate's moments and distances to the rescaled Gibbs marginal.</summary>
public sealed record MarginalReport(int Coordinate, double Mean, double Variance, double? GibbsMean, double? GibbsVariance,
    double? TvToGibbs, double? KsToGibbs, double? W1ToGibbs);

/// <summary>Two-sample KS between the ensemble at half the run and at its end: is the ensemble already stationary?</summary>
public sealed record StationarityReport(int FromStep, int ToStep, double[] Ks, double Critical, bool Stationary, string? Warning);

/// <summary>Distances between the laws of the two maps for one coordinate.</summary>
public sealed record BetweenMapsReport(int Coordinate, double Tv, double Ks, double W1, bool Binned,
    [property: JsonPropertyName("ks_critical_0_001")] double? KsCritical0001);

/// <summary>The long-run law of a map against the rescaled Gibbs law (CLI <c>distribution --json</c>, less the files).</summary>
/// <remarks>
/// <c>Comparison</c>: The comparison itself (histograms, Gibbs law), for figures and CSV.<br/>
/// </remarks>
public sealed record DistributionReport(
    string Objective, string Formula, IReadOnlyDictionary<string, double> Parameters, double Eps, double Eta, string Map,
    string Mode, int Particles, long Steps, long BurnIn, ulong Seed, string? Initial, long SampleSize, double? Sigma2,
    string? GibbsNote, double? TvToGibbs, double? KsToGibbs, double? W1ToGibbs, bool DistancesBinned,
    MarginalReport[] Marginals, [property: JsonPropertyName("tv_to_gibbs_2d")] double? TvToGibbs2D, string? ComparedMap,
    BetweenMapsReport[]? BetweenMaps, int Diverged, long? DivergedFirstStep, StationarityReport? Stationarity, double Seconds,
    [property: JsonIgnore] DistributionComparison? Comparison);

/// <summary>
/// Runs an ensemble (or one orbit) of the system's map and compares its law with the rescaled Gibbs law
/// exp(−2 f0/(η σ²))/Z of Kong &amp; Tao (2020) Secs. 2.2, 3.1 (<see cref="DistributionComparison"/>): TV over bins,
/// KS, W1 and moments; optionally against a second map (Thm. 4).
/// </summary>
public static class DistributionAnalysis
{
    public static readonly IAnalysis Entry = new Analysis<DistributionSettings, DistributionReport>(
        "distribution", "does the long-run law of GD match the rescaled Gibbs law exp(-2 f0/(eta sigma^2))/Z? (Secs. 2.2, 3.1; Thm. 4)", Run);

    public static DistributionReport Run(DescentSystem system, DistributionSettings settings, IProgress<double>? progress = null)
    {
        var obj = system.RequireMultiscale("distribution");
        var map = system.CreateMap("distribution");
        long k = settings.Steps ?? (settings.Orbit ? 1_000_000 : 1000);
        if (k < 1) throw new UserInputException($"steps must be at least 1 (got {k})");
        if (settings.Particles < 1) throw new UserInputException($"particles must be at least 1 (got {settings.Particles})");
        if (settings.Bins < 2) throw new UserInputException($"bins must be at least 2 (got {settings.Bins})");
        var request = new DistributionRequest
        {
            Map = map,
            Orbit = settings.Orbit,
            Particles = settings.Particles,
            Steps = k,
            BurnIn = settings.Orbit ? Math.Min(settings.BurnIn, k - 1) : 0,
            Seed = settings.Seed,
            Threads = settings.Threads,
            Initial = InitialCondition.Parse(settings.Initial),
            OrbitStart = settings.OrbitStart,
            Bins = settings.Bins,
        };
        var other = settings.Compare is { } name ? MapFactory.Create(name, obj, map.LearningRate, system.MapOptions) : null;
        var first = DistributionComparison.Run(request, other is null ? progress : Half(progress, 0));
        var second = other is null ? null : DistributionComparison.Run(request with { Map = other, Seed = request.Seed + 1 }, Half(progress, 1));
        var between = second is null ? null : DistributionComparison.Between(first, second);
        var (tv, ks, w1) = first.Headline;
        return new DistributionReport(
            Objective: obj.Name, Formula: obj.Formula, Parameters: obj.Parameters, Eps: obj.Epsilon, Eta: map.LearningRate, Map: map.Name,
            Mode: settings.Orbit ? "orbit" : "ensemble", Particles: settings.Orbit ? 1 : request.Particles, Steps: k,
            BurnIn: request.BurnIn, Seed: request.Seed, Initial: settings.Orbit ? null : request.Initial.Describe(),
            SampleSize: first.SampleSize, Sigma2: first.Sigma2, GibbsNote: first.GibbsNote, TvToGibbs: tv, KsToGibbs: ks, W1ToGibbs: w1,
            DistancesBinned: settings.Orbit,
            Marginals: first.Marginals.Select(mc => new MarginalReport(mc.Coordinate, mc.Moments.Mean, mc.Moments.Variance, mc.GibbsMean, mc.GibbsVariance, mc.Distances?.TotalVariation, mc.Distances?.KolmogorovSmirnov, mc.Distances?.Wasserstein1)).ToArray(),
            TvToGibbs2D: first.TotalVariation2D, ComparedMap: other?.Name,
            BetweenMaps: between?.Select((b, i) => new BetweenMapsReport(i, b.TotalVariation, b.KolmogorovSmirnov, b.Wasserstein1, b.Binned, b.Binned ? null : Distances.KolmogorovSmirnovCritical(first.SampleSize, second!.SampleSize))).ToArray(),
            Diverged: first.DivergedCount, DivergedFirstStep: first.DivergedFirstStep, Stationarity: first.Stationarity is { } st ? new StationarityReport(st.FromStep, st.ToStep, st.KsPerCoordinate, st.Critical, st.Stationary, st.Warning) : null,
            Seconds: first.Seconds, Comparison: first);
    }

    private static IProgress<double>? Half(IProgress<double>? p, int part) =>
        p is null ? null : new Progress<double>(v => p.Report((part + v) / 2));
}
