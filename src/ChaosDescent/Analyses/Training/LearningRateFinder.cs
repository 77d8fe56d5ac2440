using System.Text.Json.Serialization;
using ChaosDescent.Data;
using ChaosDescent.Learning;
using ChaosDescent.Maps;

namespace ChaosDescent.Analyses.Training;

/// <summary>Settings of <see cref="LearningRateFinder"/> (CLI <c>chaosdescent lr-find</c>); the data set and network are
/// part of them and the system's objective is not used.</summary>
public sealed record LrFindSettings
{
    /// <summary><c>data</c> (default "airfoil", Kong &amp; Tao 2020 Sec. 3.3): the built-in Airfoil Self-Noise data or a CSV file with a header row.</summary>
    public string Data { get; init; } = "airfoil";

    /// <summary><c>target</c> (default null: the last column): target column of a CSV file (header name, unique prefix or 1-based number).</summary>
    public string? Target { get; init; }

    /// <summary><c>hidden</c> (default "16", Sec. 3.3): hidden widths, e.g. 16 or 32,32.</summary>
    public string Hidden { get; init; } = "16";

    /// <summary><c>activation</c> (default "leakyrelu"): see <see cref="Learning.Activation.Names"/>.</summary>
    public string Activation { get; init; } = "leakyrelu";

    /// <summary><c>activation_param</c> (default null: the activation's own default).</summary>
    public double? ActivationParam { get; init; }

    /// <summary><c>preprocess</c> (default "standardize"): standardize | center-target | none.</summary>
    public string Preprocess { get; init; } = "standardize";

    /// <summary><c>lr_min</c> (default 0.003): smallest η of the log grid.</summary>
    public double LrMin { get; init; } = 0.003;

    /// <summary><c>lr_max</c> (default 3): largest η of the log grid.</summary>
    public double LrMax { get; init; } = 3;

    /// <summary><c>points</c> (default 10): η values, log-spaced from lr_min to lr_max (both included).</summary>
    public int Points { get; init; } = 10;

    /// <summary><c>seeds</c> (default 16): independent initializations (W ~ N(0, 1/fan-in), b = 0) per η.</summary>
    public int Seeds { get; init; } = 16;

    /// <summary><c>epochs</c> (default 1000): full-batch epochs per run. The verdict depends on it: progressive
    /// sharpening raises λ_max during training, so longer runs reach 2/η at smaller η (Cohen et al. 2021).</summary>
    public int Epochs { get; init; } = 1000;

    /// <summary><c>late_fraction</c> (default 0.25): fraction of epochs forming the late window (loss rises, λ).</summary>
    public double LateFraction { get; init; } = 0.25;

    /// <summary><c>sharpness_band</c> (default 0.2): half-width b; edge of stability needs η·λ_max/2 ≥ 1 − b
    /// (see <see cref="TrainingRegimeClassifier"/>).</summary>
    public double SharpnessBand { get; init; } = TrainingRegimeClassifier.DefaultSharpnessBand;

    /// <summary><c>target_rate</c> (default 0.95): the recommended η is the largest whose converging fraction reaches it.</summary>
    public double TargetRate { get; init; } = 0.95;

    /// <summary><c>seed</c> (default 1): seed of the initializations (initialization i uses its own stream).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary><c>threads</c> (default 0 = all cores): trainings run in parallel, one per work item; results do not depend on it.</summary>
    public int Threads { get; init; }
}

/// <summary>One training run of the sweep. <c>SharpnessRatio</c> is η·λ_max/2 at the end (1 = the stability limit).</summary>
public sealed record LrFindRun(double Lr, int Initialization, ulong InitSeed, string Regime, double FinalLoss, double LossMeanLate,
    double IncreaseFractionLate, double Sharpness, double SharpnessRatio, double Lyapunov, double LyapunovSe, int DivergedAtEpoch);

