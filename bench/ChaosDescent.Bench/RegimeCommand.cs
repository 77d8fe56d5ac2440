using System.CommandLine;
using System.Globalization;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Infrastructure;

namespace ChaosDescent.Bench;

/// <summary>
/// <c>regime</c> of the benchmark tool (<c>dotnet run -c Release --project bench/ChaosDescent.Bench -- regime</c>): times a regime map (cell-steps per second) and the Sec. 3.1 ensemble in the same
/// run, and prints their ratio (see docs/benchmarks.md).
/// </summary>
public sealed class RegimeCommand : ICliCommand
{
    public int Order => 20;

    public Command Build()
    {
        var d = new RegimeBenchmarkSettings();
        var grid = new Option<int>("--grid") { Description = "G: a G x G regime map over the default (eta, eps) box", DefaultValueFactory = _ => d.Grid };
        var objective = new Option<string>("--objective", "-o") { Description = "objective of the regime map", DefaultValueFactory = _ => d.Objective };
        var threads = new Option<int>("--threads", "-t") { Description = "worker threads for both runs (0 = all cores)", DefaultValueFactory = _ => 0 };
        var reference = new Option<int>("--reference-grid") { Description = "also time the one-orbit-at-a-time path on this grid (0 = off)", DefaultValueFactory = _ => 0 };
        var particles = new Option<int>("--particles", "-n") { Description = "ensemble size of the comparison run", DefaultValueFactory = _ => d.EnsembleParticles };
        var json = new Option<bool>("--json") { Description = "print one JSON object on stdout" };
        var cmd = new Command("regime", "time a regime map against the Sec. 3.1 ensemble in the same run: cell-steps/s, particle-steps/s, ratio");
        foreach (var o in new Option[] { grid, objective, threads, reference, particles, json }) cmd.Options.Add(o);
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var stderr = r.InvocationConfiguration.Error;
            var settings = new RegimeBenchmarkSettings
            {
                Grid = r.GetValue(grid),
                Objective = r.GetValue(objective)!,
                Threads = r.GetValue(threads),
                ReferenceGrid = r.GetValue(reference),
                EnsembleParticles = r.GetValue(particles),
            };
            settings.Validate();
            var result = ConsoleProgress.Run(stderr, "bench regime", p => RegimeBenchmark.Run(settings, p));
            if (r.GetValue(json))
            {
                stdout.WriteLine(Json.Serialize(result));
                return ExitCodes.Success;
            }
            var c = CultureInfo.InvariantCulture;
            string M(double v) => (v / 1e6).ToString("F0", c);
            stdout.WriteLine($"regime map {result.Grid}x{result.Grid} on {result.Objective} (gd), {result.Threads} threads, sin/cos kernel {result.Simd}, lanes {result.Lanes}");
            stdout.WriteLine($"  steps_total              {result.StepsTotal.ToString("N0", c)} in {result.Seconds.ToString("F2", c)} s wall, {result.CpuSeconds.ToString("F2", c)} s CPU");
            stdout.WriteLine($"  cell-steps/s             {M(result.CellStepsPerSecond)} M   (per CPU second {M(result.CellStepsPerCpuSecond)} M)");
            stdout.WriteLine($"  ensemble particle-steps  {M(result.EnsembleParticleStepsPerSecond)} M/s (per CPU second {M(result.EnsembleParticleStepsPerCpuSecond)} M)");
            stdout.WriteLine($"  ratio                    {result.Ratio.ToString("F3", c)} wall, {result.RatioCpu.ToString("F3", c)} CPU   (goal >= 0.25)");
            if (result.ReferenceCellStepsPerSecond is { } rr)
                stdout.WriteLine($"  one orbit at a time      {M(rr)} M cell-steps/s, ratio {result.ReferenceRatio!.Value.ToString("F3", c)}");
            stdout.WriteLine($"  counts                   {string.Join(", ", result.Counts.Select(kv => $"{kv.Key} {kv.Value}"))}");
            return ExitCodes.Success;
        });
        return cmd;
    }
}
