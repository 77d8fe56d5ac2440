using ChaosDescent.Analyses;
using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;
using ChaosDescent.Reporting.Plots;
using static ChaosDescent.Reporting.Reproduction.Chaos.LyapunovSweeps;

namespace ChaosDescent.Reporting.Reproduction.Chaos;

/// <summary>
/// Topological entropy along Fig. 9's period-doubling route (GD on x⁴/4 − ε cos(x/ε), ε = 1e-3). Rmk. 20 states
/// that chaotic GD has positive topological entropy; the paper computes none. For interval maps h_top is 0 while the
/// dynamics is a cascade of stable cycles of period 2ᵏ (Misiurewicz &amp; Szlenk 1980: lap growth is polynomial) and
/// positive beyond the accumulation of the doublings — windows included, since a window's cycle coexists with a
/// horseshoe — and h_top ≥ λ on chaotic orbits (variational principle: h_top ≥ h_μ = λ⁺ for the physical measure,
/// Ledrappier 1981). The experiment measures h by lap-number growth on the attractor's invariant interval (two turning
/// points there) at η values of the bifurcation diagram and locates the onset from the same diagram.
/// </summary>
public sealed class EntropyRouteReproduction() : Reproduction("entropy-route", "Topological entropy along the period-doubling route",
    "Rmk. 20; D.1, Fig. 9", order: 215)
{
    /// <summary>Lap iterations per point: next to the accumulation the cycles have periods 32, 64, … and the lap count
    /// grows like a polynomial of high degree, which 200 iterations (the command's default) cannot tell from a small
    /// exponential rate (h = 0.004 ± 0.011 at η = 3.53125ε); 800 resolve it to ± 5·10⁻⁴.</summary>
    private const int LapIterations = 800;

    public override ReproductionResult Run(ReproductionContext context)
    {
        var res = new ReproductionResult();
        const double eps = 1e-3;
        var f = ObjectiveCatalog.Create("quartic-negcos", eps);
        var diagram = Bifurcation.Run(MapFactory.Create("gd", f, eps), new BifurcationSettings
        {
            EtaMin = 2.5 * eps,
            EtaMax = 4 * eps,
            Points = context.Quick ? 61 : 241,
            Threads = context.Threads,
            Attractor = context.Quick ? new AttractorSettings { MaxSteps = 10_000, MinTransient = 1_000 } : new AttractorSettings(),
        });
        double accumulation = diagram.AccumulationEta ?? diagram.OnsetEta ?? double.NaN;

        // Entropy at every k-th diagram point (the points keep their period and λ for the comparisons).
        int stride = context.Quick ? 4 : 3;
        var points = diagram.Points.Where((p, i) => i % stride == 0 && !p.Diverged).ToArray();
        var h = new EntropyResult[points.Length];
        int done = 0;
        Parallel.For(0, points.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, context.Threads) }, i =>
        {
            h[i] = TopologicalEntropy.Run(new DescentSystem { Objective = f, LearningRate = points[i].Eta }, new EntropySettings { LapIterations = LapIterations });
            context.Progress?.Report((double)Interlocked.Increment(ref done) / points.Length);
        });

        var before = Enumerable.Range(0, points.Length).Where(i => points[i].Eta < accumulation).ToArray();
        var after = Enumerable.Range(0, points.Length).Where(i => points[i].Eta > accumulation * 1.002).ToArray();
        var chaotic = after.Where(i => points[i].Period == 0 && points[i].Lambda > 3 * points[i].LambdaStdErr).ToArray();
        double worstBefore = before.Length == 0 ? double.NaN : before.Max(i => h[i].TopologicalEntropy + h[i].ErrorBound);
        double leastAfter = after.Length == 0 ? double.NaN : after.Min(i => h[i].Lower);
        double variationalGap = chaotic.Length == 0 ? double.NaN
            : chaotic.Min(i => h[i].Upper - (points[i].Lambda - 4 * points[i].LambdaStdErr));

        res.Checks.Add(Check.AtMost("entropy-route-zero-before", "h + error bound at every eta before the accumulation of the period doublings (stable 2^k-cycles: h_top = 0)",
            0.01, worstBefore, $"{before.Length} points, eta/eps up to {F(accumulation / eps, "F5")} (accumulation from the same diagram); lap growth over {LapIterations} iterations fitted with a polynomial factor").Deterministic());
        res.Checks.Add(Check.AtLeast("entropy-route-positive-after", "smallest lower end of h beyond the accumulation (chaos and its periodic windows: h_top > 0)",
            1e-3, leastAfter, $"{after.Length} points past eta/eps = {F(accumulation / eps, "F5")}").Deterministic());
        res.Checks.Add(Check.AtLeast("entropy-route-variational", "smallest h_upper - (lambda - 4 SE) over the chaotic points (h_top >= lambda, Ledrappier 1981)",
            0, variationalGap, $"{chaotic.Length} chaotic points (aperiodic, lambda > 3 SE)").Deterministic());

        var x = points.Select(p => p.Eta / eps).ToArray();
        var fig = new PlotFigure("Topological entropy along the period-doubling route (quartic-negcos, eps = 1e-3)", "eta / eps", "entropy, Lyapunov exponent")
        { Width = 1000, Height = 450 };
        fig.Band(x, h.Select(r => r.Lower).ToArray(), h.Select(r => r.TopologicalEntropy + r.ErrorBound).ToArray(), "h_top (estimate +- error)", PlotFigure.ColorAt(0));
        fig.LinePoints(x, h.Select(r => r.TopologicalEntropy).ToArray(), "h_top by lap-number growth", PlotFigure.ColorAt(0));
        fig.Points(x, points.Select(p => Math.Max(p.Lambda, 0)).ToArray(), "max(lambda, 0) of the diagram", PlotFigure.ColorAt(1), 4);
        if (double.IsFinite(accumulation)) fig.VLine(accumulation / eps, "accumulation of doublings", new ScottPlot.Color(44, 160, 44));
        fig.LegendAt(ScottPlot.Alignment.UpperLeft);
        res.AddFigure(context, fig, "entropy-route",
            "h_top of the GD map on its attractor's invariant interval (two turning points; lap-number growth) against eta/eps, with the positive part of lambda from the bifurcation diagram. h is 0 through the cascade of 2^k-cycles and positive past its accumulation, periodic windows included; h >= lambda wherever the orbit is chaotic.");
        res.AddCsv(context, "entropy-route", ["eta_over_eps", "period", "lambda", "lambda_stderr", "entropy", "entropy_error", "entropy_lower", "entropy_upper"],
            x, points.Select(p => (double)p.Period).ToArray(), points.Select(p => p.Lambda).ToArray(), points.Select(p => p.LambdaStdErr).ToArray(),
            h.Select(r => r.TopologicalEntropy).ToArray(), h.Select(r => r.ErrorBound).ToArray(), h.Select(r => r.Lower).ToArray(), h.Select(r => r.Upper).ToArray());
        res.Notes.Add($"Measured at {points.Length} eta values in [2.5, 4] eps: largest h + error before the accumulation {F(worstBefore, "G3")}; smallest lower end after it {F(leastAfter, "F4")}; " +
            $"h at eta = 4 eps: {F(h[^1].TopologicalEntropy, "F4")} +- {F(h[^1].ErrorBound, "G2")} (lambda there {F(points[^1].Lambda, "F4")}).");
        res.Notes.Add("The lap count is exact up to rounding, the rate is not a proof: log laps_n is fitted as c + k log n + h n over the last half of n (the polynomial factor of zero-entropy maps) and the error is the change from the fit over the quarter before. For one-turning-point maps the entropy command uses kneading theory instead, which brackets h rigorously.");
        res.Data["accumulation_over_eps"] = accumulation / eps;
        res.Data["eta_over_eps"] = x;
        res.Data["entropy"] = h.Select(r => r.TopologicalEntropy).ToArray();
        return res;
    }
}
