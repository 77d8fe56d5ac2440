using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;
using ChaosDescent.Reporting.Plots;
using static ChaosDescent.Reporting.Reproduction.Chaos.LyapunovSweeps;

namespace ChaosDescent.Reporting.Reproduction.Chaos;

/// <summary>
/// Fig. 2 made quantitative: the regimes of GD on x²/2 + ε sin(x/ε) over a log grid of (ε, η). f0 is 1-smooth, so the
/// stability bound η = 2/L0 = 2 is exact, and f is L-smooth with L = 1 + 1/ε, so GD with η &lt; 2/L = 2ε/(1 + ε)
/// converges: both are hard facts the classification must respect.
/// </summary>
public sealed class RegimeMapReproduction() : Reproduction("fig2-regimes", "Regime map: what happens as the learning rate grows", "Fig. 2; Rmk. 9; Sec. 2.3.1, B.3.2", order: 250)
{
    public override ReproductionResult Run(ReproductionContext context)
    {
        var res = new ReproductionResult();
        var f = ObjectiveCatalog.Create("quadratic-sin");
        var settings = new RegimeSettings
        {
            EtaPoints = context.Quick ? 14 : 36,
            EpsPoints = context.Quick ? 14 : 36,
            Threads = context.Threads,
            EtaMin = 1e-4,
            EtaMax = 3,
            EpsMin = 1e-4,
            EpsMax = 1e-1,
            Attractor = new AttractorSettings { MaxSteps = context.Quick ? 8_000 : 20_000, MinTransient = context.Quick ? 1_000 : 2_000, Window = 1_024, MaxPeriod = 32 },
            MaxStepsCap = context.Quick ? 100_000 : 400_000,
        };
        var r = RegimeMap.Run(MapFactory.Create("gd", f, 0.1), settings, context.Progress);
        ChaosPlots.RegimeDiagram(r, "Regimes of GD on x^2/2 + eps sin(x/eps)").Save(context.FigureDirectory, "fig2-regimes");
        res.Figures.Add(new FigureRef("fig2-regimes",
            "Each cell: one GD orbit from x0 = 0.12, classified (converges to a local minimum / periodic / local chaos in one microscopic well / global chaos / diverges). Blue dashed: Rmk. 9's threshold eta = exp(-m) eps = 2 eps; green dashed: f0's stability bound eta = 2/L0 = 2."));
        var csv = ChaosPlots.WriteRegimeCsv(r, Path.Combine(context.DataDirectory, "fig2-regimes.csv"));
        res.DataFiles.Add(Path.GetRelativePath(context.OutputDirectory, csv));
        double m = r.M!.Value, threshold = Math.Exp(-m);
        var cells = r.Cells;
        bool Chaotic(RegimeCell c) => c.Regime is Regime.LocalChaos or Regime.GlobalChaos;

        var above = cells.Where(c => c.Eta > r.StabilityEta).ToArray();
        var below = cells.Where(c => c.Eta < r.StabilityEta).ToArray();
        res.Checks.Add(Check.Near("regimes-diverge-above-2/L0", "fraction of cells with eta > 2/L0 that diverge", 1, above.Length == 0 ? double.NaN : above.Count(c => c.Regime == Regime.Diverges) / (double)above.Length, 0,
            "x' = (1 - eta)x - eta cos(x/eps) grows like (eta - 1)^n once eta > 2"));
        res.Checks.Add(Check.Near("regimes-bounded-below-2/L0", "fraction of cells with eta < 2/L0 that diverge", 0, below.Count(c => c.Regime == Regime.Diverges) / (double)below.Length, 0,
            "|x'| <= |1 - eta||x| + eta keeps orbits bounded for eta < 2"));
        // f is L-smooth with L = 1 + 1/eps: GD with eta < 2/L decreases f and converges to a stationary point
        var small = cells.Where(c => c.Eta < 2 * c.Eps / (1 + c.Eps)).ToArray();
        res.Checks.Add(Check.Near("regimes-converge-below-2/L", "fraction of cells with eta < 2/L = 2 eps/(1 + eps) classified 'converges' (GD on an L-smooth f)", 1,
            small.Length == 0 ? double.NaN : small.Count(c => c.Regime == Regime.Converges) / (double)small.Length, 0,
            "includes the slow cells eta << eps, found by Newton from the contracting orbit"));
        int capturedAbove = cells.Count(c => c.Regime == Regime.Converges && c.Eta > 2 * c.Eps);
        var chaosBelow = cells.Where(c => Chaotic(c) && c.Eta < threshold * c.Eps).ToArray();
        res.Checks.Add(Check.Near("regimes-no-chaos-below-threshold", "chaotic cells below Rmk. 9's threshold eta = exp(-m) eps", 0, chaosBelow.Length, 0,
            $"exp(-m) = {F(threshold, "F4")}; a positive exponent needs m + ln(eta/eps) > 0 to leading order"));
        var wide = cells.Where(c => c.Eta >= 10 * c.Eps && c.Eta < r.StabilityEta).ToArray();
        double globalFraction = wide.Count(c => c.Regime == Regime.GlobalChaos) / (double)wide.Length;
        res.Checks.Add(Check.AtLeast("regimes-global-chaos-at-large-eta", "fraction of cells with 10 eps <= eta < 2/L0 in global chaos", 0.8, globalFraction,
            "Sec. 2.3.1: global chaos onsets shortly after local chaos"));
        var local = cells.Where(c => c.Regime == Regime.LocalChaos).Select(c => c.Eta / c.Eps).ToArray();
        var counts = r.Counts;
        res.Notes.Add($"{cells.Length} cells: {string.Join(", ", counts.Select(kv => $"{ChaosPlots.RegimeName(kv.Key)} {kv.Value}"))}. " +
            $"Local chaos occurs at eta/eps in [{(local.Length > 0 ? F(local.Min(), "F2") : "-")}, {(local.Length > 0 ? F(local.Max(), "F2") : "-")}], between the period-doubling band above eta = 2 eps (= exp(-m) eps, where Thm. 9's exponent turns positive) and global chaos from eta ~ 4.6 eps (the orbit of y - r cos y leaves its well). " +
            "Criteria (docs/chaos.md): diverges = leaves |x| <= 1e6; converges = stable fixed point (recurrence or Newton); periodic = stable cycle of period 2..32, or no cycle and lambda <= 3 SE; chaos = no cycle and lambda > 3 SE, local if the orbit's extremes lie in one well (no local maximum of f between them), else global.");
        res.Notes.Add($"Isolated cells of another class inside a region are real and start-dependent: periodic windows inside chaos, and capture by the shallow minima near |f0'| = max|zeta| (the edge of Rmk. 12's support), where the micro-well's curvature tends to 0 and GD is stable at any eta ({capturedAbove} cells converge although eta > 2 eps).");
        foreach (var kv in counts) res.Data[$"count_{RegimeMap.Key(kv.Key)}"] = kv.Value;
        res.Data["global_fraction_eta_over_eps_ge_10"] = globalFraction;
        return res;
    }
}

