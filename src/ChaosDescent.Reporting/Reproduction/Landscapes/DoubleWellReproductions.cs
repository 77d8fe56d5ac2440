using ChaosDescent.Analyses;
using ChaosDescent.Analyses.Landscapes.Escapes;
using ChaosDescent.Analyses.Landscapes.Wells;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;
using ChaosDescent.Reporting.Plots;
using ChaosDescent.Runners;
using ChaosDescent.Analyses.Distributions;
using ChaosDescent.Statistics;
using ChaosDescent.Data;

namespace ChaosDescent.Reporting.Reproduction.Landscapes;

/// <summary>What the double-well experiments of D.5 measure for one k.</summary>
internal sealed record DoubleWellRun(
    MultiscaleObjective Objective, RescaledGibbs Gibbs, EscapeResult Ensemble, OrbitCrossings OrbitA, OrbitCrossings OrbitB,
    double StartA, double StartB, WellConnectivity Connectivity);

/// <summary>
/// Figs. 20 and 21 share one protocol: deterministic GD on k(x² − 1)² + ε sin(x/ε), η = 0.05, ε = 1e-4; an ensemble
/// started in the right well (uniform on [0.8, 1.2]) with every crossing of the barrier x = 0 tracked per particle, and
/// two single orbits whose histograms are time averages.
/// </summary>
internal static class DoubleWellProtocol
{
    public const double Eta = 0.05, Eps = 1e-4;

    public static DoubleWellRun Run(ReproductionContext context, double k, int particles, int steps, long orbitSteps, double startA, double startB, ulong seed)
    {
        var obj = ObjectiveCatalog.Create("doublewell-sin", Eps, new Dictionary<string, double> { ["k"] = k });
        var map = new GradientDescentMap(obj, Eta);
        var gibbs = RescaledGibbs.For(obj, Eta);
        // any crossing of the barrier counts: the cores are the wells themselves
        var regions = new RegionPartition([0.0], [(double.NegativeInfinity, 0.0), (0.0, double.PositiveInfinity)]);
        var ens = EscapeRunner.Run(map, regions, new EscapeSettings
        {
            Particles = particles,
            Steps = steps,
            BurnIn = steps / 2,
            Seed = seed,
            Threads = context.Threads,
            Initial = InitialCondition.Uniform(0.8, 1.2),
            TraceParticles = 1,
            TraceSteps = Math.Min(steps, 20_000),
        }, new Progress<double>(p => context.Progress?.Report(0.6 * p)));
        var range = (-1.9, 1.9);
        var a = OrbitCrossings.Run(map, startA, orbitSteps, 1000, regions, range, 190, 20_000, seed);
        context.Progress?.Report(0.8);
        var b = OrbitCrossings.Run(map, startB, orbitSteps, 1000, regions, range, 190, 20_000, seed);
        context.Progress?.Report(1.0);
        return new DoubleWellRun(obj, gibbs, ens, a, b, startA, startB, WellConnectivity.For(obj));
    }

    public static double[] FinalPositions(DoubleWellRun r) => r.Ensemble.FinalPositions.Where(double.IsFinite).ToArray();

    public static void WriteHistogramCsv(ReproductionContext context, ReproductionResult result, string name, DoubleWellRun r, Histogram1D ens)
    {
        var g = r.Gibbs.Marginal(0);
        var rows = new List<double[]>();
        foreach (var (source, h) in new[] { (0, ens), (1, r.OrbitA.Histogram), (2, r.OrbitB.Histogram) })
        {
            var e = h.Edges();
            var dens = h.Density();
            for (int i = 0; i < h.Bins; i++) rows.Add([source, 0.5 * (e[i] + e[i + 1]), dens[i], g.Mass(e[i], e[i + 1]) / h.Width]);
        }
        var path = CsvFile.WriteNumericRows(Path.Combine(context.DataDirectory, name + ".csv"), ["source", "bin_center", "density", "gibbs_density"], rows);
        result.DataFiles.Add(WellConnectivityReproduction.Rel(context, path));
    }
}

