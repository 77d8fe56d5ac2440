using System.Text.Json.Serialization;
using ChaosDescent.Maps;

namespace ChaosDescent.Analyses.ImplicitBias;

/// <summary>Settings of <see cref="MarginAnalysis"/> (CLI <c>chaosdescent margin</c>); the data set is part of them.</summary>
public sealed record MarginSettings
{
    /// <summary><c>data</c> (default "xor"): a CSV file or a built-in data set.</summary>
    public string Data { get; init; } = "xor";

    /// <summary><c>target</c> (default null: the last column): label column.</summary>
    public string? Target { get; init; }

    /// <summary><c>hidden</c> (default 10): hidden units q.</summary>
    public int Hidden { get; init; } = 10;

    /// <summary><c>loss</c> (default "logistic"): logistic | exp.</summary>
    public string Loss { get; init; } = "logistic";

    /// <summary><c>lr</c> (default 1): learning rate of full-batch GD on the mean loss.</summary>
    public double Lr { get; init; } = 1.0;

    /// <summary><c>steps</c> (default 100000): GD steps T.</summary>
    public long Steps { get; init; } = 100_000;

    /// <summary><c>init_scale</c> (default 1): initial weights W1 ~ N(0, s²/d), W2 ~ N(0, s²/q).</summary>
    public double InitScale { get; init; } = 1.0;

    /// <summary><c>seed</c> (default 1): seed of the initialization.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary><c>data_seed</c> (default 7): seed of a built-in data set.</summary>
    public ulong DataSeed { get; init; } = DataSources.DefaultSeed;
}

/// <summary>The normalized margin of a trained 2-layer ReLU network and its last-decade slopes (CLI <c>margin --json</c>).</summary>
/// <remarks>
/// <c>LinearlySeparable</c>: Whether a linear classifier (with or without bias) separates the data: the network is needed when not.<br/>
/// <c>NormalizedMargin</c>: min_n y_n f(x_n) / (‖W1‖ ‖W2‖), non-decreasing along GD for homogeneous networks (Lyu &amp; Li 2020).<br/>
/// <c>BalanceDrift</c>: Drift of ‖W1‖² − ‖W2‖², conserved by gradient flow (Du et al. 2018).<br/>
/// </remarks>
public sealed record MarginReport(
    string Data, int Samples, int Features, bool LinearlySeparable, int Hidden, int Params, string Loss, double Lr, long Steps,
    long? FirstFullAccuracyStep, double FinalAccuracy, double FinalLoss, double NormW1, double NormW2, double MinMargin,
    double NormalizedMargin, double SpectralNormalizedMargin, double NormalizedMarginChangeLastDecade, double NormProductSlope,
    double InverseNormalizedMargin, double NormW1SquaredSlope, double NormW2SquaredSlope, double BalanceDrift,
    [property: JsonIgnore] ReluMarginTrace? Trace, [property: JsonIgnore] ClassificationData? Set);

/// <summary>
/// The normalized margin of a homogeneous 2-layer ReLU network trained by GD on the logistic loss increases and
/// ‖W1‖² − ‖W2‖² is conserved along gradient flow (Lyu &amp; Li 2020; Du et al. 2018), measured by <see cref="ReluMargin"/>.
/// </summary>
public static class MarginAnalysis
{
    public static readonly IAnalysis Entry = new Analysis<MarginSettings, MarginReport>(
        "margin", "does the normalized margin of a ReLU network trained by GD keep growing? (Lyu & Li 2020)", Run);

    public static MarginReport Run(DescentSystem system, MarginSettings settings, IProgress<double>? progress = null)
    {
        if (!(settings.Lr > 0) || !double.IsFinite(settings.Lr)) throw new UserInputException($"lr must be a positive number (got {settings.Lr})");
        if (!(settings.InitScale > 0)) throw new UserInputException($"init-scale must be positive (got {settings.InitScale})");
        var set = DataSources.LoadClassification(settings.Data, settings.Target, settings.DataSeed);
        bool linSep = HardMarginSvm.Solve(set).Separable || HardMarginSvm.Solve(set.WithBias()).Separable;
        var kind = MarginLosses.Parse(settings.Loss);
        var tr = ReluMargin.Run(set, new ReluMarginSettings
        {
            Hidden = settings.Hidden,
            LearningRate = settings.Lr,
            Steps = settings.Steps,
            Loss = kind,
            InitScale = settings.InitScale,
            Seed = settings.Seed,
        }, progress);
        var summary = ReluMarginSummary.From(tr);
        return new MarginReport(
            Data: set.Name, Samples: set.Count, Features: set.Dimension, LinearlySeparable: linSep, Hidden: settings.Hidden,
            Params: settings.Hidden * (set.Dimension + 1), Loss: MarginLosses.Name(kind), Lr: settings.Lr, Steps: settings.Steps,
            FirstFullAccuracyStep: tr.FirstFullAccuracyStep >= 0 ? tr.FirstFullAccuracyStep : null, FinalAccuracy: tr.Accuracy[^1],
            FinalLoss: tr.Loss[^1], NormW1: tr.NormW1[^1], NormW2: tr.NormW2[^1], MinMargin: tr.MinMargin[^1],
            NormalizedMargin: tr.NormalizedMargin[^1], SpectralNormalizedMargin: tr.SpectralNormalizedMargin[^1],
            NormalizedMarginChangeLastDecade: summary.MarginChangeLastDecade, NormProductSlope: summary.ProductSlope,
            InverseNormalizedMargin: 1 / tr.NormalizedMargin[^1], NormW1SquaredSlope: summary.W1SquaredSlope,
            NormW2SquaredSlope: summary.W2SquaredSlope, BalanceDrift: summary.BalanceDrift, Trace: tr, Set: set);
    }
}