/// <summary>The four fractions at one η (summing to 1) with their 95% Wilson intervals, the majority regime ("mixed"
/// when none has more than half of the runs) and medians over the runs that did not diverge (NaN → null).</summary>
public sealed record LrFindPoint(double Lr, int Runs, double Converging, double EdgeOfStability, double Chaotic, double Diverged,
    double ConvergingLo, double ConvergingHi, double EdgeOfStabilityLo, double EdgeOfStabilityHi, double ChaoticLo, double ChaoticHi,
    double DivergedLo, double DivergedHi, string Majority, double MedianFinalLoss, double MedianSharpnessRatio, double MedianLyapunov);

/// <summary>A contiguous range of grid η (inclusive) with the same majority regime.</summary>
public sealed record LrFindBand(double LrLo, double LrHi, string Regime, int Points);

/// <summary>Result of <see cref="LearningRateFinder"/>.</summary>
/// <remarks>
/// <c>RecommendedLr</c>: the largest grid η such that it and every smaller grid η converge for at least
/// <c>TargetRate</c> of the initializations (point estimate); null when even lr_min does not. <c>RecommendedWilsonLo/Hi</c>:
/// the 95% Wilson interval of the converging fraction there — its lower end says how many seeds the claim rests on
/// (with S seeds all converging it is S/(S + 3.84)), so the lower end reaches the target only for S ≥ 73.
/// <c>RecommendedLrConfident</c>: the same rule applied to the Wilson lower bound instead of the point estimate.
/// <c>EdgeOfStabilityLrLo/Hi</c>: the first band whose majority is the edge of stability (null if none).
/// </remarks>
public sealed record LrFindReport(
    string Data, string Target, string Network, string Activation, int Parameters, int TrainSamples, string Preprocess,
    int Seeds, int Epochs, ulong Seed, double SharpnessBand, double TargetRate,
    IReadOnlyList<LrFindPoint> Points, IReadOnlyList<LrFindBand> Bands,
    double? RecommendedLr, double? RecommendedConverging, double? RecommendedWilsonLo, double? RecommendedWilsonHi, double? RecommendedLrConfident,
    double? EdgeOfStabilityLrLo, double? EdgeOfStabilityLrHi, string Rule,
    IReadOnlyList<LrFindRun> Runs, [property: JsonIgnore] double Seconds);

/// <summary>
/// lr-find by regimes: sweeps η on a log grid over many initializations, trains each (full-batch GD, <see cref="Trainer"/>),
/// classifies each run with <see cref="TrainingRegimeClassifier"/> (converging, edge of stability — Cohen et al. 2021 —,
/// chaotic — Kong &amp; Tao 2020 Sec. 3.3 —, diverged) and reports the four fractions against η with Wilson intervals, the
/// bands of η where one regime holds for most initializations, and the largest η that converges for ≥ 95% of them.
/// Unlike a loss-only learning-rate finder (Smith 2017; fastai's lr_find), the answer is a rate over initializations.
/// </summary>
public static class LearningRateFinder
{
    public static readonly IAnalysis Entry = new Analysis<LrFindSettings, LrFindReport>(
        "lr-find", "which learning rates converge, sit at the edge of stability, turn chaotic or diverge, over many initializations?", Run);

    /// <summary>The log grid lr_min … lr_max with <paramref name="points"/> values (end points exact).</summary>
    public static double[] Grid(double lrMin, double lrMax, int points)
    {
        var g = new double[points];
        double a = Math.Log(lrMin), b = Math.Log(lrMax);
        for (int i = 0; i < points; i++) g[i] = i == 0 ? lrMin : i == points - 1 ? lrMax : Math.Exp(a + (b - a) * i / (points - 1));
        return g;
    }

