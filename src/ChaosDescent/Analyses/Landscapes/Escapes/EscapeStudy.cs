using System.Text.Json.Serialization;
using ChaosDescent.Maps;
using ChaosDescent.Runners;

namespace ChaosDescent.Analyses.Landscapes.Escapes;

/// <summary>Settings of <see cref="EscapeStudy"/> (CLI <c>chaosdescent escape</c>, the wells-of-f0 mode).</summary>
public sealed record EscapeStudySettings
{
    /// <summary><c>particles</c> (default 10000): ensemble size.</summary>
    public int Particles { get; init; } = 10_000;

    /// <summary><c>steps</c> (default 20000): steps per particle.</summary>
    public int Steps { get; init; } = 20_000;

    /// <summary><c>burn_in</c> (default 0): steps before occupation and rates are counted.</summary>
    public int BurnIn { get; init; }

    /// <summary><c>from_well</c> (default null: the rightmost well): well index to start in (0 = leftmost).</summary>
    public int? FromWell { get; init; }

    /// <summary><c>initial</c> (default null): an initial ensemble instead, uniform:LO,HI | gaussian:MEAN,SD | point:X.</summary>
    public string? Initial { get; init; }

    /// <summary><c>core_fraction</c> (default 0.5): the core of a well is f0 − f0(min) ≤ core_fraction · barrier; a
    /// transition counts on entering another well's core.</summary>
    public double CoreFraction { get; init; } = 0.5;

    /// <summary><c>seed</c> (default 1).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary><c>threads</c> (default 0 = all cores); results do not depend on it.</summary>
    public int Threads { get; init; }
}

/// <summary>One well: occupation against the rescaled Gibbs mass, mean exit time against Eyring–Kramers.</summary>
public sealed record WellEscapeReport(int Index, double[] Interval, double Minimum, double Barrier, double Occupation, double? OccupationGibbs,
    double OccupationFromRates, double MeanExitTime, double[] MeanExitTimeCi, string MeanExitTimeMethod, double? MeanExitTimeKramers,
    long Exits, double EscapeRatePerStep, double? KramersRatePerStep, bool? TrappedRemark12);

/// <summary>Escapes between the wells of f0 (the headline numbers of CLI <c>escape --json</c>).</summary>
public sealed record EscapeReport
{
    public required string Objective { get; init; }
    public required double Eps { get; init; }
    public required double Eta { get; init; }
    public required string Map { get; init; }
    public required int Particles { get; init; }
    public required int Steps { get; init; }
    public required int StartWell { get; init; }
    public double? Sigma2 { get; init; }
    public double? Temperature { get; init; }
    public string? GibbsNote { get; init; }
    public bool? SConnected { get; init; }
    public required WellEscapeReport[] Wells { get; init; }
    public required int Diverged { get; init; }
    public required double Seconds { get; init; }

    [JsonIgnore]
    public EscapeAnalysis? Analysis { get; init; }
}

/// <summary>
/// Escapes between the wells of f0 (Kong &amp; Tao 2020, D.5): occupation per well against the rescaled Gibbs masses,
/// exit times (Kaplan–Meier, censoring-aware mean) against Eyring–Kramers, transition rates, for GD, the stochastic
/// map or the Gaussian map (<see cref="EscapeAnalysis"/>). The escape from a microscopic minimum (CLI
/// <c>escape --micro</c>) is <see cref="MicroEscape"/>.
/// </summary>
public static class EscapeStudy
{
    public static readonly IAnalysis Entry = new Analysis<EscapeStudySettings, EscapeReport>(
        "escape", "how often and how fast does GD leave the wells of f0? occupation vs Gibbs, exit times vs Eyring-Kramers (D.5)", Run);

    public static EscapeReport Run(DescentSystem system, EscapeStudySettings settings, IProgress<double>? progress = null)
    {
        var obj = system.RequireMultiscale("escape");
        if (system.Map is not ("gd" or "stochastic" or "gaussian"))
            throw new UserInputException($"map must be gd, stochastic or gaussian for escapes (got '{system.Map}')");
        if (settings.Particles < 1) throw new UserInputException($"particles must be at least 1 (got {settings.Particles})");
        if (settings.Steps < 1) throw new UserInputException($"steps must be at least 1 (got {settings.Steps})");
        var map = system.CreateMap("escape");
        var a = EscapeAnalysis.Run(new EscapeRequest
        {
            Map = map,
            Particles = settings.Particles,
            Steps = settings.Steps,
            BurnIn = settings.BurnIn,
            Seed = settings.Seed,
            Threads = settings.Threads,
            FromWell = settings.FromWell,
            Initial = settings.Initial is { } s ? InitialCondition.Parse(s) : null,
            CoreFraction = settings.CoreFraction,
            TraceParticles = Math.Min(3, settings.Particles),
            TraceSteps = Math.Min(settings.Steps, 5000),
        }, progress);
        return new EscapeReport
        {
            Objective = obj.Name,
            Eps = obj.Epsilon,
            Eta = map.LearningRate,
            Map = map.Name,
            Particles = settings.Particles,
            Steps = settings.Steps,
            StartWell = a.StartWell,
            Sigma2 = a.Sigma2,
            Temperature = a.Sigma2 is { } s2 ? map.LearningRate * s2 / 2 : null,
            GibbsNote = a.GibbsNote,
            SConnected = a.Connectivity?.Connected,
            Wells = a.PerWell.Select(w => new WellEscapeReport(w.Well.Index, [w.Well.Lo, w.Well.Hi], w.Well.Minimum, w.Well.Barrier,
                w.Occupation, w.OccupationGibbs, w.OccupationFromRates, w.MeanExitTime, [w.MeanExitLo, w.MeanExitHi], w.MeanExitMethod,
                w.KramersMeanExitTime, w.Exits, w.EscapeRatePerStep, w.KramersRatePerStep, w.TrappedRemark12)).ToArray(),
            Diverged = a.Result.Diverged,
            Seconds = a.Result.Seconds,
            Analysis = a,
        };
    }
}
