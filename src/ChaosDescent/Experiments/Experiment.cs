using ChaosDescent.Expressions;

namespace ChaosDescent.Experiments;

/// <summary>Where a value came from in the experiment file: 1-based line and column, and the key path.</summary>
public readonly record struct SourcePosition(string File, int Line, int Column, string Key)
{
    public override string ToString() => $"{File}:{Line}:{Column} ({Key})";

    /// <summary>A user error located at this position.</summary>
    public UserInputException Error(string message) => new($"{File}:{Line}:{Column}: '{Key}': {message}");
}

/// <summary>
/// A value as written in the file, before it is bound to a settings property: a scalar, a list, a range
/// <c>{from, to, count, scale}</c> or a mapping. A list or a range at a numeric setting is an axis of the sweep;
/// a list at an array-valued setting is that array.
/// </summary>
public abstract record FileValue(SourcePosition Position);

/// <summary>A single value; <paramref name="Quoted"/> when written in quotes (then it is text, never a flag).</summary>
public sealed record ScalarValue(string Text, bool Quoted, SourcePosition Position) : FileValue(Position);

public sealed record ListValue(IReadOnlyList<FileValue> Items, SourcePosition Position) : FileValue(Position);

/// <summary><c>{from, to, count, scale: linear|log}</c>, expanded into <see cref="Values"/> (rounded to 12 significant digits).</summary>
public sealed record RangeValue(IReadOnlyList<double> Values, bool Log, SourcePosition Position) : FileValue(Position);

public sealed record MapValue(IReadOnlyList<KeyValuePair<string, FileValue>> Entries, SourcePosition Position) : FileValue(Position);

/// <summary>One <c>key: value</c> of a section, with the key's position.</summary>
public sealed record Setting(string Key, FileValue Value, SourcePosition KeyPosition);

/// <summary>The objective: a catalog name with parameters (each may be an axis), or formulas.</summary>
public sealed record ObjectiveSection
{
    public string? CatalogName { get; init; }
    public IReadOnlyList<Setting> Parameters { get; init; } = [];
    public ExpressionObjectiveSpec? Formulas { get; init; }
    public required SourcePosition Position { get; init; }
}

/// <summary>One analysis: a catalog name (<c>AnalysisCatalog</c>) with its own settings.</summary>
public sealed record AnalysisSection(string Name, IReadOnlyList<Setting> Settings, SourcePosition Position);

/// <summary>Axes that advance together (<c>zip: [eta, eps]</c>) instead of spanning a grid.</summary>
public sealed record ZipGroup(IReadOnlyList<string> Axes, SourcePosition Position);

/// <summary>
/// An experiment file (see docs/sweeps.md and docs/expressions.md): objective, map, η/ε, seed, ensemble or orbit
/// settings and analyses, any numeric one of which may be an axis. Parsed by <see cref="ExperimentFile"/>; expanded
/// into work units by <see cref="Sweeps.SweepPlan"/>.
/// </summary>
public sealed record Experiment
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    public required string File { get; init; }

    /// <summary>The file's text, recorded with every output.</summary>
    public required string Text { get; init; }

    /// <summary>The objective; null when no analysis needs one (e.g. only `train`).</summary>
    public ObjectiveSection? Objective { get; init; }
    public FileValue? Eta { get; init; }

    /// <summary>ε, from the top level or from <c>objective.eps</c>.</summary>
    public FileValue? Eps { get; init; }

    /// <summary>The file's seed (a value, or an axis of seeds).</summary>
    public FileValue? Seed { get; init; }

    /// <summary>"derived" (default: each unit's seed from the file's seed and the unit's index) or "fixed" (every unit gets the file's seed).</summary>
    public string SeedPolicy { get; init; } = "derived";

    public int? Threads { get; init; }

    /// <summary>Map name, or null for each analysis's default.</summary>
    public Setting? MapName { get; init; }

    /// <summary>Map options (momentum, mu).</summary>
    public IReadOnlyList<Setting> MapOptions { get; init; } = [];

    /// <summary>"ensemble", "orbit" or null.</summary>
    public string? Mode { get; init; }

    public SourcePosition? ModePosition { get; init; }

    /// <summary>Settings of the ensemble or orbit section (particles, steps, init, burn_in, start, …), shared by the analyses that have them.</summary>
    public IReadOnlyList<Setting> ModeSettings { get; init; } = [];

    public required IReadOnlyList<AnalysisSection> Analyses { get; init; }

    public IReadOnlyList<ZipGroup> Zip { get; init; } = [];

    /// <summary>Output folder (default out/experiments/NAME).</summary>
    public required string OutputDirectory { get; init; }
}
