using System.CommandLine;
using System.Globalization;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Infrastructure;
using ChaosDescent.Reporting.Reproduction;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent reproduce [--out DIR] [--quick] [--only ID,…] [--seed S] [--replicates R] [--threads T] [--json]</c>:
/// runs the paper's experiments (every <see cref="IReproduction"/>) and writes report.html, results.json, figures/ and
/// data/. Exit 0 only when every experiment ran and every check passed (with R &gt; 1: every check's pass rate is
/// consistent with its design false-alarm rate); 1 otherwise; 2 for bad input.
/// </summary>
public sealed class ReproduceCommand : ICliCommand
{
    public int Order => 10;

    /// <summary>
    /// The experiments the command sees (default: every discovered one). Flows with the calling context, so a test can
    /// substitute fakes for its own call of <see cref="Program.Run"/> without touching concurrent ones.
    /// </summary>
    internal static readonly AsyncLocal<Func<IReadOnlyList<IReproduction>>?> ExperimentSource = new();

    public Command Build()
    {
        var outOpt = new Option<string>("--out") { Description = "Report folder", DefaultValueFactory = _ => Path.Combine("out", "reproduce") };
        var quickOpt = new Option<bool>("--quick") { Description = "Reduced sizes (the whole report within about a minute on 2 cores)" };
        var onlyOpt = new Option<string?>("--only") { Description = "Comma-separated experiment ids to run (default: all)" };
        var seedOpt = new Option<ulong>("--seed") { Description = "Base random seed", DefaultValueFactory = _ => 20201206UL };
        var replicatesOpt = new Option<int>("--replicates")
        {
            Description = "Run every experiment at this many independent seeds derived from --seed and report each check's pass rate and the spread of its measured value",
            DefaultValueFactory = _ => 1,
        };
        var threadsOpt = new Option<int>("--threads") { Description = "Worker threads (0 = all cores)", DefaultValueFactory = _ => 0 };
        var jsonOpt = new Option<bool>("--json") { Description = "Print results.json's content as one JSON object on stdout" };
        var listOpt = new Option<bool>("--list") { Description = "List the experiments (id, order, title) and exit" };

        var cmd = new Command("reproduce", "Reproduce the paper's experiments and write an HTML report with figures, data and checks");
        foreach (var o in new Option[] { outOpt, quickOpt, onlyOpt, seedOpt, replicatesOpt, threadsOpt, jsonOpt, listOpt }) cmd.Options.Add(o);

        cmd.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            var all = ExperimentSource.Value is { } source ? source() : ReportDriver.Discover();
            bool json = parse.GetValue(jsonOpt);

            if (parse.GetValue(listOpt))
            {
                if (json)
                {
                    stdout.WriteLine(Json.Serialize(new
                    {
                        Experiments = all.Select(e => new { e.Id, e.Order, e.Title, e.PaperReference }).ToList(),
                    }));
                }
                else
                {
                    foreach (var e in all) stdout.WriteLine($"{e.Id,-24} {e.Order,5}  {e.Title} ({e.PaperReference})");
                }
                return ExitCodes.Success;
            }

            int threads = parse.GetValue(threadsOpt);
            if (threads < 0) throw new UserInputException($"--threads must be ≥ 0 (0 = all cores), got {threads}");
            int replicates = parse.GetValue(replicatesOpt);
            if (replicates < 1) throw new UserInputException($"--replicates must be ≥ 1, got {replicates}");
            var outDir = parse.GetValue(outOpt);
            if (string.IsNullOrWhiteSpace(outDir)) throw new UserInputException("--out needs a folder name");
            var onlyText = parse.GetValue(onlyOpt);
            var only = onlyText is null ? null : onlyText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var selected = ReportDriver.Select(all, only);

            var options = new ReportOptions
            {
                OutputDirectory = outDir,
                Quick = parse.GetValue(quickOpt),
                Seed = parse.GetValue(seedOpt),
                Replicates = replicates,
                Threads = threads,
                Only = only,
                CommandLine = "chaosdescent " + string.Join(' ', parse.Tokens.Select(t => t.Value)),
            };
            var driver = new ReportDriver(options, selected);
            var results = driver.Run(steps => ConsoleProgress.RunSteps(stderr, steps));

            var reportPath = Path.GetFullPath(Path.Combine(outDir, "report.html"));
            if (json)
            {
                stdout.WriteLine(Json.Serialize(new
                {
                    Report = reportPath,
                    ResultsJson = Path.GetFullPath(Path.Combine(outDir, "results.json")),
                    results.Metadata,
                    results.Summary,
                    results.Experiments,
                    results.Checks,
                }));
            }
            else
            {
                WriteTable(stdout, results);
                stdout.WriteLine();
                stdout.WriteLine($"{results.Summary.ChecksPassed}/{results.Summary.Checks} checks passed, "
                                 + $"{results.Summary.Experiments - results.Summary.ExperimentsFailed}/{results.Summary.Experiments} experiments completed "
                                 + $"in {results.Metadata.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s ({results.Metadata.Mode}).");
                if (results.Summary.Replicates > 1)
                {
                    stdout.WriteLine($"{results.Summary.Replicates} replicates: {results.Checks.Count(c => c.PassRate == 1)}/{results.Summary.Checks} checks passed at every seed; "
                                     + $"{results.Summary.ChecksInconsistent} with more failures than their design false-alarm rate explains.");
                    foreach (var c in results.Checks.Where(c => c.PassRate < 1))
                        stdout.WriteLine($"  {c.Experiment}/{c.Id}: pass rate {c.PassRate.ToString("0.###", CultureInfo.InvariantCulture)}"
                                         + $" (design false-alarm rate {(c.FalseAlarmRate is { } a ? Check.Fmt(a) : "not stated")}){(c.Consistent ? "" : " INCONSISTENT")}");
                }
                foreach (var e in results.Experiments.Where(e => e.Error is not null))
                    stdout.WriteLine($"experiment {e.Id} failed: {e.Error}");
                stdout.WriteLine($"report: {reportPath}");
            }
            return results.AllPassed ? ExitCodes.Success : ExitCodes.InternalError;
        });
        return cmd;
    }

    /// <summary>A plain aligned table of every check (readable in a terminal and in logs).</summary>
    internal static void WriteTable(TextWriter w, ReportResults results)
    {
        bool replicated = results.Summary.Replicates > 1;
        string[] head = replicated
            ? ["experiment", "check", "expected", "measured", "result", "pass rate", "q05", "q50", "q95"]
            : ["experiment", "check", "expected", "measured", "result"];
        var rows = results.Checks.Select(c =>
        {
            string[] cells =
            [
                c.Experiment, c.Id, c.Expectation,
                c.Relation == "true" ? (c.Measured == 1 ? "yes" : "no") : Check.Fmt(c.Measured),
                c.Pass ? "pass" : "FAIL",
            ];
            if (!replicated) return cells;
            return [.. cells, c.PassRate.ToString("0.###", CultureInfo.InvariantCulture), .. c.MeasuredQuantiles.Select(Check.Fmt)];
        }).ToList();
        if (rows.Count == 0)
        {
            w.WriteLine("(no checks)");
            return;
        }
        var width = head.Select((h, j) => Math.Max(h.Length, rows.Max(r => r[j].Length))).ToArray();
        string Line(string[] cells) => string.Join("  ", cells.Select((c, j) => j is 2 or 3 or > 4 ? c.PadLeft(width[j]) : c.PadRight(width[j]))).TrimEnd();
        w.WriteLine(Line(head));
        w.WriteLine(string.Join("  ", width.Select(n => new string('-', n))));
        foreach (var r in rows) w.WriteLine(Line(r));
    }
}
