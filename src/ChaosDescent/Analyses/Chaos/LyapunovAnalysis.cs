using ChaosDescent.Maps;
using ChaosDescent.Objectives;

namespace ChaosDescent.Analyses.Chaos;

/// <summary>A Lyapunov estimate of one system together with Thm. 9's prediction (CLI <c>chaosdescent lyapunov --json</c>).</summary>
public sealed record LyapunovReport
{
    public required string Objective { get; init; }
    public required string Formula { get; init; }
    public required double Eps { get; init; }
    public required double Eta { get; init; }
    public required string Map { get; init; }

    /// <summary>Maximal exponent (eq. 4 in 1-D; tangent renormalization in d ≥ 2).</summary>
    public required double Lambda { get; init; }
    public required double Stderr { get; init; }

    /// <summary>Thm. 9's m + ln(η/ε) (with the map's correction for heavy ball, NAG-SC), or null when m is not defined.</summary>
    public double? Theory { get; init; }
    public required string TheoryNote { get; init; }
    public double? M { get; init; }
    public double? MError { get; init; }
    public double? Deviation { get; init; }
    [System.Text.Json.Serialization.JsonPropertyName("eq4_norm_average")]
    public required double Eq4NormAverage { get; init; }
    [System.Text.Json.Serialization.JsonPropertyName("eq4_norm_average_stderr")]
    public required double Eq4NormAverageStderr { get; init; }
    public double[]? Spectrum { get; init; }
    public double[]? SpectrumStderr { get; init; }

    /// <summary>ln(η/ε) + m_k for a separable micro-scale (leading order), when the spectrum was asked for.</summary>
    public double[]? SpectrumTheory { get; init; }
    public required int Orbits { get; init; }
    public required int DivergedOrbits { get; init; }
    public long? FirstDivergenceStep { get; init; }
    public required long StepsPerOrbit { get; init; }
    public required int BatchesPerOrbit { get; init; }
    public required long BurnIn { get; init; }
    public required ulong Seed { get; init; }
    public double Seconds { get; init; }

    /// <summary>The estimate itself (per-orbit values, batch means), for plots; not part of the JSON report.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public LyapunovResult? Estimate { get; init; }
}

/// <summary>
/// The maximal Lyapunov exponent (and optionally the spectrum) of a deterministic map of the system
/// (<see cref="LyapunovEstimator"/>), reported against Thm. 9 of Kong &amp; Tao (2020): λ ≈ m + ln(η/ε), with m of
/// Condition 2 from <see cref="MConstant"/> (quick rule) where the micro-scale declares its phase.
/// </summary>
public static class LyapunovAnalysis
{
    /// <summary>Catalog entry: the maximal Lyapunov exponent of a deterministic map (eq. 4; Thm. 9).</summary>
    public static readonly IAnalysis Entry = new Analysis<LyapunovSettings, LyapunovReport>(
        "lyapunov", "maximal Lyapunov exponent (and spectrum) of a deterministic map, against Thm. 9's m + ln(eta/eps)", Run);

    public static LyapunovReport Run(DescentSystem system, LyapunovSettings settings, IProgress<double>? progress = null)
    {
        var obj = system.RequireMultiscale("lyapunov");
        var map = system.CreateMap("lyapunov");
        if (map.IsStochastic)
            throw new UserInputException($"the '{map.Name}' map is random: its Lyapunov exponent is not defined; use gd, heavyball or nag");
        MConstantResult? mc = obj.Micro is { Kind: not MicroScaleKind.General } ? MConstant.Compute(obj, MConstantOptions.Quick) : null;
        var result = LyapunovEstimator.Run(map, settings, progress);
        (double Value, string Note)? theory = mc is null ? null : LyapunovEstimator.Theory(map, mc.M);
        double[]? spectrumTheory = settings.Spectrum && mc?.PerCoordinate is { } pc && map.StateBlocks == 1
            ? ChaosTheory.SeparableSpectrum(pc, map.LearningRate, obj.Epsilon)
            : null;
        return new LyapunovReport
        {
            Objective = obj.Name,
            Formula = obj.Formula,
            Eps = obj.Epsilon,
            Eta = map.LearningRate,
            Map = map.Name,
            Lambda = result.Lambda,
            Stderr = result.StdErr,
            Theory = theory?.Value,
            TheoryNote = theory?.Note ?? (obj.Micro is null ? "no micro-scale: m (Cond. 2) is not defined" : "general micro-scale: m (Cond. 2) is not defined"),
            M = mc?.M,
            MError = mc?.ErrorEstimate,
            Deviation = theory is { } t ? result.Lambda - t.Value : null,
            Eq4NormAverage = result.NormAverage,
            Eq4NormAverageStderr = result.NormAverageStdErr,
            Spectrum = result.Spectrum,
            SpectrumStderr = result.SpectrumStdErr,
            SpectrumTheory = spectrumTheory,
            Orbits = result.Orbits,
            DivergedOrbits = result.DivergedOrbits,
            FirstDivergenceStep = result.FirstDivergenceStep,
            StepsPerOrbit = result.StepsPerOrbit,
            BatchesPerOrbit = result.BatchesPerOrbit,
            BurnIn = settings.BurnIn,
            Seed = settings.Seed,
            Seconds = result.Seconds,
            Estimate = result,
        };
    }
}
