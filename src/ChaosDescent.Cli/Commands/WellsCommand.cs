using System.CommandLine;
using System.Globalization;
using ChaosDescent.Analyses.Landscapes.Wells;
using ChaosDescent.Cli.Infrastructure;
using static ChaosDescent.Cli.Infrastructure.CommonOptions;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent wells</c>: Remark 12 — the set S = {x : f0′(x) ∈ [a, b]} for the range [a, b] of ζ, its
/// components with certified endpoints, whether it is connected, the wells of f0 and which of them the stochastic map
/// can never leave; optionally the parameter value where connectivity flips and, for a given η, the exact reachable
/// interval of the stochastic map from each minimum.
/// </summary>
public sealed class WellsCommand : ICliCommand
{
    public int Order => 40;

    public Command Build()
    {
        var system = new SystemOptions(etaRequired: false);
        system.Eta!.Description = "also certify, for this η, the reachable interval of the stochastic map from each well's minimum";
        var critical = new Option<string?>("--critical") { Description = "locate where S changes connectivity along a parameter: NAME=LO,HI (e.g. k=0.1,2)" };
        var run = new RunOptions(seed: false, threads: false);
        var cmd = new Command("wells", "Remark 12: components of S = {x : f0'(x) in range of zeta} and which wells of f0 trap the stochastic map");
        system.AddTo(cmd);
        cmd.Options.Add(critical);
        run.AddTo(cmd);
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var settings = new WellsSettings();
            if (r.GetValue(critical) is { } spec)
            {
                var (name, lo, hi) = ParseCritical(spec);
                settings = settings with { CriticalParameter = name, CriticalLo = lo, CriticalHi = hi };
            }
            var w = WellsAnalysis.Run(system.Bind(r), settings);
            if (run.AsJson(r))
            {
                Render.Json(stdout, w);
                return 0;
            }
            double a = w.NoiseRange[0], b = w.NoiseRange[1];
            stdout.WriteLine($"{w.Objective}: f0 = {w.F0}   zeta in [{F(a)}, {F(b)}]");
            stdout.WriteLine($"S = {{x : f0'(x) in [{F(a)}, {F(b)}]}} has {w.Components.Length} component(s): {(w.Connected ? "connected" : "NOT connected")}"
                + $"  ({(w.Certified ? "certified roots" : "grid roots")}, {(w.Verified ? "verified" : "verification FAILED")}, brackets <= {w.MaxBracketWidth:G2})");
            foreach (var (c, i) in w.Components.Select((c, i) => (c, i)))
                stdout.WriteLine($"  component {i}: [{F(c[0], "G10")}, {F(c[1], "G10")}]");
            foreach (var g in w.Gaps)
                stdout.WriteLine($"  gap ({F(g.Interval[0], "G6")}, {F(g.Interval[1], "G6")}): f0' {(g.Drift == "left" ? "> b, every step moves left" : "< a, every step moves right")}");
            foreach (var well in w.Wells)
            {
                stdout.WriteLine($"  well {well.Index} ({F(well.Interval[0])}, {F(well.Interval[1])}): min at {F(well.Minimum)}, f0 = {F(well.F0Min)}, "
                    + $"component {well.Component} -> {(well.Trapped ? "TRAPPED: the stochastic map never leaves it" : "can be left")}");
                if (well.Reachable is { } rc)
                    stdout.WriteLine($"      eta = {F(rc.Eta)}: reachable interval from the minimum [{F(rc.Interval[0])}, {F(rc.Interval[1])}] -> {(rc.Trapped ? "trapped" : rc.Converged ? "reaches the well's boundary" : "undecided (iteration limit)")}");
            }
            if (w.Critical is not null)
                stdout.WriteLine($"critical parameter: {OneLineJson(w.Critical)}");
            return 0;
        });
        return cmd;
    }

    private static string OneLineJson(object o) => ChaosDescent.Infrastructure.Json.Serialize(o).ReplaceLineEndings(" ");

    private static (string Name, double Lo, double Hi) ParseCritical(string spec)
    {
        var kv = spec.Split('=', 2);
        var range = kv.Length == 2 ? kv[1].Split(',') : [];
        if (kv.Length != 2 || range.Length != 2
            || !double.TryParse(range[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var lo)
            || !double.TryParse(range[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var hi))
            throw new UserInputException($"--critical '{spec}': expected NAME=LO,HI (e.g. k=0.1,2)");
        return (kv[0].Trim(), lo, hi);
    }
}
