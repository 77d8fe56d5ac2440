using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Analyses.Landscapes.Wells;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;
using ChaosDescent.Runners;
using ChaosDescent.Analyses.Distributions;
using ChaosDescent.Statistics;

namespace ChaosDescent.Analyses.Landscapes.Momentum;

/// <summary>What <see cref="MomentumAnalysis.Run"/> should do.</summary>
public sealed record MomentumRequest
{
    /// <summary>A deterministic 1-D map: heavyball or nag (gd for comparison).</summary>
    public required OptimizerMap Map { get; init; }

    public int Particles { get; init; } = 100_000;
    public int Steps { get; init; } = 3000;
    public InitialCondition Initial { get; init; } = InitialCondition.Uniform(-1, 1);
    public long OrbitSteps { get; init; } = 1_000_000;
    public long LyapunovSteps { get; init; } = 200_000;
    public ulong Seed { get; init; } = 1;
    public int Threads { get; init; }
    public int Bins { get; init; } = 100;
}

/// <summary>
/// D.4: the long-run law of deterministic GD with momentum on a multiscale objective (Figs. 18–19), against the
/// linearized theory of <see cref="LinearMomentumTheory"/> (a Gaussian with the stationary variance of the
/// momentum recursion driven by i.i.d. ζ), and the Lyapunov spectrum of the 2d-dimensional map.
/// </summary>
public sealed class MomentumAnalysis
{
    public required MomentumRequest Request { get; init; }

    /// <summary>The minimizer x* of f0 around which the theory is linearized.</summary>
    public required double Minimum { get; init; }

    public required LinearMomentumTheory Theory { get; init; }

    /// <summary>The Gaussian N(x*, Var_theory) tabulated.</summary>
    public required TabulatedDistribution Gaussian { get; init; }

    public required Moments EnsembleMoments { get; init; }
    public required Histogram1D EnsembleHistogram { get; init; }
    public required DistanceReport EnsembleVsTheory { get; init; }
    public required int Diverged { get; init; }

    public required OrbitResult Orbit { get; init; }
    public required DistanceReport OrbitVsTheory { get; init; }

    /// <summary>Lyapunov estimate of the 2d-dimensional map (<see cref="LyapunovEstimator"/>, one orbit from near x*,
    /// full spectrum): <see cref="LyapunovResult.Lambda"/> is λ1 with its batch-means standard error,
    /// <see cref="LyapunovResult.Spectrum"/> all 2d exponents.</summary>
    public required LyapunovResult Lyapunov { get; init; }

    /// <summary>(step, running estimate of λ1) at the end of each batch of the Lyapunov orbit, to show convergence.</summary>
    public required IReadOnlyList<(long Step, double Value)> RunningLargest { get; init; }

    /// <summary>Rank-one estimate of λ1: E_θ ln|tr J(x*, θ)| over a uniform micro phase (see <see cref="PredictLargestExponent"/>).</summary>
    public required double PredictedLargest { get; init; }

    /// <summary>Mean of ln|det J| along the Lyapunov orbit: what λ1 + … + λ_(2d) must equal.</summary>
    public required double MeanLogDet { get; init; }

    public required double Seconds { get; init; }