    public static LrFindReport Run(DescentSystem system, LrFindSettings s, IProgress<double>? progress = null)
    {
        Validate(s);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var setup = TrainingSetup.Create(s.Data, s.Target, s.Hidden, s.Activation, s.ActivationParam, s.Preprocess, 0, s.Seed);
        var model = setup.Model;
        var train = setup.Data.Train;
        var lrs = Grid(s.LrMin, s.LrMax, s.Points);
        var initSeeds = Enumerable.Range(0, s.Seeds).Select(i => TrainingRegimeClassifier.InitializationSeed(s.Seed, i)).ToArray();
        var thetas = initSeeds.Select(model.CreateParameters).ToArray();
        int jobs = lrs.Length * s.Seeds;

        // One training per work item (η-major, initialization-minor), each with its own single-threaded loss; results are
        // stored by item index, so they are bitwise independent of the thread count.
        var runs = new LrFindRun[jobs];
        var regimes = new LearningRateRegime[jobs];
        int done = 0;
        int threads = s.Threads > 0 ? s.Threads : Environment.ProcessorCount;
        Parallel.For(0, jobs, new ParallelOptions { MaxDegreeOfParallelism = threads }, j =>
        {
            int p = j / s.Seeds, i = j % s.Seeds;
            var ts = new TrainingSettings
            {
                LearningRate = lrs[p],
                Epochs = s.Epochs,
                LateFraction = s.LateFraction,
                LyapunovWarmup = Math.Min(200, s.Epochs / 5),
                SharpnessPoints = 0,
                Seed = initSeeds[i],
            };
            var r = Trainer.Run(new MlpLoss(model, train), thetas[i], ts);
            var g = TrainingRegimeClassifier.Classify(r, s.SharpnessBand);
            regimes[j] = g;
            runs[j] = new LrFindRun(lrs[p], i, initSeeds[i], TrainingRegimeClassifier.Name(g), r.FinalLoss, r.Late.Mean, r.Late.IncreaseFraction,
                r.FinalSharpness, TrainingRegimeClassifier.SharpnessRatio(r), r.Lyapunov, r.LyapunovStandardError, r.DivergedAtEpoch);
            progress?.Report(Interlocked.Increment(ref done) / (double)jobs);
        });

        if (regimes.All(g => g == LearningRateRegime.Diverged))
            throw new UserInputException(FormattableString.Invariant(
                $"the network diverged at every learning rate from {s.LrMin:G4} to {s.LrMax:G4} for all {s.Seeds} initializations; try a lower --lr-min (e.g. {s.LrMin / 100:G3})"));

        var points = new LrFindPoint[lrs.Length];
        for (int p = 0; p < lrs.Length; p++)
        {
            var k = new int[4];
            for (int i = 0; i < s.Seeds; i++) k[(int)regimes[p * s.Seeds + i]]++;
            var ci = k.Select(c => TrainingRegimeClassifier.Wilson(c, s.Seeds)).ToArray();
            int top = Array.IndexOf(k, k.Max());
            string majority = 2 * k[top] > s.Seeds ? TrainingRegimeClassifier.Name((LearningRateRegime)top) : "mixed";
            var alive = runs.Skip(p * s.Seeds).Take(s.Seeds).Where(r => r.Regime != "diverged").ToArray();
            double n = s.Seeds;
            points[p] = new LrFindPoint(lrs[p], s.Seeds, k[0] / n, k[1] / n, k[2] / n, k[3] / n,
                ci[0].Lower, ci[0].Upper, ci[1].Lower, ci[1].Upper, ci[2].Lower, ci[2].Upper, ci[3].Lower, ci[3].Upper, majority,
                Median(alive.Select(r => r.FinalLoss)), Median(alive.Select(r => r.SharpnessRatio)), Median(alive.Select(r => r.Lyapunov)));
        }

        var bands = new List<LrFindBand>();
        for (int p = 0; p < points.Length;)
        {
            int q = p;
            while (q + 1 < points.Length && points[q + 1].Majority == points[p].Majority) q++;
            bands.Add(new LrFindBand(points[p].Lr, points[q].Lr, points[p].Majority, q - p + 1));
            p = q + 1;
        }

        int Count(int p) => Enumerable.Range(0, s.Seeds).Count(i => regimes[p * s.Seeds + i] == LearningRateRegime.Converging);
        int best = -1, confident = -1;
        for (int p = 0; p < points.Length && Count(p) >= s.TargetRate * s.Seeds - 1e-12; p++) best = p;
        for (int p = 0; p < points.Length && TrainingRegimeClassifier.Wilson(Count(p), s.Seeds).Lower >= s.TargetRate; p++) confident = p;
        var eos = bands.FirstOrDefault(b => b.Regime == TrainingRegimeClassifier.Name(LearningRateRegime.EdgeOfStability));
        string rule = FormattableString.Invariant(
            $"recommended_lr: the largest grid lr such that it and every smaller grid lr converge for at least {s.TargetRate:G3} of the {s.Seeds} initializations (point estimate); ") +
            "recommended_wilson_lo/hi: the 95% Wilson interval of that fraction; recommended_lr_confident: the same rule on the Wilson lower bound. " +
            FormattableString.Invariant($"Regimes: diverged; converging (late loss never rose, or eta*sharpness/2 < {1 - s.SharpnessBand:G3}); chaotic (lambda - 2 SE > 0); ") +
            FormattableString.Invariant($"edge_of_stability (not converging, not chaotic, eta*sharpness/2 >= {1 - s.SharpnessBand:G3}). Bands: contiguous grid lr with the same majority (> half) regime, else 'mixed'.");
        return new LrFindReport(setup.DataName, train.TargetNames[0], string.Join("-", model.Widths), model.Activation.ToString()!, model.ParameterCount,
            train.Count, DataPreparation.Name(setup.Data.Preprocessing), s.Seeds, s.Epochs, s.Seed, s.SharpnessBand, s.TargetRate,
            points, bands,
            best >= 0 ? lrs[best] : null, best >= 0 ? points[best].Converging : null, best >= 0 ? points[best].ConvergingLo : null,
            best >= 0 ? points[best].ConvergingHi : null, confident >= 0 ? lrs[confident] : null,
            eos?.LrLo, eos?.LrHi, rule, runs, sw.Elapsed.TotalSeconds);
    }

