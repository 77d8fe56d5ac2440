using System.CommandLine;
using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Cli.Infrastructure;
using static ChaosDescent.Cli.Infrastructure.CommonOptions;

namespace ChaosDescent.Cli.Commands;

/// <summary><c>chaosdescent chaos01</c>: the 0–1 test for chaos (Gottwald &amp; Melbourne 2009) on one orbit.</summary>
public sealed class Chaos01Command : ICliCommand
{
    public int Order => 34;

    public Command Build()
    {
        var system = new SystemOptions(maps: "gd | heavyball | nag | stochastic | gaussian");
        var steps = new Option<int>("--steps", "-k") { Description = "observations N of the orbit", DefaultValueFactory = _ => new ZeroOneSettings().Steps };
        var burnIn = new Option<int>("--burn-in") { Description = "steps discarded first", DefaultValueFactory = _ => new ZeroOneSettings().BurnIn };
        var frequencies = new Option<int>("--frequencies") { Description = "random frequencies c in (pi/5, 4pi/5); K is the median of K_c", DefaultValueFactory = _ => new ZeroOneSettings().Frequencies };
        var start = new Option<string?>("--start") { Description = "start X[,Y] (default: as bifurcation diagrams)" };
        var coordinate = new Option<int>("--coordinate") { Description = "coordinate observed", DefaultValueFactory = _ => 0 };
        var seed = new Option<ulong>("--seed") { Description = "seed of the frequencies", DefaultValueFactory = _ => new ZeroOneSettings().Seed };
        var run = new RunOptions(seed: false, threads: false);
        var cmd = new Command("chaos01", "0-1 test for chaos (Gottwald-Melbourne): K near 1 chaotic, near 0 regular");
        system.AddTo(cmd);
        foreach (var o in new Option[] { steps, burnIn, frequencies, start, coordinate, seed }) cmd.Options.Add(o);
        run.AddTo(cmd);
        cmd.SetAction(r =>
        {
            var sys = system.Bind(r);
            var obj = sys.RequireMultiscale(cmd.Name);
            var settings = new ZeroOneSettings
            {
                Steps = r.GetValue(steps),
                BurnIn = r.GetValue(burnIn),
                Frequencies = r.GetValue(frequencies),
                Start = r.GetValue(start) is { } s ? ObjectiveOptions.ParseList(s, "--start") : null,
                Coordinate = r.GetValue(coordinate),
                Seed = r.GetValue(seed),
            };
            var result = ConsoleProgress.Run(r.InvocationConfiguration.Error, "0-1 test", p => ZeroOneTest.Run(sys, settings, p));
            var o = r.InvocationConfiguration.Output;
            if (run.AsJson(r))
            {
                WriteJson(o, new
                {
                    objective = obj.Name,
                    formula = obj.Formula,
                    eps = obj.Epsilon,
                    eta = sys.LearningRate,
                    map = sys.Map,
                    k = result.K,
                    k_quantiles = result.KQuantiles,
                    frequencies = result.Frequencies,
                    steps = result.Steps,
                    burn_in = result.BurnIn,
                    max_lag = result.MaxLag,
                    start = result.Start,
                    interpretation = result.Interpretation,
                    seed = settings.Seed,
                });
                return 0;
            }
            o.WriteLine($"{obj.Name}: f = {obj.Formula}   eps = {F(obj.Epsilon)}   eta = {F(sys.LearningRate!.Value)}   map = {sys.Map}");
            o.WriteLine($"N = {result.Steps:N0} observations after {result.BurnIn:N0} burn-in steps, n_cut = {result.MaxLag}, {result.Frequencies} frequencies");
            o.WriteLine($"K = {F(result.K, "F4")}   (K_c 5%/95%: {F(result.KQuantiles[0], "F4")} / {F(result.KQuantiles[2], "F4")})   {result.Interpretation}");
            return 0;
        });
        return cmd;
    }
}
