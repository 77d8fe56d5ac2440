using System.CommandLine;
using System.Globalization;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Infrastructure;

namespace ChaosDescent.Bench;

/// <summary>
/// <c>train [--threads T] [--epochs N] [--repeats R] [--json]</c>: full-batch GD epochs per
/// second for the 5-16-1 leaky-ReLU MLP on Airfoil, the workload of the numpy anchor <c>bench/anchors/mlp_numpy.py</c>
/// (Sec. 3.3; see docs/learning.md and bench/run-train-anchor.sh).
/// </summary>
public sealed class TrainCommand : ICliCommand
{
    public int Order => 20;

    public Command Build()
    {
        var threads = new Option<int>("--threads", "-t") { Description = "worker threads over blocks of samples (results identical for any count)", DefaultValueFactory = _ => 1 };
        var epochs = new Option<int>("--epochs") { Description = "timed epochs per repetition (the anchor's default is 3000)", DefaultValueFactory = _ => 3000 };
        var repeats = new Option<int>("--repeats") { Description = "timed repetitions (the fastest is reported)", DefaultValueFactory = _ => 3 };
        var json = new Option<bool>("--json") { Description = "print one JSON object on stdout" };
        var cmd = new Command("train", "time full-batch GD on the 5-16-1 leaky-ReLU MLP on Airfoil (the numpy anchor's workload): epochs per second");
        foreach (var o in new Option[] { threads, epochs, repeats, json }) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            int t = parse.GetValue(threads), e = parse.GetValue(epochs), rep = parse.GetValue(repeats);
            var r = ConsoleProgress.Run(stderr, "train", p => TrainBenchmark.Run(t, e, rep, progress: p));
            if (parse.GetValue(json))
            {
                stdout.WriteLine(Json.Serialize(r));
                return ExitCodes.Success;
            }
            var c = CultureInfo.InvariantCulture;
            stdout.WriteLine($"Sec. 3.3 training: {r.Workload}");
            stdout.WriteLine($"  threads                  {r.Threads} (of {r.ProcessorCount} cores)");
            stdout.WriteLine($"  SIMD path                {r.Simd}");
            stdout.WriteLine($"  epochs/s                 {r.EpochsPerSecond.ToString("F0", c)} (fastest of {r.RepeatsPerSecond.Length}: " +
                             string.Join(", ", r.RepeatsPerSecond.Select(v => v.ToString("F0", c))) + ")");
            stdout.WriteLine($"  epochs x seconds         {r.Epochs} x {r.Seconds.ToString("F3", c)} s");
            stdout.WriteLine($"  loss at the last epoch   {r.FinalLoss.ToString("G6", c)}  (anchor with numpy's own initialization: about 0.249)");
            stdout.WriteLine($"  bytes allocated / epoch  {r.AllocatedBytesPerEpoch.ToString("F1", c)}");
            return ExitCodes.Success;
        });
        return cmd;
    }
}
