using System.Text.Json.Serialization;
using ChaosDescent.Maps;
using ChaosDescent.Runners;

namespace ChaosDescent.Analyses.Landscapes.Convergence;

/// <summary>Settings of <see cref="ConvergenceAnalysis"/> (CLI <c>chaosdescent convergence</c>).</summary>
public sealed record ConvergenceSettings : SeededSettings
{
    /// <summary><c>particles</c> (default 100000): ensemble size N.</summary>
    public int Particles { get; init; } = 100_000;

    /// <summary><c>steps</c> (default null: three decades of the predicted rate): steps K.</summary>
    public int? Steps { get; init; }

    /// <summary><c>snapshots</c> (default 40): measured steps in [0, K].</summary>
    public int Snapshots { get; init; } = 40;

    /// <summary><c>reference_particles</c> (default 200000): sample size of the long-run law.</summary>
    public int ReferenceParticles { get; init; } = 200_000;

    /// <summary><c>reference_steps</c> (default null: predicted contraction 1e-7): length of the long run.</summary>
    public int? ReferenceSteps { get; init; }

    /// <summary><c>initial</c> (default null: point:x*+2; deterministic maps uniform ±0.01 around it).</summary>
    public string? Initial { get; init; }
}

/// <summary>W2 to the long-run law against step, with the fitted and the predicted rate (CLI <c>convergence --json</c>).</summary>
/// <remarks>
/// <c>PredictedRate</c>: Thm. 13's max(|1 − η μ|, |1 − η ν|), or null where f0 is not strongly convex with bounded curvature.<br/>
/// </remarks>
public sealed record ConvergenceReport(
    string Objective, string Formula, string F0, double Eps, double Eta, string Map, int Particles, int ReferenceParticles,
    int ReferenceSteps, double? Mu, double? Nu, double? PredictedRate, double FittedRate, double FittedRateError,
    double FittedConstant, int FitPoints, double Floor, int[] Steps, double[] W2, double Seconds,
    [property: JsonIgnore] ConvergenceRate? Result);

/// <summary>
/// Thm. 13 of Kong &amp; Tao (2020): the stochastic map converges in W2 to its long-run law at the rate
/// max(|1 − η μ|, |1 − η ν|)^k for f0 μ-strongly convex with ν-Lipschitz gradient (<see cref="ConvergenceRate"/>).
/// </summary>
public static class ConvergenceAnalysis
{
    public static readonly IAnalysis Entry = new Analysis<ConvergenceSettings, ConvergenceReport>(
        "convergence", "how fast does the law of the stochastic map converge? W2 vs Thm. 13's max(|1-eta mu|, |1-eta nu|)^k", Run);

    public static ConvergenceReport Run(DescentSystem system, ConvergenceSettings settings, IProgress<double>? progress = null)
    {
        var obj = system.RequireMultiscale("convergence");
        var map = system.CreateMap("convergence");
        if (map.StateBlocks != 1) throw new UserInputException("map must be stochastic, gd or gaussian");
        var c = ConvergenceRate.Run(new ConvergenceRequest
        {
            Map = map,
            Particles = settings.Particles,
            Steps = settings.Steps,
            Snapshots = settings.Snapshots,
            ReferenceParticles = settings.ReferenceParticles,
            ReferenceSteps = settings.ReferenceSteps,
            Initial = settings.Initial is { } s ? InitialCondition.Parse(s) : null,
            Seed = settings.Seed,
            Threads = settings.Threads,
        }, progress);
        return new ConvergenceReport(
            Objective: obj.Name, Formula: obj.Formula, F0: obj.Macro.Formula, Eps: obj.Epsilon, Eta: map.LearningRate, Map: map.Name,
            Particles: settings.Particles, ReferenceParticles: settings.ReferenceParticles, ReferenceSteps: c.ReferenceSteps, Mu: c.Mu,
            Nu: c.Nu, PredictedRate: c.PredictedRate, FittedRate: c.FittedRate, FittedRateError: c.FittedRateError,
            FittedConstant: c.FittedConstant, FitPoints: c.FitPoints, Floor: c.Floor, Steps: c.Steps, W2: c.W2, Seconds: c.Seconds,
            Result: c);
    }
}