/// <summary>Fig. 20: k = 0.02 &lt; 3√3/8 — barrier crossing and mixing; the ensemble's law matches the rescaled Gibbs law.</summary>
public sealed class Figure20Reproduction() : Reproduction("fig20", "Non-convex f0, k = 0.02: barrier crossing and mixing", "D.5, Fig. 20", order: 310)
{
    public override ReproductionResult Run(ReproductionContext context)
    {
        var result = new ReproductionResult();
        int n = context.Quick ? 1000 : 10_000, k = context.Quick ? 16_000 : 30_000;
        long orbit = context.Quick ? 200_000 : 2_000_000;
        var r = DoubleWellProtocol.Run(context, 0.02, n, k, orbit, 1.0123456, 0.9876543, context.Seed + 20);
        var xs = DoubleWellProtocol.FinalPositions(r);
        var ens = Histogram1D.Of(xs, -1.9, 1.9, 95);
        var g = r.Gibbs.Marginal(0);
        double left = xs.Count(x => x < 0) / (double)xs.Length, leftGibbs = g.Cdf(0);
        double ks = Distances.KolmogorovSmirnov(xs, g.Cdf), ksCrit = Distances.KolmogorovSmirnovCritical(xs.Length);
        double crossed = r.Ensemble.FirstExitStep.Count(s => s > 0) / (double)r.Ensemble.FirstExitStep.Length;
        var maxima = new[] { 0.0 };
        string title = "k = 0.02, eta = 0.05, eps = 1e-4, GD";
        LandscapePlots.HistogramVsGibbs(ens, r.Gibbs, maxima, $"(a) ensemble at step {k} (started right): {title}", context.FigureDirectory, "fig20a");
        LandscapePlots.HistogramVsGibbs(r.OrbitA.Histogram, r.Gibbs, maxima, $"(b) orbit from x0 = {r.StartA}: {title}", context.FigureDirectory, "fig20b", "orbit (time average)");
        LandscapePlots.HistogramVsGibbs(r.OrbitB.Histogram, r.Gibbs, maxima, $"(c) another orbit from x0 = {r.StartB}: {title}", context.FigureDirectory, "fig20c", "orbit (time average)");
        LandscapePlots.Traces([r.OrbitA.Trace], maxima, $"(d) one trajectory: {title}", context.FigureDirectory, "fig20d");
        result.Figures.Add(new FigureRef("fig20a", "Fig. 20(a): the ensemble, started in the right well, has spread over both wells; red: rescaled Gibbs exp(-2 f0/(eta sigma^2))/Z."));
        result.Figures.Add(new FigureRef("fig20b", "Fig. 20(b): histogram of one trajectory (time average) against the rescaled Gibbs law."));
        result.Figures.Add(new FigureRef("fig20c", "Fig. 20(c): histogram of another trajectory."));
        result.Figures.Add(new FigureRef("fig20d", "Fig. 20(d): one trajectory; it crosses the barrier at x = 0 repeatedly."));
        DoubleWellProtocol.WriteHistogramCsv(context, result, "fig20-histograms", r, ens);

        double tol = 4 * Math.Sqrt(0.25 / xs.Length) + 0.01;
        result.Checks.Add(Check.True("s-connected", "Remark 12: S is connected for k = 0.02", r.Connectivity.Connected));
        result.Checks.Add(Check.Near("left-fraction", "ensemble fraction in the left well vs its rescaled Gibbs mass", leftGibbs, left, tol,
            $"tolerance 4 binomial s.e. + 0.01 for the O(eta^2) Gibbs error; {xs.Length} particles"));
        result.Checks.Add(Check.AtMost("ks-to-gibbs", "KS distance of the ensemble to the rescaled Gibbs law (critical value at alpha = 1e-3 plus 0.01)",
            ksCrit + 0.01, ks));
        result.Checks.Add(Check.AtLeast("crossed", "fraction of particles that crossed the barrier at least once", 0.9, crossed));
        foreach (var (label, o) in new[] { ("a", r.OrbitA), ("b", r.OrbitB) })
        {
            double l = o.OccupationFractions()[0];
            result.Checks.Add(Check.AtLeast($"orbit-{label}-crossings", $"orbit {label}: barrier crossings", 10, o.TotalTransitions));
            result.Checks.Add(Check.Near($"orbit-{label}-left-time", $"orbit {label}: fraction of time in the left well vs Gibbs", leftGibbs, l,
                context.Quick ? 0.2 : 0.08, "autocorrelated: the tolerance allows for the number of crossings"));
        }
        result.Data["left_fraction"] = left;
        result.Data["left_fraction_gibbs"] = leftGibbs;
        result.Data["ks_to_gibbs"] = ks;
        result.Data["orbit_crossings"] = new[] { r.OrbitA.TotalTransitions, r.OrbitB.TotalTransitions };
        result.Notes.Add($"{xs.Length} particles, {k} steps; {crossed:P1} of them crossed x = 0 at least once; in the left well at the end: {left:F4} (Gibbs {leftGibbs:F4}); KS to Gibbs {ks:F4} (critical {ksCrit:F4}). Orbits: {r.OrbitA.TotalTransitions} and {r.OrbitB.TotalTransitions} crossings in {orbit:N0} steps.");
        return result;
    }
}

