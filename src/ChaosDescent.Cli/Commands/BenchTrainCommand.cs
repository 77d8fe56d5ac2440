using System.CommandLine;
using System.Globalization;
using ChaosDescent.Bench;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Infrastructure;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent bench train [--threads T] [--epochs N] [--json]</c>: full-batch GD epochs per second for the
/// 5-16-1 leaky-ReLU MLP on Airfoil, the workload of the numpy anchor <c>mlp_numpy.py</c> (Sec. 3.3).
/// </summary>
public sealed class BenchTrainCommand : ICliSubcommand
{
    public string Parent => "bench";
    public int Order => 20;

    public Command Build()
    {
        var threads = new Option<int>("--threads") { Description = "Worker threads (results are identical for any count)", DefaultValueFactory = _ => 1 };
        var epochs = new Option<int>("--epochs") { Description = "Timed epochs (the anchor's default is 3000)", DefaultValueFactory = _ => 3000 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout" };
        var cmd = new Command("train", "Full-batch GD epochs/s: 5-16-1 leaky-ReLU MLP on Airfoil (the workload of the numpy anchor)");
        cmd.Options.Add(threads);
        cmd.Options.Add(epochs);
        cmd.Options.Add(json);
        cmd.SetAction(parse =>
        {
            int t = parse.GetValue(threads);
            if (t < 1) throw new UserInputException($"--threads must be at least 1, got {t}");
            var r = TrainBenchmark.Run(t, parse.GetValue(epochs));
            var stdout = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json)) stdout.WriteLine(Json.Serialize(r));
            else
            {
                var ci = CultureInfo.InvariantCulture;
                stdout.WriteLine($"workload          {r.Workload}");
                stdout.WriteLine($"threads           {r.Threads}");
                stdout.WriteLine($"simd              {r.Simd}");
                stdout.WriteLine($"epochs            {r.Epochs}");
                stdout.WriteLine($"seconds           {r.Seconds.ToString("F3", ci)}");
                stdout.WriteLine($"epochs/s          {r.EpochsPerSecond.ToString("F0", ci)}");
                stdout.WriteLine($"final loss        {r.FinalLoss.ToString("G6", ci)}");
                stdout.WriteLine($"bytes/epoch       {r.AllocatedBytesPerEpoch}");
            }
            return ExitCodes.Success;
        });
        return cmd;
    }
}
