using ChaosDescent.Maps;
using ChaosDescent.Runners;
using ChaosDescent.Statistics;

namespace ChaosDescent.Analyses.Distributions;

/// <summary>What <see cref="DistributionComparison.Run"/> should do.</summary>
public sealed record DistributionRequest
{
    public required OptimizerMap Map { get; init; }

    /// <summary>One long orbit (time averages) instead of an ensemble (space averages at the last step).</summary>
    public bool Orbit { get; init; }

    public int Particles { get; init; } = 100_000;
    public long Steps { get; init; } = 1000;

    /// <summary>Orbit only: steps dropped before collecting.</summary>
    public long BurnIn { get; init; } = 1000;

    public ulong Seed { get; init; } = 1;
    public int Threads { get; init; }
    public InitialCondition Initial { get; init; } = InitialCondition.Uniform(-1, 1);

    /// <summary>Orbit start; null = the centre of the initial box plus a small irrational offset.</summary>
    public double[]? OrbitStart { get; init; }

    public int Bins { get; init; } = 100;
}

/// <summary>Empirical law against the rescaled Gibbs law for one coordinate.</summary>
public sealed record MarginalComparison(
    int Coordinate, Histogram1D Histogram, Moments Moments, TabulatedDistribution? Gibbs, DistanceReport? Distances,
    double? GibbsMean, double? GibbsVariance)
{
    /// <summary>Ensemble mode: the finite values of this coordinate (null for a streamed orbit).</summary>
    public double[]? Sample { get; init; }
}

/// <summary>
/// Runs an ensemble or an orbit of a map and compares its law with the rescaled Gibbs law (eq. 2) when that law
/// exists for the objective (isotropic, position-independent ζ; d ≤ 2). Diverged particles are excluded and counted.
/// </summary>
public sealed class DistributionComparison
{
    public required DistributionRequest Request { get; init; }
    public required double? Sigma2 { get; init; }

    /// <summary>Why there is no Gibbs comparison (null when there is one).</summary>
    public required string? GibbsNote { get; init; }

    public required IReadOnlyList<MarginalComparison> Marginals { get; init; }

    /// <summary>2-D only: TV over a 2-D histogram against the Gibbs cell masses.</summary>
    public double? TotalVariation2D { get; init; }

    public Histogram2D? Histogram2D { get; init; }
    public RescaledGibbs? Gibbs { get; init; }
    public required int DivergedCount { get; init; }
    public required long? DivergedFirstStep { get; init; }
    public required long SampleSize { get; init; }
    public required double Seconds { get; init; }

    /// <summary>Orbit only: the leading positions (for a trace plot).</summary>
    public double[][]? Trace { get; init; }

    /// <summary>Ensemble only: whether the law still changed between step K/2 and step K (null for an orbit or K &lt; 2).</summary>
    public EnsembleStationarity? Stationarity { get; init; }

    /// <summary>The headline distances: 1-D the coordinate's; 2-D: TV over the 2-D bins, KS and W1 the worst marginal.</summary>
    public (double? Tv, double? Ks, double? W1) Headline =>
        Marginals.All(m => m.Distances is not null)
            ? (TotalVariation2D ?? Marginals.Max(m => m.Distances!.TotalVariation),
               Marginals.Max(m => m.Distances!.KolmogorovSmirnov), Marginals.Max(m => m.Distances!.Wasserstein1))
            : (null, null, null);

    /// <summary>
    /// Distances between two runs, coordinate by coordinate (e.g. GD against the stochastic map, Thm. 4): exact
    /// two-sample TV/KS/W1 for ensembles; from the histograms (same binning) for orbits.
    /// </summary>
    public static IReadOnlyList<DistanceReport> Between(DistributionComparison a, DistributionComparison b)
    {
        if (a.Marginals.Count != b.Marginals.Count) throw new ArgumentException("dimensions differ");
        return a.Marginals.Zip(b.Marginals, (ma, mb) =>
        {
            if (ma.Sample is { } sa && mb.Sample is { } sb)
                return new DistanceReport(Statistics.Distances.TotalVariation(ma.Histogram, mb.Histogram),
                    Statistics.Distances.KolmogorovSmirnov(sa, sb), Statistics.Distances.Wasserstein1(sa, sb), Math.Min(sa.Length, sb.Length), false);
            return Statistics.Distances.BetweenHistograms(ma.Histogram, mb.Histogram);
        }).ToArray();
    }

