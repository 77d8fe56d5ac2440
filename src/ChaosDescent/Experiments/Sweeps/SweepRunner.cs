using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChaosDescent.Infrastructure;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;

namespace ChaosDescent.Experiments.Sweeps;

/// <summary>How to run a plan: which shard, whether to resume, how many units at once.</summary>
public sealed record SweepRunOptions
{
    /// <summary>Shard I of <see cref="Shards"/> (0-based).</summary>
    public int Shard { get; init; }

    public int Shards { get; init; } = 1;

    /// <summary>Keep the units already recorded in the output folder and run only the others.</summary>
    public bool Resume { get; init; }

    /// <summary>Units run at once (0 = all cores).</summary>
    public int Threads { get; init; }

    /// <summary>Writes a unit's own outputs (figures, CSV) from its typed result into the folder given
    /// (<c>DIR/outputs/LABEL</c>); null for none. Called on the worker that ran the unit.</summary>
    public Action<SweepUnit, object, string>? UnitOutputs { get; init; }
}

/// <summary>What a run did.</summary>
public sealed record SweepRunSummary(int Units, int Resumed, int Ran, int Failed, string? FirstError, SweepOutputs? Outputs, double Seconds)
{
    /// <summary>Whether every unit of the plan is recorded (then results.json is written).</summary>
    public bool Complete => Outputs is not null;
}

/// <summary>
/// Runs the units of a <see cref="SweepPlan"/> (all of them, or one shard) in parallel, one unit per worker; every
/// finished unit is written at once and atomically to <c>DIR/units/NNNNNN.json</c> (temp file, then rename), so a
/// killed run loses only the units in flight and <see cref="SweepRunOptions.Resume"/> runs only the missing ones.
/// A unit's record holds nothing that depends on time or on the thread count; its timings go into the same file
/// apart from the record and end up in <c>timing.json</c>. A unit whose analysis refuses its input (a user error,
/// e.g. every orbit diverged at a large η) is recorded with that message and the sweep goes on.
/// </summary>
public static class SweepRunner
{
    public const string UnitsFolder = "units";
    public const string PlanFile = "plan.json";
    public const string OutputsFolder = "outputs";

