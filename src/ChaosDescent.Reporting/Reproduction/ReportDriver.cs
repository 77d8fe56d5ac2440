using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.Json;
using ChaosDescent.Infrastructure;
using ChaosDescent.Reporting.Html;
using ChaosDescent.Numerics.LinearAlgebra;

namespace ChaosDescent.Reporting.Reproduction;

/// <summary>
/// Runs a list of <see cref="IReproduction"/>s in <see cref="IReproduction.Order"/> and writes the report folder:
/// <c>report.html</c>, <c>results.json</c> (both atomically), with the experiments' own <c>figures/</c> and
/// <c>data/</c>. A failing experiment is caught and recorded (status "error", and a failed check
/// <c>{id}.completed</c>) so the others still run; <see cref="ReportResults.AllPassed"/> is then false.
/// </summary>
public sealed class ReportDriver
{
    /// <summary>
    /// Runs the given steps in order, one progress sink each. The CLI passes one that draws console progress bars;
    /// the default runs them with no progress display.
    /// </summary>
    public delegate void StepRunner(IReadOnlyList<(string Title, Action<IProgress<double>> Work)> steps);

    private readonly ReportOptions _options;

    public IReadOnlyList<IReproduction> Experiments { get; }

    public ReportDriver(ReportOptions options, IEnumerable<IReproduction> experiments)
    {
        _options = options;
        Experiments = Sort(experiments);
        var dup = Experiments.GroupBy(e => e.Id, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null)
            throw new InvalidOperationException($"two experiments share the id '{dup.Key}': {string.Join(", ", dup.Select(e => e.GetType().Name))}");
    }

    private static List<IReproduction> Sort(IEnumerable<IReproduction> experiments) =>
        experiments.OrderBy(e => e.Order).ThenBy(e => e.Id, StringComparer.Ordinal).ToList();

    /// <summary>
    /// Every public non-abstract <see cref="IReproduction"/> with a parameterless constructor in the given assemblies
    /// (default: this reporting assembly), sorted by order then id.
    /// </summary>
    public static IReadOnlyList<IReproduction> Discover(params Assembly[] assemblies)
    {
        if (assemblies.Length == 0) assemblies = [typeof(IReproduction).Assembly];
        return Sort(assemblies.SelectMany(a => a.GetTypes())
            .Where(t => typeof(IReproduction).IsAssignableFrom(t) && t is { IsPublic: true, IsAbstract: false, IsInterface: false }
                        && t.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => (IReproduction)Activator.CreateInstance(t)!));
    }

