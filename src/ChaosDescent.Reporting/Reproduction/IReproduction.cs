using ChaosDescent.Reporting.Plots;
namespace ChaosDescent.Reporting.Reproduction;

/// <summary>
/// One experiment of the paper that <c>chaosdescent reproduce</c> regenerates. Implementations are discovered by
/// reflection (any public non-abstract class with a parameterless constructor in this assembly), so adding an
/// experiment is adding a file. Ids are short and stable (e.g. <c>fig3</c>, <c>fig10-12</c>), used by <c>--only</c>.
/// </summary>
public interface IReproduction
{
    /// <summary>Stable id for <c>--only</c>, e.g. "fig3".</summary>
    string Id { get; }

    /// <summary>Short title for the report's table of contents.</summary>
    string Title { get; }

    /// <summary>Where in the paper (section, figure, theorem).</summary>
    string PaperReference { get; }

    /// <summary>Position in the report (smaller first), in blocks of 100 per area: distributions 100–199, chaos 200–299, and so on.</summary>
    int Order { get; }

    /// <summary>Runs the experiment, writes its figures and CSV files, and returns what the report shows.</summary>
    ReproductionResult Run(ReproductionContext context);
}

/// <summary>
/// An experiment whose metadata (<see cref="IReproduction.Id"/>, title, paper reference, order) are fixed: given once to
/// the constructor, so that an experiment's file is its description and its <see cref="Run"/>.
/// </summary>
public abstract class Reproduction(string id, string title, string paperReference, int order) : IReproduction
{
    public string Id => id;
    public string Title => title;
    public string PaperReference => paperReference;
    public int Order => order;

    public abstract ReproductionResult Run(ReproductionContext context);
}

/// <summary>What an experiment needs from the report driver.</summary>
public sealed class ReproductionContext
{
    /// <summary>Small sizes: the whole <c>--quick</c> report finishes within 60 s on 2 cores.</summary>
    public required bool Quick { get; init; }

    /// <summary>The report folder (report.html, results.json live here).</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Where figures go: <c>OutputDirectory/figures</c>.</summary>
    public string FigureDirectory => Path.Combine(OutputDirectory, "figures");

    /// <summary>Where per-experiment CSV files go: <c>OutputDirectory/data</c>.</summary>
    public string DataDirectory => Path.Combine(OutputDirectory, "data");

    /// <summary>Base seed; experiments derive their own streams from it.</summary>
    public ulong Seed { get; init; } = 20201206;

    /// <summary>Worker threads (0 = all cores).</summary>
    public int Threads { get; init; }

    /// <summary>Fraction of this experiment done, 0..1 (drives the console progress bar).</summary>
    public IProgress<double>? Progress { get; init; }
}

/// <summary>Everything an experiment contributes to the report.</summary>
public sealed class ReproductionResult
{
    /// <summary>Figures written (base names without extension, relative to the figure folder) with captions.</summary>
    public List<FigureRef> Figures { get; } = new();

    public List<Check> Checks { get; } = new();

    /// <summary>CSV files written, relative to the report folder.</summary>
    public List<string> DataFiles { get; } = new();

    /// <summary>Paragraphs of explanation (plain text; HTML-escaped by the report writer).</summary>
    public List<string> Notes { get; } = new();

    /// <summary>Key numbers for results.json (snake_case keys; values: numbers, strings, arrays).</summary>
    public Dictionary<string, object?> Data { get; } = new();
}
