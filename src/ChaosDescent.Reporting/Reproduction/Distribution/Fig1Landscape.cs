using ChaosDescent.Analyses;
using ChaosDescent.Objectives;
using ChaosDescent.Reporting.Plots;
using ChaosDescent.Analyses.Landscapes;
using ChaosDescent.Numerics.Grids;
using static ChaosDescent.Reporting.Reproduction.Distribution.DistributionTools;

namespace ChaosDescent.Reporting.Reproduction.Distribution;

/// <summary>
/// Fig. 1: the multiscale landscape f(x) = (x² − 1)²/4 + x/8 + ε(sin(x/ε) + sin(√2 x/ε)), ε = 0.01, with f0 overlaid
/// and a zoom on the micro-scale. Checks the facts the paper reads off the figure (Sec. 1.1, Remark 1): the
/// micro-scale is O(ε) in value but O(1) in gradient, so f has many local minima although f0 has two.
/// </summary>
public sealed class Fig1Landscape() : Reproduction("fig1", "A multiscale landscape: f = f0 + f1,ε", "Sec. 1.1, Fig. 1; Remark 1", order: 100)
{
    private const double Eps = 0.01;

    public override ReproductionResult Run(ReproductionContext context)
    {
        var r = new ReproductionResult();
        var f = ObjectiveCatalog.Create("tilted-doublewell-quasiperiodic", Eps);
        var micro = f.Micro!;
        var (lo, hi) = f.Macro.TypicalRange;

        // Fine grid: 40001 nodes over [lo, hi] resolve the fastest phase √2 x/ε to ~0.013 rad per node.
        int n = 40001;
        var profile = LandscapeProfile.Compute(f, lo, hi, n);
        var (x, fv, f0v, g0, g1) = (profile.X, profile.F, profile.F0, profile.GradF0, profile.GradF1);
        context.Progress?.Report(0.4);
        double maxMicro = profile.MaxMicroHeight, maxG1 = profile.MaxGradF1, maxG0 = profile.MaxGradF0;
        var minimaF = profile.MinimaF;
        int minimaF0 = profile.MinimaF0.Count;
        // ζ's range bounds |∇f1,ε|: a minimum of f needs ∇f0 = −∇f1,ε, so every minimum lies where |f0'| ≤ sup|ζ|.
        double zetaMax = profile.ZetaBound!.Value;
        bool minimaInside = profile.MinimaWhereGradientsBalance!.Value;
        double sigma2 = micro.NoiseStatistics!.Sigma2 ?? double.NaN;

        // Figure: the whole landscape, and a zoom of width ~6 periods 2πε around x = 0.95.
        double zc = 0.95, zw = 0.2;
        var fig = new PanelFigure(1, 2) { CellWidth = 620, CellHeight = 430 };
        var a = fig.Panel(0, 0, "f = f0 + f1,ε (ε = 0.01) and f0", "x", "f(x)");
        int stride = 4;
        var xs = x.Where((_, i) => i % stride == 0).ToArray();
        a.Line(xs, fv.Where((_, i) => i % stride == 0).ToArray(), "f = f0 + f1,ε", PlotFigure.ColorAt(0), width: 1);
        a.Line(xs, f0v.Where((_, i) => i % stride == 0).ToArray(), "f0 = (x²−1)²/4 + x/8", PlotFigure.ColorAt(1), dashed: true, width: 2);
        double zLo = zc - zw / 2, zHi = zc + zw / 2;
        var inZoom = Enumerable.Range(0, n).Where(i => x[i] >= zLo && x[i] <= zHi).ToArray();
        double yLo = inZoom.Min(i => fv[i]) - 0.01, yHi = inZoom.Max(i => fv[i]) + 0.01;
        a.Box(zLo, zHi, yLo, yHi);
        a.Text("zoom (b)", zc, yHi + 0.12, 11);
        a.Limits(lo, hi, -0.3, 1.2);
        a.LegendAt(ScottPlot.Alignment.UpperCenter);

        var b = fig.Panel(0, 1, "zoom: the micro-scale", "x", "f(x)");
        var zx = Grid.Linspace(zLo, zHi, 4001);
        b.Line(zx, zx.Select(v => f.Value([v])).ToArray(), "f", PlotFigure.ColorAt(0), width: 1.5f);
        b.Line(zx, zx.Select(v => f.Macro.Value([v])).ToArray(), "f0", PlotFigure.ColorAt(1), dashed: true);
        b.Line(zx, zx.Select(v => f.Macro.Value([v]) + 2 * Eps).ToArray(), "f0 ± 2ε", PlotFigure.ColorAt(7), dashed: true, width: 1);
        b.Line(zx, zx.Select(v => f.Macro.Value([v]) - 2 * Eps).ToArray(), null, PlotFigure.ColorAt(7), dashed: true, width: 1);
        b.LegendAt(ScottPlot.Alignment.UpperLeft);
        r.AddFigure(context, fig, "fig1_landscape",
            Inv($"Fig. 1. f(x) = (x²−1)²/4 + x/8 + ε(sin(x/ε) + sin(√2x/ε)) with ε = {Eps} (solid) and its macro part f0 (dashed); (b) zooms into the box of (a): the micro-scale has height O(ε) but slopes O(1), so f has {minimaF.Count} local minima on [{lo}, {hi}] where f0 has {minimaF0}."));
        context.Progress?.Report(0.8);

        r.AddCsv(context, "fig1_landscape", ["x", "f", "f0", "grad_f0", "grad_f1"],
            xs, fv.Where((_, i) => i % stride == 0).ToArray(), f0v.Where((_, i) => i % stride == 0).ToArray(),
            g0.Where((_, i) => i % stride == 0).ToArray(), g1.Where((_, i) => i % stride == 0).ToArray());

        r.Checks.Add(Check.AtMost("fig1.micro_height", "max |f − f0| on the grid is at most 2ε (height of the micro-scale)", 2 * Eps, maxMicro));
        r.Checks.Add(Check.Near("fig1.micro_slope", "max |∇f1,ε| on the grid ≈ 1 + √2 (sup of |cos u + √2 cos v|): O(1) although ε = 0.01",
            1 + Math.Sqrt(2), maxG1, 0.05,
            "the grid maximum approaches the supremum only where both phases are near multiples of 2π at once; 0.05 covers the finite range"));
        r.Checks.Add(Check.Near("fig1.zeta_range", "range of ζ from the micro-scale definition: sup|ζ| = 1 + √2", 1 + Math.Sqrt(2), zetaMax, 1e-6));
        r.Checks.Add(Check.Near("fig1.sigma2", "σ² = Var ζ = 1/2 + 2·1/2 = 3/2 (two independent phases, Example 2)", 1.5, sigma2, 1e-9));
        r.Checks.Add(Check.AtLeast("fig1.many_minima", Inv($"f has many local minima on [{lo}, {hi}] (f0 has {minimaF0})"), 10 * minimaF0, minimaF.Count,
            "'a large number of local minima even if f0 is (strongly) convex' (Sec. 1.1); bound: ten times f0's count"));
        r.Checks.Add(Check.True("fig1.minima_where_gradients_balance", "every local minimum of f lies where |f0'(x)| ≤ sup|ζ| = 1 + √2", minimaInside));

        r.Notes.Add(Inv($"On [{lo}, {hi}] the macro gradient reaches max|f0'| = {Fmt(maxG0)} while the micro gradient reaches max|∇f1,ε| = {Fmt(maxG1)}: both are O(1) although |f1,ε| ≤ 2ε = {2 * Eps}. This is why GD with a step η that does not resolve ε sees the micro-scale as noise (Sec. 1.1, Remark 1)."));
        r.Notes.Add(Inv($"Local minima on the grid: f has {minimaF.Count}, f0 has {minimaF0}. All minima of f lie in the set where |f0'| ≤ 1 + √2, the only place where ∇f0 can balance −∇f1,ε."));
        r.Data["epsilon"] = Eps;
        r.Data["max_micro_height"] = maxMicro;
        r.Data["max_grad_f1"] = maxG1;
        r.Data["max_grad_f0"] = maxG0;
        r.Data["local_minima_f"] = minimaF.Count;
        r.Data["local_minima_f0"] = minimaF0;
        r.Data["sigma2"] = sigma2;
        context.Progress?.Report(1);
        return r;
    }
}