/// <summary>
/// Thm. 8 / Thm. 18: a Li–Yorke witness for GD on the L-smooth x²/2 + ε sin(x/ε) (η &lt; 1/L), verified with
/// rounding-error margins; and two cases where none can exist (a monotone map, η &lt; ε/(1+ε)) and a logistic-map
/// sanity check around 1 + √8, where period 3 is born.
/// </summary>
public sealed class LiYorkeReproduction() : Reproduction("liyorke", "Li-Yorke chaos: a period-3 witness", "Thm. 8, Thm. 18, Rmk. 20", order: 260)
{
    public override ReproductionResult Run(ReproductionContext context)
    {
        var res = new ReproductionResult();
        double eps = 1e-4, eta = 1e-2;
        var f = ObjectiveCatalog.Create("quadratic-sin", eps);
        var map = MapFactory.Create("gd", f, eta);
        var w = LiYorke.Search(map, new LiYorkeSettings { Points = context.Quick ? 50_000 : 200_000 });
        res.Checks.Add(Check.True("liyorke-found", $"a witness d <= a < b < c or d >= a > b > c exists for GD on x^2/2 + eps sin(x/eps), eps = {F(eps)}, eta = {F(eta)} (< 1/L = 1)",
            w.Found, w.Found ? $"a = {w.A:R}, pattern {w.Pattern}, smallest gap minus error bound {F(w.Margin, "G3")}, error bound {F(w.ErrorBound, "G3")}" : "none found"));
        if (w.Found)
        {
            // independent re-evaluation through the map's own step (FMA, other code path) must agree within the bound
            var s = new double[] { w.A };
            var scratch = new double[map.ScratchLength(1)];
            var rng = global::ChaosDescent.Numerics.Xoshiro256.ForStream(0, 0);
            double worst = 0;
            foreach (var target in new[] { w.B, w.C, w.D })
            {
                double from = s[0];
                map.Step(s, 1, ref rng, scratch);
                // two evaluations of phi(from), each within delta(from) of the exact value
                worst = Math.Max(worst, Math.Abs(s[0] - target) / (2 * LiYorke.EvaluationErrorBound(map, from)));
                s[0] = target; // follow the witness's own computed points
            }
            res.Checks.Add(Check.AtMost("liyorke-reevaluation", "largest difference between phi(a), phi(b), phi(c) of the witness and a re-evaluation by the map's own step (FMA, other phase rounding), in units of twice the per-evaluation error bound",
                1, worst));
            Cobweb(context, res, f, eta, w);
        }
        // monotone map: phi' = 1 - eta - (eta/eps)(-sin) >= 1 - eta(1 + 1/eps) > 0 for eta < eps/(1+eps): no cycles but fixed points
        var mono = LiYorke.Search(MapFactory.Create("gd", f, 0.5 * eps), new LiYorkeSettings { Points = context.Quick ? 20_000 : 100_000 });
        res.Checks.Add(Check.True("liyorke-none-for-monotone-map", "no witness for eta = eps/2 (phi is increasing, so it has no period-3 point)", !mono.Found));
        // logistic sanity check: x - eta f'(x) with f = x^2/2 - x^3/3 is conjugate to r y(1 - y), r = 1 + eta
        var logistic = new MultiscaleObjective("logistic", new PolynomialPotential("x^2/2 - x^3/3", (-1, 1), 0, 0, 0.5, -1.0 / 3), null, 1.0);
        bool before = LiYorke.Search(new GradientDescentMap(logistic, 2.82), new LiYorkeSettings { Lo = -1 / 2.82, Hi = 1, Points = 100_000 }).Found;
        bool after = LiYorke.Search(new GradientDescentMap(logistic, 2.84), new LiYorkeSettings { Lo = -1 / 2.84, Hi = 1, Points = 100_000 }).Found;
        res.Checks.Add(Check.True("liyorke-logistic-period3-window", "logistic map (as GD on x^2/2 - x^3/3): no witness at r = 3.82, a witness at r = 3.84 (period 3 is born at 1 + sqrt 8 = 3.8284)",
            !before && after));
        res.Notes.Add(w.Found
            ? $"Witness for eta = {F(eta)}, eps = {F(eps)}: a = {w.A:R}, b = {w.B:R}, c = {w.C:R}, d = {w.D:R} ({w.Pattern}). Every inequality holds by at least {F(w.Margin, "G3")} beyond the propagated rounding bound {F(w.ErrorBound, "G3")} ({LiYorkeWitness.ErrorModel}). By Thm. 18 the GD map has periodic points of every period and an uncountable scrambled set; by Rmk. 20 positive topological entropy."
            : "No witness found (unexpected).");
        res.Data["witness"] = w.Found ? new[] { w.A, w.B, w.C, w.D } : null;
        return res;
    }

