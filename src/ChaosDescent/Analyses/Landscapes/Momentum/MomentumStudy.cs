using System.Text.Json.Serialization;
using ChaosDescent.Maps;
using ChaosDescent.Runners;

namespace ChaosDescent.Analyses.Landscapes.Momentum;

/// <summary>Settings of <see cref="MomentumStudy"/> (CLI <c>chaosdescent momentum</c>, one method per run: the system's map).</summary>
public sealed record MomentumSettings : SeededSettings
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
}

/// <summary>The ensemble at the last step against N(x*, linear theory).</summary>
public sealed record MomentumEnsembleReport(int Particles, int Steps, double Mean, double Variance, double ExcessKurtosis,
    double TvToTheory, double KsToTheory, double W1ToTheory, int Diverged);

/// <summary>One orbit's time averages against the same Gaussian.</summary>
public sealed record MomentumOrbitReport(long Steps, double Mean, double Variance, double TvToTheory, double KsToTheory);

/// <summary>The linearized stationary law (GD at the effective learning rate; see <see cref="LinearMomentumTheory"/>).</summary>
public sealed record MomentumTheoryReport(double Sigma2, double Curvature, double Variance, double SpectralRadius, double EffectiveLearningRate);

/// <summary>The Lyapunov spectrum of the 2d-dimensional map; its sum equals mean ln|det J|.</summary>
public sealed record MomentumLyapunovReport(double[] Exponents, double LargestStandardError, long Steps, double Sum, double MeanLogDet, double PredictedLargest);

/// <summary>One method (heavy ball, NAG-SC or GD): CLI <c>momentum --json</c> lists one per method.</summary>
public sealed record MomentumMethodReport(string Method, double? Momentum, double? NagCoefficient, double Minimum, MomentumEnsembleReport Ensemble,
    MomentumOrbitReport Orbit, MomentumTheoryReport Theory, MomentumLyapunovReport Lyapunov, double Seconds);

/// <summary>Heavy ball or NAG-SC against the linearized theory on one system.</summary>
public sealed record MomentumReport(
    string Objective, string Formula, double Eps, double Eta, MomentumMethodReport Method,
    [property: JsonIgnore] MomentumAnalysis? Analysis);

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
        var spectrum = a.Lyapunov.Spectrum ?? [a.Lyapunov.Lambda];
        return new MomentumReport(
            Objective: obj.Name, Formula: obj.Formula, Eps: obj.Epsilon, Eta: map.LearningRate,
            Method: new MomentumMethodReport(map.Name, map is HeavyBallMap hb ? hb.Momentum : null, map is NesterovMap nag ? nag.Coefficient : null, a.Minimum, new MomentumEnsembleReport(settings.Particles, settings.Steps, a.EnsembleMoments.Mean, a.EnsembleMoments.Variance, a.EnsembleMoments.ExcessKurtosis, a.EnsembleVsTheory.TotalVariation, a.EnsembleVsTheory.KolmogorovSmirnov, a.EnsembleVsTheory.Wasserstein1, a.Diverged), new MomentumOrbitReport(settings.OrbitSteps, a.Orbit.Moments[0].Mean, a.Orbit.Moments[0].Variance, a.OrbitVsTheory.TotalVariation, a.OrbitVsTheory.KolmogorovSmirnov), new MomentumTheoryReport(a.Theory.Sigma2, a.Theory.Curvature, a.Theory.PositionVariance, a.Theory.SpectralRadius, a.Theory.EffectiveLearningRate), new MomentumLyapunovReport(spectrum, a.Lyapunov.StdErr, a.Lyapunov.StepsPerOrbit, spectrum.Sum(), a.MeanLogDet, a.PredictedLargest), a.Seconds),
            Analysis: a);
    }
}
