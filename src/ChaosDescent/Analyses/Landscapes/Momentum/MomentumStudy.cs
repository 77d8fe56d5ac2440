using System.Text.Json.Serialization;
using ChaosDescent.Maps;
using ChaosDescent.Runners;

namespace ChaosDescent.Analyses.Landscapes.Momentum;

/// <summary>Settings of <see cref="MomentumStudy"/> (CLI <c>chaosdescent momentum</c>, one method per run: the system's map).</summary>
public sealed record MomentumSettings
{
    /// <summary><c>particles</c> (default 100000, at least 10): ensemble size.</summary>
    public int Particles { get; init; } = 100_000;

    /// <summary><c>steps</c> (default 3000): ensemble steps.</summary>
    public int Steps { get; init; } = 3000;

    /// <summary><c>orbit_steps</c> (default 1000000, at least 1000): steps of the single orbit.</summary>
    public long OrbitSteps { get; init; } = 1_000_000;

    /// <summary><c>lyapunov_steps</c> (default 200000, at least 1000): steps of the Lyapunov estimate.</summary>
    public long LyapunovSteps { get; init; } = 200_000;

    /// <summary><c>initial</c> (default "uniform:-1,1"): initial ensemble.</summary>
    public string Initial { get; init; } = "uniform:-1,1";

    /// <summary><c>seed</c> (default 1).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary><c>threads</c> (default 0 = all cores); results do not depend on it.</summary>
    public int Threads { get; init; }
}

/// <summary>Heavy ball or NAG-SC against the linearized theory (headline numbers of CLI <c>momentum --json</c>).</summary>
public sealed record MomentumReport
{
    public required string Objective { get; init; }
    public required double Eps { get; init; }
    public required double Eta { get; init; }
    public required string Method { get; init; }
    public required double Minimum { get; init; }
    public required double EnsembleMean { get; init; }
    public required double EnsembleVariance { get; init; }
    public required double TheoryVariance { get; init; }
    public required double EffectiveLearningRate { get; init; }
    public required double TvToTheory { get; init; }
    public required double KsToTheory { get; init; }
    public required double OrbitVariance { get; init; }
    public required double[] LyapunovExponents { get; init; }
    public required double LyapunovLargestStderr { get; init; }
    public required double MeanLogDet { get; init; }
    public required double PredictedLargest { get; init; }
    public required int Diverged { get; init; }
    public required double Seconds { get; init; }

    [JsonIgnore]
    public MomentumAnalysis? Analysis { get; init; }
}

/// <summary>
/// Deterministic heavy ball and NAG-SC on a multiscale objective (Kong &amp; Tao 2020, D.4, Figs. 18–19): the empirical
/// law (ensemble and one orbit) against the linearized stationary Gaussian and the Lyapunov spectrum of the
/// 2d-dimensional map (<see cref="MomentumAnalysis"/>).
/// </summary>
public static class MomentumStudy
{
    public static readonly IAnalysis Entry = new Analysis<MomentumSettings, MomentumReport>(
        "momentum", "do heavy ball and NAG-SC also turn stochastic? long-run law vs linearized theory, Lyapunov spectrum (D.4)", Run);

    public static MomentumReport Run(DescentSystem system, MomentumSettings settings, IProgress<double>? progress = null)
    {
        var obj = system.RequireMultiscale("momentum");
        if (settings.Particles < 10) throw new UserInputException($"particles must be at least 10 (got {settings.Particles})");
        if (settings.Steps < 1) throw new UserInputException($"steps must be at least 1 (got {settings.Steps})");
        if (settings.OrbitSteps < 1000 || settings.LyapunovSteps < 1000) throw new UserInputException("orbit-steps and lyapunov-steps must be at least 1000");
        var map = system.CreateMap("momentum");
        var a = MomentumAnalysis.Run(new MomentumRequest
        {
            Map = map,
            Particles = settings.Particles,
            Steps = settings.Steps,
            OrbitSteps = settings.OrbitSteps,
            LyapunovSteps = settings.LyapunovSteps,
            Initial = InitialCondition.Parse(settings.Initial),
            Seed = settings.Seed,
            Threads = settings.Threads,
        }, progress);
        return new MomentumReport
        {
            Objective = obj.Name,
            Eps = obj.Epsilon,
            Eta = map.LearningRate,
            Method = map.Name,
            Minimum = a.Minimum,
            EnsembleMean = a.EnsembleMoments.Mean,
            EnsembleVariance = a.EnsembleMoments.Variance,
            TheoryVariance = a.Theory.PositionVariance,
            EffectiveLearningRate = a.Theory.EffectiveLearningRate,
            TvToTheory = a.EnsembleVsTheory.TotalVariation,
            KsToTheory = a.EnsembleVsTheory.KolmogorovSmirnov,
            OrbitVariance = a.Orbit.Moments[0].Variance,
            LyapunovExponents = a.Lyapunov.Spectrum ?? [a.Lyapunov.Lambda],
            LyapunovLargestStderr = a.Lyapunov.StdErr,
            MeanLogDet = a.MeanLogDet,
            PredictedLargest = a.PredictedLargest,
            Diverged = a.Diverged,
            Seconds = a.Seconds,
            Analysis = a,
        };
    }
}
