using System.CommandLine;
using System.Diagnostics;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Experiments;
using ChaosDescent.Experiments.Sweeps;
using ChaosDescent.Reporting.Plots;
using static ChaosDescent.Cli.Infrastructure.CommonOptions;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent run FILE.yaml</c>: expands an experiment file into work units (docs/sweeps.md), runs them through
/// the analysis catalog in parallel — all of them, or one shard — and writes <c>results.json</c>, <c>timing.json</c>,
/// <c>table.csv</c>, the sweep's figures and one record per unit. <c>--emit slurm|k8s</c> prints a cluster job that
/// runs the shards and merges them instead.
/// </summary>
public sealed class RunCommand : ICliCommand
{
    public int Order => 15;

    public Command Build()
    {
        var file = new Argument<string>("file") { Description = "experiment file (YAML); examples in examples/" };
        var dryRun = new Option<bool>("--dry-run") { Description = "list the work units without running them" };
        var outDir = new Option<string?>("--out") { Description = "output folder (default: the file's outputs.dir, or out/experiments/NAME)" };
        var shard = new Option<string?>("--shard") { Description = "run only shard I of N (I/N, 0 <= I < N): every N-th unit from the I-th" };
        var resume = new Option<bool>("--resume") { Description = "keep the units already recorded in --out and run only the others" };
        var threads = Threads();
        var emit = new Option<string?>("--emit") { Description = "print a cluster job instead of running: slurm (sbatch job array + merge) | k8s (Indexed Job)" };
        var shards = new Option<int>("--shards") { Description = "shards for --emit", DefaultValueFactory = _ => 4 };
        var image = new Option<string>("--image") { Description = "container image for --emit k8s", DefaultValueFactory = _ => "chaosdescent:latest" };
        var json = Json();
        var cmd = new Command("run", "run an experiment (sweep) file: units in parallel, sharded, resumable; or emit a Slurm / Kubernetes job");
        cmd.Arguments.Add(file);
        foreach (var o in new Option[] { outDir, shard, resume, threads, dryRun, emit, shards, image, json }) cmd.Options.Add(o);

        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var stderr = r.InvocationConfiguration.Error;
            var path = r.GetValue(file)!;
            var experiment = ExperimentFile.Load(path);
            if (r.GetValue(outDir) is { } o) experiment = experiment with { OutputDirectory = o };
            var (shardIndex, shardCount) = r.GetValue(shard) is { } s ? SweepRunner.ParseShard(s) : (0, 1);
            // --threads wins over the file's `threads:`; both default to all cores.
            int threadCount = r.GetValue(threads) is var t && t != 0 ? t : experiment.Threads ?? 0;
            if (threadCount < 0) throw new UserInputException("--threads must be 0 (all cores) or positive");
            var plan = SweepPlan.Expand(experiment);

            if (r.GetValue(emit) is { } target)
            {
                int n = r.GetValue(shards);
                if (n < 1) throw new UserInputException("--shards must be at least 1");
                var job = new ClusterJob
                {
                    Command = SelfCommand(),
                    File = Path.GetFullPath(path),
                    FileText = experiment.Text,
                    OutputDirectory = Path.GetFullPath(experiment.OutputDirectory),
                    Name = experiment.Name,
                    Shards = Math.Min(n, Math.Max(1, plan.Count)),
                    CpusPerShard = threadCount > 0 ? threadCount : 1,
                    PlanHash = plan.Hash,
                    Units = plan.Count,
                    Image = r.GetValue(image)!,
                };
                stdout.Write(target switch
                {
                    "slurm" => ClusterScripts.Slurm(job),
                    "k8s" or "kubernetes" => ClusterScripts.Kubernetes(job),
                    _ => throw new UserInputException($"--emit '{target}': expected slurm or k8s"),
                });
                return ExitCodes.Success;
            }

            if (r.GetValue(dryRun))
            {
                var units = SweepPlan.ShardIndices(plan.Count, shardIndex, shardCount).Select(plan.Unit).ToList();
                if (r.GetValue(json))
                {
                    WriteJson(stdout, new
                    {
                        sweep = experiment.Name,
                        plan_hash = plan.Hash,
                        unit_count = plan.Count,
                        units = units.Select(u => new { u.Index, u.Analysis, u.Label, u.Seed, coordinates = u.Coordinates.ToDictionary(c => c.Axis, c => c.Value) }),
                    });
                    return ExitCodes.Success;
                }
                stdout.WriteLine($"sweep {experiment.Name}: {plan.Count} unit(s), plan {plan.Hash[..12]}");
                foreach (var u in units) stdout.WriteLine($"  {u.Index,6}  {u.Label}{(u.Seed is { } sd ? $"  seed {sd}" : "")}");
                return ExitCodes.Success;
            }

            var dir = experiment.OutputDirectory;
            var options = new SweepRunOptions { Shard = shardIndex, Shards = shardCount, Resume = r.GetValue(resume), Threads = threadCount, UnitOutputs = SweepPlots.WriteUnit };
            var summary = ConsoleProgress.Run(stderr, $"{experiment.Name}: units", p =>
                SweepRunner.Run(plan, dir, options, new UnitProgress(stderr, p, experiment.Name)));
            IReadOnlyList<string> figures = [];
            if (summary.Outputs is { } outputs) figures = SweepPlots.Write(dir, outputs);
            if (summary.Ran > 0 && summary.Failed == summary.Ran && summary.Resumed == 0)
                throw new UserInputException(summary.FirstError!);
            if (summary.Failed > 0)
                stderr.WriteLine($"warning: {summary.Failed} of {summary.Ran} unit(s) failed; first: {summary.FirstError} (recorded in results.json as 'error')");
            string results = Path.Combine(dir, SweepResults.ResultsFile);
            if (r.GetValue(json))
            {
                WriteJson(stdout, new
                {
                    sweep = experiment.Name,
                    plan_hash = plan.Hash,
                    out_dir = dir,
                    shard = $"{shardIndex}/{shardCount}",
                    unit_count = plan.Count,
                    units_in_shard = summary.Units,
                    resumed = summary.Resumed,
                    ran = summary.Ran,
                    failed = summary.Failed,
                    first_error = summary.FirstError,
                    complete = summary.Complete,
                    results = summary.Complete ? results : null,
                    table = summary.Complete ? Path.Combine(dir, SweepResults.TableFile) : null,
                    figures,
                    seconds = summary.Seconds,
                });
                return ExitCodes.Success;
            }
            stdout.WriteLine($"sweep {experiment.Name}: {summary.Ran} unit(s) run, {summary.Resumed} kept from before, {summary.Failed} failed, " +
                $"shard {shardIndex}/{shardCount} ({summary.Units} of {plan.Count} units), {summary.Seconds:F1} s");
            stdout.WriteLine(summary.Complete
                ? $"results: {results}\ntable: {Path.Combine(dir, SweepResults.TableFile)}" + string.Concat(figures.Select(f => $"\nfigure: {f}"))
                : $"units: {Path.Combine(dir, SweepRunner.UnitsFolder)} (merge the shards with: chaosdescent merge DIR... --out DIR)");
            return ExitCodes.Success;
        });
        return cmd;
    }

    /// <summary>How this very CLI is started (the apphost, or dotnet with the assembly), for cluster scripts.</summary>
    private static string SelfCommand()
    {
        var process = Environment.ProcessPath ?? "chaosdescent";
        var entry = System.Reflection.Assembly.GetEntryAssembly()?.Location;
        if (Path.GetFileNameWithoutExtension(process) == "dotnet" && !string.IsNullOrEmpty(entry)) return $"{process} {entry}";
        if (Path.GetFileNameWithoutExtension(process).StartsWith("ChaosDescent.Cli", StringComparison.OrdinalIgnoreCase)
            || Path.GetFileNameWithoutExtension(process) == "chaosdescent") return process;
        return "chaosdescent"; // e.g. inside a test host
    }

    /// <summary>Units done → the bar (when stderr is a terminal), or a line with the ETA every few seconds (logs).</summary>
    private sealed class UnitProgress(TextWriter stderr, IProgress<double> bar, string name) : IProgress<(int Done, int Total)>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly bool _lines = !ReferenceEquals(stderr, Console.Error) || Console.IsErrorRedirected;
        private readonly Lock _gate = new();
        private double _lastLine = double.NegativeInfinity;

        public void Report((int Done, int Total) value)
        {
            var (done, total) = value;
            bar.Report(total == 0 ? 1 : (double)done / total);
            if (!_lines || done == 0) return;
            lock (_gate)
            {
                double t = _clock.Elapsed.TotalSeconds;
                if (done < total && t - _lastLine < 5) return;
                _lastLine = t;
                double eta = t / done * (total - done);
                stderr.WriteLine($"{name}: {done}/{total} units ({100.0 * done / total:F0}%), {Clock(t)} elapsed, ETA {Clock(eta)}");
            }
        }

        private static string Clock(double s) => TimeSpan.FromSeconds(Math.Round(s)).ToString(s >= 3600 ? @"h\:mm\:ss" : @"m\:ss");
    }
}
