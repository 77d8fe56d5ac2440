using System.CommandLine;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Experiments.Sweeps;
using ChaosDescent.Reporting.Plots;
using static ChaosDescent.Cli.Infrastructure.CommonOptions;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent merge DIR… --out DIR</c>: composes the shards of one sweep into <c>results.json</c> (byte-identical
/// to a single-process run of the same file), <c>timing.json</c>, <c>table.csv</c> and the sweep's figures. Missing,
/// duplicate and foreign units (another file's) are user errors that name them.
/// </summary>
public sealed class MergeCommand : ICliCommand
{
    public int Order => 16;

    public Command Build()
    {
        var dirs = new Argument<string[]>("dirs") { Description = "shard output folders (each holds plan.json and units/)", Arity = ArgumentArity.OneOrMore };
        var outDir = new Option<string>("--out") { Description = "folder for the merged outputs", Required = true };
        var json = Json();
        var cmd = new Command("merge", "merge the shards of a sweep (chaosdescent run FILE --shard I/N) into one results.json");
        cmd.Arguments.Add(dirs);
        cmd.Options.Add(outDir);
        cmd.Options.Add(json);
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var dir = r.GetValue(outDir)!;
            var outputs = SweepResults.Compose(r.GetValue(dirs)!, dir);
            var figures = SweepPlots.Write(dir, outputs);
            if (r.GetValue(json))
            {
                WriteJson(stdout, new
                {
                    sweep = outputs.Plan["sweep"]?.ToString(),
                    plan_hash = outputs.Plan["plan_hash"]?.ToString(),
                    unit_count = outputs.Units.Count,
                    results = outputs.ResultsPath,
                    table = outputs.TablePath,
                    figures,
                });
                return ExitCodes.Success;
            }
            stdout.WriteLine($"merged {outputs.Units.Count} units of sweep {outputs.Plan["sweep"]} into {outputs.ResultsPath}");
            foreach (var f in figures) stdout.WriteLine($"figure: {f}");
            return ExitCodes.Success;
        });
        return cmd;
    }
}
