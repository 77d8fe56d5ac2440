using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Experiments;
using ChaosDescent.Infrastructure;
using ChaosDescent.Numerics.LinearAlgebra;
using static ChaosDescent.Cli.Infrastructure.CommonOptions;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent run FILE.yaml</c>: runs an experiment file (docs/expressions.md). Each analysis in the file is
/// the CLI command of the same name, invoked in-process through <see cref="Program.Run"/> with the experiment's
/// objective, η/ε (one run per value of a sweep), map, ensemble/orbit settings, seed and threads, so every command
/// works in experiment files as soon as it exists. Every run's folder gets <c>input.json</c> (the exact command
/// line, objective, seed, version and the file's text), and the experiment folder gets <c>experiment.yaml</c> (a
/// copy of the input) and <c>experiment.json</c> (input plus every run's JSON result).
/// </summary>
public sealed class RunCommand : ICliCommand
{
    public int Order => 15;

    public Command Build()
    {
        var file = new Argument<string>("file") { Description = "experiment file (YAML); examples in examples/" };
        var dryRun = new Option<bool>("--dry-run") { Description = "print the command lines without running them" };
        var outDir = new Option<string?>("--out") { Description = "output folder (default: the file's outputs.dir, or out/experiments/NAME)" };
        var json = Json();
        var cmd = new Command("run", "run an experiment file: objective, map, eta/eps sweeps, ensemble or orbit, analyses, outputs");
        cmd.Arguments.Add(file);
        foreach (var o in new Option[] { dryRun, outDir, json }) cmd.Options.Add(o);

        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var stderr = r.InvocationConfiguration.Error;
            var path = r.GetValue(file)!;
            var experiment = ExperimentFile.Load(path);
            if (r.GetValue(outDir) is { } o) experiment = experiment with { OutputDirectory = o };
            var root = Program.BuildRoot();
            var top = root.Subcommands.Where(c => c.Name != "run").ToDictionary(c => c.Name);
            CommandInfo? Lookup(string name) => top.TryGetValue(name, out var c)
                ? new CommandInfo(c.Name, c.Options.SelectMany(op => op.Aliases.Append(op.Name)).ToHashSet())
                : null;
            var available = top.Values.Where(c => c.Options.Any(op => op.Name == "--objective")).Select(c => c.Name).Order();
            var runs = ExperimentPlanner.Plan(experiment, Lookup, available);
            string version = Version();

            if (r.GetValue(dryRun))
            {
                if (r.GetValue(json))
                {
                    WriteJson(stdout, new { experiment = experiment.Name, file = path, version, runs = runs.Select(x => new { x.Label, x.Analysis, arguments = x.Arguments, x.NotUsed }) });
                    return ExitCodes.Success;
                }
                foreach (var run in runs)
                {
                    stdout.WriteLine("chaosdescent " + string.Join(" ", run.Arguments.Select(Quote)));
                    if (run.NotUsed.Count > 0) stdout.WriteLine($"  (not used by {run.Analysis}: {string.Join(", ", run.NotUsed)})");
                }
                return ExitCodes.Success;
            }

            AtomicFile.EnsureWritableDirectory(experiment.OutputDirectory);
            AtomicFile.WriteAllText(Path.Combine(experiment.OutputDirectory, "experiment.yaml"), experiment.Text);
            var records = new List<object>();
            var summary = new List<(string Label, JsonNode? Result)>();
            int exit = ExitCodes.Success;
            string? failed = null;
            foreach (var run in runs)
            {
                stderr.WriteLine($"[{records.Count + 1}/{runs.Count}] {run.Label}");
                AtomicFile.EnsureWritableDirectory(run.OutputDirectory);
                var input = new
                {
                    experiment = experiment.Name,
                    file = Path.GetFullPath(path),
                    version,
                    command = "chaosdescent " + string.Join(" ", run.Arguments.Select(Quote)),
                    arguments = run.Arguments,
                    analysis = run.Analysis,
                    objective = Objective(experiment.Objective),
                    eta = run.Eta,
                    eps = run.Eps,
                    seed = experiment.Seed,
                    threads = experiment.Threads,
                    not_used = run.NotUsed,
                    yaml = experiment.Text,
                };
                AtomicFile.WriteAllText(Path.Combine(run.OutputDirectory, "input.json"), ChaosDescent.Infrastructure.Json.Serialize(input));
                var captured = new StringWriter(CultureInfo.InvariantCulture);
                int code = Program.Run(run.Arguments.ToArray(), captured, stderr);
                var text = captured.ToString();
                JsonNode? result = null;
                if (run.Json && code == ExitCodes.Success)
                {
                    try
                    {
                        result = JsonNode.Parse(text);
                    }
                    catch (System.Text.Json.JsonException)
                    {
                        result = null; // recorded as text below
                    }
                }
                records.Add(new
                {
                    label = run.Label,
                    analysis = run.Analysis,
                    eta = run.Eta,
                    eps = run.Eps,
                    arguments = run.Arguments,
                    exit_code = code,
                    output_directory = run.OutputDirectory,
                    not_used = run.NotUsed,
                    result,
                    stdout = result is null ? text : null,
                });
                summary.Add((run.Label, result));
                if (code != ExitCodes.Success)
                {
                    exit = code;
                    failed = run.Label;
                    break;
                }
            }

            var record = new
            {
                experiment = experiment.Name,
                description = experiment.Description,
                file = Path.GetFullPath(path),
                version,
                seed = experiment.Seed,
                objective = Objective(experiment.Objective),
                yaml = experiment.Text,
                completed = failed is null,
                runs = records,
            };
            var recordPath = Path.Combine(experiment.OutputDirectory, "experiment.json");
            AtomicFile.WriteAllText(recordPath, ChaosDescent.Infrastructure.Json.Serialize(record));
            if (failed is not null)
            {
                stderr.WriteLine($"error: experiment '{experiment.Name}' stopped at run '{failed}' (exit code {exit}); record: {recordPath}");
                return exit;
            }
            if (r.GetValue(json))
            {
                WriteJson(stdout, record);
                return ExitCodes.Success;
            }
            stdout.WriteLine($"experiment {experiment.Name}: {runs.Count} run(s), objective {Describe(experiment.Objective)}");
            foreach (var (label, res) in summary) stdout.WriteLine($"  {label}: {Headline(res)}");
            stdout.WriteLine($"record: {recordPath}");
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static object? Objective(ObjectiveSection? o) => o is null ? null : o.CatalogName is { } name
        ? new { name, parameters = o.Parameters, f = (string?)null, f0 = (string?)null, f1 = (string?)null, omega = (IReadOnlyList<double>?)null, period = (double?)null }
        : new
        {
            name = Expressions.ExpressionObjective.Name,
            parameters = o.Parameters,
            f = o.Formulas!.F,
            f0 = o.Formulas.F0,
            f1 = o.Formulas.F1,
            omega = o.Formulas.Omega,
            period = o.Formulas.Period,
        };

    private static string Describe(ObjectiveSection? o) => o is null ? "none" : o.CatalogName ?? string.Join(", ",
        new[] { ("f", o.Formulas!.F), ("f0", o.Formulas.F0), ("f1", o.Formulas.F1) }.Where(t => t.Item2 is not null).Select(t => $"{t.Item1} = {t.Item2}"));

    /// <summary>Up to six numeric results of a run's JSON (not its inputs), for the summary table.</summary>
    private static string Headline(JsonNode? result)
    {
        if (result is not JsonObject obj) return "done";
        string[] inputs = ["eta", "eps", "seed", "particles", "steps", "burn_in", "threads", "bins", "seconds"];
        var parts = obj.Where(kv => !inputs.Contains(kv.Key) && kv.Value is JsonValue v && v.TryGetValue<double>(out _))
            .Take(6).Select(kv => $"{kv.Key} = {kv.Value!.GetValue<double>().ToString("G6", CultureInfo.InvariantCulture)}");
        var s = string.Join(", ", parts);
        return s.Length == 0 ? "done" : s;
    }

    private static string Version()
    {
        var asm = typeof(ChaosDescent.Objectives.MultiscaleObjective).Assembly;
        return asm.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
               ?? asm.GetName().Version?.ToString() ?? "unknown";
    }

    private static string Quote(string a) =>
        a.Length > 0 && a.All(c => char.IsLetterOrDigit(c) || "-_.,=/:+".Contains(c)) ? a : "'" + a.Replace("'", "'\\''") + "'";
}
