using ChaosDescent.Analyses.Landscapes.Wells;
using ChaosDescent.Infrastructure;
using ChaosDescent.Objectives;
using ChaosDescent.Reporting.Plots;
using ChaosDescent.Data;

namespace ChaosDescent.Reporting.Reproduction.Landscapes;

/// <summary>
/// Remark 12: S = {x : f0′(x) ∈ [a, b]} for f0 = k(x² − 1)² and ζ ∈ [−1, 1] is connected iff k &lt; 3√3/8. Computes S
/// on both sides of the critical k, locates the critical k by bisection on the certified connectivity and compares
/// with the closed form; certifies, for η = 0.05 (Figs. 20–21), the reachable interval of the stochastic map.
/// </summary>
public sealed class WellConnectivityReproduction() : Reproduction("rmk12-wells", "Well connectivity: which wells the stochastic map can never leave", "Remark 12, Remark 24, D.5", order: 300)
{
    public override ReproductionResult Run(ReproductionContext context)
    {
        var result = new ReproductionResult();
        AtomicFile.EnsureDirectory(context.FigureDirectory);
        AtomicFile.EnsureDirectory(context.DataDirectory);
        double kc = 3 * Math.Sqrt(3) / 8;
        MacroPotential F0(double k) => ObjectiveCatalog.Create("doublewell-sin", 1e-4, new Dictionary<string, double> { ["k"] = k }).Macro;
        var (a, b) = WellConnectivity.NoiseRange(ObjectiveCatalog.Create("doublewell-sin", 1e-4));

        double found = WellConnectivity.CriticalParameter(F0, a, b, 0.01, 10);
        result.Checks.Add(Check.Near("critical-k", "critical k of doublewell-sin found by bisection on the certified connectivity of S vs 3*sqrt(3)/8",
            kc, found, 1e-9));
        var below = WellConnectivity.Analyze(F0(kc * (1 - 1e-6)), a, b);
        var above = WellConnectivity.Analyze(F0(kc * (1 + 1e-6)), a, b);
        result.Checks.Add(Check.True("connected-below", "k = (1 - 1e-6) k_c: S connected (1 component), verified on a grid", below.Connected && below.Verified));
        result.Checks.Add(Check.True("disconnected-above", "k = (1 + 1e-6) k_c: S has 3 components, both wells trapped, verified",
            above.Components.Count == 3 && above.Trapping.All(t => t.Trapped) && above.Verified));

        var rows = new List<double[]>();
        foreach (var k in new[] { 0.02, 0.1, 0.5, kc * 0.999, kc * 1.001, 0.8, 1, 5 })
        {
            var c = WellConnectivity.Analyze(F0(k), a, b);
            rows.Add([k, c.Components.Count, c.Connected ? 1 : 0, c.Trapping.Count(t => t.Trapped), c.MaxBracketWidth]);
        }
        result.DataFiles.Add(Rel(context, CsvFile.WriteNumericRows(Path.Combine(context.DataDirectory, "rmk12-components.csv"), ["k", "components", "connected", "trapped_wells", "max_bracket_width"], rows)));

        var c05 = WellConnectivity.Analyze(F0(0.5), a, b);
        var c08 = WellConnectivity.Analyze(F0(0.8), a, b);
        LandscapePlots.Connectivity(c05, "Remark 12, k = 0.5 < 3 sqrt(3)/8: S connected", context.FigureDirectory, "rmk12-k0.5");
        LandscapePlots.Connectivity(c08, "Remark 12, k = 0.8 > 3 sqrt(3)/8: S has 3 components", context.FigureDirectory, "rmk12-k0.8");
        result.Figures.Add(new FigureRef("rmk12-k0.5", "f0' of 0.5(x^2-1)^2 with the range [-1, 1] of zeta: one component of S, the stochastic map can cross between the wells."));
        result.Figures.Add(new FigureRef("rmk12-k0.8", "k = 0.8: f0' leaves [-1, 1] between each minimum and the barrier at 0; S splits into 3 components and each well is a trap (Remark 12)."));

        // η-dependent certificate for the parameters of Figs. 20 and 21
        var c5 = WellConnectivity.Analyze(F0(5), a, b);
        var cert5 = c5.Certify(c5.Wells.Wells[1], 0.05);
        var c002 = WellConnectivity.Analyze(F0(0.02), a, b);
        var cert002 = c002.Certify(c002.Wells.Wells[1], 0.05);
        result.Checks.Add(Check.True("fig21-trap-certificate", "k = 5, eta = 0.05 (Fig. 21): the exact reachable interval of the stochastic map from x = 1 stays in the right well",
            cert5.Trapped && cert5.Lo > 0, $"reachable interval [{cert5.Lo:G6}, {cert5.Hi:G6}]; x - eta f0'(x) is not monotone there (eta f0''(1) = 2), so Remark 12's eta < 1/L argument alone does not cover Fig. 21"));
        result.Checks.Add(Check.True("fig20-no-trap", "k = 0.02, eta = 0.05 (Fig. 20): the reachable interval from x = 1 reaches the barrier at 0",
            !cert002.Trapped));
        result.Data["critical_k"] = found;
        result.Data["critical_k_closed_form"] = kc;
        result.Data["k5_components"] = c5.Components.Select(c => new[] { c.Lo.Value, c.Hi.Value }).ToArray();
        result.Data["k5_eta0.05_reachable"] = new[] { cert5.Lo, cert5.Hi };
        result.Notes.Add($"S is computed from the monotone pieces of f0' (split at the roots of f0''); every endpoint is a root of f0' - a or f0' - b bracketed by a sign change and bisected to adjacent doubles (widest bracket {Math.Max(c05.MaxBracketWidth, c08.MaxBracketWidth):G2}). The critical k found by bisection is {found:R} (closed form {kc:R}).");
        result.Notes.Add($"For k = 5 the components are {string.Join(", ", c5.Components.Select(c => $"[{c.Lo.Value:G6}, {c.Hi.Value:G6}]"))}; at eta = 0.05 the set reachable from the minimum 1 is [{cert5.Lo:G6}, {cert5.Hi:G6}], inside the well (0, inf).");
        return result;
    }

    internal static string Rel(ReproductionContext context, string path) => Path.GetRelativePath(context.OutputDirectory, path);
}
