using System.CommandLine;
using System.Globalization;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Infrastructure;

namespace ChaosDescent.Bench;

/// <summary>
/// <c>ensemble</c> of the benchmark tool (<c>dotnet run -c Release --project bench/ChaosDescent.Bench -- ensemble</c>): times the Sec. 3.1 ensemble (quartic-sin, η = 0.1, ε = 1e-6, GD) through the
/// library's ensemble runner and prints particle-steps per second (see docs/benchmarks.md, bench/run-anchors.sh).
/// </summary>
public sealed class EnsembleCommand : ICliCommand
{
    public int Order => 10;

    public Command Build()
    {
        var threads = new Option<int>("--threads", "-t") { Description = "worker threads (0 = all cores)", DefaultValueFactory = _ => 1 };
        var particles = new Option<int>("--particles", "-n") { Description = "ensemble size N", DefaultValueFactory = _ => 1_000_000 };
        var steps = new Option<int>("--steps", "-k") { Description = "steps K", DefaultValueFactory = _ => 200 };
        var repeats = new Option<int>("--repeats") { Description = "timed repetitions (the fastest is reported)", DefaultValueFactory = _ => 3 };
        var json = new Option<bool>("--json") { Description = "print one JSON object on stdout" };
        var cmd = new Command("ensemble", "time the Sec. 3.1 ensemble (quartic-sin, eta = 0.1, eps = 1e-6, GD): particle-steps per second");
        foreach (var o in new Option[] { threads, particles, steps, repeats, json }) cmd.Options.Add(o);
        var objective = new ObjectiveOptions(); // --objective NAME or --f0/--f1/--f formulas instead of quartic-sin
        objective.AddTo(cmd);

        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var stderr = r.InvocationConfiguration.Error;
            var settings = new EnsembleBenchmarkSettings
            {
                Threads = r.GetValue(threads),
                Particles = r.GetValue(particles),
                Steps = r.GetValue(steps),
                Repeats = r.GetValue(repeats),
                Custom = r.GetValue(objective.Objective) is not null || objective.ExpressionSpec(r) is not null ? objective.Resolve(r) : null,
            };
            settings.Validate();
            var result = ConsoleProgress.Run(stderr, "ensemble", p => EnsembleBenchmark.Run(settings, p));
            if (r.GetValue(json))
            {
                stdout.WriteLine(Json.Serialize(result));
                return ExitCodes.Success;
            }
            var c = CultureInfo.InvariantCulture;
            stdout.WriteLine($"Sec. 3.1 ensemble: {result.Objective}, eta = {result.Eta.ToString("G", c)}, eps = {result.Eps.ToString("G", c)}, map {result.Map}");
            stdout.WriteLine($"  particles x steps        {result.Particles.ToString("N0", c)} x {result.Steps.ToString("N0", c)}");
            stdout.WriteLine($"  threads                  {result.Threads} (of {result.ProcessorCount} cores)");
            stdout.WriteLine($"  sin/cos kernel           {result.Simd}");
            stdout.WriteLine($"  particle-steps/s         {(result.ParticleStepsPerSecond / 1e6).ToString("F0", c)} M (fastest of {result.RepeatsPerSecond.Length}: " +
                             string.Join(", ", result.RepeatsPerSecond.Select(v => (v / 1e6).ToString("F0", c))) + " M)");
            stdout.WriteLine($"  stepping time            {result.Seconds.ToString("F3", c)} s wall, {result.CpuSeconds.ToString("F3", c)} s CPU (+ {result.SetupSeconds.ToString("F3", c)} s set-up, not counted)");
            stdout.WriteLine($"  per CPU second           {(result.ParticleStepsPerCpuSecond / 1e6).ToString("F0", c)} M particle-steps" +
                             (result.Seconds > 1.5 * result.CpuSeconds / result.Threads ? " (wall time well above CPU time: the machine is busy)" : ""));
            stdout.WriteLine($"  mean(x^2) at step K      {result.MeanX2.ToString("F4", c)}  (anchors: about 0.107 at K = 200)");
            if (result.Diverged > 0) stdout.WriteLine($"  diverged particles       {result.Diverged}");
            return ExitCodes.Success;
        });
        return cmd;
    }
}
