using System.Text.Json.Serialization;
using ChaosDescent.Maps;

namespace ChaosDescent.Analyses.Chaos;

/// <summary>Settings of <see cref="RegimeAnalysis"/> (CLI <c>chaosdescent regime</c>). η and ε are scanned, so the
/// system's η and ε are not used (its objective gives f0, the micro profile and the parameters).</summary>
public sealed record RegimeAnalysisSettings
{
    /// <summary><c>eta_min</c> (default 1e-4): smallest η of the log grid.</summary>
    public double EtaMin { get; init; } = 1e-4;

    /// <summary><c>eta_max</c> (default 3): largest η.</summary>
    public double EtaMax { get; init; } = 3;

    /// <summary><c>eps_min</c> (default 1e-4): smallest ε.</summary>
    public double EpsMin { get; init; } = 1e-4;

    /// <summary><c>eps_max</c> (default 0.1): largest ε.</summary>
    public double EpsMax { get; init; } = 1e-1;

    /// <summary><c>eta_points</c> (default 40): η values (rows).</summary>
    public int EtaPoints { get; init; } = 40;

    /// <summary><c>eps_points</c> (default 40): ε values (columns).</summary>
    public int EpsPoints { get; init; } = 40;

    /// <summary><c>start</c> (default null: near the minimizer of f0, <see cref="RegimeMap.DefaultStart"/>): fixed start of every cell.</summary>
    public double[]? Start { get; init; }

    /// <summary><c>max_steps</c> (default 20000, at least 4096): steps per cell, raised to 40 ε/η for slow cells up to 400000.</summary>
    public int MaxSteps { get; init; } = 20_000;

    /// <summary><c>threads</c> (default 0 = all cores); results do not depend on it.</summary>
    public int Threads { get; init; }
}

/// <summary>One classified cell of the regime map.</summary>
public sealed record RegimeCellReport(double Eta, double Eps, Regime Regime, int Period, double Lambda);

/// <summary>The (η, ε) grid's sizes.</summary>
public sealed record RegimeGrid(int EtaPoints, int EpsPoints);

/// <summary>A regime map with the threshold of Rmk. 9 and f0's stability bound (CLI <c>regime --json</c>).</summary>
/// <remarks>
/// <c>Threshold</c>: Rmk. 9 written out: η = e^(−m) ε.<br/>
/// <c>Result</c>: The full result (for the regime diagram).<br/>
/// </remarks>
public sealed record RegimeReport(
    string Objective, string Formula, string Map, double[] Start, RegimeGrid Grid, double[] EtaValues, double[] EpsValues,
    double? M, string? Threshold, double? ThresholdFactor, double StabilityEta, Dictionary<string, int> Counts,
    RegimeCellReport[] Cells, double Seconds, [property: JsonIgnore] RegimeMapResult? Result);

/// <summary>
/// Fig. 2 of Kong &amp; Tao (2020) made quantitative: every (η, ε) of a log grid classified as converges / periodic /
/// local chaos / global chaos / diverges by <see cref="RegimeMap"/>, with the chaos threshold η = e^(−m) ε (Rmk. 9)
/// and the stability bound of the map on f0.
/// </summary>
public static class RegimeAnalysis
{
    public static readonly IAnalysis Entry = new Analysis<RegimeAnalysisSettings, RegimeReport>(
        "regime", "which regime (converges, periodic, local or global chaos, diverges) at each (eta, eps)? Fig. 2, Rmk. 9", Run);

    public static RegimeReport Run(DescentSystem system, RegimeAnalysisSettings settings, IProgress<double>? progress = null)
    {
        var obj = system.RequireMultiscale("regime");
        if (settings.MaxSteps < 4096) throw new UserInputException($"max-steps must be at least 4096 (got {settings.MaxSteps})");
        if (!(settings.EtaMin > 0) || !double.IsFinite(settings.EtaMin)) throw new UserInputException($"eta-min must be a positive number (got {settings.EtaMin})");
        var d = new RegimeSettings();
        var s = new RegimeSettings
        {
            EtaMin = settings.EtaMin,
            EtaMax = settings.EtaMax,
            EpsMin = settings.EpsMin,
            EpsMax = settings.EpsMax,
            EtaPoints = settings.EtaPoints,
            EpsPoints = settings.EpsPoints,
            Threads = settings.Threads,
            Start = settings.Start,
            Attractor = d.Attractor with { MaxSteps = settings.MaxSteps },
        };
        var map = system.WithLearningRate(settings.EtaMin).CreateMap("regime");
        var res = RegimeMap.Run(map, s, progress);
        return new RegimeReport(
            Objective: obj.Name, Formula: obj.Formula, Map: map.Name, Start: res.Start,
            Grid: new RegimeGrid(settings.EtaPoints, settings.EpsPoints), EtaValues: res.EtaValues, EpsValues: res.EpsValues, M: res.M,
            Threshold: res.M is { } m ? ChaosTheory.ThresholdText(m) : null,
            ThresholdFactor: res.M is { } m2 ? ChaosTheory.ThresholdFactor(m2) : null, StabilityEta: res.StabilityEta,
            Counts: res.Counts.ToDictionary(kv => RegimeMap.Key(kv.Key), kv => kv.Value),
            Cells: res.Cells.Select(c => new RegimeCellReport(c.Eta, c.Eps, c.Regime, c.Period, c.Lambda)).ToArray(), Seconds: res.Seconds,
            Result: res);
    }
}
