using System.Text.Json;

namespace ChaosDescent.Reporting.Reproduction;

/// <summary>What <c>chaosdescent reproduce</c> was asked to do.</summary>
public sealed class ReportOptions
{
    /// <summary>The report folder (created if missing).</summary>
    public required string OutputDirectory { get; init; }

    public bool Quick { get; init; }

    public ulong Seed { get; init; } = 20201206;

    /// <summary>Worker threads (0 = all cores).</summary>
    public int Threads { get; init; }

    /// <summary>
    /// Independent seeds every experiment runs at (1 = the seed alone). Replicate 0 runs at <see cref="Seed"/> and
    /// writes the figures and data; replicate r ≥ 1 runs at <see cref="ReportDriver.ReplicateSeed"/>(Seed, r).
    /// </summary>
    public int Replicates { get; init; } = 1;

    /// <summary>The ids asked for with <c>--only</c> (null: all).</summary>
    public IReadOnlyList<string>? Only { get; init; }

    /// <summary>The command line, shown in the report's run metadata (optional).</summary>
    public string? CommandLine { get; init; }
}

/// <summary>The content of <c>results.json</c> (field names become snake_case).</summary>
public sealed class ReportResults
{
    public required ReportMetadata Metadata { get; init; }
    public required ReportSummary Summary { get; init; }
    public required List<ExperimentRecord> Experiments { get; init; }
    public required List<CheckRecord> Checks { get; init; }

    /// <summary>True when every experiment ran and every check passed (exit code 0).</summary>
    public bool AllPassed => Summary.AllPassed;
}

public sealed class ReportMetadata
{
    public required string Tool { get; init; }
    public required string Version { get; init; }
    /// <summary>Start of the run, ISO 8601 UTC.</summary>
    public required string Date { get; init; }
    /// <summary>"quick" or "full".</summary>
    public required string Mode { get; init; }
    public required ulong Seed { get; init; }
    /// <summary>Independent seeds each experiment ran at (1: the seed alone).</summary>
    public int Replicates { get; init; } = 1;
    /// <summary>The seeds of the replicates, replicate 0 first (it is <see cref="Seed"/>).</summary>
    public IReadOnlyList<ulong>? ReplicateSeeds { get; init; }
    /// <summary>Threads asked for (0 = all cores).</summary>
    public required int Threads { get; init; }
    /// <summary>Logical cores of the machine (<see cref="Environment.ProcessorCount"/>).</summary>
    public required int Cores { get; init; }
    public required string Os { get; init; }
    public required string Runtime { get; init; }
    /// <summary>Widest SIMD the runtime accelerates ("avx512", "avx2/256", "128", "scalar").</summary>
    public required string Simd { get; init; }
    public IReadOnlyList<string>? Only { get; init; }
    public string? CommandLine { get; init; }
    public double TotalSeconds { get; set; }
}

public sealed class ReportSummary
{
    public int Experiments { get; init; }
    public int ExperimentsFailed { get; init; }
    public int Checks { get; init; }
    public int ChecksPassed { get; init; }
    public int ChecksFailed { get; init; }
    /// <summary>Independent seeds per check (1: the seed alone).</summary>
    public int Replicates { get; init; } = 1;
    /// <summary>
    /// Checks whose number of failures over the replicates is too large for their design false-alarm rate (binomial
    /// tail below the report budget); always 0 with one replicate.
    /// </summary>
    public int ChecksInconsistent { get; init; }
    /// <summary>
    /// One replicate: every experiment ran and every check passed. Several: every experiment ran at every seed and
    /// every check's pass rate is consistent with its design false-alarm rate.
    /// </summary>
    public bool AllPassed { get; init; }
}

/// <summary>One experiment in results.json.</summary>
public sealed class ExperimentRecord
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public required string PaperReference { get; init; }
    public required int Order { get; init; }
    /// <summary>"passed" (all checks pass), "failed_checks", or "error" (the experiment threw).</summary>
    public required string Status { get; init; }
    /// <summary>Exception type and message when the experiment threw; null otherwise.</summary>
    public string? Error { get; init; }
    public required double Seconds { get; init; }
    public required List<FigureRecord> Figures { get; init; }
    /// <summary>Key numbers the experiment reported (its <see cref="ReproductionResult.Data"/>).</summary>
    public required Dictionary<string, JsonElement> Data { get; init; }
    /// <summary>CSV files written, relative to the report folder.</summary>
    public required List<string> DataFiles { get; init; }
    public required List<string> Notes { get; init; }
    public required int Checks { get; init; }
    public required int ChecksPassed { get; init; }
}

public sealed class FigureRecord
{
    public required string Name { get; init; }
    public required string Caption { get; init; }
    /// <summary>Relative path of the PNG (null when the experiment did not write it).</summary>
    public string? Png { get; init; }
    public string? Svg { get; init; }
}

/// <summary>One check in results.json: the <see cref="Check"/> plus the experiment it belongs to.</summary>
public sealed class CheckRecord
{
    public required string Id { get; init; }
    public required string Experiment { get; init; }
    public required string Description { get; init; }
    public required double Expected { get; init; }
    public required double Measured { get; init; }
    public required double Tolerance { get; init; }
    public required string Relation { get; init; }
    public required bool Pass { get; init; }
    public string? Note { get; init; }
    /// <summary>The expectation as text, e.g. "0.107 ± 0.01" or "≤ 0.05".</summary>
    public required string Expectation { get; init; }

    /// <summary>Design false-alarm rate of the check (see <see cref="Check.FalseAlarmRate"/>); null when not stated.</summary>
    public double? FalseAlarmRate { get; init; }

    /// <summary>Independent seeds the check was evaluated at (replicate 0 is the one shown in the other fields).</summary>
    public int Replicates { get; set; } = 1;

    /// <summary>Fraction of the replicates at which the check passed (an experiment that threw counts as a failure).</summary>
    public double PassRate { get; set; }

    /// <summary>The 5%, 50% and 95% quantiles of the measured value over the replicates (finite values only).</summary>
    public double[] MeasuredQuantiles { get; set; } = [];

    /// <summary>
    /// Whether the number of failures is consistent with <see cref="FalseAlarmRate"/> (the report budget when not
    /// stated): the binomial probability of at least that many failures is at least the report budget.
    /// </summary>
    public bool Consistent { get; set; } = true;

    /// <summary>The measured value at each replicate, in replicate order (null where the experiment threw).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public double[]? ReplicateMeasured { get; set; }

    /// <summary>Whether the check passed at each replicate, in replicate order.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public bool[]? ReplicatePass { get; set; }

    public static CheckRecord From(string experiment, Check c) => new()
    {
        Id = c.Id,
        Experiment = experiment,
        Description = c.Description,
        Expected = c.Expected,
        Measured = c.Measured,
        Tolerance = c.Tolerance,
        Relation = c.Relation,
        Pass = c.Pass,
        Note = c.Note,
        Expectation = c.ExpectationText,
        FalseAlarmRate = c.FalseAlarmRate,
        PassRate = c.Pass ? 1 : 0,
        MeasuredQuantiles = [c.Measured, c.Measured, c.Measured],
    };
}
