using System.CommandLine;
using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Cli.Infrastructure;
using static ChaosDescent.Cli.Infrastructure.CommonOptions;

namespace ChaosDescent.Cli.Commands;

/// <summary><c>chaosdescent entropy</c>: topological entropy of a 1-D GD map with an error bound (kneading theory
/// for unimodal maps, lap-number growth otherwise).</summary>
public sealed class EntropyCommand : ICliCommand
{
    public int Order => 35;

    public Command Build()
    {
        var system = new SystemOptions();
        var interval = new Option<string?>("--interval") { Description = "LO,HI: an invariant interval (default: the attractor's smallest invariant interval)" };
        var laps = new Option<int>("--lap-iterations") { Description = "iterations of the lap count (multimodal maps)", DefaultValueFactory = _ => new EntropySettings().LapIterations };
        var run = new RunOptions(seed: false, threads: false);
        var cmd = new Command("entropy", "topological entropy of a 1-D GD map (Rmk. 20), with an error bound");
        system.AddTo(cmd);
        foreach (var o in new Option[] { interval, laps }) cmd.Options.Add(o);
        run.AddTo(cmd);
        cmd.SetAction(r =>
        {
            var sys = system.Bind(r);
            var obj = sys.RequireMultiscale(cmd.Name);
            var settings = new EntropySettings
            {
                Interval = r.GetValue(interval) is { } s ? ObjectiveOptions.ParseList(s, "--interval") : null,
                LapIterations = AtLeast(r.GetValue(laps), 1, "--lap-iterations"),
            };
            var h = ConsoleProgress.Run(r.InvocationConfiguration.Error, "entropy", p => TopologicalEntropy.Run(sys, settings, p));
            var o = r.InvocationConfiguration.Output;
            if (run.AsJson(r))
            {
                WriteJson(o, new
                {
                    objective = obj.Name,
                    formula = obj.Formula,
                    eps = obj.Epsilon,
                    eta = sys.LearningRate,
                    topological_entropy = h.TopologicalEntropy,
                    error_bound = h.ErrorBound,
                    lower = h.Lower,
                    upper = h.Upper,
                    rigorous = h.Rigorous,
                    method = h.Method,
                    interval = h.Interval,
                    turning_points = h.TurningPoints.Length,
                    symbols_used = h.SymbolsUsed,
                    critical_orbit_periodic = h.CriticalOrbitPeriodic,
                    note = h.Note,
                });
                return 0;
            }
            o.WriteLine($"{obj.Name}: f = {obj.Formula}   eps = {F(obj.Epsilon)}   eta = {F(sys.LearningRate!.Value)}");
            o.WriteLine($"interval [{F(h.Interval[0], "G8")}, {F(h.Interval[1], "G8")}], {h.TurningPoints.Length} turning point(s); {h.Method}");
            o.WriteLine($"h_top = {F(h.TopologicalEntropy, "F6")} +- {F(h.ErrorBound, "G3")}   in [{F(h.Lower, "F6")}, {F(h.Upper, "F6")}]{(h.Rigorous ? " (certified)" : " (estimate)")}");
            o.WriteLine(h.Note);
            return 0;
        });
        return cmd;
    }
}