    public static DistributionComparison Run(DistributionRequest request, IProgress<double>? progress = null)
    {
        var map = request.Map;
        var objective = map.Multiscale;
        int d = objective.Dimension;
        var (sigma2, gibbs, note) = RescaledGibbs.TryFor(objective, map.LearningRate);
        // Histogram ranges: the Gibbs law's central 99.99 % widened by 30 %, else f0's typical range.
        var ranges = Enumerable.Range(0, d).Select(k =>
        {
            if (gibbs is null) return objective.Macro.TypicalRange;
            var m = gibbs.Marginal(k);
            double a = m.Quantile(5e-5), b = m.Quantile(1 - 5e-5), pad = 0.3 * (b - a);
            return (a - pad, b + pad);
        }).ToArray();

        DistributionComparison Comparison(MarginalComparison[] marginals, Histogram2D? h2, int divergedCount, long? divergedFirstStep,
            long sampleSize, double seconds, double[][]? trace = null, EnsembleStationarity? stationarity = null) => new()
            {
                Request = request,
                Sigma2 = sigma2,
                GibbsNote = note,
                Marginals = marginals,
                Gibbs = gibbs,
                Histogram2D = h2,
                TotalVariation2D = h2 is not null && gibbs is not null ? Statistics.Distances.TotalVariation(h2, gibbs.CellMasses(h2)) : null,
                DivergedCount = divergedCount,
                DivergedFirstStep = divergedFirstStep,
                SampleSize = sampleSize,
                Seconds = seconds,
                Trace = trace,
                Stationarity = stationarity,
            };

        if (request.Orbit)
        {
            var start = request.OrbitStart ?? Enumerable.Range(0, d).Select(k => 0.1 + 0.0123456789 * (k + 1)).ToArray();
            var r = OrbitRunner.Run(map, new OrbitSettings
            {
                Start = start,
                Steps = request.Steps,
                BurnIn = request.BurnIn,
                Ranges = ranges,
                Bins = request.Bins,
                Bins2D = d == 2 ? 60 : 0,
                Seed = request.Seed,
                TraceLength = 2000,
            }, progress);
            if (r.DivergedAtStep is { } s)
                throw new UserInputException($"the orbit diverged at step {s} (|x| > 1e6 or non-finite): η = {map.LearningRate} is too large for this objective");
            var marginals = Enumerable.Range(0, d).Select(k =>
            {
                var h = r.Histograms[k];
                var g = gibbs?.Marginal(k);
                return new MarginalComparison(k, h, r.Moments[k], g, g is null ? null : Statistics.Distances.FromHistogram(h, g), g?.Mean, g?.Variance);
            }).ToArray();
            return Comparison(marginals, r.Histogram2D, divergedCount: 0, divergedFirstStep: null, r.StepsTaken - request.BurnIn, r.Seconds, trace: r.Trace);
        }
        else
        {
            if (request.Steps > int.MaxValue) throw new UserInputException("--steps is too large for an ensemble");
            int half = (int)(request.Steps / 2);
            var r = EnsembleRunner.Run(map, new EnsembleSettings
            {
                Particles = request.Particles,
                Steps = (int)request.Steps,
                Seed = request.Seed,
                Threads = request.Threads,
                Initial = request.Initial,
                SnapshotSteps = half >= 1 ? [half, (int)request.Steps] : [(int)request.Steps],
            }, progress);
            var snap = r.Final;
            var stationarity = half >= 1 ? EnsembleStationarity.Between(r.At(half), snap) : null;
            if (r.Divergence.Count == request.Particles)
                throw new UserInputException($"all {request.Particles} particles diverged (first at step {r.Divergence.FirstStep}): η = {map.LearningRate} is too large for this objective");
            var marginals = Enumerable.Range(0, d).Select(k =>
            {
                var xs = snap.Coordinate(k);
                var h = Histogram1D.Of(xs, ranges[k].Item1, ranges[k].Item2, request.Bins);
                var g = gibbs?.Marginal(k);
                DistanceReport? dist = g is null ? null
                    : new DistanceReport(Statistics.Distances.TotalVariation(h, g), Statistics.Distances.KolmogorovSmirnov(xs, g.Cdf), Statistics.Distances.Wasserstein1(xs, g), xs.Length, false);
                return new MarginalComparison(k, h, RunningMoments.Of(xs), g, dist, g?.Mean, g?.Variance) { Sample = xs };
            }).ToArray();
            Histogram2D? h2 = null;
            if (d == 2)
            {
                h2 = new Histogram2D(ranges[0].Item1, ranges[0].Item2, 60, ranges[1].Item1, ranges[1].Item2, 60);
                foreach (var p in snap.FinitePoints()) h2.Add(p[0], p[1]);
            }
            return Comparison(marginals, h2, r.Divergence.Count, r.Divergence.FirstStep, request.Particles - r.Divergence.Count, r.Seconds, stationarity: stationarity);
        }
    }
}

/// <summary>
/// Has the ensemble reached its long-run law by step K? The laws at K/2 and K are compared coordinate by coordinate
/// with the two-sample Kolmogorov–Smirnov statistic against its critical value at α = 10⁻³. A stationary ensemble gives
/// the same law at both steps; the two snapshots hold the same particles, and that positive correlation only makes D
/// smaller, so the check errs towards "stationary" (false alarms at most at rate α per coordinate). A D above the
/// critical value means the output at step K is still a transient: raise the number of steps.
/// </summary>
/// <param name="FromStep">K/2.</param>
/// <param name="ToStep">K.</param>
/// <param name="KsPerCoordinate">sup |F_(K/2) − F_K| per coordinate.</param>
/// <param name="Critical">The two-sample critical value at α = 10⁻³.</param>
/// <param name="Stationary">Every coordinate's D is below the critical value.</param>
/// <param name="Warning">What to do when it is not (null when stationary).</param>
public sealed record EnsembleStationarity(int FromStep, int ToStep, double[] KsPerCoordinate, double Critical, bool Stationary, string? Warning)
{
    /// <summary>False-alarm rate of the check per coordinate (at most, for a stationary ensemble).</summary>
    public const double Alpha = 1e-3;

    public static EnsembleStationarity Between(EnsembleSnapshot early, EnsembleSnapshot late)
    {
        var d = Enumerable.Range(0, late.Dimension).Select(k => Distances.KolmogorovSmirnov(early.Coordinate(k), late.Coordinate(k))).ToArray();
        long n = early.Coordinate(0).Length, m = late.Coordinate(0).Length;
        double crit = n > 0 && m > 0 ? Distances.KolmogorovSmirnovCritical(n, m, Alpha) : double.NaN;
        bool ok = d.All(v => v <= crit);
        string? warning = ok ? null : FormattableString.Invariant(
            $"the ensemble's law still changes between step {early.Step} and step {late.Step} (two-sample KS D = {d.Max():G3} > {crit:G3} at alpha = {Alpha:G1}): the law at step {late.Step} is a transient, not the long-run law; raise --steps");
        return new EnsembleStationarity(early.Step, late.Step, d, crit, ok, warning);
    }
}
