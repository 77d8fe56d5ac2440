using System.Text.Json.Serialization;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;

namespace ChaosDescent.Analyses.Chaos;

/// <summary>Settings of <see cref="BifurcationAnalysis"/> (CLI <c>chaosdescent bifurcation</c>). η is scanned, so the
/// system's η is not used.</summary>
public sealed record BifurcationAnalysisSettings
{
    /// <summary><c>eta_min</c> (no default: required): smallest η.</summary>
    public double? EtaMin { get; init; }

    /// <summary><c>eta_max</c> (no default: required): largest η.</summary>
    public double? EtaMax { get; init; }

    /// <summary><c>points</c> (default 400): η values, evenly spaced.</summary>
    public int Points { get; init; } = 400;

    /// <summary><c>start</c> (default null: the minimizer of f0 + 0.37 ε): fixed start of every orbit.</summary>
    public double[]? Start { get; init; }

    /// <summary><c>max_period</c> (default 64): largest period looked for.</summary>
    public int MaxPeriod { get; init; } = 64;

    /// <summary><c>max_steps</c> (default 40000): steps per η at most; the transient is min(2000, max_steps/4), the
    /// window max(1024, 4 max_period).</summary>
    public int MaxSteps { get; init; } = 40_000;

    /// <summary><c>threads</c> (default 0 = all cores); results do not depend on it.</summary>
    public int Threads { get; init; }
}

/// <summary>One η of the diagram.</summary>
public sealed record BifurcationPointReport(double Eta, int Period, double Lambda, double LambdaStderr, bool Diverged);

/// <summary>One period doubling, located by bisection (or at a bracket's midpoint).</summary>
public sealed record PeriodDoublingReport(double Eta, double EtaOverEps, int FromPeriod, int ToPeriod, bool Refined, double[] Bracket);

/// <summary>A bifurcation diagram over η (CLI <c>bifurcation --json</c>).</summary>
/// <remarks>
/// <c>M</c>: m of Cond. 2 (quick rule) where defined: Thm. 9's λ ≈ m + ln(η/ε) line of the λ panel.<br/>
/// <c>Scale</c>: The length unit of the η axis: ε (1 without a micro-scale).<br/>
/// </remarks>
public sealed record BifurcationReport(
    string Objective, string Formula, double Eps, string Map, double[] Start, BifurcationPointReport[] Points,
    PeriodDoublingReport[] Doublings, IReadOnlyList<double> FeigenbaumRatios, double? OnsetEta, double? OnsetEtaOverEps,
    double? AccumulationEta, double? AccumulationEtaOverEps, double[]? Well, double? M, double Scale, double Seconds,
    [property: JsonIgnore] BifurcationDiagram? Diagram);

/// <summary>
/// The orbit diagram over η of Kong &amp; Tao (2020) D.1, Fig. 9 (<see cref="Bifurcation"/>): period and λ at each η,
/// the period-doubling points, Feigenbaum ratios (Feigenbaum 1978), the onset of chaos and the microscopic well.
/// </summary>
public static class BifurcationAnalysis
{
    public static readonly IAnalysis Entry = new Analysis<BifurcationAnalysisSettings, BifurcationReport>(
        "bifurcation", "how does the attractor change with eta? periods, period doublings, onset of chaos (D.1, Fig. 9)", Run);

    public static BifurcationReport Run(DescentSystem system, BifurcationAnalysisSettings settings, IProgress<double>? progress = null)
    {
        var obj = system.RequireMultiscale("bifurcation");
        double lo = settings.EtaMin ?? throw new UserInputException("bifurcation needs eta-min (--eta-min)");
        double hi = settings.EtaMax ?? throw new UserInputException("bifurcation needs eta-max (--eta-max)");
        if (!(lo > 0) || !double.IsFinite(lo)) throw new UserInputException($"eta-min must be a positive number (got {lo})");
        if (!(hi > lo) || !double.IsFinite(hi)) throw new UserInputException($"eta-max must exceed eta-min (got {lo}, {hi})");
        if (settings.MaxPeriod < 1) throw new UserInputException($"max-period must be at least 1 (got {settings.MaxPeriod})");
        if (settings.Points < 2) throw new UserInputException($"points must be at least 2 (got {settings.Points})");
        int ms = settings.MaxSteps, mp = settings.MaxPeriod;
        var attractor = new AttractorSettings { MaxPeriod = mp, Window = Math.Max(1024, 4 * mp), MaxSteps = ms, MinTransient = Math.Min(2000, ms / 4) };
        if (ms < attractor.MinTransient + attractor.Window) throw new UserInputException($"max-steps must be at least {attractor.MinTransient + attractor.Window}");
        var map = system.WithLearningRate(lo).CreateMap("bifurcation");
        var d = Bifurcation.Run(map, new BifurcationSettings
        {
            EtaMin = lo,
            EtaMax = hi,
            Points = settings.Points,
            Attractor = attractor,
            Threads = settings.Threads,
            Start = settings.Start,
        }, progress);
        double eps = WellGeometry.Scale(obj);
        double? m = obj.Micro is { Kind: not MicroScaleKind.General } ? MConstant.Compute(obj, MConstantOptions.Quick).M : null;
        return new BifurcationReport(
            Objective: obj.Name, Formula: obj.Formula, Eps: obj.Epsilon, Map: map.Name, Start: d.Start,
            Points: d.Points.Select(p => new BifurcationPointReport(p.Eta, p.Period, p.Lambda, p.LambdaStdErr, p.Diverged)).ToArray(),
            Doublings: d.Doublings.Select(x => new PeriodDoublingReport(x.Eta, x.Eta / eps, x.FromPeriod, x.ToPeriod, x.Refined, [x.BracketLo, x.BracketHi])).ToArray(),
            FeigenbaumRatios: d.FeigenbaumRatios, OnsetEta: d.OnsetEta, OnsetEtaOverEps: d.OnsetEta / eps,
            AccumulationEta: d.AccumulationEta, AccumulationEtaOverEps: d.AccumulationEta / eps,
            Well: d.Well is { } w ? [w.Lo, w.Hi] : null, M: m, Scale: eps, Seconds: d.Seconds, Diagram: d);
    }
}
