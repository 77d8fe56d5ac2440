using ChaosDescent.Objectives;
using System.Text.Json.Serialization;
using ChaosDescent.Data;
using ChaosDescent.Maps;

namespace ChaosDescent.Analyses.ImplicitBias;

/// <summary>Settings of <see cref="LangevinAnalysis"/> (CLI <c>chaosdescent langevin</c>); the data set is part of them.</summary>
public sealed record LangevinAnalysisSettings : SeededSettings
{
    /// <summary><c>data</c> (default "linreg2d"): a CSV file or a built-in data set.</summary>
    public string Data { get; init; } = "linreg2d";

    /// <summary><c>target</c> (default null: the last column): target/label column.</summary>
    public string? Target { get; init; }

    /// <summary><c>data_seed</c> (default 7): seed of a built-in data set.</summary>
    public ulong DataSeed { get; init; } = DataSources.DefaultSeed;

    /// <summary><c>model</c> (default "least-squares"): least-squares | logistic.</summary>
    public string Model { get; init; } = "least-squares";

    /// <summary><c>ridge</c> (default 0): logistic only, ridge λ ≥ 0 added to every sample loss.</summary>
    public double Ridge { get; init; }

    /// <summary><c>lr</c> (default 0.1): learning rate η, the same for SGD, Langevin and GD with SGD-shaped noise.</summary>
    public double Lr { get; init; } = 0.1;

    /// <summary><c>batch</c> (default 10): SGD batch size b (&lt; N).</summary>
    public int Batch { get; init; } = 10;

    /// <summary><c>temperature</c> (default null: matched to SGD's noise, T = η tr C*/(2d)): Langevin temperature.</summary>
    public double? Temperature { get; init; }

    /// <summary><c>chains</c> (default 2000, at least 20): independent chains per iteration.</summary>
    public int Chains { get; init; } = 2000;

    /// <summary><c>snapshots</c> (default 10): samples per chain after burn-in.</summary>
    public int Snapshots { get; init; } = 10;

    /// <summary><c>burn_in</c> (default null: 12 relaxation times 1/(η λ_min)).</summary>
    public int? BurnIn { get; init; }

    /// <summary><c>thin</c> (default null: one relaxation time): steps between samples of a chain.</summary>
    public int? Thin { get; init; }

    /// <summary><c>multiscale</c> (default "quadratic-sin"; "none" skips it): 1-D catalog objective of the deterministic large-LR GD row.</summary>
    public string Multiscale { get; init; } = "quadratic-sin";

    /// <summary><c>gd_eta</c> (default 0.1): η of the multiscale GD row.</summary>
    public double GdEta { get; init; } = 0.1;

    /// <summary><c>gd_eps</c> (default null: the catalog's ε).</summary>
    public double? GdEps { get; init; }

    /// <summary><c>gd_particles</c> (default 100000, at least 100): ensemble size of the multiscale GD row.</summary>
    public int GdParticles { get; init; } = 100_000;

    /// <summary><c>gd_steps</c> (default 1000): GD steps of the multiscale row.</summary>
    public int GdSteps { get; init; } = 1000;
}

public sealed record GibbsLawReport(string Method, double[] Mean, double[] Covariance);

public sealed record ChainsReport(int Count, int BurnIn, int Snapshots, int Thin);

/// <summary>One iteration's long-run law: against its own prediction and against the Gibbs law.</summary>
public sealed record LangevinMethodReport(string Method, string Description, double[] Mean, double[] Covariance, double[] CovarianceStandardError,
    double[] PredictedCovariance, string Prediction, double CovarianceErrorToPrediction, double[] DirectionalVariance,
    double[] DirectionalTemperature, double[] VarianceRatioToGibbs, double MeanOffsetToGibbs, double CovarianceErrorToGibbs,
    [property: JsonPropertyName("w2_relative_to_gibbs")] double W2RelativeToGibbs, double[] KsToGibbs, double KsCritical);

/// <summary>Deterministic large-LR GD on a 1-D multiscale objective against its rescaled Gibbs law.</summary>
public sealed record MultiscaleGdReport(string Objective, string Formula, double Eta, double Eps, double Sigma2, double Temperature, int Particles,
    int Steps, double Mean, double Variance, double GibbsMean, double GibbsVariance, double LinearizedMapVariance, double KsToGibbs,
    double KsCritical, [property: JsonPropertyName("w1_to_gibbs")] double W1ToGibbs, int Diverged);

/// <summary>SGD vs Langevin vs large-LR GD (CLI <c>langevin --json</c>, less the files).</summary>
/// <remarks>
/// <c>NoiseToCurvatureRatios</c>: Eigenvalues of H⁻¹C*: all equal exactly when the minibatch noise is proportional to the curvature.<br/>
/// <c>DataName</c>: The data set's name (for file names).<br/>
/// </remarks>
public sealed record LangevinReport(
    string Objective, int Samples, int Dimension, int Batch, double Lr, double Temperature, string TemperatureRule,
    double[] Minimizer, double[] HessianEigenvalues, double[] MinibatchNoiseCovariance, double[] NoiseToCurvatureRatios,
    GibbsLawReport Gibbs, ChainsReport Chains, LangevinMethodReport[] Methods, MultiscaleGdReport? MultiscaleGd,
    IReadOnlyList<LangevinTableRow> Table, [property: JsonIgnore] LangevinComparisonResult? Result,
    [property: JsonIgnore] string? DataName);

