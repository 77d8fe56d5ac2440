using ChaosDescent.Analyses.Landscapes.Escapes;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;
using ChaosDescent.Reporting.Plots;
using ChaosDescent.Data;

namespace ChaosDescent.Reporting.Reproduction.Landscapes;

/// <summary>
/// Escape from a microscopic local minimum (talk: "η ≪ ε resolves the small scale → converges to a local min";
/// "chaotic dynamics can help deterministic GD escape microscopic local minima"): GD on x²/2 + ε sin(x/ε), ε = 1e-3,
/// particles uniform in the micro well of f around x ≈ 0.5 (a bad local minimum: the global one is near 0); the
/// fraction that leaves the micro well within K steps against η/ε.
/// </summary>
public sealed class MicroEscapeReproduction() : Reproduction("micro-escape", "Escaping a microscopic local minimum: trapped for eta << eps, escaping above the chaos threshold", "Sec. 2.3 (Thm. 8, Rmk. 9), B.3.2; talk: escape microscopic local minima", order: 350)
{
    public override ReproductionResult Run(ReproductionContext context)
    {
        var result = new ReproductionResult();
        const double eps = 1e-3;
        var obj = ObjectiveCatalog.Create("quadratic-sin", eps);
        var well = MicroWell.Find(obj, 0.5);
        double[] ratios = context.Quick
            ? [1, 2, 2.5, 3, 3.5, 4, 5]
            : [0.5, 1, 1.5, 2, 2.2, 2.4, 2.6, 2.8, 3, 3.25, 3.5, 3.75, 4, 4.5, 5, 6];
        int n = context.Quick ? 500 : 2000, k = context.Quick ? 1000 : 4000;
        var runs = new List<MicroEscapeResult>();
        for (int i = 0; i < ratios.Length; i++)
        {
            int idx = i;
            runs.Add(MicroEscape.Run(new GradientDescentMap(obj, ratios[i] * eps), well, n, k, context.Seed + 350, context.Threads,
                new Progress<double>(p => context.Progress?.Report((idx + p) / ratios.Length))));
        }
        double threshold = well.StabilityThreshold / eps;
        LandscapePlots.MicroEscapeCurve(runs, $"GD, x^2/2 + eps sin(x/eps), eps = {eps}: escape from the micro well at {well.Minimum:F4}", context.FigureDirectory, "micro-escape");
        result.Figures.Add(new FigureRef("micro-escape", "Fraction of GD orbits (started uniformly in the microscopic well around x = 0.5) that leave it within K steps, against eta/eps; dashed: eta f''(x*) = 2, where the micro minimum stops being a stable fixed point and period doubling begins."));
        result.DataFiles.Add(WellConnectivityReproduction.Rel(context, CsvFile.WriteNumericRows(Path.Combine(context.DataDirectory, "micro-escape.csv"), ["eta_over_eps", "escape_probability", "ci_lo", "ci_hi", "exits", "mean_exit_time"], runs.Select(r => new[] { r.EtaOverEps, r.EscapeProbability, r.ProbabilityLo, r.ProbabilityHi, r.ExitTimes.Exits, r.ExitTimes.MeanExitTime().Mean }))));

        var below = runs.Where(r => r.EtaOverEps < threshold).ToArray();
        result.Checks.Add(Check.AtMost("trapped-below-threshold", $"largest escape fraction for eta/eps below the stability threshold {threshold:F3} ({below.Length} values of eta)",
            0, below.Select(r => r.EscapeProbability).DefaultIfEmpty(0).Max(), "eta << eps resolves the small scale: GD converges to the microscopic minimum (or a stable cycle in its well)"));
        var firstEscape = runs.FirstOrDefault(r => r.EscapeProbability > 0);
        result.Checks.Add(Check.AtLeast("onset-above-threshold", "smallest eta/eps at which any orbit escaped, against the stability threshold 2/(eps f''(x*))",
            threshold, firstEscape?.EtaOverEps ?? double.NaN, "escape needs the fixed point to lose stability first (period doubling, B.3.2)"));
        var high = runs.Where(r => r.EtaOverEps >= 4).ToArray();
        result.Checks.Add(Check.AtLeast("escape-above-chaos", "smallest escape fraction for eta/eps >= 4 (global chaos)", 0.99, high.Min(r => r.EscapeProbability)));
        result.Data["micro_minimum"] = well.Minimum;
        result.Data["micro_well"] = new[] { well.Lo, well.Hi };
        result.Data["stability_threshold_eta_over_eps"] = threshold;
        result.Data["escape_probability"] = runs.Select(r => new[] { r.EtaOverEps, r.EscapeProbability }).ToArray();
        result.Notes.Add($"Micro well [{well.Lo:F6}, {well.Hi:F6}] around x* = {well.Minimum:F6}, f''(x*) = {well.Curvature:F1}, so the fixed point is stable for eta/eps < {threshold:F3}; Remark 9's chaos threshold eta > exp(-m) eps = 2 eps (m = -ln 2) refers to the average over the micro phase, while this minimum sits where |sin(x/eps)| = {Math.Sqrt(1 - well.Minimum * well.Minimum):F3}. "
            + "Escape fractions: " + string.Join(", ", runs.Select(r => $"{r.EtaOverEps:G3}: {r.EscapeProbability:F3}")) + ". Between the stability threshold and the onset of escape the orbits cycle or move chaotically inside the well (local chaos, Sec. 2.3.1); above it they flood over the micro barriers (global chaos).");
        return result;
    }
}
