using ChaosDescent.Maps;
using ChaosDescent.Runners;

namespace ChaosDescent.Analyses.Landscapes.Convergence;

/// <summary>What <see cref="ConvergenceRate.Run"/> should do.</summary>
public sealed record ConvergenceRequest
{
    /// <summary>A 1-D map; Thm. 13 is about the stochastic map φ̂ (GD can be measured the same way).</summary>
    public required OptimizerMap Map { get; init; }

    public int Particles { get; init; } = 100_000;

    /// <summary>Steps K; null = long enough for three decades of the predicted rate (or 1000 without one).</summary>
    public int? Steps { get; init; }

    /// <summary>Number of measured steps between 0 and K (evenly spaced; at most K).</summary>
    public int Snapshots { get; init; } = 40;

    /// <summary>Initial ensemble; null = every particle at the minimizer of f0 + 2 (deterministic maps: uniform ±0.01 around it).</summary>
    public InitialCondition? Initial { get; init; }

    /// <summary>Size of the sample of the long-run law ρ∞.</summary>
    public int ReferenceParticles { get; init; } = 200_000;

    /// <summary>Steps of the long run (started at the minimizer of f0); null = until the predicted contraction r^R is below 1e-5 (or 20 K).</summary>
    public int? ReferenceSteps { get; init; }

    public ulong Seed { get; init; } = 1;
    public int Threads { get; init; }
}

/// <summary>
/// Thm. 13: for f0 μ-strongly convex and ν-smooth, W2(ρ_k, ρ∞) ≤ C·r^k with r = max(|1 − ημ|, |1 − ην|) for the
/// stochastic map (a synchronous coupling of two copies contracts by r per step). Measured here: ρ_k is an ensemble at
/// step k, ρ∞ an independent sample from a long run of the same map (own seed), W2 by quantiles
/// (<see cref="Wasserstein2"/>). The sampling floor — W2 between two independent samples of ρ∞ of these sizes — is
/// estimated from two halves of the reference sample; the rate is fitted (least squares on ½ln(W2² − floor²) against
/// k, the floor removed in quadrature) over the steps where W2 is at least <see cref="FitThreshold"/> times the floor.
/// Near the floor the error is not only in quadrature: the difference of the two samples' means (of order the floor)
/// shifts W2 coherently at every k, since every snapshot is the same ensemble; hence the generous threshold.
/// </summary>
public sealed class ConvergenceRate
{
    /// <summary>Steps enter the rate fit when W2 is at least this many times the sampling floor.</summary>
    public const double FitThreshold = 20;

    public required ConvergenceRequest Request { get; init; }
    public required int[] Steps { get; init; }
    public required double[] W2 { get; init; }

    /// <summary>Expected W2 between independent samples of ρ∞ of sizes N and M.</summary>
    public required double Floor { get; init; }

    public double? Mu { get; init; }
    public double? Nu { get; init; }

    /// <summary>max(|1 − ημ|, |1 − ην|), or null when f0 has no μ or ν.</summary>
    public double? PredictedRate { get; init; }

    /// <summary>exp(slope) of the least-squares fit of ln W2 over the fitted steps.</summary>
    public required double FittedRate { get; init; }

    /// <summary>Standard error of the fitted rate (from the regression residuals).</summary>
    public required double FittedRateError { get; init; }

    /// <summary>exp(intercept): the fit's C.</summary>
    public required double FittedConstant { get; init; }

    /// <summary>Number of steps used by the fit.</summary>
    public required int FitPoints { get; init; }

    public required int ReferenceSteps { get; init; }
    public required double Seconds { get; init; }

