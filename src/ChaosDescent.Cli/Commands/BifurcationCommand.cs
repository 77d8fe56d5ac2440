using System.CommandLine;
using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Reporting.Reproduction.Chaos;
using static ChaosDescent.Cli.Infrastructure.CommonOptions;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent bifurcation</c>: orbit diagram over η (D.1, Fig. 9) with the period and λ at each η, the
/// period-doubling points, Feigenbaum ratios, the onset of chaos and the microscopic well's boundaries.
/// </summary>
public sealed class BifurcationCommand : ICliCommand
{
    public int Order => 32;

    public Command Build()
    {
        var system = new SystemOptions(eta: false, maps: "gd | heavyball | nag");
        var d = new BifurcationAnalysisSettings();
        var etaMin = new Option<double>("--eta-min") { Description = "smallest eta", Required = true };
        var etaMax = new Option<double>("--eta-max") { Description = "largest eta", Required = true };
        var points = new Option<int>("--points") { Description = "eta values (evenly spaced)", DefaultValueFactory = _ => d.Points };
        var start = new Option<string?>("--start") { Description = "fixed start X[,Y] (default: minimizer of f0 + 0.37 eps)" };
        var maxPeriod = new Option<int>("--max-period") { Description = "largest period looked for", DefaultValueFactory = _ => d.MaxPeriod };
        var maxSteps = new Option<int>("--max-steps") { Description = "steps per eta at most", DefaultValueFactory = _ => d.MaxSteps };
        var run = new RunOptions("out/bifurcation", seed: false);
        var cmd = new Command("bifurcation", "bifurcation diagram over eta: periods, lambda, period doublings, onset of chaos (Fig. 9)");
        system.AddTo(cmd);
        foreach (var o in new Option[] { etaMin, etaMax, points, start, maxPeriod, maxSteps }) cmd.Options.Add(o);
        run.AddTo(cmd);
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var stderr = r.InvocationConfiguration.Error;
            var sys = system.Bind(r);
            double lo = Positive(r.GetValue(etaMin), "--eta-min"), hi = Positive(r.GetValue(etaMax), "--eta-max");
            if (!(hi > lo)) throw new UserInputException($"--eta-max must exceed --eta-min (got {F(lo)}, {F(hi)})");
            var settings = new BifurcationAnalysisSettings
            {
                EtaMin = lo,
                EtaMax = hi,
                Points = AtLeast(r.GetValue(points), 2, "--points"),
                MaxPeriod = AtLeast(r.GetValue(maxPeriod), 1, "--max-period"),
                MaxSteps = r.GetValue(maxSteps),
                Threads = run.ThreadsValue(r),
                Start = Render.Point(r.GetValue(start)),
            };
            string dir = run.OutDir(r);
            var rep = ConsoleProgress.Run(stderr, "bifurcation", p => BifurcationAnalysis.Run(sys, settings, p));
            var diagram = rep.Diagram!;
            double eps = rep.Scale;
            string name = $"{rep.Objective}-{rep.Map}-bifurcation";
            string title = $"{rep.Objective}, {rep.Map}, eps = {F(rep.Eps)}";
            var figures = new[]
            {
                ChaosPlots.BifurcationDiagram(diagram, eps, $"Bifurcation diagram: {title}").Save(dir, name),
                ChaosPlots.BifurcationLambda(diagram, eps, rep.M, $"Lyapunov exponent: {title}").Save(dir, name + "-lambda"),
            };
            var csv = ChaosPlots.WriteBifurcationCsv(diagram, Path.Combine(dir, name + ".csv"));
            if (run.AsJson(r))
            {
                Render.Json(stdout, rep, ("figures", figures), ("csv", csv));
                return 0;
            }
            stdout.WriteLine($"{rep.Objective}: f = {rep.Formula}   eps = {F(rep.Eps)}   map = {rep.Map}   eta in [{F(lo)}, {F(hi)}], {settings.Points} points, {rep.Seconds:F1} s");
            int diverged = rep.Points.Count(p => p.Diverged);
            if (diverged > 0) stdout.WriteLine($"diverged at {diverged} of {rep.Points.Length} eta values");
            stdout.WriteLine("period changes:");
            int last = int.MinValue;
            foreach (var p in rep.Points)
            {
                int key = p.Diverged ? -1 : p.Period;
                if (key == last) continue;
                last = key;
                stdout.WriteLine($"  eta = {F(p.Eta, "G6")} (eta/eps = {F(p.Eta / eps, "F4")}): {(p.Diverged ? "diverges" : p.Period == 0 ? "no cycle" : $"period {p.Period}")}, lambda = {F(p.Lambda, "F4")}");
            }
            foreach (var x in rep.Doublings)
                stdout.WriteLine($"doubling {x.FromPeriod} -> {x.ToPeriod} at eta = {F(x.Eta, "G10")} (eta/eps = {F(x.EtaOverEps, "F6")}){(x.Refined ? "" : " (bracket midpoint)")}");
            if (rep.FeigenbaumRatios.Count > 0) stdout.WriteLine($"Feigenbaum ratios: {string.Join(", ", rep.FeigenbaumRatios.Select(v => F(v, "F4")))} (universal 4.6692)");
            stdout.WriteLine(rep.OnsetEta is { } on ? $"onset of chaos: eta = {F(on, "G6")} (eta/eps = {F(on / eps, "F4")})" : "onset of chaos: not in this range");
            if (rep.AccumulationEta is { } acc) stdout.WriteLine($"cascade accumulation (Feigenbaum extrapolation): eta/eps = {F(acc / eps, "F5")}");
            if (rep.Well is { } wl) stdout.WriteLine($"microscopic well: [{F(wl[0] / eps, "F4")}, {F(wl[1] / eps, "F4")}] eps");
            foreach (var f in figures) stdout.WriteLine($"figure: {f}");
            stdout.WriteLine($"csv: {csv}");
            return 0;
        });
        return cmd;
    }
}