    public static SweepRunSummary Run(SweepPlan plan, string dir, SweepRunOptions options, IProgress<(int Done, int Total)>? progress = null)
    {
        if (options.Shards < 1 || options.Shard < 0 || options.Shard >= options.Shards)
            throw new UserInputException($"shard {options.Shard}/{options.Shards} does not exist: use I/N with 0 <= I < N");
        var sw = Stopwatch.StartNew();
        AtomicFile.EnsureWritableDirectory(dir);
        var unitsDir = Path.Combine(dir, UnitsFolder);
        var planPath = Path.Combine(dir, PlanFile);
        if (File.Exists(planPath) && SweepResults.ReadPlanHash(planPath) is { } oldHash && oldHash != plan.Hash && options.Resume)
            throw new UserInputException($"cannot resume in '{dir}': it holds units of another sweep (plan {oldHash[..12]}, this file's plan is {plan.Hash[..12]}); use another --out or run without --resume");
        AtomicFile.EnsureDirectory(unitsDir);
        if (!options.Resume)
        {
            // A fresh run: the units and composed outputs of an earlier run in this folder would mix with this one's.
            foreach (var f in Directory.EnumerateFiles(unitsDir, "*.json")) File.Delete(f);
            foreach (var f in new[] { SweepResults.ResultsFile, SweepResults.TimingFile, SweepResults.TableFile })
                if (File.Exists(Path.Combine(dir, f))) File.Delete(Path.Combine(dir, f));
        }
        AtomicFile.WriteAllText(planPath, SweepResults.PlanJson(plan));

        var mine = SweepPlan.ShardIndices(plan.Count, options.Shard, options.Shards).ToList();
        var done = options.Resume ? SweepResults.RecordedIndices(unitsDir, plan.Hash) : [];
        var pending = mine.Where(i => !done.Contains(i)).ToList();
        int resumed = mine.Count - pending.Count;
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        // With fewer units than workers a unit gets the spare cores (results do not depend on them).
        int inner = pending.Count >= threads ? 1 : Math.Max(1, threads / Math.Max(1, pending.Count));
        int finished = 0, failed = 0;
        var errors = new ConcurrentDictionary<int, string>();
        progress?.Report((0, pending.Count));
        var partitioner = Partitioner.Create(pending, EnumerablePartitionerOptions.NoBuffering);
        Parallel.ForEach(partitioner, new ParallelOptions { MaxDegreeOfParallelism = threads }, index =>
        {
            var unit = plan.Unit(index);
            var t0 = Stopwatch.GetTimestamp();
            JsonNode? result = null;
            string? error = null;
            JsonObject? system = null, settingsJson = null;
            try
            {
                var (analysis, sys, settings) = plan.Build(unit, inner);
                system = SystemJson(sys);
                settingsJson = SettingsJson(settings);
                var typed = analysis.Run(sys, settings, null);
                result = JsonSerializer.SerializeToNode(typed, analysis.ResultType, Json.Options);
                if (options.UnitOutputs is { } write)
                {
                    var own = Path.Combine(dir, OutputsFolder, UnitFolder(unit));
                    AtomicFile.EnsureDirectory(own);
                    write(unit, typed, own);
                }
            }
            catch (UserInputException e)
            {
                error = e.Message;
            }
            double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            var timing = new JsonObject { ["seconds"] = seconds, ["threads"] = inner };
            if (result is JsonObject ro) MoveTiming(ro, timing, "");
            var record = new JsonObject
            {
                ["index"] = unit.Index,
                ["analysis"] = unit.Analysis,
                ["label"] = unit.Label,
                ["coordinates"] = Coordinates(unit),
                ["seed"] = unit.Seed,
                ["system"] = system ?? new JsonObject(),
                ["settings"] = settingsJson ?? new JsonObject(),
                ["error"] = error,
                ["result"] = result,
            };
            var file = new JsonObject { ["plan_hash"] = plan.Hash, ["index"] = unit.Index, ["record"] = record, ["timing"] = timing };
            AtomicFile.WriteAllText(SweepResults.UnitPath(unitsDir, unit.Index), file.ToJsonString(Json.Options));
            if (error is not null)
            {
                errors[unit.Index] = error;
                Interlocked.Increment(ref failed);
            }
            progress?.Report((Interlocked.Increment(ref finished), pending.Count));
        });
        bool complete = options.Shards == 1 || SweepResults.RecordedIndices(unitsDir, plan.Hash).Count == plan.Count;
        var outputs = complete ? SweepResults.Compose([dir], dir) : null;
        string? first = errors.IsEmpty ? null : errors.OrderBy(kv => kv.Key).First() is var kv0 ? $"unit {kv0.Key} ({plan.Unit(kv0.Key).Label}): {kv0.Value}" : null;
        return new SweepRunSummary(mine.Count, resumed, pending.Count, failed, first, outputs, sw.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Runs every unit of the plan in memory (no files), in parallel, and returns each unit's typed result (or its
    /// user-error message) in unit order: how a program, e.g. the reproduction report, runs a grid through the same
    /// expansion and seeds as <c>chaosdescent run</c>.
    /// </summary>
    public static (SweepUnit Unit, object? Result, string? Error)[] RunInMemory(SweepPlan plan, int threads = 0, IProgress<double>? progress = null)
    {
        int workers = threads > 0 ? threads : Environment.ProcessorCount;
        int inner = plan.Count >= workers ? 1 : Math.Max(1, workers / Math.Max(1, plan.Count));
        var outcomes = new (SweepUnit, object?, string?)[plan.Count];
        int finished = 0;
        var partitioner = Partitioner.Create(Enumerable.Range(0, plan.Count), EnumerablePartitionerOptions.NoBuffering);
        Parallel.ForEach(partitioner, new ParallelOptions { MaxDegreeOfParallelism = workers }, index =>
        {
            var unit = plan.Unit(index);
            try
            {
                var (analysis, sys, settings) = plan.Build(unit, inner);
                outcomes[index] = (unit, analysis.Run(sys, settings, null), null);
            }
            catch (UserInputException e)
            {
                outcomes[index] = (unit, null, e.Message);
            }
            progress?.Report((double)Interlocked.Increment(ref finished) / plan.Count);
        });
        return outcomes;
    }

    /// <summary>A unit's own output folder name: its index and label, with characters a file system may refuse replaced.</summary>
    public static string UnitFolder(SweepUnit unit) =>
        unit.Index.ToString("D6", CultureInfo.InvariantCulture) + "_" + new string(unit.Label.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '=' or '+' ? c : '_').ToArray());

    private static JsonObject Coordinates(SweepUnit unit)
    {
        var o = new JsonObject();
        foreach (var c in unit.Coordinates) o[c.Axis] = c.Value;
        return o;
    }

    /// <summary>Timing fields (seconds, *_seconds, threads) leave the result for the timing record.</summary>
    private static void MoveTiming(JsonObject o, JsonObject timing, string prefix)
    {
        foreach (var key in o.Select(kv => kv.Key).ToList())
        {
            if (key is "seconds" or "threads" or "elapsed" || key.EndsWith("_seconds", StringComparison.Ordinal))
            {
                var v = o[key];
                o.Remove(key);
                timing[prefix + key] = v;
            }
            else if (o[key] is JsonObject child) MoveTiming(child, timing, prefix + key + ".");
        }
    }

    private static JsonObject SystemJson(DescentSystem s)
    {
        JsonNode? objective = s.Objective switch
        {
            null => null,
            MultiscaleObjective m => new JsonObject
            {
                ["name"] = m.Name,
                ["formula"] = m.Formula,
                ["eps"] = m.Epsilon,
                ["parameters"] = new JsonObject(m.Parameters.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                    .Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, kv.Value))),
            },
            var f => new JsonObject { ["name"] = f.GetType().Name, ["dimension"] = f.Dimension },
        };
        return new JsonObject
        {
            ["objective"] = objective,
            ["map"] = s.Map,
            ["eta"] = s.LearningRate,
            ["momentum"] = s.MapOptions.Momentum,
            ["mu"] = s.MapOptions.StrongConvexity,
        };
    }

    /// <summary>Every property of the settings record (snake_case), without the thread count.</summary>
    private static JsonObject SettingsJson(object settings)
    {
        var o = new JsonObject();
        foreach (var p in settings.GetType().GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
        {
            if (p.GetIndexParameters().Length > 0 || p.Name == "Threads" || p.Name == "EqualityContract") continue;
            var v = p.GetValue(settings);
            o[SettingsBinder.SnakeCase(p.Name)] = v is null ? null : JsonSerializer.SerializeToNode(v, v.GetType(), Json.Options);
        }
        return o;
    }

    /// <summary>"I/N" → (I, N), a user error unless 0 ≤ I &lt; N.</summary>
    public static (int Shard, int Shards) ParseShard(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || i >= n)
            throw new UserInputException($"--shard '{text}' is not a shard: use I/N with 0 <= I < N (e.g. 0/4)");
        return (i, n);
    }
}
