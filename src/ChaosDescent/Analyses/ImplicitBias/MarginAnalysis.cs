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

/// <summary>The normalized margin of a trained 2-layer ReLU network and its last-decade slopes.</summary>
public sealed record MarginReport
{
    public required string Data { get; init; }
    public required int Samples { get; init; }
    public required int Hidden { get; init; }
    public required long Steps { get; init; }
    public required double FinalLoss { get; init; }
    public required double FinalAccuracy { get; init; }
    public required double FinalNormalizedMargin { get; init; }
    public required ReluMarginSummary Summary { get; init; }

    [JsonIgnore]
    public ReluMarginTrace? Trace { get; init; }
}

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
        var tr = ReluMargin.Run(set, new ReluMarginSettings
        {
            Hidden = settings.Hidden,
            LearningRate = settings.Lr,
            Steps = settings.Steps,
            Loss = MarginLosses.Parse(settings.Loss),
            InitScale = settings.InitScale,
            Seed = settings.Seed,
        }, progress);
        return new MarginReport
        {
            Data = set.Name,
            Samples = set.Count,
            Hidden = settings.Hidden,
            Steps = tr.Steps[^1],
            FinalLoss = tr.Loss[^1],
            FinalAccuracy = tr.Accuracy[^1],
            FinalNormalizedMargin = tr.NormalizedMargin[^1],
            Summary = ReluMarginSummary.From(tr),
            Trace = tr,
        };
    }
}
