using System.CommandLine;
using ChaosDescent.Analyses;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Reporting.Plots;
using static ChaosDescent.Cli.Infrastructure.CommonOptions;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent distribution</c>: run an ensemble (or one orbit) of a map and compare its law with the rescaled
/// Gibbs law (paper Secs. 2.2, 3.1): TV over bins, KS, W1, moments; writes a histogram-vs-Gibbs figure and CSV.
/// </summary>
public sealed class DistributionCommand : ICliCommand
{
    public int Order => 20;

    public Command Build()
    {
        var system = new SystemOptions(maps: "gd | stochastic | gaussian | heavyball | nag");
        var d = new DistributionSettings();
        var particles = new Option<int>("--particles", "-n") { Description = "ensemble size N", DefaultValueFactory = _ => d.Particles };
        var steps = new Option<long?>("--steps", "-k") { Description = "steps K (default 1000 for an ensemble, 1e6 for --orbit)" };
        var orbit = new Option<bool>("--orbit") { Description = "one long orbit (time averages) instead of an ensemble" };
        var burnIn = new Option<long>("--burn-in") { Description = "orbit: steps discarded first", DefaultValueFactory = _ => d.BurnIn };
        var init = new Option<string>("--init") { Description = "initial ensemble: uniform:LO,HI | gaussian:MEAN,SD | point:X[,Y]", DefaultValueFactory = _ => d.Initial };
        var start = new Option<string?>("--start") { Description = "orbit start X[,Y] (default 0.1123…)" };
        var bins = new Option<int>("--bins") { Description = "histogram bins per coordinate", DefaultValueFactory = _ => d.Bins };
        var compare = new Option<string?>("--compare") { Description = "also run this map (e.g. stochastic) with the same settings and report the distances between the two laws (Thm. 4)" };
        var run = new RunOptions("out/distribution");
        var cmd = new Command("distribution", "compare the long-run law of GD (or another map) with the rescaled Gibbs law");
        system.AddTo(cmd);
        foreach (var o in new Option[] { particles, steps, orbit, burnIn, init, start, bins, compare }) cmd.Options.Add(o);
        run.AddTo(cmd);

        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var stderr = r.InvocationConfiguration.Error;
            var sys = system.Bind(r);
            bool isOrbit = r.GetValue(orbit);
            var settings = new DistributionSettings
            {
                Orbit = isOrbit,
                Particles = AtLeast(r.GetValue(particles), 1, "--particles"),
                Steps = r.GetValue(steps) is { } k0 && k0 < 1 ? throw new UserInputException($"--steps must be at least 1 (got {k0})") : r.GetValue(steps),
                BurnIn = r.GetValue(burnIn),
                Initial = r.GetValue(init)!,
                OrbitStart = Render.Point(r.GetValue(start)),
                Bins = AtLeast(r.GetValue(bins), 2, "--bins"),
                Compare = r.GetValue(compare),
                Seed = run.SeedValue(r),
                Threads = run.ThreadsValue(r),
            };
            string dir = run.OutDir(r);
            string mode = isOrbit ? "orbit" : "ensemble";
            var rep = ConsoleProgress.Run(stderr, settings.Compare is null ? mode : $"{sys.Map} and {settings.Compare} {mode}s", p => DistributionAnalysis.Run(sys, settings, p));
            var result = rep.Comparison!;
            string name = $"{rep.Objective}-{rep.Map}-{mode}";
            var figures = DistributionPlots.HistogramVsGibbs(result, dir, name, $"{rep.Objective}, {rep.Map}, eta = {F(rep.Eta)}, eps = {F(rep.Eps)}");
            var csv = DistributionPlots.WriteCsv(result, Path.Combine(dir, name + ".csv"));
            if (rep.Diverged > 0)
                stderr.WriteLine($"warning: {rep.Diverged} of {settings.Particles} particles diverged (first at step {rep.DivergedFirstStep}); statistics use the others");
            if (run.AsJson(r))
            {
                Render.Json(stdout, rep, ("figures", figures), ("csv", csv));
                return 0;
            }
            stdout.WriteLine($"{rep.Objective}: f = {rep.Formula}   eps = {F(rep.Eps)}   eta = {F(rep.Eta)}   map = {rep.Map}");
            stdout.WriteLine(isOrbit
                ? $"one orbit, {rep.Steps:N0} steps ({rep.BurnIn:N0} burn-in), {rep.Seconds:F2} s"
                : $"ensemble of {rep.Particles:N0} particles ({rep.Initial}), {rep.Steps:N0} steps, {rep.Seconds:F2} s");
            if (rep.Sigma2 is { } s2 && rep.GibbsNote is null) stdout.WriteLine($"sigma^2 of zeta = {F(s2)}  ->  rescaled Gibbs exp(-2 f0/(eta sigma^2))/Z = exp(-f0/{F(rep.Eta * s2 / 2)})/Z");
            else stdout.WriteLine($"no rescaled Gibbs comparison: {rep.GibbsNote}");
            foreach (var mc in result.Marginals)
            {
                string c = result.Marginals.Count == 1 ? "x" : $"coordinate {mc.Coordinate}";
                stdout.WriteLine($"  {c}: mean {F(mc.Moments.Mean, "G4")} (Gibbs {F(mc.GibbsMean ?? double.NaN, "G4")}), variance {F(mc.Moments.Variance, "G4")} (Gibbs {F(mc.GibbsVariance ?? double.NaN, "G4")})");
                if (mc.Distances is { } dd)
                    stdout.WriteLine($"     TV {F(dd.TotalVariation, "F4")}   KS {F(dd.KolmogorovSmirnov, "F4")}   W1 {F(dd.Wasserstein1, "G3")}{(dd.Binned ? "  (from the binned orbit)" : "")}");
            }
            if (rep.BetweenMaps is { } between)
                foreach (var b in between)
                    stdout.WriteLine($"  {rep.Map} vs {rep.ComparedMap}{(between.Length > 1 ? $" (coordinate {b.Coordinate})" : "")}: TV {F(b.Tv, "F4")}   KS {F(b.Ks, "F4")}   W1 {F(b.W1, "G3")}");
            if (rep.TvToGibbs2D is { } t2) stdout.WriteLine($"  2-D TV over 60x60 bins: {F(t2, "F4")}");
            if (rep.Diverged > 0) stdout.WriteLine($"  diverged: {rep.Diverged} (first at step {rep.DivergedFirstStep})");
            foreach (var f in figures) stdout.WriteLine($"figure: {f}");
            stdout.WriteLine($"csv: {csv}");
            return 0;
        });
        return cmd;
    }
}
