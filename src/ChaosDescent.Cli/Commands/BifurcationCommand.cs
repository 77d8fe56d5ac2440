using System.CommandLine;
using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Infrastructure;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;
using ChaosDescent.Reporting.Reproduction.Chaos;
using ChaosDescent.Runners;
using ChaosDescent.Reporting.Plots;
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
        var objective = new ObjectiveOptions();
        var etaMin = new Option<double>("--eta-min") { Description = "smallest eta", Required = true };
        var etaMax = new Option<double>("--eta-max") { Description = "largest eta", Required = true };
        var points = new Option<int>("--points") { Description = "eta values (evenly spaced)", DefaultValueFactory = _ => 400 };
        var map = new Option<string>("--map") { Description = "gd | heavyball | nag", DefaultValueFactory = _ => "gd" };
        var start = new Option<string?>("--start") { Description = "fixed start X[,Y] (default: minimizer of f0 + 0.37 eps)" };
        var maxPeriod = new Option<int>("--max-period") { Description = "largest period looked for", DefaultValueFactory = _ => 64 };
        var maxSteps = new Option<int>("--max-steps") { Description = "steps per eta at most", DefaultValueFactory = _ => 40_000 };
        var momentum = new Option<double>("--momentum") { Description = "heavy-ball gamma", DefaultValueFactory = _ => 0.9 };
        var mu = new Option<double?>("--mu") { Description = "NAG-SC mu (default: f0's)" };
        var threads = Threads();
        var json = Json();
        var outDir = Out("out/bifurcation");
        var cmd = new Command("bifurcation", "bifurcation diagram over eta: periods, lambda, period doublings, onset of chaos (Fig. 9)");
        objective.AddTo(cmd);
        foreach (var o in new Option[] { etaMin, etaMax, points, map, start, maxPeriod, maxSteps, momentum, mu, threads, json, outDir })
            cmd.Options.Add(o);
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var stderr = r.InvocationConfiguration.Error;
            var obj = objective.Resolve(r);
            double lo = Positive(r.GetValue(etaMin), "--eta-min"), hi = Positive(r.GetValue(etaMax), "--eta-max");
            if (!(hi > lo)) throw new UserInputException($"--eta-max must exceed --eta-min (got {F(lo)}, {F(hi)})");
            var m = MapFactory.Create(r.GetValue(map)!, obj, lo, new MapOptions { Momentum = r.GetValue(momentum), StrongConvexity = r.GetValue(mu) });
            int mp = AtLeast(r.GetValue(maxPeriod), 1, "--max-period");
            int ms = r.GetValue(maxSteps);
            var attractor = new AttractorSettings { MaxPeriod = mp, Window = Math.Max(1024, 4 * mp), MaxSteps = ms, MinTransient = Math.Min(2000, ms / 4) };
            if (ms < attractor.MinTransient + attractor.Window) throw new UserInputException($"--max-steps must be at least {attractor.MinTransient + attractor.Window}");
            var settings = new BifurcationSettings
            {
                EtaMin = lo,
                EtaMax = hi,
                Points = AtLeast(r.GetValue(points), 2, "--points"),
                Attractor = attractor,
                Threads = r.GetValue(threads),
                Start = r.GetValue(start) is { } s ? ((FixedPoint)InitialCondition.Parse("point:" + s)).X : null,
            };
            string dir = r.GetValue(outDir) ?? "out/bifurcation";
            AtomicFile.EnsureWritableDirectory(dir);
            var d = ConsoleProgress.Run(stderr, "bifurcation", p => Bifurcation.Run(m, settings, p));
            double eps = WellGeometry.Scale(obj);
            double? mval = obj.Micro is { Kind: not MicroScaleKind.General } ? MConstant.Compute(obj, MConstantOptions.Quick).M : null;
            string name = $"{obj.Name}-{m.Name}-bifurcation";
            string title = $"{obj.Name}, {m.Name}, eps = {F(obj.Epsilon)}";
            var figures = new[]
            {
                ChaosPlots.BifurcationDiagram(d, eps, $"Bifurcation diagram: {title}").Save(dir, name),
                ChaosPlots.BifurcationLambda(d, eps, mval, $"Lyapunov exponent: {title}").Save(dir, name + "-lambda"),
            };
            var csv = ChaosPlots.WriteBifurcationCsv(d, Path.Combine(dir, name + ".csv"));
            var report = new
            {
                objective = obj.Name,
                formula = obj.Formula,
                eps = obj.Epsilon,
                map = m.Name,
                start = d.Start,
                points = d.Points.Select(p => new { eta = p.Eta, period = p.Period, lambda = p.Lambda, lambda_stderr = p.LambdaStdErr, diverged = p.Diverged }).ToArray(),
                doublings = d.Doublings.Select(x => new { eta = x.Eta, eta_over_eps = x.Eta / eps, from_period = x.FromPeriod, to_period = x.ToPeriod, refined = x.Refined, bracket = new[] { x.BracketLo, x.BracketHi } }).ToArray(),
                feigenbaum_ratios = d.FeigenbaumRatios,
                onset_eta = d.OnsetEta,
                onset_eta_over_eps = d.OnsetEta / eps,
                accumulation_eta = d.AccumulationEta,
                accumulation_eta_over_eps = d.AccumulationEta / eps,
                well = d.Well is { } w ? new[] { w.Lo, w.Hi } : null,
                m = mval,
                seconds = d.Seconds,
                figures,
                csv,
            };
            if (r.GetValue(json))
            {
                WriteJson(stdout, report);
                return 0;
            }
            stdout.WriteLine($"{obj.Name}: f = {obj.Formula}   eps = {F(obj.Epsilon)}   map = {m.Name}   eta in [{F(lo)}, {F(hi)}], {settings.Points} points, {d.Seconds:F1} s");
            int diverged = d.Points.Count(p => p.Diverged);
            if (diverged > 0) stdout.WriteLine($"diverged at {diverged} of {d.Points.Count} eta values");
            stdout.WriteLine("period changes:");
            int last = int.MinValue;
            foreach (var p in d.Points)
            {
                int key = p.Diverged ? -1 : p.Period;
                if (key == last) continue;
                last = key;
                stdout.WriteLine($"  eta = {F(p.Eta, "G6")} (eta/eps = {F(p.Eta / eps, "F4")}): {(p.Diverged ? "diverges" : p.Period == 0 ? "no cycle" : $"period {p.Period}")}, lambda = {F(p.Lambda, "F4")}");
            }
            foreach (var x in d.Doublings)
                stdout.WriteLine($"doubling {x.FromPeriod} -> {x.ToPeriod} at eta = {F(x.Eta, "G10")} (eta/eps = {F(x.Eta / eps, "F6")}){(x.Refined ? "" : " (bracket midpoint)")}");
            if (d.FeigenbaumRatios.Count > 0) stdout.WriteLine($"Feigenbaum ratios: {string.Join(", ", d.FeigenbaumRatios.Select(v => F(v, "F4")))} (universal 4.6692)");
            stdout.WriteLine(d.OnsetEta is { } on ? $"onset of chaos: eta = {F(on, "G6")} (eta/eps = {F(on / eps, "F4")})" : "onset of chaos: not in this range");
            if (d.AccumulationEta is { } acc) stdout.WriteLine($"cascade accumulation (Feigenbaum extrapolation): eta/eps = {F(acc / eps, "F5")}");
            if (d.Well is { } wl) stdout.WriteLine($"microscopic well: [{F(wl.Lo / eps, "F4")}, {F(wl.Hi / eps, "F4")}] eps");
            foreach (var f in figures) stdout.WriteLine($"figure: {f}");
            stdout.WriteLine($"csv: {csv}");
            return 0;
        });
        return cmd;
    }
}
