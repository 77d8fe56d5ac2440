using System.Reflection;
using ChaosDescent.Maps;

namespace ChaosDescent.Analyses;

/// <summary>
/// One analysis: a question asked of a system, <c>Run(system, settings, progress) → result</c>. The settings are a
/// <c>sealed record</c> with documented defaults (a new instance holds them); the result serializes to JSON with
/// <c>Infrastructure.Json</c>. The CLI binds its options to the settings record, experiment and sweep files bind
/// their keys to the same record, and both call <see cref="Run"/> — one path from every front end to the library.
/// </summary>
public interface IAnalysis
{
    /// <summary>Stable kebab-case name: the CLI command and the experiment-file key (e.g. <c>lyapunov</c>).</summary>
    string Name { get; }

    /// <summary>The question it answers, in one line, with the result it rests on (paper, theorem, equation).</summary>
    string Question { get; }

    Type SettingsType { get; }

    Type ResultType { get; }

    /// <summary>A settings record holding every default.</summary>
    object DefaultSettings();

    /// <summary>Runs the analysis; <paramref name="settings"/> must be of <see cref="SettingsType"/>.</summary>
    object Run(DescentSystem system, object settings, IProgress<double>? progress);
}

/// <summary>A catalog entry over a typed run function.</summary>
public sealed class Analysis<TSettings, TResult>(string name, string question,
    Func<DescentSystem, TSettings, IProgress<double>?, TResult> run) : IAnalysis
    where TSettings : class, new()
    where TResult : notnull
{
    public string Name { get; } = name;
    public string Question { get; } = question;
    public Type SettingsType => typeof(TSettings);
    public Type ResultType => typeof(TResult);
    public object DefaultSettings() => new TSettings();

    public TResult Run(DescentSystem system, TSettings settings, IProgress<double>? progress) => run(system, settings, progress);

    object IAnalysis.Run(DescentSystem system, object settings, IProgress<double>? progress) =>
        settings is TSettings s ? run(system, s, progress)
            : throw new ArgumentException($"analysis '{Name}' takes {typeof(TSettings).Name}, not {settings.GetType().Name}", nameof(settings));
}

/// <summary>
/// Every analysis of the library, by name. An analysis joins the catalog by declaring a public static field or
/// property of type <see cref="IAnalysis"/> on its (static) class, e.g.
/// <code>public static readonly IAnalysis Entry = new Analysis&lt;LyapunovSettings, LyapunovResult&gt;("lyapunov", "…", Run);</code>
/// so adding an analysis touches only its own folder.
/// </summary>
public static class AnalysisCatalog
{
    private static readonly Lazy<IReadOnlyList<IAnalysis>> Entries = new(Discover);

    /// <summary>All analyses, ordered by name.</summary>
    public static IReadOnlyList<IAnalysis> All => Entries.Value;

    /// <summary>The analysis of that name, or null.</summary>
    public static IAnalysis? Find(string name) =>
        All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The analysis of that name (a user error listing the known names otherwise).</summary>
    public static IAnalysis Get(string name) => Find(name)
        ?? throw new UserInputException($"unknown analysis '{name}'; known: {string.Join(", ", All.Select(a => a.Name))}");

    private static IReadOnlyList<IAnalysis> Discover()
    {
        const BindingFlags flags = BindingFlags.Public | BindingFlags.Static;
        var found = new List<IAnalysis>();
        foreach (var type in typeof(AnalysisCatalog).Assembly.GetTypes())
        {
            foreach (var f in type.GetFields(flags).Where(f => f.FieldType == typeof(IAnalysis)))
                if (f.GetValue(null) is IAnalysis a) found.Add(a);
            foreach (var p in type.GetProperties(flags).Where(p => p.PropertyType == typeof(IAnalysis) && p.GetIndexParameters().Length == 0))
                if (p.GetValue(null) is IAnalysis a) found.Add(a);
        }
        var duplicate = found.GroupBy(a => a.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"two analyses are named '{duplicate.Key}'");
        return found.OrderBy(a => a.Name, StringComparer.Ordinal).ToArray();
    }
}
