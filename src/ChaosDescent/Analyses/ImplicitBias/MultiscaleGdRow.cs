using ChaosDescent.Maps;
using ChaosDescent.Objectives;
using ChaosDescent.Runners;
using ChaosDescent.Analyses.Distributions;
using ChaosDescent.Numerics.LinearAlgebra;
using ChaosDescent.Statistics;

namespace ChaosDescent.Analyses.ImplicitBias;

/// <summary>Long-run law of deterministic large-learning-rate GD on a 1-D multiscale objective against its rescaled Gibbs law.</summary>
public sealed class MultiscaleGdResult
{
    public required string Objective { get; init; }
    public required string Formula { get; init; }
    public required double Eta { get; init; }
    public required double Eps { get; init; }
    /// <summary>σ² of ζ = −∇f1 over a period (Cond. 1).</summary>
    public required double Sigma2 { get; init; }
    /// <summary>ησ²/2: the rescaled Gibbs law is exp(−f0/T)/Z with this T (paper eq. 2).</summary>
    public required double Temperature { get; init; }
    public required int Particles { get; init; }
    public required int Steps { get; init; }
    public required double Mean { get; init; }
    public required double Variance { get; init; }
    public required double GibbsMean { get; init; }
    public required double GibbsVariance { get; init; }
    /// <summary>f0''(x*) at f0's minimizer.</summary>
    public required double Curvature { get; init; }
    /// <summary>Variance of the stochastic map φ̂ linearized at x*: ησ²/(κ(2 − ηκ)) = T/(κ(1 − ηκ/2)).</summary>
    public required double LinearizedMapVariance { get; init; }
    public required double Ks { get; init; }
    public required double KsCritical { get; init; }
    public required double W1 { get; init; }
    public required int Diverged { get; init; }
    public required double[] Sample { get; init; }
}

/// <summary>
/// The third source of stochasticity in the SGD-versus-Langevin table: deterministic GD x ← x − η f'(x) on
/// f = f0 + ε f1(x/ε) with η ≫ ε (Kong &amp; Tao 2020). No random number enters the iteration (only the initial
/// ensemble is random); the long-run law is close to the rescaled Gibbs law exp(−2 f0/(ησ²))/Z (Thm. 7, eq. 2),
/// i.e. a Gibbs law at temperature T = ησ²/2. Uses the core's catalog, GD map and ensemble runner.
/// </summary>
public static class MultiscaleGdRow
{
    public static MultiscaleGdResult Run(string objective, double eta, double? eps, int particles, int steps, ulong seed,
        int threads = 0, IProgress<double>? progress = null)
    {
        var obj = ObjectiveCatalog.Create(objective, eps, null);
        if (obj.Dimension != 1) throw new UserInputException($"the multiscale row needs a 1-D objective; '{objective}' has d = {obj.Dimension}");
        var gibbs = RescaledGibbs.For(obj, eta);
        var map = MapFactory.Create("gd", obj, eta);
        var res = EnsembleRunner.Run(map, new EnsembleSettings
        {
            Particles = particles,
            Steps = steps,
            Seed = seed,
            Threads = threads,
            Initial = InitialCondition.Uniform(-1, 1),
        }, progress);
        var x = res.Final.Coordinate(0);
        var mom = RunningMoments.Of(x);
        var law = gibbs.Marginal(0);
        // f0's minimizer and curvature, from the tabulated Gibbs law's mode region (f0 is convex for the intended use).
        double xs = law.Mean;
        var h = new double[1];
        obj.Macro.Hessian([xs], h);
        double kappa = h[0];
        return new MultiscaleGdResult
        {
            Objective = obj.Name,
            Formula = obj.Formula,
            Eta = eta,
            Eps = obj.Epsilon,
            Sigma2 = gibbs.Sigma2,
            Temperature = gibbs.Temperature,
            Particles = x.Length,
            Steps = steps,
            Mean = mom.Mean,
            Variance = mom.Variance,
            GibbsMean = law.Mean,
            GibbsVariance = law.Variance,
            Curvature = kappa,
            LinearizedMapVariance = gibbs.Temperature / (kappa * (1 - eta * kappa / 2)),
            Ks = Distances.KolmogorovSmirnov(x, law.Cdf),
            KsCritical = Distances.KolmogorovSmirnovCritical(x.Length, alpha: 0.01),
            W1 = Distances.Wasserstein1(x, law),
            Diverged = res.Divergence.Count,
            Sample = x,
        };
    }
}
