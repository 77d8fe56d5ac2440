using System.Text.Json.Serialization;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;
using ChaosDescent.Runners;

namespace ChaosDescent.Analyses.Landscapes.Escapes;

/// <summary>Settings of <see cref="EscapeStudy"/> (CLI <c>chaosdescent escape</c>, the wells-of-f0 mode).</summary>
public sealed record EscapeStudySettings : SeededSettings
{
    /// <summary><c>particles</c> (default 10000): ensemble size.</summary>
    public int Particles { get; init; } = 10_000;

    /// <summary><c>steps</c> (default 20000): steps per particle.</summary>
    public int Steps { get; init; } = 20_000;

    /// <summary><c>burn_in</c> (default null: 5 relaxation times, measured from the run, see <see cref="RelaxationBurnIn"/>):
    /// steps before occupation and rates are counted.</summary>
    public int? BurnIn { get; init; }

    /// <summary><c>from_well</c> (default null: the rightmost well): well index to start in (0 = leftmost).</summary>
    public int? FromWell { get; init; }

    /// <summary><c>initial</c> (default null): an initial ensemble instead, uniform:LO,HI | gaussian:MEAN,SD | point:X.</summary>
    public string? Initial { get; init; }

    /// <summary><c>core_fraction</c> (default 0.5): the core of a well is f0 − f0(min) ≤ core_fraction · barrier; a
    /// transition counts on entering another well's core.</summary>
    public double CoreFraction { get; init; } = 0.5;
}

/// <summary>The first exits of the particles that started in a well (Kaplan–Meier, geometric fit).</summary>
public sealed record FirstExitsReport(int Runs, int Exits, int Censored, double KmMedian, double KmRestrictedMean, double GeometricMean,
    double[] GeometricMeanCi, double GeometricFitDeviation);

/// <summary>The interval the stochastic map can reach from the well's minimum (Rmk. 12, exact interval iteration).</summary>
public sealed record ReachableFromMinimum(double[] Interval, bool Trapped, bool Converged);

/// <summary>One well: occupation against the rescaled Gibbs mass, mean exit time against Eyring–Kramers.</summary>
public sealed record WellEscapeReport(int Index, double[] Interval, double Minimum, double Barrier, double[] Core, double Occupation, double OccupationStderr,
    double? OccupationGibbs, double OccupationFromRates, double MeanExitTime, double[] MeanExitTimeCi, string MeanExitTimeMethod,
    double? MeanExitTimeKramers, FirstExitsReport? FirstExits, long Exits, long Exposure, double EscapeRatePerStep,
    double? KramersRatePerStep, bool? TrappedRemark12, ReachableFromMinimum? ReachableFromMinimum);