/// <summary>
/// Fig. 21: k = 5 &gt; 3√3/8 — no orbit crosses the barrier; each orbit keeps to the well it started in (two ergodic
/// components, Remark 24).
/// </summary>
public sealed class Figure21Reproduction() : Reproduction("fig21", "Non-convex f0, k = 5: no barrier crossing, one invariant law per well", "D.5, Fig. 21; Remarks 12, 24", order: 320)
{
    public override ReproductionResult Run(ReproductionContext context)
    {
        var result = new ReproductionResult();
        int n = context.Quick ? 2000 : 20_000, k = context.Quick ? 4000 : 20_000;
        long orbit = context.Quick ? 200_000 : 2_000_000;
        var r = DoubleWellProtocol.Run(context, 5, n, k, orbit, 1.0123456, -0.9876543, context.Seed + 21);
        var xs = DoubleWellProtocol.FinalPositions(r);
        var ens = Histogram1D.Of(xs, -1.4, 1.4, 280);
        var maxima = new[] { 0.0 };
        string title = "k = 5, eta = 0.05, eps = 1e-4, GD";
        LandscapePlots.HistogramVsGibbs(ens, r.Gibbs, maxima, $"(a) ensemble at step {k} (started right): {title}", context.FigureDirectory, "fig21a");
        LandscapePlots.HistogramVsGibbs(r.OrbitA.Histogram, r.Gibbs, maxima, $"(b) orbit from x0 = {r.StartA}: {title}", context.FigureDirectory, "fig21b", "orbit (time average)");
        LandscapePlots.HistogramVsGibbs(r.OrbitB.Histogram, r.Gibbs, maxima, $"(c) orbit from x0 = {r.StartB}: {title}", context.FigureDirectory, "fig21c", "orbit (time average)");
        var land = r.Connectivity.Landscape;
        var grid = Enumerable.Range(0, 401).Select(i => -1.6 + 3.2 * i / 400).ToArray();
        new PlotFigure("(d) landscape of f0 = 5(x^2 - 1)^2", "x", "f0(x)").Line(grid, grid.Select(land.Value).ToArray(), "f0", PlotFigure.ColorAt(0))
            .Save(context.FigureDirectory, "fig21d");
        result.Figures.Add(new FigureRef("fig21a", "Fig. 21(a): the ensemble started in the right well stays there; the rescaled Gibbs law (red) puts half its mass in the left well, which no particle reaches."));
        result.Figures.Add(new FigureRef("fig21b", "Fig. 21(b): an orbit started in the right well."));
        result.Figures.Add(new FigureRef("fig21c", "Fig. 21(c): an orbit started in the left well: the mirror image, another invariant law."));
        result.Figures.Add(new FigureRef("fig21d", "Fig. 21(d): f0."));
        DoubleWellProtocol.WriteHistogramCsv(context, result, "fig21-histograms", r, ens);

        int everCrossed = r.Ensemble.FirstExitStep.Count(s => s > 0);
        result.Checks.Add(Check.True("s-disconnected", "Remark 12: S has 3 components for k = 5 and both wells are traps",
            r.Connectivity.Components.Count == 3 && r.Connectivity.Trapping.All(t => t.Trapped)));
        result.Checks.Add(Check.AtMost("ensemble-crossings", $"particles (of {n}) that ever crossed x = 0 in {k} steps", 0, everCrossed));
        result.Checks.Add(Check.AtMost("orbit-right-crossings", "orbit started right: barrier crossings", 0, r.OrbitA.TotalTransitions));
        result.Checks.Add(Check.AtMost("orbit-left-crossings", "orbit started left: barrier crossings", 0, r.OrbitB.TotalTransitions));
        result.Checks.Add(Check.True("orbits-keep-wells", "each orbit spends all its time in its own well",
            r.OrbitA.OccupationFractions()[1] == 1 && r.OrbitB.OccupationFractions()[0] == 1));
        // the two orbits are mirror images in law: compare their histograms reflected
        var ha = r.OrbitA.Histogram.Probabilities();
        var hb = r.OrbitB.Histogram.Probabilities();
        double tvMirror = 0.5 * ha.Select((p, i) => Math.Abs(p - hb[hb.Length - 1 - i])).Sum();
        result.Checks.Add(Check.AtMost("mirror-symmetry", "TV between the right orbit's histogram and the mirrored left orbit's (the two invariant laws are reflections)",
            context.Quick ? 0.15 : 0.05, tvMirror));
        var m = RunningMoments.Of(xs);
        double etaCurv = DoubleWellProtocol.Eta * land.D2(1);
        result.Data["ever_crossed"] = everCrossed;
        result.Data["ensemble_mean"] = m.Mean;
        result.Data["ensemble_variance"] = m.Variance;
        result.Data["eta_f0pp_at_min"] = etaCurv;
        result.Data["mirror_tv"] = tvMirror;
        result.Notes.Add($"No particle of {n} crossed x = 0 in {k} steps and neither orbit did in {orbit:N0} steps: the limit law depends on the starting well (Remark 24).");
        result.Notes.Add($"Within the right well the ensemble has mean {m.Mean:F4} and variance {m.Variance:G3}, far wider than the in-well rescaled Gibbs variance (about eta sigma^2/(2 f0''(1)) = {DoubleWellProtocol.Eta * 0.5 / (2 * land.D2(1)):G3}): at these parameters eta f0''(1) = {etaCurv:G3}, so x - eta f0'(x) is at its stability edge (multiplier -1) at the minimum and the small-eta theory of eq. 2 does not apply; the linearized variance eta sigma^2/(q(2 - eta q)) diverges and the cubic terms of f0' bound the spread. Fig. 22 shows the Gibbs/Gaussian limit returning as eta decreases.");
        return result;
    }
}