    private static void Cobweb(ReproductionContext context, ReproductionResult res, MultiscaleObjective f, double eta, LiYorkeWitness w)
    {
        double lo = Math.Min(Math.Min(w.A, w.B), Math.Min(w.C, w.D)), hi = Math.Max(Math.Max(w.A, w.B), Math.Max(w.C, w.D));
        double pad = 0.25 * (hi - lo);
        lo -= pad;
        hi += pad;
        var xs = Enumerable.Range(0, 4001).Select(i => lo + (hi - lo) * i / 4000).ToArray();
        var fig = new PlotFigure("Li-Yorke witness: cobweb of a -> b -> c -> d under GD", "x", "phi(x) = x - eta f'(x)");
        fig.Line(xs, xs.Select(x => x - eta * f.Derivative(x)).ToArray(), "phi", PlotFigure.ColorAt(0), width: 1);
        fig.Line([lo, hi], [lo, hi], "diagonal", PlotFigure.ColorAt(7), width: 1);
        var cx = new List<double> { w.A };
        var cy = new List<double> { w.A };
        foreach (var (from, to) in new[] { (w.A, w.B), (w.B, w.C), (w.C, w.D) })
        {
            cx.Add(from); cy.Add(to);
            cx.Add(to); cy.Add(to);
        }
        fig.Line(cx.ToArray(), cy.ToArray(), $"a -> b -> c -> d ({w.Pattern})", PlotFigure.ColorAt(1), width: 2);
        fig.Points([w.A, w.B, w.C], [w.B, w.C, w.D], null, PlotFigure.ColorAt(1), 7);
        fig.Save(context.FigureDirectory, "liyorke-cobweb");
        res.Figures.Add(new FigureRef("liyorke-cobweb", "The Li-Yorke witness as a cobweb: three steps of GD from a satisfy Thm. 18's ordering."));
    }
}