    public static MomentumAnalysis Run(MomentumRequest request, IProgress<double>? progress = null)
    {
        var map = request.Map;
        var obj = map.Multiscale;
        if (obj.Dimension != 1) throw new UserInputException($"the momentum analysis is 1-D ('{obj.Name}' has d = {obj.Dimension})");
        if (map.IsStochastic) throw new UserInputException($"the momentum analysis needs a deterministic map (got '{map.Name}')");
        var sw = System.Diagnostics.Stopwatch.StartNew();
        double sigma2 = RescaledGibbs.SigmaSquared(obj);
        var wells = PotentialWells.Of(new Landscape1D(obj.Macro));
        if (wells.Wells.Count != 1)
            throw new UserInputException($"the linearized momentum theory needs f0 with a single well ('{obj.Name}' has {wells.Wells.Count})");
        var w = wells.Wells[0];
        var theory = LinearMomentumTheory.For(map, w.Curvature, sigma2);
        if (theory.Covariance is null)
            throw new UserInputException($"the linearized {map.Name} recursion is unstable at η = {map.LearningRate} (spectral radius {theory.SpectralRadius:G4})");
        double sd = Math.Sqrt(theory.PositionVariance), x0 = w.Minimum;
        var gaussian = NormalTable(x0, sd);
        double lo = x0 - 6 * sd, hi = x0 + 6 * sd;

        var p1 = new Progress<double>(v => progress?.Report(0.4 * v));
        var ens = EnsembleRunner.Run(map, new EnsembleSettings
        {
            Particles = request.Particles,
            Steps = request.Steps,
            Seed = request.Seed,
            Threads = request.Threads,
            Initial = request.Initial,
        }, p1);
        if (ens.Divergence.Count == request.Particles)
            throw new UserInputException($"all particles diverged (first at step {ens.Divergence.FirstStep}): η = {map.LearningRate} is too large");
        var xs = ens.Final.Coordinate(0);
        var hist = Histogram1D.Of(xs, lo, hi, request.Bins);
        var ensDist = new DistanceReport(Distances.TotalVariation(hist, gaussian), Distances.KolmogorovSmirnov(xs, gaussian.Cdf),
            Distances.Wasserstein1(xs, gaussian), xs.Length, false);

        var p2 = new Progress<double>(v => progress?.Report(0.4 + 0.3 * v));
        var orbit = OrbitRunner.Run(map, new OrbitSettings
        {
            Start = [x0 + 0.1234567],
            Steps = request.OrbitSteps,
            BurnIn = Math.Min(10_000, request.OrbitSteps / 10),
            Ranges = [(lo, hi)],
            Bins = request.Bins,
            Seed = request.Seed,
            TraceLength = 2000,
        }, p2);
        if (orbit.DivergedAtStep is { } ds) throw new UserInputException($"the orbit diverged at step {ds}");
        var orbitDist = Distances.FromHistogram(orbit.Histograms[0], gaussian);

        const double lyapunovStart = 0.0765432;
        const long lyapunovBurnIn = 1000;
        var lyap = LyapunovEstimator.Run(map, new LyapunovSettings
        {
            Steps = request.LyapunovSteps,
            BurnIn = lyapunovBurnIn,
            Orbits = 1,
            Spectrum = true,
            Initial = new FixedPoint([x0 + lyapunovStart]),
            Seed = request.Seed,
            Threads = 1,
        });
        double meanLogDet = OrbitMeanLogDet(map, x0 + lyapunovStart, lyapunovBurnIn, lyap.StepsPerOrbit);
        progress?.Report(1);
        return new MomentumAnalysis
        {
            Request = request,
            Minimum = x0,
            Theory = theory,
            Gaussian = gaussian,
            EnsembleMoments = RunningMoments.Of(xs),
            EnsembleHistogram = hist,
            EnsembleVsTheory = ensDist,
            Diverged = ens.Divergence.Count,
            Orbit = orbit,
            OrbitVsTheory = orbitDist,
            Lyapunov = lyap,
            RunningLargest = Running(lyap),
            PredictedLargest = PredictLargestExponent(map, x0),
            MeanLogDet = meanLogDet,
            Seconds = sw.Elapsed.TotalSeconds,
        };
    }

    /// <summary>N(mean, sd²) on a grid of ±10 sd.</summary>
    public static TabulatedDistribution NormalTable(double mean, double sd)
    {
        const int m = 20001;
        double lo = mean - 10 * sd, hi = mean + 10 * sd, h = (hi - lo) / (m - 1);
        var v = new double[m];
        for (int i = 0; i < m; i++)
        {
            double z = (lo + i * h - mean) / sd;
            v[i] = Math.Exp(-0.5 * z * z);
        }
        return new TabulatedDistribution(lo, hi, v);
    }