    public static ConvergenceRate Run(ConvergenceRequest request, IProgress<double>? progress = null)
    {
        var map = request.Map;
        var f0 = map.Multiscale.Macro;
        if (map.Dimension != 1) throw new UserInputException($"W2 by quantiles is 1-D ('{map.Multiscale.Name}' has d = {map.Dimension})");
        if (request.Snapshots < 3) throw new UserInputException("at least 3 snapshots are needed");
        if (request.Particles < 100 || request.ReferenceParticles < 200) throw new UserInputException("use at least 100 particles and 200 reference particles");
        var sw = System.Diagnostics.Stopwatch.StartNew();
        double eta = map.LearningRate;
        double? mu = f0.StrongConvexity, nu = f0.SmoothnessBound;
        double? rate = mu is { } m && nu is { } v ? Math.Max(Math.Abs(1 - eta * m), Math.Abs(1 - eta * v)) : null;
        int k = request.Steps ?? (rate is { } r0 && r0 < 1 ? (int)Math.Min(1_000_000, Math.Ceiling(Math.Log(1e-3) / Math.Log(r0))) : 1000);
        if (k < 2) throw new UserInputException($"--steps must be at least 2 (got {k})");
        int nSnap = Math.Min(request.Snapshots, k);
        int refSteps = request.ReferenceSteps ?? (rate is { } r1 && r1 < 1 ? (int)Math.Min(5_000_000, Math.Ceiling(Math.Log(1e-5) / Math.Log(r1))) : 20 * k);
        var land = new Wells.Landscape1D(f0);
        double xStar = Wells.PotentialWells.Of(land).Wells.OrderBy(w => w.MinimumValue).First().Minimum, start = xStar + 2;
        // A deterministic map keeps a point mass a point mass: spread its start over a small interval instead.
        var initial = request.Initial ?? (map.IsStochastic ? new FixedPoint([start]) : InitialCondition.Uniform(start - 1e-2, start + 1e-2));
        var snaps = Enumerable.Range(0, nSnap + 1).Select(i => (int)Math.Round((double)i * k / nSnap)).Distinct().ToArray();

        var ens = EnsembleRunner.Run(map, new EnsembleSettings
        {
            Particles = request.Particles,
            Steps = k,
            SnapshotSteps = snaps,
            Seed = request.Seed,
            Threads = request.Threads,
            Initial = initial,
        }, new Progress<double>(p => progress?.Report(0.5 * p)));
        var reference = EnsembleRunner.Run(map, new EnsembleSettings
        {
            // independent of the ensemble (own seed); started at x* (W2(δ_x*, ρ∞) is only the spread of ρ∞), so r^R ≤ 1e-5 leaves no trace of the start
            Particles = request.ReferenceParticles,
            Steps = refSteps,
            Seed = request.Seed ^ 0x5DEECE66DUL,
            Threads = request.Threads,
            Initial = map.IsStochastic ? new FixedPoint([xStar]) : InitialCondition.Uniform(xStar - 1e-2, xStar + 1e-2),
        }, new Progress<double>(p => progress?.Report(0.5 + 0.5 * p)));
        if (ens.Divergence.Any || reference.Divergence.Any)
            throw new UserInputException($"particles diverged (η = {eta} is too large for this objective)");
        var refSample = reference.Final.Coordinate(0);
        Array.Sort(refSample);
        var w2 = snaps.Select(s =>
        {
            var xs = ens.At(s).Coordinate(0);
            Array.Sort(xs);
            return Wasserstein2.BetweenSorted(xs, refSample);
        }).ToArray();

        // floor: W2 of two independent halves of the reference, rescaled from sizes (M/2, M/2) to (N, M); the RMS over
        // five random splits (one split is itself a noisy estimate)
        int half = refSample.Length / 2;
        var ha = new double[half];
        var hb = new double[half];
        var rng = Numerics.Xoshiro256.ForStream(request.Seed, 99);
        var shuffled = refSample.ToArray();
        double sumSq = 0;
        const int splits = 5;
        for (int split = 0; split < splits; split++)
        {
            for (int i = shuffled.Length - 1; i > 0; i--)
            {
                int j = rng.NextInt(i + 1);
                (shuffled[i], shuffled[j]) = (shuffled[j], shuffled[i]);
            }
            Array.Copy(shuffled, 0, ha, 0, half);
            Array.Copy(shuffled, half, hb, 0, half);
            double w = Wasserstein2.BetweenSamples(ha, hb);
            sumSq += w * w;
        }
        double halves = Math.Sqrt(sumSq / splits);
        double floor = halves * Math.Sqrt((1.0 / request.Particles + 1.0 / refSample.Length) / (2.0 / half));

        var fit = Enumerable.Range(0, snaps.Length).Where(i => snaps[i] >= 1 && w2[i] >= FitThreshold * floor).ToArray();
        double fitted = double.NaN, se = double.NaN, c = double.NaN;
        if (fit.Length >= 3)
        {
            var xs = fit.Select(i => (double)snaps[i]).ToArray();
            // Sampling noise adds (nearly) in quadrature: W2_measured² ≈ W2² + floor². Remove it before the fit.
            var ys = fit.Select(i => 0.5 * Math.Log(w2[i] * w2[i] - floor * floor)).ToArray();
            var (intercept, slope) = MathNet.Numerics.Fit.Line(xs, ys);
            double xm = xs.Average(), sxx = xs.Sum(x => (x - xm) * (x - xm));
            double rss = xs.Select((x, i) => ys[i] - intercept - slope * x).Sum(e => e * e);
            double slopeSe = Math.Sqrt(rss / (xs.Length - 2) / sxx);
            fitted = Math.Exp(slope);
            se = fitted * slopeSe;
            c = Math.Exp(intercept);
        }
        return new ConvergenceRate
        {
            Request = request,
            Steps = snaps,
            W2 = w2,
            Floor = floor,
            Mu = mu,
            Nu = nu,
            PredictedRate = rate,
            FittedRate = fitted,
            FittedRateError = se,
            FittedConstant = c,
            FitPoints = fit.Length,
            ReferenceSteps = refSteps,
            Seconds = sw.Elapsed.TotalSeconds,
        };
    }
}
