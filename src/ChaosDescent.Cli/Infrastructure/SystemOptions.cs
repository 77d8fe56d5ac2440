using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChaosDescent.Maps;

namespace ChaosDescent.Cli.Infrastructure;

/// <summary>
/// The options that name a map and its own numbers: <c>--map NAME [--momentum γ] [--mu μ]</c>. One place, so that
/// every command that iterates a map binds them the same way into <see cref="MapOptions"/>.
/// </summary>
public sealed class MapOptionSet(string description, string defaultMap = "gd")
{
    public Option<string> Map { get; } = new("--map") { Description = description, DefaultValueFactory = _ => defaultMap };

    public Option<double> Momentum { get; } = new("--momentum") { Description = "heavy-ball gamma", DefaultValueFactory = _ => 0.9 };

    public Option<double?> Mu { get; } = new("--mu") { Description = "NAG-SC strong-convexity mu (default: f0's)" };

    public void AddTo(Command command)
    {
        // Tab completion of map names ([suggest] directive, dotnet-suggest); AddTo runs once per command.
        Map.CompletionSources.Add(_ => MapFactory.Names.Select(n => new System.CommandLine.Completions.CompletionItem(n)));
        command.Options.Add(Map);
        command.Options.Add(Momentum);
        command.Options.Add(Mu);
    }

    public MapOptions Options(ParseResult r) => new() { Momentum = r.GetValue(Momentum), StrongConvexity = r.GetValue(Mu) };
}

/// <summary>
/// Binds a <see cref="DescentSystem"/> from the command line: the objective (<see cref="ObjectiveOptions"/>), the
/// learning rate <c>--eta</c> and, where the command iterates a map, <see cref="MapOptionSet"/>.
/// </summary>
public sealed class SystemOptions
{
    public ObjectiveOptions Objective { get; } = new();

    /// <summary><c>--eta</c>, or null for commands that scan η or need none.</summary>
    public Option<double>? Eta { get; }

    public MapOptionSet? Maps { get; }

    public SystemOptions(bool eta = true, bool etaRequired = true, string? maps = null, string defaultMap = "gd")
    {
        if (eta) Eta = CommonOptions.Eta(etaRequired);
        if (maps is not null) Maps = new MapOptionSet(maps, defaultMap);
    }

    public void AddTo(Command command)
    {
        Objective.AddTo(command);
        if (Eta is not null) command.Options.Add(Eta);
        Maps?.AddTo(command);
    }

    /// <summary>The system the user named; an optional <c>--eta</c> given as 0 or left out means none.</summary>
    public DescentSystem Bind(ParseResult r)
    {
        double? eta = null;
        if (Eta is not null)
        {
            double value = r.GetValue(Eta);
            if (Eta.Required || value != 0) eta = CommonOptions.Positive(value, "--eta");
        }
        return new DescentSystem
        {
            Objective = Objective.Resolve(r),
            Map = Maps is null ? "gd" : r.GetValue(Maps.Map)!,
            LearningRate = eta,
            MapOptions = Maps?.Options(r) ?? new MapOptions(),
        };
    }
}

/// <summary>The options every running command shares: <c>--seed</c>, <c>--threads</c>, <c>--json</c>, <c>--out</c>.</summary>
public sealed class RunOptions(string? outDir = null, bool seed = true, bool threads = true)
{
    public Option<ulong>? Seed { get; } = seed ? CommonOptions.Seed() : null;
    public Option<int>? Threads { get; } = threads ? CommonOptions.Threads() : null;
    public Option<bool> Json { get; } = CommonOptions.Json();
    public Option<string?>? Out { get; } = outDir is null ? null : CommonOptions.Out(outDir);
    private readonly string? defaultOut = outDir;

    public void AddTo(Command command)
    {
        foreach (var o in new Option?[] { Seed, Threads, Json, Out })
            if (o is not null) command.Options.Add(o);
    }

    public ulong SeedValue(ParseResult r) => Seed is null ? 1 : r.GetValue(Seed);
    public int ThreadsValue(ParseResult r) => Threads is null ? 0 : r.GetValue(Threads);
    public bool AsJson(ParseResult r) => r.GetValue(Json);

    /// <summary>The output folder (created, checked writable).</summary>
    public string OutDir(ParseResult r)
    {
        string dir = (Out is null ? null : r.GetValue(Out)) ?? defaultOut ?? "out";
        ChaosDescent.Infrastructure.AtomicFile.EnsureWritableDirectory(dir);
        return dir;
    }
}

/// <summary>Rendering of analysis results.</summary>
public static class Render
{
    /// <summary>Writes <paramref name="report"/> as one JSON object with <paramref name="extra"/> fields appended
    /// (the figure and CSV paths the CLI wrote: files are the front end's business, not the analysis's).</summary>
    public static void Json(TextWriter stdout, object report, params (string Name, object? Value)[] extra)
    {
        var node = JsonSerializer.SerializeToNode(report, report.GetType(), ChaosDescent.Infrastructure.Json.Options)!.AsObject();
        foreach (var (name, value) in extra)
            node[name] = value is null ? null : JsonSerializer.SerializeToNode(value, value.GetType(), ChaosDescent.Infrastructure.Json.Options);
        stdout.WriteLine(node.ToJsonString(ChaosDescent.Infrastructure.Json.Options));
    }

    /// <summary>A fixed start "X[,Y]" as a point, or null.</summary>
    public static double[]? Point(string? text) =>
        text is null ? null : ((ChaosDescent.Runners.FixedPoint)ChaosDescent.Runners.InitialCondition.Parse("point:" + text)).X;
}

/// <summary>How data-driven commands name their data: <c>--data NAME|FILE.csv [--target COL] [--data-seed S]</c>.</summary>
public sealed class DataOptions(string description, string defaultData, string target = "target/label column of a CSV (name, or number from 1; default: the last column)")
{
    public Option<string> Data { get; } = new("--data") { Description = description, DefaultValueFactory = _ => defaultData };

    public Option<string?> Target { get; } = new("--target") { Description = target };

    public Option<ulong> DataSeed { get; } = new("--data-seed")
    {
        Description = "seed of a built-in data set",
        DefaultValueFactory = _ => ChaosDescent.Analyses.ImplicitBias.DataSources.DefaultSeed,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Data);
        command.Options.Add(Target);
        command.Options.Add(DataSeed);
    }
}
