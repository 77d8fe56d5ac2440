using System.Text.Json.Serialization;
using ChaosDescent.Learning;
using ChaosDescent.Maps;

namespace ChaosDescent.Analyses.Training;

/// <summary>Settings of <see cref="TrainingAnalysis"/> (CLI <c>chaosdescent train</c> with one <c>--lr</c>); the data set is
/// part of them and the system's objective is not used.</summary>
public sealed record TrainSettings
{
    /// <summary><c>data</c> (default "airfoil", Kong &amp; Tao 2020 Sec. 3.3): the built-in Airfoil Self-Noise data or a CSV file with a header row.</summary>
    public string Data { get; init; } = "airfoil";

    /// <summary><c>target</c> (default null: the last column): target column of a CSV file (header name, unique prefix or 1-based number).</summary>
    public string? Target { get; init; }

    /// <summary><c>hidden</c> (default "16", Sec. 3.3): hidden widths, e.g. 16 or 32,32.</summary>
    public string Hidden { get; init; } = "16";

    /// <summary><c>activation</c> (default "leakyrelu"): leakyrelu | relu | tanh | sine (SIREN).</summary>
    public string Activation { get; init; } = "leakyrelu";

    /// <summary><c>activation_param</c> (default null: Leaky-ReLU slope 0.01, sine frequency ω0 = 30).</summary>
    public double? ActivationParam { get; init; }

    /// <summary><c>lr</c> (no default: required): learning rate η.</summary>
    public double? Lr { get; init; }

    /// <summary><c>epochs</c> (default 20000): full-batch epochs.</summary>
    public int Epochs { get; init; } = 20000;

    /// <summary><c>momentum</c> (default 0 = plain GD): heavy-ball β in [0, 1).</summary>
    public double Momentum { get; init; }

    /// <summary><c>test_fraction</c> (default 0 = train on all, as in Sec. 3.3): seeded held-out fraction.</summary>
    public double TestFraction { get; init; }

    /// <summary><c>preprocess</c> (default "standardize"): standardize | center-target | none (fitted on the training part).</summary>
    public string Preprocess { get; init; } = "standardize";

    /// <summary><c>late_fraction</c> (default 0.25): fraction of epochs forming the late window of the loss statistics.</summary>
    public double LateFraction { get; init; } = 0.25;

    /// <summary><c>lyapunov</c> (default true): estimate the Lyapunov exponent of the training map (one HVP per late epoch).</summary>
    public bool Lyapunov { get; init; } = true;

    /// <summary><c>sharpness_points</c> (default 40): sharpness measurements along training (Cohen et al. 2021).</summary>
    public int SharpnessPoints { get; init; } = 40;

    /// <summary><c>watch</c> (default null: W1[0,0], b1[0], output W and b): parameter indices to histogram over late epochs.</summary>
    public int[]? Watch { get; init; }

    /// <summary><c>seed</c> (default 1): seed of the initialization and of the split.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary><c>threads</c> (default 1): threads over blocks of samples; results do not depend on it.</summary>
    public int Threads { get; init; } = 1;
}

/// <summary>One training run: the setup and the numbers of <see cref="RunSummary"/> (CLI <c>train --json</c>, less the files).</summary>
/// <remarks>
/// <c>TwoOverLr</c>: 2/η, the stability limit that the sharpness hovers at on the edge of stability (Cohen et al. 2021).<br/>
/// </remarks>
public sealed record TrainReport(
    string Data, string Target, string Network, string Activation, int Parameters, int TrainSamples, int TestSamples,
    string Preprocess, ulong Seed, double LateFraction, double Lr, double Momentum, int Epochs, double FinalLoss,
    double LossMeanLate, double LossStdLate, double IncreaseFractionLate, bool Converged, bool Diverged, int DivergedAtEpoch,
    double Lyapunov, double LyapunovSe, double Sharpness, double TwoOverLr, double StabilityThreshold, string Regime,
    double TestLoss, double Seconds, [property: JsonIgnore] TrainingResult? Result, [property: JsonIgnore] TrainingSetup? Setup);

/// <summary>
/// Full-batch GD (or heavy ball) training of an MLP on a regression data set, measured as a map (Kong &amp; Tao 2020,
/// Sec. 3.3, Figs. 6–7): the Lyapunov exponent of the training map, the sharpness against 2/η (Cohen et al. 2021) and
/// the late-window loss statistics, by <see cref="Trainer"/>.
/// </summary>
public static class TrainingAnalysis
{
    public static readonly IAnalysis Entry = new Analysis<TrainSettings, TrainReport>(
        "train", "does GD training of a network at a large learning rate behave chaotically? lambda, sharpness vs 2/eta, loss statistics (Sec. 3.3)", Run);

