using System.Text.Json.Serialization;
using ChaosDescent.Learning;
using ChaosDescent.Maps;

namespace ChaosDescent.Analyses.ImplicitBias;

/// <summary>Settings of <see cref="MinimaAnalysis"/> (CLI <c>chaosdescent minima</c>); the data set is part of them.</summary>
public sealed record MinimaAnalysisSettings
{
    /// <summary><c>data</c> (default "sine6"): a CSV file or built-in regression data.</summary>
    public string Data { get; init; } = "sine6";

    /// <summary><c>target</c> (default null: the last column).</summary>
    public string? Target { get; init; }

    /// <summary><c>data_seed</c> (default 7): seed of a built-in data set.</summary>
    public ulong DataSeed { get; init; } = DataSources.DefaultSeed;

    /// <summary><c>samples</c> (default null: all): use only the first n rows (to make N &lt; M).</summary>
    public int? Samples { get; init; }

    /// <summary><c>preprocessing</c> (default "auto": standardize a CSV, leave built-ins): standardize | center-target | none | auto.</summary>
    public string Preprocessing { get; init; } = "auto";

    /// <summary><c>hidden</c> (default "32"): hidden widths, e.g. 32 or 16,16.</summary>
    public string Hidden { get; init; } = "32";

    /// <summary><c>activation</c> (default "tanh"): tanh | leakyrelu | relu | sine.</summary>
    public string Activation { get; init; } = "tanh";

    /// <summary><c>lr</c> (default 0.05): learning rate of the small-LR GD run.</summary>
    public double Lr { get; init; } = 0.05;

    /// <summary><c>epochs</c> (default 20000): epochs of every run.</summary>
    public long Epochs { get; init; } = 20_000;

    /// <summary><c>large_lr</c> (default null: 2.5/λ_max at the end of the small-LR run, i.e. 2/η = 0.8 of that sharpness).</summary>
    public double? LargeLr { get; init; }

    /// <summary><c>sgd_lr</c> (default null: lr): SGD rate.</summary>
    public double? SgdLr { get; init; }

    /// <summary><c>batch</c> (default 1): SGD batch size.</summary>
    public int Batch { get; init; } = 1;

    /// <summary><c>compare</c> (default true): also large-LR GD and SGD (false: only the small-LR GD run).</summary>
    public bool Compare { get; init; } = true;

    /// <summary><c>polish</c> (default true): take the spectrum at a true minimizer (Levenberg–Marquardt from where GD stopped).</summary>
    public bool Polish { get; init; } = true;

    /// <summary><c>seed</c> (default 1): initialization (and SGD) seed.</summary>
    public ulong Seed { get; init; } = 1;
}

/// <summary>One run (small-LR GD, large-LR GD or SGD) and the Hessian spectrum where it ended.</summary>
public sealed record MinimaRunReport(string Method, double Lr, int Batch, long Epochs, bool Diverged, double GdLoss, double PolishedLoss,
    int PolishIterations, double PolishDistance, double? Sharpness, double SharpnessEndOfTraining, double? StabilityBound,
    int NearZeroEigenvalues, double NearZeroThreshold);

/// <summary>The degenerate minima of an over-parametrized network (CLI <c>minima --json</c>, less the files).</summary>
/// <remarks>
/// <c>ExpectedNearZeroAtLeast</c>: M − N: the dimension of the manifold of zero-loss minimizers (Cooper 2018), a lower bound on the near-zero eigenvalues.<br/>
/// <c>Warnings</c>: Warnings about the runs (not over-parametrized, polishing incomplete or far from GD's point).<br/>
/// </remarks>
public sealed record MinimaReport(
    string Data, string Model, int Params, int Samples, int ExpectedNearZeroAtLeast, double FinalLoss, double GdLoss,
    double PolishedLoss, int PolishIterations, double PolishDistance, double[] HessianEigenvalues, int NearZeroEigenvalues,
    double NearZeroThreshold, double ResidualTermNorm, double GapRatio, double Sharpness, double SharpnessEndOfTraining,
    double InitialSharpness, double Lr, long Epochs, MinimaRunReport[] Comparison, string[] Warnings,
    [property: JsonIgnore] MinimaResult? Result);

/// <summary>
/// The global minima of an over-parametrized network form a manifold of dimension M − N (Cooper 2018), so the Hessian
/// there has at least M − N zero eigenvalues; large-LR GD and SGD end at flatter minima than small-LR GD, bounded by
/// the stability limit 2/η (Wu et al. 2018; Cohen et al. 2021). Measured by <see cref="DegenerateMinima"/>.
/// </summary>
public static class MinimaAnalysis
{
    public static readonly IAnalysis Entry = new Analysis<MinimaAnalysisSettings, MinimaReport>(
        "minima", "how degenerate are the global minima of an over-parametrized network, and which do large-LR GD and SGD pick?", Run);