/// <summary>Escapes between the wells of f0 (CLI <c>escape --json</c>, less the files).</summary>
/// <remarks>
/// <c>Temperature</c>: T = η σ²/2, the temperature of the rescaled Gibbs law exp(−f0/T)/Z.<br/>
/// <c>RatesPerStep</c>: Transition rates i → j per step spent in i (0 on the diagonal).<br/>
/// </remarks>
public sealed record EscapeReport(
    string Objective, string Formula, IReadOnlyDictionary<string, double> Parameters, double Eps, double Eta, string Map,
    int Particles, int Steps, int BurnIn, string BurnInRule, double? RelaxationTimeSteps, bool Equilibrated, IReadOnlyList<string> Warnings, ulong Seed, int StartWell, double CoreFraction, double? Sigma2, double? Temperature,
    string? GibbsNote, bool? SConnected, WellEscapeReport[] Wells, double[][] RatesPerStep, long[][] Transitions, int Diverged,
    long? DivergedFirstStep, double Seconds, [property: JsonIgnore] EscapeAnalysis? Analysis);

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
        var obj = RequireEscapeSystem(system, "escape", settings.Particles, settings.Steps);
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
        int nr = a.Result.RegionCount;
        return new EscapeReport(
            Objective: obj.Name, Formula: obj.Formula, Parameters: obj.Parameters, Eps: obj.Epsilon, Eta: map.LearningRate, Map: map.Name,
            Particles: settings.Particles, Steps: settings.Steps, BurnIn: a.BurnIn.BurnIn, BurnInRule: a.BurnIn.Rule, RelaxationTimeSteps: a.BurnIn.RelaxationTime, Equilibrated: a.BurnIn.Equilibrated,
            Warnings: a.BurnIn.Warnings, Seed: settings.Seed, StartWell: a.StartWell,
            CoreFraction: settings.CoreFraction, Sigma2: a.Sigma2, Temperature: a.Sigma2 is { } s2 ? map.LearningRate * s2 / 2 : null,
            GibbsNote: a.GibbsNote, SConnected: a.Connectivity?.Connected,
            Wells: a.PerWell.Select(w => new WellEscapeReport(w.Well.Index, [w.Well.Lo, w.Well.Hi], w.Well.Minimum, w.Well.Barrier, [w.CoreLo, w.CoreHi], w.Occupation, w.OccupationStdErr, w.OccupationGibbs, w.OccupationFromRates, w.MeanExitTime, [w.MeanExitLo, w.MeanExitHi], w.MeanExitMethod, w.KramersMeanExitTime, w.FirstExits is { } fe ? FirstExits(fe) : null, w.Exits, w.Exposure, w.EscapeRatePerStep, w.KramersRatePerStep, w.TrappedRemark12, w.Certificate is { } c ? new ReachableFromMinimum([c.Lo, c.Hi], c.Trapped, c.Converged) : null)).ToArray(),
            RatesPerStep: Enumerable.Range(0, nr).Select(i => Enumerable.Range(0, nr).Select(j => i == j ? 0 : a.Result.Rate(i, j)).ToArray()).ToArray(),
            Transitions: Enumerable.Range(0, nr).Select(i => Enumerable.Range(0, nr).Select(j => a.Result.Transitions[i, j]).ToArray()).ToArray(),
            Diverged: a.Result.Diverged, DivergedFirstStep: a.Result.DivergedFirstStep, Seconds: a.Result.Seconds, Analysis: a);
    }

    /// <summary>The system's multiscale objective, once its map is one whose escapes are measured (gd, stochastic or
    /// gaussian) and the ensemble has at least one particle and one step.</summary>
    internal static MultiscaleObjective RequireEscapeSystem(DescentSystem system, string analysis, int particles, int steps)
    {
        var obj = system.RequireMultiscale(analysis);
        if (system.Map is not ("gd" or "stochastic" or "gaussian"))
            throw new UserInputException($"map must be gd, stochastic or gaussian for escapes (got '{system.Map}')");
        if (particles < 1) throw new UserInputException($"particles must be at least 1 (got {particles})");
        if (steps < 1) throw new UserInputException($"steps must be at least 1 (got {steps})");
        return obj;
    }

    private static FirstExitsReport FirstExits(ExitTimeStatistics fe)
    {
        var (lo, hi) = fe.GeometricMeanInterval();
        return new FirstExitsReport(fe.Count, fe.Exits, fe.Censored, fe.Median, fe.RestrictedMean(), fe.GeometricMean, [lo, hi], fe.GeometricFitDeviation());
    }
}

/// <summary>Settings of <see cref="MicroEscapeAnalysis"/> (CLI <c>chaosdescent escape --micro X [--sweep r1,r2,…]</c>).</summary>
public sealed record MicroEscapeSettings : SeededSettings
{
    /// <summary><c>near</c> (default 0): escape from the microscopic minimum of f nearest this point.</summary>
    public double Near { get; init; }

    /// <summary><c>eta_over_eps</c> (default null: the system's η only): η/ε ratios to sweep.</summary>
    public double[]? EtaOverEps { get; init; }

    /// <summary><c>particles</c> (default 10000).</summary>
    public int Particles { get; init; } = 10_000;