    /// <summary>The setup and the trainer's settings for <paramref name="settings"/> (user errors for bad values).</summary>
    public static (TrainingSetup Setup, TrainingSettings Settings) Prepare(TrainSettings settings, double? lr = null)
    {
        double eta = lr ?? settings.Lr ?? throw new UserInputException("train needs a learning rate (--lr)");
        if (!(eta > 0) || !double.IsFinite(eta)) throw new UserInputException($"lr must be a positive number (got {eta})");
        if (settings.Threads < 1) throw new UserInputException($"--threads must be at least 1, got {settings.Threads}");
        var setup = TrainingSetup.Create(settings.Data, settings.Target, settings.Hidden, settings.Activation, settings.ActivationParam,
            settings.Preprocess, settings.TestFraction, settings.Seed);
        if (settings.Watch is { } w)
            foreach (var i in w)
                if (i < 0 || i >= setup.Model.ParameterCount)
                    throw new UserInputException($"--watch: '{i}' is not a parameter index in 0…{setup.Model.ParameterCount - 1}");
        return (setup, new TrainingSettings
        {
            LearningRate = eta,
            Epochs = settings.Epochs,
            Momentum = settings.Momentum,
            LateFraction = settings.LateFraction,
            Lyapunov = settings.Lyapunov,
            SharpnessPoints = settings.SharpnessPoints,
            WatchedParameters = settings.Watch ?? setup.Model.DefaultWatchedParameters(),
            Seed = settings.Seed,
        });
    }

    /// <summary>The setup's fields as the CLI's summary.json writes them (without the run's numbers).</summary>
    public static Dictionary<string, object> SetupFields(TrainingSetup s, TrainingSettings settings) => new()
    {
        ["data"] = s.DataName,
        ["target"] = s.Data.Train.TargetNames[0],
        ["network"] = string.Join("-", s.Model.Widths),
        ["activation"] = s.Model.Activation.ToString()!,
        ["parameters"] = s.Model.ParameterCount,
        ["train_samples"] = s.Data.Train.Count,
        ["test_samples"] = s.Data.Test?.Count ?? 0,
        ["preprocess"] = DataPreparation.Name(s.Data.Preprocessing),
        ["seed"] = s.Seed,
        ["lr"] = settings.LearningRate,
        ["epochs"] = settings.Epochs,
        ["momentum"] = settings.Momentum,
        ["late_fraction"] = settings.LateFraction,
    };

    public static TrainReport Run(DescentSystem system, TrainSettings settings, IProgress<double>? progress = null)
    {
        var (setup, ts) = Prepare(settings);
        return Run(setup, ts, settings.Threads, progress);
    }

    /// <summary>One run from a prepared setup (<see cref="Prepare"/>); <paramref name="threads"/> split the samples into blocks.</summary>
    public static TrainReport Run(TrainingSetup setup, TrainingSettings ts, int threads, IProgress<double>? progress = null)
    {
        var loss = new MlpLoss(setup.Model, setup.Data.Train, threads);
        ITrainingLoss? test = setup.Data.Test is { } t ? new MlpLoss(setup.Model, t) : null;
        var result = Trainer.Run(loss, setup.Theta0, ts, progress, test);
        var s = RunSummary.From(result);
        return new TrainReport(
            Data: setup.DataName, Target: setup.Data.Train.TargetNames[0], Network: string.Join("-", setup.Model.Widths),
            Activation: setup.Model.Activation.ToString()!, Parameters: setup.Model.ParameterCount, TrainSamples: setup.Data.Train.Count,
            TestSamples: setup.Data.Test?.Count ?? 0, Preprocess: DataPreparation.Name(setup.Data.Preprocessing), Seed: setup.Seed,
            LateFraction: ts.LateFraction, Lr: s.Lr, Momentum: s.Momentum, Epochs: s.Epochs, FinalLoss: s.FinalLoss,
            LossMeanLate: s.LossMeanLate, LossStdLate: s.LossStdLate, IncreaseFractionLate: s.IncreaseFractionLate, Converged: s.Converged,
            Diverged: s.Diverged, DivergedAtEpoch: s.DivergedAtEpoch, Lyapunov: s.Lyapunov, LyapunovSe: s.LyapunovSe,
            Sharpness: s.Sharpness, TwoOverLr: s.TwoOverLr, StabilityThreshold: s.StabilityThreshold, Regime: s.Regime,
            TestLoss: s.TestLoss, Seconds: s.Seconds, Result: result, Setup: setup);
    }
}
