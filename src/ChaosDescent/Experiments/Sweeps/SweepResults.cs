using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChaosDescent.Infrastructure;

namespace ChaosDescent.Experiments.Sweeps;

/// <summary>A sweep's outputs composed from its unit records.</summary>
public sealed record SweepOutputs(JsonObject Plan, IReadOnlyList<JsonObject> Units, string ResultsPath, string TablePath);

/// <summary>
/// The files of a sweep folder: <c>plan.json</c> (the plan and its hash), <c>units/NNNNNN.json</c> (one per
/// finished unit), and, once every unit is there, <c>results.json</c> (units in unit order, nothing time-dependent),
/// <c>timing.json</c>, <c>table.csv</c> and, when a seed axis holds replicates, <c>seed-spread.csv</c>
/// (<see cref="SeedSpread"/>). A single-process run and a merge of shards compose
/// <c>results.json</c> with the same function from the same unit records, so the two are byte-identical.
/// </summary>
public static class SweepResults
{
    public const string ResultsFile = "results.json";
    public const string TimingFile = "timing.json";
    public const string TableFile = "table.csv";

    public static string UnitPath(string unitsDir, int index) =>
        Path.Combine(unitsDir, index.ToString("D6", CultureInfo.InvariantCulture) + ".json");

    public static string PlanJson(SweepPlan plan)
    {
        var e = plan.Experiment;
        var analyses = new JsonArray();
        foreach (var (analysis, label, axes, first, count) in plan.Analyses)
        {
            var ax = new JsonArray();
            foreach (var a in axes)
                for (int n = 0; n < a.Names.Count; n++)
                    ax.Add(new JsonObject
                    {
                        ["name"] = a.Names[n],
                        ["values"] = new JsonArray(a.Values[n].Select(v => (JsonNode?)v).ToArray()),
                        ["log"] = a.Log,
                        ["zipped_with"] = a.Names.Count > 1 ? new JsonArray(a.Names.Where((_, k) => k != n).Select(x => (JsonNode?)x).ToArray()) : null,
                    });
            analyses.Add(new JsonObject { ["analysis"] = analysis, ["label"] = label, ["first_unit"] = first, ["units"] = count, ["axes"] = ax });
        }
        return new JsonObject
        {
            ["sweep"] = e.Name,
            ["description"] = e.Description,
            ["plan_hash"] = plan.Hash,
            ["version"] = Version(),
            ["seeds"] = e.SeedPolicy,
            ["unit_count"] = plan.Count,
            ["analyses"] = analyses,
            ["file_text"] = e.Text,
        }.ToJsonString(Json.Options);
    }