    /// <summary><c>steps</c> (default 20000): the horizon K of P(escape within K).</summary>
    public int Steps { get; init; } = 20_000;
}

/// <summary>The microscopic well: GD's fixed point at its minimum loses stability at η = 2/f''(x*).</summary>
public sealed record MicroWellReport(double Minimum, double[] Interval, double Curvature, double StabilityThresholdEta, double StabilityThresholdEtaOverEps);

/// <summary>One η: the escape probability within K steps (Wilson interval) and the mean exit time.</summary>
public sealed record MicroEscapeRun(double Eta, double EtaOverEps, double EscapeProbability, double[] EscapeProbabilityCi, double MeanExitTime,
    double[] MeanExitTimeCi, string MeanExitTimeMethod, double KmMedian, double Seconds);

/// <summary>Escape from a microscopic minimum over η (CLI <c>escape --micro --json</c>, less the files).</summary>
public sealed record MicroEscapeReport(
    string Objective, string Formula, IReadOnlyDictionary<string, double> Parameters, double Eps, string Map, int Particles,
    int Steps, ulong Seed, MicroWellReport MicroWell, MicroEscapeRun[] Runs,
    [property: JsonIgnore] IReadOnlyList<MicroEscapeResult>? Results);

/// <summary>
/// Escape from one microscopic minimum of f = f0 + f1,ε (Kong &amp; Tao 2020, D.5 and Sec. 2.1: below η ≈ 2ε/f1'' GD
/// converges to a local minimum, above it the orbit leaves the micro-well), with <see cref="MicroEscape"/>.
/// </summary>
public static class MicroEscapeAnalysis
{
    public static readonly IAnalysis Entry = new Analysis<MicroEscapeSettings, MicroEscapeReport>(
        "micro-escape", "from which eta on does GD leave a microscopic minimum of f? P(escape within K) vs eta/eps", Run);

    public static MicroEscapeReport Run(DescentSystem system, MicroEscapeSettings settings, IProgress<double>? progress = null)
    {
        var obj = EscapeStudy.RequireEscapeSystem(system, "micro-escape", settings.Particles, settings.Steps);
        var well = MicroWell.Find(obj, settings.Near);
        double[] etas;
        if (settings.EtaOverEps is { } ratios)
        {
            if (ratios.Length == 0) throw new UserInputException("the eta/eps sweep needs at least one ratio");
            foreach (var v in ratios)
                if (!(v > 0) || !double.IsFinite(v)) throw new UserInputException($"eta/eps ratio '{v}' is not a positive number");
            etas = ratios.Select(v => v * obj.Epsilon).ToArray();
        }
        else etas = [system.RequireLearningRate("micro-escape")];
        var results = new List<MicroEscapeResult>();
        for (int i = 0; i < etas.Length; i++)
        {
            int idx = i;
            results.Add(MicroEscape.Run(system.WithLearningRate(etas[i]).CreateMap("micro-escape"), well, settings.Particles, settings.Steps,
                settings.Seed, settings.Threads, progress is null ? null : new Progress<double>(v => progress.Report((idx + v) / etas.Length))));
        }
        return new MicroEscapeReport(
            Objective: obj.Name, Formula: obj.Formula, Parameters: obj.Parameters, Eps: obj.Epsilon, Map: system.Map,
            Particles: settings.Particles, Steps: settings.Steps, Seed: settings.Seed,
            MicroWell: new MicroWellReport(well.Minimum, [well.Lo, well.Hi], well.Curvature, well.StabilityThreshold, well.StabilityThreshold / obj.Epsilon),
            Runs: results.Select(x => { var (mean, lo, hi, method) = x.ExitTimes.MeanExitTime(); return new MicroEscapeRun(x.Eta, x.EtaOverEps, x.EscapeProbability, [x.ProbabilityLo, x.ProbabilityHi], mean, [lo, hi], method, x.ExitTimes.Median, x.Seconds); }).ToArray(),
            Results: results);
    }
}
