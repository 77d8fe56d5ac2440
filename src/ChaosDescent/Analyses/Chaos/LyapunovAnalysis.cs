using ChaosDescent.Maps;
using ChaosDescent.Objectives;

namespace ChaosDescent.Analyses.Chaos;

/// <summary>A Lyapunov estimate of one system together with Thm. 9's prediction (CLI <c>chaosdescent lyapunov --json</c>).</summary>
/// <remarks>
/// <c>Lambda</c>: Maximal exponent (eq. 4 in 1-D; tangent renormalization in d ≥ 2).<br/>
/// <c>Theory</c>: Thm. 9's m + ln(η/ε) (with the map's correction for heavy ball, NAG-SC), or null when m is not defined.<br/>
/// <c>SpectrumTheory</c>: ln(η/ε) + m_k for a separable micro-scale (leading order), when the spectrum was asked for.<br/>
/// <c>Estimate</c>: The estimate itself (per-orbit values, batch means), for plots; not part of the JSON report.<br/>
/// </remarks>
public sealed record LyapunovReport(
    string Objective, string Formula, double Eps, double Eta, string Map, double Lambda, double Stderr, double? Theory,
    string TheoryNote, double? M, double? MError, double? Deviation,
    [property: System.Text.Json.Serialization.JsonPropertyName("eq4_norm_average")] double Eq4NormAverage,
    [property: System.Text.Json.Serialization.JsonPropertyName("eq4_norm_average_stderr")] double Eq4NormAverageStderr,
    double[]? Spectrum, double[]? SpectrumStderr, double[]? SpectrumTheory, int Orbits, int DivergedOrbits,
    long? FirstDivergenceStep, long StepsPerOrbit, int BatchesPerOrbit, long BurnIn, ulong Seed, double Seconds,
    [property: System.Text.Json.Serialization.JsonIgnore] LyapunovResult? Estimate);

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
        return new LyapunovReport(
            Objective: obj.Name, Formula: obj.Formula, Eps: obj.Epsilon, Eta: map.LearningRate, Map: map.Name, Lambda: result.Lambda,
            Stderr: result.StdErr, Theory: theory?.Value,
            TheoryNote: theory?.Note ?? (obj.Micro is null ? "no micro-scale: m (Cond. 2) is not defined" : "general micro-scale: m (Cond. 2) is not defined"),
            M: mc?.M, MError: mc?.ErrorEstimate, Deviation: theory is { } t ? result.Lambda - t.Value : null,
            Eq4NormAverage: result.NormAverage, Eq4NormAverageStderr: result.NormAverageStdErr, Spectrum: result.Spectrum,
            SpectrumStderr: result.SpectrumStdErr, SpectrumTheory: spectrumTheory, Orbits: result.Orbits,
            DivergedOrbits: result.DivergedOrbits, FirstDivergenceStep: result.FirstDivergenceStep, StepsPerOrbit: result.StepsPerOrbit,
            BatchesPerOrbit: result.BatchesPerOrbit, BurnIn: settings.BurnIn, Seed: settings.Seed, Seconds: result.Seconds, Estimate: result);
    }
}