    public static MinimaReport Run(DescentSystem system, MinimaAnalysisSettings settings, IProgress<double>? progress = null)
    {
        Positive(settings.Lr, "lr");
        if (settings.LargeLr is { } l) Positive(l, "large-lr");
        if (settings.SgdLr is { } sl) Positive(sl, "sgd-lr");
        if (settings.Batch < 1) throw new UserInputException($"batch must be at least 1 (got {settings.Batch})");
        bool builtin = DataSources.IsBuiltin(settings.Data);
        var raw = builtin
            ? DegenerateMinima.ToLearningData(DataSources.LoadRegression(settings.Data, settings.Target, settings.DataSeed))
            : CsvDataLoader.Load(settings.Data, settings.Target);
        if (settings.Samples is { } ns)
        {
            if (ns < 1 || ns > raw.Count) throw new UserInputException($"--samples must be in 1..{raw.Count}, got {ns}");
            raw = raw.Subset(Enumerable.Range(0, ns).ToArray());
        }
        string pre = settings.Preprocessing.Trim().ToLowerInvariant();
        var prep = pre == "auto" ? (builtin ? Learning.Preprocessing.None : Learning.Preprocessing.Standardize) : DataPreparation.ParsePreprocessing(pre);
        var set = DataPreparation.Prepare(raw, prep, 0, settings.Seed).Train;
        var res = DegenerateMinima.Run(set, new MinimaSettings
        {
            Hidden = settings.Hidden,
            Activation = Learning.Activation.Parse(settings.Activation),
            LearningRate = settings.Lr,
            Epochs = settings.Epochs,
            Compare = settings.Compare,
            LargeLearningRate = settings.LargeLr,
            SgdLearningRate = settings.SgdLr,
            Batch = settings.Batch,
            Seed = settings.Seed,
            Polish = settings.Polish,
        }, progress);
        var main = res.Main;
        var warnings = new List<string>();
        if (res.Samples >= res.Params)
            warnings.Add($"N = {res.Samples} ≥ M = {res.Params}: the model is not over-parametrized, zero loss and M − N null directions are not expected (use --samples or a wider --hidden)");
        if (settings.Polish && main.PolishedLoss > 1e-20)
            warnings.Add($"polishing stopped at loss {main.PolishedLoss:G3}, not at rounding level: the point may not be a zero-loss minimizer");
        if (settings.Polish && main.PolishDistance > 0.01 * Math.Max(main.DistanceFromInit, 1e-12))
            warnings.Add($"polishing moved θ by {main.PolishDistance:G3} (GD had moved {main.DistanceFromInit:G3} from the start): GD was far from converged, so the polished minimizer is not GD's limit; compare 'sharpness_end_of_training'");
        return new MinimaReport(
            Data: set.Name, Model: res.Model, Params: res.Params, Samples: res.Samples,
            ExpectedNearZeroAtLeast: Math.Max(0, res.Params - res.Samples), FinalLoss: main.PolishedLoss, GdLoss: main.TrainedLoss,
            PolishedLoss: main.PolishedLoss, PolishIterations: main.PolishIterations, PolishDistance: main.PolishDistance,
            HessianEigenvalues: main.Eigenvalues, NearZeroEigenvalues: main.NearZero, NearZeroThreshold: main.Threshold,
            ResidualTermNorm: main.ResidualTermNorm, GapRatio: main.GapRatio, Sharpness: main.Sharpness,
            SharpnessEndOfTraining: main.TraceSharpness[^1], InitialSharpness: res.InitialSharpness, Lr: main.LearningRate,
            Epochs: main.Epochs,
            Comparison: new[] { main }.Concat(res.Comparisons).Select(m => new MinimaRunReport(m.Method, m.LearningRate, m.Batch, m.Epochs, m.Diverged, m.TrainedLoss, m.PolishedLoss, m.PolishIterations, m.PolishDistance, m.Diverged ? null : m.Sharpness, m.TraceSharpness.Length > 0 ? m.TraceSharpness[^1] : double.NaN, m.Batch == 0 ? 2 / m.LearningRate : null, m.NearZero, m.Threshold)).ToArray(),
            Warnings: [.. warnings], Result: res);
    }

    private static double Positive(double v, string name) =>
        v > 0 && double.IsFinite(v) ? v : throw new UserInputException($"{name} must be a positive number (got {v})");
}