/// <summary>
/// Is the long-run law of SGD a Gibbs law? SGD, Langevin dynamics (GD + Gaussian noise at temperature T) and GD with
/// SGD-shaped Gaussian noise on a finite sum, each against exp(−V/T)/Z (<see cref="LangevinComparison"/>), next to
/// deterministic large-LR GD on a multiscale objective against its rescaled Gibbs law (Kong &amp; Tao 2020, Thm. 4;
/// <see cref="MultiscaleGdRow"/>). Minibatch noise is anisotropic (Mandt et al. 2017; Zhu et al. 2019), so SGD's law is
/// Gibbs only when C* ∝ H.
/// </summary>
public static class LangevinAnalysis
{
    public static readonly IAnalysis Entry = new Analysis<LangevinAnalysisSettings, LangevinReport>(
        "langevin", "is the long-run law of SGD, Langevin or large-LR GD a Gibbs law? variance ratios, KS, W2 per iteration", Run);

    public static LangevinReport Run(DescentSystem system, LangevinAnalysisSettings settings, IProgress<double>? progress = null)
    {
        if (!(settings.Lr > 0) || !double.IsFinite(settings.Lr)) throw new UserInputException($"lr must be a positive number (got {settings.Lr})");
        if (settings.Chains < 20) throw new UserInputException($"chains must be at least 20 (got {settings.Chains})");
        if (settings.Snapshots < 1) throw new UserInputException($"snapshots must be at least 1 (got {settings.Snapshots})");
        string model = settings.Model.Trim().ToLowerInvariant();
        FiniteSumObjective f = model switch
        {
            "least-squares" or "ls" => new LeastSquaresObjective(DataSources.LoadRegression(settings.Data, settings.Target, settings.DataSeed)),
            "logistic" => new LogisticRegressionObjective(DataSources.LoadClassification(settings.Data, settings.Target, settings.DataSeed), settings.Ridge),
            _ => throw new UserInputException($"unknown model '{model}': use least-squares or logistic"),
        };
        bool withGd = !string.Equals(settings.Multiscale, "none", StringComparison.OrdinalIgnoreCase);
        if (withGd)
        {
            if (!(settings.GdEta > 0) || !double.IsFinite(settings.GdEta)) throw new UserInputException($"gd-eta must be a positive number (got {settings.GdEta})");
            if (settings.GdParticles < 100) throw new UserInputException($"gd-particles must be at least 100 (got {settings.GdParticles})");
            if (settings.GdSteps < 1) throw new UserInputException($"gd-steps must be at least 1 (got {settings.GdSteps})");
        }
        var res = LangevinComparison.Run(f, new LangevinSettings
        {
            Batch = settings.Batch,
            LearningRate = settings.Lr,
            Temperature = settings.Temperature,
            Chains = settings.Chains,
            Snapshots = settings.Snapshots,
            BurnIn = settings.BurnIn,
            Thin = settings.Thin,
            Seed = settings.Seed,
            Threads = settings.Threads,
        }, withGd && progress is not null ? new Progress<double>(v => progress.Report(0.5 * v)) : progress);
        MultiscaleGdResult? ms = withGd
            ? MultiscaleGdRow.Run(settings.Multiscale, settings.GdEta, settings.GdEps, settings.GdParticles, settings.GdSteps, settings.Seed, settings.Threads,
                progress is null ? null : new Progress<double>(v => progress.Report(0.5 + 0.5 * v)))
            : null;
        return new LangevinReport(
            Objective: res.Objective, Samples: res.Count, Dimension: res.Dimension, Batch: res.Batch, Lr: res.LearningRate,
            Temperature: res.Temperature, TemperatureRule: res.TemperatureRule, Minimizer: res.Minimizer,
            HessianEigenvalues: res.HessianEigenvalues, MinibatchNoiseCovariance: res.MinibatchNoiseCovariance,
            NoiseToCurvatureRatios: res.NoiseToCurvatureRatios,
            Gibbs: new GibbsLawReport(res.Gibbs.Method, res.Gibbs.Mean, res.Gibbs.Covariance),
            Chains: new ChainsReport(res.Chains.Chains, res.Chains.BurnIn, res.Chains.Snapshots, res.Chains.Thin),
            Methods: res.Methods.Select(x => new LangevinMethodReport(x.Method, x.Description, x.Mean, x.Covariance, x.CovarianceStandardError, x.PredictedCovariance, x.PredictionMethod, x.CovarianceErrorToPrediction, x.DirectionalVariance, x.DirectionalTemperature, x.VarianceRatioToGibbs, x.MeanOffsetToGibbs, x.CovarianceErrorToGibbs, x.W2RelativeToGibbs, x.KsToGibbs, x.KsCritical)).ToArray(),
            MultiscaleGd: ms is null ? null : new MultiscaleGdReport(ms.Objective, ms.Formula, ms.Eta, ms.Eps, ms.Sigma2, ms.Temperature, ms.Particles, ms.Steps, ms.Mean, ms.Variance, ms.GibbsMean, ms.GibbsVariance, ms.LinearizedMapVariance, ms.Ks, ms.KsCritical, ms.W1, ms.Diverged),
            Table: LangevinTable.Rows(res, ms), Result: res,
            DataName: f is LeastSquaresObjective ls ? ls.Data.Name : ((LogisticRegressionObjective)f).Data.Name);
    }
}