    /// <summary>
    /// The experiments named in <paramref name="only"/> (case-insensitive, in report order); all of them when
    /// <paramref name="only"/> is null. An unknown id is a user error that lists the valid ones.
    /// </summary>
    public static IReadOnlyList<IReproduction> Select(IReadOnlyList<IReproduction> all, IEnumerable<string>? only)
    {
        if (only is null) return Sort(all);
        var wanted = only.Select(s => s.Trim()).Where(s => s.Length > 0).ToList();
        if (wanted.Count == 0) throw new UserInputException("--only needs at least one experiment id; valid ids: " + ValidIds(all));
        var byId = all.ToDictionary(e => e.Id, StringComparer.OrdinalIgnoreCase);
        var unknown = wanted.Where(w => !byId.ContainsKey(w)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (unknown.Count > 0)
            throw new UserInputException(
                $"unknown experiment id{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Select(u => $"'{u}'"))}; valid ids: {ValidIds(all)}");
        var set = new HashSet<string>(wanted, StringComparer.OrdinalIgnoreCase);
        return Sort(all.Where(e => set.Contains(e.Id)));
    }

    private static string ValidIds(IReadOnlyList<IReproduction> all) =>
        all.Count == 0 ? "(none)" : string.Join(", ", Sort(all).Select(e => e.Id));

    /// <summary>Runs every experiment, then writes results.json and report.html. Never throws for a failing experiment.</summary>
    public ReportResults Run(StepRunner? runSteps = null)
    {
        var outDir = _options.OutputDirectory;
        int replicates = _options.Replicates;
        if (replicates < 1) throw new UserInputException($"--replicates must be ≥ 1, got {replicates}");
        // Fail before hours of work, not after: the folder must be writable now.
        AtomicFile.EnsureWritableDirectory(outDir);
        AtomicFile.EnsureDirectory(Path.Combine(outDir, "figures"));
        AtomicFile.EnsureDirectory(Path.Combine(outDir, "data"));

        var started = DateTime.UtcNow;
        var total = Stopwatch.StartNew();
        var outcomes = new Outcome[]?[Experiments.Count];
        var steps = Experiments
            .Select((e, i) => ($"{e.Id}: {e.Title}", (Action<IProgress<double>>)(p => outcomes[i] = RunReplicates(e, p))))
            .ToList();
        (runSteps ?? RunSequentially)(steps);
        total.Stop();

        var all = outcomes.Select((o, i) => o ?? [NotRun(Experiments[i])]).ToList();
        var results = Assemble(all, started, total.Elapsed.TotalSeconds);
        AtomicFile.WriteAllText(Path.Combine(outDir, "results.json"), Json.Serialize(results));
        AtomicFile.WriteAllText(Path.Combine(outDir, "report.html"), HtmlReportWriter.Write(results, outDir));
        return results;
    }

    /// <summary>
    /// The seed of replicate <paramref name="replicate"/> of a report seeded by <paramref name="seed"/>: the seed itself
    /// for replicate 0 (so that one replicate is the plain report), otherwise SplitMix64's output function applied to a
    /// mix of (seed, replicate) — consecutive replicates get unrelated seeds (Steele, Lea &amp; Flood 2014).
    /// </summary>
    public static ulong ReplicateSeed(ulong seed, int replicate)
    {
        if (replicate == 0) return seed;
        ulong z = seed + 0x9E3779B97F4A7C15UL * (ulong)(replicate + 1);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>
    /// Runs one experiment at every replicate seed. Replicate 0 writes into the report folder; the others into scratch
    /// folders that are removed afterwards. Replicates run in parallel (one worker thread each, as many at once as
    /// the thread option allows); each experiment's results do not depend on its thread count, so neither do these.
    /// </summary>
    private Outcome[] RunReplicates(IReproduction experiment, IProgress<double> progress)
    {
        int replicates = _options.Replicates;
        if (replicates == 1) return [RunOne(experiment, progress, _options.Seed, _options.OutputDirectory, _options.Threads)];

        var scratch = Path.Combine(_options.OutputDirectory, ".replicates", experiment.Id);
        var result = new Outcome[replicates];
        int done = 0;
        var silent = new Progress<double>(_ => { });
        try
        {
            int workers = _options.Threads > 0 ? _options.Threads : Environment.ProcessorCount;
            Parallel.For(0, replicates, new ParallelOptions { MaxDegreeOfParallelism = workers }, r =>
            {
                string dir = _options.OutputDirectory;
                if (r > 0)
                {
                    dir = Path.Combine(scratch, "r" + r.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    AtomicFile.EnsureDirectory(Path.Combine(dir, "figures"));
                    AtomicFile.EnsureDirectory(Path.Combine(dir, "data"));
                }
                result[r] = RunOne(experiment, silent, ReplicateSeed(_options.Seed, r), dir, 1);
                progress.Report(Interlocked.Increment(ref done) / (double)replicates);
            });
        }
        finally
        {
            try
            {
                if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
                var parent = Path.Combine(_options.OutputDirectory, ".replicates");
                if (Directory.Exists(parent) && !Directory.EnumerateFileSystemEntries(parent).Any()) Directory.Delete(parent);
            }
            catch (IOException)
            {
                // A scratch folder left behind is untidy, not wrong: the report does not read it.
            }
        }
        return result;
    }

    private static void RunSequentially(IReadOnlyList<(string Title, Action<IProgress<double>> Work)> steps)
    {
        foreach (var (_, work) in steps) work(new Progress<double>(_ => { }));
    }

    private sealed record Outcome(IReproduction Experiment, ReproductionResult Result, string? Error, double Seconds, Dictionary<string, JsonElement> Data);

    private static Outcome NotRun(IReproduction e) =>
        new(e, new ReproductionResult(), "the experiment was not run (the progress runner skipped it)", 0, new());

    private Outcome RunOne(IReproduction experiment, IProgress<double> progress, ulong seed, string outputDirectory, int threads)
    {
        var context = new ReproductionContext
        {
            Quick = _options.Quick,
            OutputDirectory = outputDirectory,
            Seed = seed,
            Threads = threads,
            Progress = progress,
        };
        var sw = Stopwatch.StartNew();
        ReproductionResult result;
        string? error = null;
        try
        {
            result = experiment.Run(context) ?? throw new InvalidOperationException("Run returned null");
        }
        catch (Exception e)
        {
            // Isolation: one broken experiment must not take the report down with it.
            result = new ReproductionResult();
            error = Describe(e);
        }
        sw.Stop();
        progress.Report(1.0);

        // The experiment's key numbers are serialized now, so a value JSON cannot hold fails this experiment only.
        var data = new Dictionary<string, JsonElement>();
        foreach (var (key, value) in result.Data)
        {
            try
            {
                data[key] = JsonSerializer.SerializeToElement(value, Json.Options);
            }
            catch (Exception e) when (e is NotSupportedException or InvalidOperationException or JsonException or ArgumentException)
            {
                error ??= $"result value '{key}' cannot be written as JSON: {e.Message}";
            }
        }
        return new Outcome(experiment, result, error, sw.Elapsed.TotalSeconds, data);
    }

    private static string Describe(Exception e)
    {
        while (e is (AggregateException or TargetInvocationException or TypeInitializationException) && e.InnerException is not null)
            e = e is AggregateException a && a.InnerExceptions.Count > 0 ? a.InnerExceptions[0] : e.InnerException!;
        var message = e.Message.ReplaceLineEndings(" ").Trim();
        return e is UserInputException ? message : $"{e.GetType().Name}: {message}";
    }

    private static List<Check> ChecksOf(Outcome o)
    {
        var list = o.Result.Checks.ToList();
        if (o.Error is not null)
            list.Add(Check.True($"{o.Experiment.Id}.completed", "the experiment ran to completion", false, o.Error).Deterministic());
        return list;
    }

    private ReportResults Assemble(List<Outcome[]> replicated, DateTime started, double seconds)
    {
        var experiments = new List<ExperimentRecord>();
        var checks = new List<CheckRecord>();
        int replicates = _options.Replicates;
        bool anyReplicateError = false;
        foreach (var reps in replicated)
        {
            var o = reps[0];
            var e = o.Experiment;
            var own = ChecksOf(o).Select(c => CheckRecord.From(e.Id, c)).ToList();
            if (reps.Length > 1)
            {
                anyReplicateError |= reps.Any(r => r.Error is not null);
                ReplicateStatistics.Attach(own, reps.Select(r => ChecksOf(r)).ToList());
            }
            checks.AddRange(own);
            int passed = own.Count(c => c.Pass);
            experiments.Add(new ExperimentRecord
            {
                Id = e.Id,
                Title = e.Title,
                PaperReference = e.PaperReference,
                Order = e.Order,
                Status = o.Error is not null ? "error" : passed == own.Count ? "passed" : "failed_checks",
                Error = o.Error,
                Seconds = o.Seconds,
                Figures = o.Result.Figures.Select(f => new FigureRecord
                {
                    Name = f.Name,
                    Caption = f.Caption,
                    Png = File.Exists(Path.Combine(_options.OutputDirectory, "figures", f.Name + ".png")) ? $"figures/{f.Name}.png" : null,
                    Svg = File.Exists(Path.Combine(_options.OutputDirectory, "figures", f.Name + ".svg")) ? $"figures/{f.Name}.svg" : null,
                }).ToList(),
                Data = o.Data,
                DataFiles = o.Result.DataFiles.ToList(),
                Notes = o.Result.Notes.ToList(),
                Checks = own.Count,
                ChecksPassed = passed,
            });
        }
        int failedExperiments = experiments.Count(x => x.Status == "error");
        int checksPassed = checks.Count(c => c.Pass);
        return new ReportResults
        {
            Metadata = new ReportMetadata
            {
                Tool = "chaosdescent",
                Version = ToolVersion(),
                Date = started.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
                Mode = _options.Quick ? "quick" : "full",
                Seed = _options.Seed,
                Replicates = replicates,
                ReplicateSeeds = Enumerable.Range(0, replicates).Select(r => ReplicateSeed(_options.Seed, r)).ToList(),
                Threads = _options.Threads,
                Cores = Environment.ProcessorCount,
                Os = RuntimeInformation.OSDescription,
                Runtime = RuntimeInformation.FrameworkDescription,
                Simd = Vector512.IsHardwareAccelerated ? "avx512 (512-bit)" : Vector256.IsHardwareAccelerated ? "256-bit" : Vector128.IsHardwareAccelerated ? "128-bit" : "scalar",
                Only = _options.Only,
                CommandLine = _options.CommandLine,
                TotalSeconds = seconds,
            },
            Summary = new ReportSummary
            {
                Experiments = experiments.Count,
                ExperimentsFailed = failedExperiments,
                Checks = checks.Count,
                ChecksPassed = checksPassed,
                ChecksFailed = checks.Count - checksPassed,
                Replicates = replicates,
                ChecksInconsistent = checks.Count(c => !c.Consistent),
                AllPassed = replicates == 1
                    ? failedExperiments == 0 && checksPassed == checks.Count
                    : !anyReplicateError && checks.All(c => c.Consistent),
            },
            Experiments = experiments,
            Checks = checks,
        };
    }

    /// <summary>The informational version of the tool (without a source-revision suffix).</summary>
    public static string ToolVersion()
    {
        var v = typeof(ReportDriver).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                ?? typeof(ReportDriver).Assembly.GetName().Version?.ToString() ?? "unknown";
        int plus = v.IndexOf('+');
        return plus > 0 ? v[..plus] : v;
    }
}
