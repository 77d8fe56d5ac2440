using System.Text.Json.Serialization;
using ChaosDescent.Maps;

namespace ChaosDescent.Analyses.ImplicitBias;

/// <summary>Settings of <see cref="ImplicitBiasAnalysis"/> (CLI <c>chaosdescent implicit-bias</c>). The data set is
/// part of the settings; the system's objective is not used.</summary>
public sealed record ImplicitBiasSettings
{
    /// <summary><c>data</c> (default "separable2d"): a CSV file (one header row) or a built-in data set.</summary>
    public string Data { get; init; } = "separable2d";

    /// <summary><c>target</c> (default null: the last column): label column of a CSV, any two distinct values.</summary>
    public string? Target { get; init; }

    /// <summary><c>loss</c> (default "logistic"): logistic | exp.</summary>
    public string Loss { get; init; } = "logistic";

    /// <summary><c>lr</c> (default 1): learning rate η of GD on the mean loss (1/N) Σ ℓ(y_n wᵀx_n).</summary>
    public double Lr { get; init; } = 1.0;

    /// <summary><c>steps</c> (default 100000): GD steps T.</summary>
    public long Steps { get; init; } = 100_000;

    /// <summary><c>bias</c> (default false): add a constant feature 1 (penalized in the SVM like the other weights).</summary>
    public bool Bias { get; init; }

    /// <summary><c>data_seed</c> (default 7): seed of a built-in data set.</summary>
    public ulong DataSeed { get; init; } = DataSources.DefaultSeed;
}

/// <summary>The two label values, mapped to −1 and +1.</summary>
public sealed record LabelPair(string Negative, string Positive);

/// <summary>KKT residuals of the hard-margin SVM solution.</summary>
public sealed record KktReport(double PrimalViolation, double DualViolation, double ComplementarySlackness, double Stationarity, double RelativeDualityGap);

/// <summary>GD's direction against the hard-margin SVM (CLI <c>implicit-bias --json</c>, less the files).</summary>
/// <remarks>
/// <c>Note</c>: Why Thm. 3 does not apply, when the data are not separable (Gordan's alternative).<br/>
/// <c>LrBound</c>: Thm. 3's step-size bound 2/(β λ_max): GD may oscillate at or above it.<br/>
/// </remarks>
public sealed record ImplicitBiasReport(
    string Data, int Samples, int Features, string[] FeatureNames, bool Bias, LabelPair Labels, bool Separable, string? Note,
    double[]? SvmDirection, double[]? SvmWeights, double? SvmNorm, double? SvmMargin, int[] SupportVectors, string SvmMethod,
    KktReport? Kkt, double? CertificateResidual, string Loss, double Lr, double LrBound, long Steps, double? Angle,
    double NormGrowthSlope, double? SlopeRelativeError, double? ResidualNorm, double FinalNorm, double[]? FinalDirection,
    double FinalLoss, double FinalNormalizedMargin, [property: JsonIgnore] MaxMarginResult? Result,
    [property: JsonIgnore] ClassificationData? Set);

/// <summary>
/// GD on linearly separable data converges in direction to the max-margin (hard-margin SVM) solution and ‖w(t)‖ grows
/// like ‖ŵ‖ ln t (Soudry et al. 2018, Thm. 3), measured by <see cref="MaxMarginAnalysis"/>.
/// </summary>
public static class ImplicitBiasAnalysis
{
    public static readonly IAnalysis Entry = new Analysis<ImplicitBiasSettings, ImplicitBiasReport>(
        "implicit-bias", "does GD on separable data converge in direction to the hard-margin SVM? (Soudry et al. 2018)", Run);

    public static ImplicitBiasReport Run(DescentSystem system, ImplicitBiasSettings settings, IProgress<double>? progress = null)
    {
        if (!(settings.Lr > 0) || !double.IsFinite(settings.Lr)) throw new UserInputException($"lr must be a positive number (got {settings.Lr})");
        var set = DataSources.LoadClassification(settings.Data, settings.Target, settings.DataSeed);
        if (settings.Bias) set = set.WithBias();
        var kind = MarginLosses.Parse(settings.Loss);
        double bound = LinearClassifierGd.StableStepBound(set, kind);
        var result = MaxMarginAnalysis.Run(set, new LinearGdSettings { Loss = kind, LearningRate = settings.Lr, Steps = settings.Steps }, progress);
        var svm = result.Svm;
        string? note = svm.Separable ? null :
            $"the data are not linearly separable{(set.HasBias ? " (with bias)" : " through the origin (try --bias)")}: weights u ≥ 0 with Σu = 1 put Σ u_n y_n x_n at distance {svm.CertificateResidual.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)}·R from 0, so 0 lies in the convex hull of the y_n x_n and no w has y_n wᵀx_n > 0 for all n (Gordan). No hard-margin SVM exists, Thm. 3 does not apply, and GD converges to a finite minimizer instead of growing in a max-margin direction.";
        return new ImplicitBiasReport(
            Data: set.Name, Samples: set.Count, Features: set.Dimension, FeatureNames: set.FeatureNames, Bias: set.HasBias,
            Labels: new LabelPair(set.NegativeLabel, set.PositiveLabel), Separable: svm.Separable, Note: note, SvmDirection: svm.Direction,
            SvmWeights: svm.W, SvmNorm: svm.Separable ? svm.Norm : null, SvmMargin: svm.Separable ? svm.Margin : null,
            SupportVectors: svm.SupportVectors, SvmMethod: svm.Method,
            Kkt: svm.Kkt is { } k ? new KktReport(k.PrimalViolation, k.DualViolation, k.ComplementarySlackness, k.Stationarity, k.RelativeDualityGap) : null,
            CertificateResidual: svm.Separable ? null : svm.CertificateResidual, Loss: MarginLosses.Name(kind), Lr: settings.Lr,
            LrBound: bound, Steps: settings.Steps, Angle: svm.Separable ? result.FinalAngle : null,
            NormGrowthSlope: result.NormGrowthSlope, SlopeRelativeError: svm.Separable ? result.NormGrowthSlope / svm.Norm - 1 : null,
            ResidualNorm: svm.Separable ? result.ResidualNorm[^1] : null, FinalNorm: result.Norm[^1],
            FinalDirection: result.FinalDirection, FinalLoss: result.Trace.Loss[^1],
            FinalNormalizedMargin: result.Trace.NormalizedMargin[^1], Result: result, Set: set);
    }
}