    /// <summary>
    /// Leading-order λ1 when the micro-scale dominates the Jacobian (|ηf1,ε″| = O(η/ε) ≫ 1): J is then nearly rank one,
    /// J ≈ (tr J)·P with P a projection, and products of such matrices grow like Π|tr J_n|. With the phase θ = x/ε
    /// uniform (Cond. 1–2), λ1 ≈ E_θ ln|tr J|, tr J = 1 − ηH (GD; Thm. 9's ln(η/ε) + m in the limit), 1 + γ − ηH
    /// (heavy ball), (1 + c)(1 − ηH) (NAG-SC), with H = f0″(x*) + ε∇²f1,ε(θ)/ε. Evaluated by the midpoint rule over the
    /// phase cell (4096 points per phase axis in 1-D; the logarithmic singularity costs O(log n / n)).
    /// </summary>
    public static double PredictLargestExponent(OptimizerMap map, double xStar)
    {
        var obj = map.Multiscale;
        var micro = obj.Micro ?? throw new UserInputException($"objective '{obj.Name}' has no micro-scale");
        double eta = map.LearningRate, eps = obj.Epsilon, q0 = obj.Macro.SecondDerivative(xStar);
        int p = micro.PhaseDimension;
        if (p == 0) throw new UserInputException("the micro-scale has no phase (general kind): no rank-one estimate");
        int n = p == 1 ? 4096 : p == 2 ? 512 : 32;
        long total = 1;
        for (int j = 0; j < p; j++) total *= n;
        var periods = micro.PhasePeriods;
        Span<double> phase = stackalloc double[p];
        Span<double> h = stackalloc double[1];
        double sum = 0;
        for (long t = 0; t < total; t++)
        {
            long r = t;
            for (int j = 0; j < p; j++)
            {
                phase[j] = ((r % n) + 0.5) / n * periods[j];
                r /= n;
            }
            micro.ScaledHessianAtPhase(phase, h);
            double a = 1 - eta * (q0 + h[0] / eps);
            double tr = map switch
            {
                HeavyBallMap hb => a + hb.Momentum,
                NesterovMap nag => (1 + nag.Coefficient) * a,
                _ => a,
            };
            sum += Math.Log(Math.Abs(tr));
        }
        return sum / total;
    }

    /// <summary>Cumulative mean of the (single) orbit's batch means of λ1, at the end of each batch.</summary>
    private static (long Step, double Value)[] Running(LyapunovResult r)
    {
        var bm = r.BatchMeansPerOrbit[0];
        long len = r.StepsPerOrbit / r.BatchesPerOrbit;
        var running = new (long, double)[bm.Length];
        double sum = 0;
        for (int b = 0; b < bm.Length; b++)
        {
            sum += bm[b];
            running[b] = ((b + 1) * len, sum / (b + 1));
        }
        return running;
    }

    /// <summary>
    /// Mean of ln|det J| along the orbit the Lyapunov estimate follows (same start, same burn-in, same steps of the
    /// deterministic map), computed directly from the determinant: an independent check of the QR identity
    /// λ1 + … + λ_(2d) = mean ln|det J|.
    /// </summary>
    private static double OrbitMeanLogDet(OptimizerMap map, double start, long burnIn, long steps)
    {
        int n = map.StateBlocks;
        var state = new double[n];
        state[0] = start;
        map.Initialize(state, 1);
        var scratch = new double[map.ScratchLength(1)];
        var rng = Numerics.Xoshiro256.ForStream(0, 0); // unused: the map is deterministic
        for (long t = 0; t < burnIn; t++) map.Step(state, 1, ref rng, scratch);
        var jac = new double[n * n];
        double sum = 0;
        for (long t = 0; t < steps; t++)
        {
            map.Jacobian(state, jac);
            double det = n == 1 ? jac[0] : n == 2 ? jac[0] * jac[3] - jac[1] * jac[2]
                : MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(n, n, (i, j) => jac[i * n + j]).Determinant();
            sum += Math.Log(Math.Abs(det));
            map.Step(state, 1, ref rng, scratch);
        }
        return sum / steps;
    }
}
