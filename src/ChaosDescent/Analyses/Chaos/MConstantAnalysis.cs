using ChaosDescent.Maps;
using ChaosDescent.Objectives;

namespace ChaosDescent.Analyses.Chaos;

/// <summary>Settings of <see cref="MConstantAnalysis"/> (CLI <c>chaosdescent mconst</c>).</summary>
public sealed record MConstSettings
{
    /// <summary><c>quick</c> (default false): fewer quadrature points, <see cref="MConstantOptions.Quick"/> (errors ~1e-5
    /// instead of ~1e-7 on the torus).</summary>
    public bool Quick { get; init; }

    /// <summary><c>seed</c> (default 1): seed of the randomly shifted lattice rules behind the error estimate.</summary>
    public ulong Seed { get; init; } = 1;
}

/// <summary>The constant m of an objective's micro-scale with its error estimate and the Rmk. 9 threshold factor.</summary>
/// <remarks>
/// <c>ChaosThresholdFactor</c>: e^(−m): chaos needs η > e^(−m) ε (Rmk. 9).<br/>
/// </remarks>
public sealed record MConstReport(
    string Objective, string Formula, string MicroScale, string MicroFormula, double M, double ErrorEstimate, string Method,
    string Description, IReadOnlyList<double>? PerCoordinate, double ChaosThresholdFactor, long Evaluations, double Seconds);

/// <summary>
/// The constant m of Condition 2 (Kong &amp; Tao 2020), m = E[ln‖ε∇²f1,ε(U)‖₂] over the fast phase, computed by
/// <see cref="MConstant"/>; it sets λ ≈ m + ln(η/ε) (Thm. 9) and the chaos threshold η > e^(−m) ε (Rmk. 9).
/// Needs only the objective (no map, no η).
/// </summary>
public static class MConstantAnalysis
{
    public static readonly IAnalysis Entry = new Analysis<MConstSettings, MConstReport>(
        "mconst", "the constant m of Cond. 2 (E ln||eps Hess f1||_2 over the fast phase): Thm. 9's lambda ~ m + ln(eta/eps), Rmk. 9's threshold", Run);

    public static MConstReport Run(DescentSystem system, MConstSettings settings, IProgress<double>? progress = null)
    {
        var obj = system.RequireMultiscale("mconst");
        var options = (settings.Quick ? MConstantOptions.Quick : new MConstantOptions()) with { Seed = settings.Seed };
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var m = MConstant.Compute(obj, options);
        progress?.Report(1);
        return new MConstReport(
            Objective: obj.Name, Formula: obj.Formula, MicroScale: obj.Micro!.Kind.ToString().ToLowerInvariant(),
            MicroFormula: obj.Micro.Formula, M: m.M, ErrorEstimate: m.ErrorEstimate, Method: m.Method, Description: m.Description,
            PerCoordinate: m.PerCoordinate, ChaosThresholdFactor: ChaosTheory.ThresholdFactor(m.M), Evaluations: m.Evaluations,
            Seconds: sw.Elapsed.TotalSeconds);
    }
}