    public static string? ReadPlanHash(string planPath)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(planPath))?["plan_hash"]?.GetValue<string>();
        }
        catch (Exception e) when (e is JsonException or IOException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Indices of the units recorded in <paramref name="unitsDir"/> for the plan <paramref name="hash"/>.</summary>
    public static HashSet<int> RecordedIndices(string unitsDir, string hash)
    {
        var set = new HashSet<int>();
        if (!Directory.Exists(unitsDir)) return set;
        foreach (var f in Directory.EnumerateFiles(unitsDir, "*.json"))
            if (ReadUnit(f) is { } u && u.Hash == hash) set.Add(u.Index);
        return set;
    }

    private static (string Hash, int Index, JsonObject Record, JsonObject? Timing)? ReadUnit(string path)
    {
        try
        {
            if (JsonNode.Parse(File.ReadAllText(path)) is not JsonObject o) return null;
            if (o["plan_hash"]?.GetValue<string>() is not { } h || o["record"] is not JsonObject rec) return null;
            return (h, o["index"]!.GetValue<int>(), (JsonObject)rec.DeepClone(), o["timing"]?.DeepClone() as JsonObject);
        }
        catch (Exception e) when (e is JsonException or IOException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Checks that the folders hold one sweep's units, each exactly once and none missing, then writes the composed
    /// outputs into <paramref name="outDir"/> (copying the unit records there when it is another folder). Every
    /// problem is a user error naming the folders, files or units, raised before anything is written.
    /// </summary>
    public static SweepOutputs Compose(IReadOnlyList<string> dirs, string outDir)
    {
        if (dirs.Count == 0) throw new UserInputException("merge needs at least one sweep folder");
        JsonObject? plan = null;
        string? planDir = null;
        foreach (var d in dirs)
        {
            var planPath = Path.Combine(d, SweepRunner.PlanFile);
            if (!File.Exists(planPath)) throw new UserInputException($"'{d}' holds no sweep output (no {SweepRunner.PlanFile})");
            JsonObject p;
            try
            {
                p = JsonNode.Parse(File.ReadAllText(planPath)) as JsonObject ?? throw new JsonException("not an object");
            }
            catch (JsonException e)
            {
                throw new UserInputException($"'{planPath}' is not a sweep plan: {e.Message}");
            }
            if (plan is null)
            {
                plan = p;
                planDir = d;
            }
            else if (p["plan_hash"]?.ToString() != plan["plan_hash"]?.ToString())
            {
                throw new UserInputException($"'{d}' holds units of another sweep ('{p["sweep"]}', plan {Short(p)}) than '{planDir}' ('{plan["sweep"]}', plan {Short(plan)}): merge shards of one file only");
            }
        }
        string hash = plan!["plan_hash"]!.GetValue<string>();
        int count = plan["unit_count"]!.GetValue<int>();
        var records = new JsonObject?[count];
        var timings = new JsonObject?[count];
        var from = new string?[count];
        var sources = new string?[count];
        foreach (var d in dirs.Distinct())
        {
            var unitsDir = Path.Combine(d, SweepRunner.UnitsFolder);
            if (!Directory.Exists(unitsDir)) continue;
            foreach (var f in Directory.EnumerateFiles(unitsDir, "*.json").Order(StringComparer.Ordinal))
            {
                var u = ReadUnit(f) ?? throw new UserInputException($"'{f}' is not a unit record of a sweep");
                if (u.Hash != hash) throw new UserInputException($"'{f}' is a unit of another sweep (plan {u.Hash[..Math.Min(12, u.Hash.Length)]}, not {hash[..12]})");
                if (u.Index < 0 || u.Index >= count) throw new UserInputException($"'{f}' names unit {u.Index}, but the sweep has {count} units");
                if (records[u.Index] is not null)
                    throw new UserInputException($"unit {u.Index} ({u.Record["label"]}) is recorded twice: in '{from[u.Index]}' and in '{d}'");
                records[u.Index] = u.Record;
                timings[u.Index] = u.Timing;
                from[u.Index] = d;
                sources[u.Index] = f;
            }
        }
        var missing = Enumerable.Range(0, count).Where(i => records[i] is null).ToList();
        if (missing.Count > 0)
            throw new UserInputException($"{missing.Count} of {count} units are missing: {string.Join(", ", missing.Take(12))}{(missing.Count > 12 ? ", …" : "")} (run their shards, or --resume)");

        AtomicFile.EnsureWritableDirectory(outDir);
        bool sameFolder = dirs.Count == 1 && Path.GetFullPath(dirs[0]) == Path.GetFullPath(outDir);
        if (!sameFolder)
        {
            var target = Path.Combine(outDir, SweepRunner.UnitsFolder);
            AtomicFile.EnsureDirectory(target);
            for (int i = 0; i < count; i++)
            {
                var dest = UnitPath(target, i);
                if (Path.GetFullPath(dest) != Path.GetFullPath(sources[i]!)) AtomicFile.WriteAllBytes(dest, File.ReadAllBytes(sources[i]!));
            }
            AtomicFile.WriteAllText(Path.Combine(outDir, SweepRunner.PlanFile), plan.ToJsonString(Json.Options));
            foreach (var d in dirs.Distinct())
            {
                var own = Path.Combine(d, SweepRunner.OutputsFolder);
                if (!Directory.Exists(own) || Path.GetFullPath(d) == Path.GetFullPath(outDir)) continue;
                foreach (var f in Directory.EnumerateFiles(own, "*", SearchOption.AllDirectories))
                    AtomicFile.WriteAllBytes(Path.Combine(outDir, SweepRunner.OutputsFolder, Path.GetRelativePath(own, f)), File.ReadAllBytes(f));
            }
        }
        var units = records.Select(r => r!).ToList();
        var results = new JsonObject
        {
            ["sweep"] = plan["sweep"]?.DeepClone(),
            ["description"] = plan["description"]?.DeepClone(),
            ["plan_hash"] = hash,
            ["version"] = plan["version"]?.DeepClone(),
            ["seeds"] = plan["seeds"]?.DeepClone(),
            ["unit_count"] = count,
            ["failed_units"] = units.Count(u => u["error"] is not null),
            ["analyses"] = plan["analyses"]?.DeepClone(),
            ["file_text"] = plan["file_text"]?.DeepClone(),
            ["units"] = new JsonArray(units.Select(u => (JsonNode?)u.DeepClone()).ToArray()),
        };
        var resultsPath = Path.Combine(outDir, ResultsFile);
        AtomicFile.WriteAllText(resultsPath, results.ToJsonString(Json.Options) + "\n");
        var timing = new JsonObject
        {
            ["plan_hash"] = hash,
            ["unit_seconds_total"] = timings.Sum(t => t?["seconds"]?.GetValue<double>() ?? 0),
            ["units"] = new JsonArray(timings.Select((t, i) =>
            {
                var o = t ?? new JsonObject();
                o["index"] = i;
                return (JsonNode?)o;
            }).ToArray()),
        };
        AtomicFile.WriteAllText(Path.Combine(outDir, TimingFile), timing.ToJsonString(Json.Options) + "\n");
        var tablePath = Path.Combine(outDir, TableFile);
        AtomicFile.WriteAllText(tablePath, Table(units));
        if (SeedSpread.HasSeedAxis(units)) AtomicFile.WriteAllText(Path.Combine(outDir, SeedSpread.FileName), SeedSpread.Csv(units));
        return new SweepOutputs(plan, units, resultsPath, tablePath);
    }

    /// <summary>One row per unit: index, analysis, the axes, seed, error, then every scalar field of the result.</summary>
    public static string Table(IReadOnlyList<JsonObject> units)
    {
        var axes = new List<string>();
        var fields = new List<string>();
        foreach (var u in units)
        {
            if (u["coordinates"] is JsonObject c)
                foreach (var kv in c) if (!axes.Contains(kv.Key)) axes.Add(kv.Key);
            if (u["result"] is JsonObject r)
                foreach (var kv in r)
                    if (kv.Value is JsonValue && !fields.Contains(kv.Key)) fields.Add(kv.Key);
        }
        var sb = new StringBuilder();
        var header = new List<string> { "index", "analysis", "label" };
        header.AddRange(axes);
        header.Add("seed");
        header.Add("error");
        header.AddRange(fields.Select(f => axes.Contains(f) || header.Contains(f) ? "result_" + f : f));
        sb.AppendJoin(',', header.Select(Cell)).Append('\n');
        foreach (var u in units)
        {
            var row = new List<string> { Raw(u["index"]), Raw(u["analysis"]), Raw(u["label"]) };
            row.AddRange(axes.Select(a => Raw((u["coordinates"] as JsonObject)?[a])));
            row.Add(Raw(u["seed"]));
            row.Add(Raw(u["error"]));
            row.AddRange(fields.Select(f => Raw((u["result"] as JsonObject)?[f])));
            sb.AppendJoin(',', row).Append('\n');
        }
        return sb.ToString();
    }

    private static string Raw(JsonNode? v) => v switch
    {
        null => "",
        JsonValue j when j.GetValueKind() == JsonValueKind.String => Cell(j.GetValue<string>()),
        JsonValue j => j.ToJsonString(),
        _ => "",
    };

    private static string Cell(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    private static string Short(JsonObject plan) => plan["plan_hash"]?.ToString() is { Length: >= 12 } h ? h[..12] : "?";

    public static string Version()
    {
        var asm = typeof(SweepResults).Assembly;
        var v = asm.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? asm.GetName().Version?.ToString() ?? "unknown";
        return v;
    }
}
