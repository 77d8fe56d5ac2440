using ChaosDescent.Objectives;

namespace ChaosDescent.Analyses.Landscapes;

/// <summary>
/// A 1-D objective tabulated on a fine grid (Fig. 1 made a tool): f, f0 and the two gradients, the local minima of f
/// and of f0, and the sizes that Remark 1 contrasts — the micro-scale is O(ε) in value but O(1) in gradient, so f has
/// many local minima even where f0 has one. Every local minimum of f lies where |f0′| ≤ sup|ζ| (∇f0 = −∇f1,ε there).
/// </summary>
public sealed class LandscapeProfile
{
    public required double[] X { get; init; }
    public required double[] F { get; init; }
    public required double[] F0 { get; init; }
    public required double[] GradF0 { get; init; }

    /// <summary>∇f1,ε on the grid (zeros when the objective has no micro-scale).</summary>
    public required double[] GradF1 { get; init; }

    /// <summary>Strict discrete local minima of f and of f0 on the grid.</summary>
    public required IReadOnlyList<double> MinimaF { get; init; }

    public required IReadOnlyList<double> MinimaF0 { get; init; }
    public required double MaxMicroHeight { get; init; }
    public required double MaxGradF1 { get; init; }
    public required double MaxGradF0 { get; init; }

    /// <summary>sup|ζ| from the micro-scale definition (null for a general or missing micro-scale).</summary>
    public double? ZetaBound { get; init; }

    /// <summary>True when every local minimum of f satisfies |f0′| ≤ sup|ζ| (null when there is no such bound).</summary>
    public bool? MinimaWhereGradientsBalance { get; init; }

    /// <summary>Tabulates a 1-D objective on [lo, hi] with <paramref name="points"/> nodes.</summary>
    public static LandscapeProfile Compute(MultiscaleObjective f, double lo, double hi, int points)
    {
        if (f.Dimension != 1) throw new UserInputException($"the landscape profile is 1-D; '{f.Name}' has d = {f.Dimension}");
        if (!(hi > lo) || !double.IsFinite(lo) || !double.IsFinite(hi)) throw new UserInputException($"range [{lo}, {hi}] is empty");
        if (points < 3 || points > 50_000_000) throw new UserInputException($"--points must be in [3, 5e7] (got {points})");
        var x = new double[points];
        var fv = new double[points];
        var f0v = new double[points];
        var g0 = new double[points];
        var g1 = new double[points];
        Span<double> g = stackalloc double[1];
        for (int i = 0; i < points; i++)
        {
            x[i] = lo + (hi - lo) * i / (points - 1);
            fv[i] = f.Value([x[i]]);
            f0v[i] = f.Macro.Value([x[i]]);
            f.Macro.Gradient([x[i]], g);
            g0[i] = g[0];
            if (f.Micro is { } micro)
            {
                micro.Gradient([x[i]], f.Epsilon, g);
                g1[i] = g[0];
            }
        }
        double maxMicro = 0, maxG1 = 0, maxG0 = 0;
        for (int i = 0; i < points; i++)
        {
            maxMicro = Math.Max(maxMicro, Math.Abs(fv[i] - f0v[i]));
            maxG1 = Math.Max(maxG1, Math.Abs(g1[i]));
            maxG0 = Math.Max(maxG0, Math.Abs(g0[i]));
        }
        var minimaF = new List<double>();
        var minimaF0 = new List<double>();
        for (int i = 1; i < points - 1; i++)
        {
            if (fv[i] < fv[i - 1] && fv[i] < fv[i + 1]) minimaF.Add(x[i]);
            if (f0v[i] < f0v[i - 1] && f0v[i] < f0v[i + 1]) minimaF0.Add(x[i]);
        }
        double? zetaBound = null;
        bool? balance = null;
        if (f.Micro?.NoiseStatistics is { } stats)
        {
            var r = stats.Range[0];
            zetaBound = Math.Max(Math.Abs(r.Min), Math.Abs(r.Max));
            balance = minimaF.All(m =>
            {
                Span<double> gm = stackalloc double[1];
                f.Macro.Gradient([m], gm);
                return Math.Abs(gm[0]) <= zetaBound.Value + 1e-9;
            });
        }
        return new LandscapeProfile
        {
            X = x,
            F = fv,
            F0 = f0v,
            GradF0 = g0,
            GradF1 = g1,
            MinimaF = minimaF,
            MinimaF0 = minimaF0,
            MaxMicroHeight = maxMicro,
            MaxGradF1 = maxG1,
            MaxGradF0 = maxG0,
            ZetaBound = zetaBound,
            MinimaWhereGradientsBalance = balance,
        };
    }
}
