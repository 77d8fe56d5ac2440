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
/// One command-line option carried through from the file: <c>particles: 100000</c> becomes
/// <c>--particles 100000</c>; <c>true</c> becomes a bare flag, <c>false</c> nothing; a list becomes a
/// comma-separated value; a mapping (<c>params: {k: 2}</c>) becomes one <c>--param k=2</c> per entry.
/// </summary>
public sealed record OptionSetting(string Option, IReadOnlyList<string> Values, bool Flag, SourcePosition Position)
{
    /// <summary>The arguments this setting adds (possibly none).</summary>
    public IEnumerable<string> Arguments()
    {
        if (Flag)
        {
            if (Values.Count == 1 && Values[0] == "true") yield return Option;
            yield break;
        }
        foreach (var v in Values)
        {
            yield return Option;
            yield return v;
        }
    }
}

/// <summary>The values a swept quantity (η or ε) takes, in order.</summary>
public sealed record Sweep(IReadOnlyList<double> Values, SourcePosition Position);

/// <summary>The objective: a catalog name with parameters, or formulas.</summary>
public sealed record ObjectiveSection
{
    public string? CatalogName { get; init; }
    public IReadOnlyDictionary<string, double> Parameters { get; init; } = new Dictionary<string, double>();
    public ExpressionObjectiveSpec? Formulas { get; init; }
    public required SourcePosition Position { get; init; }
}

/// <summary>One analysis: a CLI command name with its own options.</summary>
public sealed record AnalysisSection(string Command, IReadOnlyList<OptionSetting> Options, SourcePosition Position);

/// <summary>
/// An experiment file (see docs/expressions.md): objective, map, η/ε values or sweeps, ensemble or orbit settings,
/// analyses and outputs. Parsed and validated by <see cref="ExperimentFile"/>; turned into command lines by
/// <see cref="ExperimentPlanner"/>.
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
    public Sweep? Eta { get; init; }
    public Sweep? Eps { get; init; }
    public ulong? Seed { get; init; }
    public int? Threads { get; init; }

    /// <summary>Map name (<c>--map</c>) and its options (momentum, mu, …).</summary>
    public IReadOnlyList<OptionSetting> Map { get; init; } = [];

    /// <summary>"ensemble", "orbit" or null (each command's default).</summary>
    public string? Mode { get; init; }

    /// <summary>Options of the ensemble or orbit section (particles, steps, init, burn_in, start, …).</summary>
    public IReadOnlyList<OptionSetting> ModeOptions { get; init; } = [];

    public required IReadOnlyList<AnalysisSection> Analyses { get; init; }

    /// <summary>Output folder (default out/experiments/NAME).</summary>
    public required string OutputDirectory { get; init; }
}