    private static void Validate(LrFindSettings s)
    {
        if (!(s.LrMin > 0) || !double.IsFinite(s.LrMin)) throw new UserInputException($"--lr-min must be a positive number, got {s.LrMin}");
        if (!double.IsFinite(s.LrMax) || !(s.LrMin < s.LrMax))
            throw new UserInputException($"--lr-min ({s.LrMin}) must be smaller than --lr-max ({s.LrMax})");
        if (s.Points < 2) throw new UserInputException($"--points must be at least 2, got {s.Points}");
        if (s.Seeds < 1) throw new UserInputException($"--seeds must be at least 1, got {s.Seeds}");
        if (s.Epochs < 10) throw new UserInputException($"--epochs must be at least 10, got {s.Epochs}");
        if (!(s.SharpnessBand > 0 && s.SharpnessBand < 1)) throw new UserInputException($"--sharpness-band must lie in (0, 1), got {s.SharpnessBand}");
        if (!(s.TargetRate > 0 && s.TargetRate <= 1)) throw new UserInputException($"--target-rate must lie in (0, 1], got {s.TargetRate}");
        if (!(s.LateFraction > 0 && s.LateFraction <= 1)) throw new UserInputException($"--late-fraction must lie in (0, 1], got {s.LateFraction}");
        if (s.Threads < 0) throw new UserInputException($"--threads must be at least 0 (0 = all cores), got {s.Threads}");
    }

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Where(double.IsFinite).Order().ToArray();
        if (v.Length == 0) return double.NaN;
        return v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[v.Length / 2 - 1] + v[v.Length / 2]);
    }
}
