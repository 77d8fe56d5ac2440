using ChaosDescent.Analyses.Landscapes.Wells;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;
using ChaosDescent.Runners;
using ChaosDescent.Numerics.Roots;

namespace ChaosDescent.Analyses.Landscapes.Escapes;

/// <summary>
/// A microscopic well of the full objective f = f0 + f1,ε: a local minimum of f and the two neighbouring local
/// maxima of f (distance O(ε)).
/// </summary>
/// <param name="Minimum">The local minimizer x* of f.</param>
/// <param name="Lo">The local maximum of f to its left.</param>
/// <param name="Hi">The local maximum of f to its right.</param>
/// <param name="Curvature">f″(x*) = f0″ + f1,ε″, of order 1/ε.</param>
public sealed record MicroWell(double Minimum, double Lo, double Hi, double Curvature)
{
    /// <summary>
    /// η at which x* stops being a stable fixed point of GD (|1 − ηf″(x*)| = 1): period doubling starts here
    /// (B.3.2), the first step on the route to local and then global chaos.
    /// </summary>
    public double StabilityThreshold => 2 / Curvature;

    public double Width => Hi - Lo;

    /// <summary>Finds the micro well whose minimum is nearest to <paramref name="x0"/>.</summary>
    public static MicroWell Find(MultiscaleObjective objective, double x0)
    {
        if (objective.Dimension != 1) throw new UserInputException($"microscopic wells are 1-D ('{objective.Name}' has d = {objective.Dimension})");
        if (objective.Micro is null) throw new UserInputException($"objective '{objective.Name}' has no micro-scale, so no microscopic wells");
        double eps = objective.Epsilon;
        double period = objective.Micro.PhasePeriods.Count > 0 ? objective.Micro.PhasePeriods.Max() * eps : 2 * Math.PI * eps;
        double half = 4 * period;
        const int nodes = 8001;
        double D(double x) => objective.Derivative(x);
        // a minimum is a rising zero of f′ (− to +), a maximum a falling one
        var roots = Bisection.Scan(D, x0 - half, x0 + half, nodes).Select(r => (X: r.Root, IsMin: r.Rising)).ToList();
        var minima = roots.Where(r => r.IsMin).Select(r => r.X).OrderBy(m => Math.Abs(m - x0)).ToArray();
        foreach (var m in minima)
        {
            var left = roots.Where(r => !r.IsMin && r.X < m).Select(r => r.X).DefaultIfEmpty(double.NaN).Max();
            var right = roots.Where(r => !r.IsMin && r.X > m).Select(r => r.X).DefaultIfEmpty(double.NaN).Min();
            if (double.IsFinite(left) && double.IsFinite(right))
                return new MicroWell(m, left, right, objective.SecondDerivative(m));
        }
        throw new UserInputException(
            $"no microscopic minimum of f near x = {x0}: f' has no - to + sign change within ±{half:G3} (|f0'| exceeds the micro-scale's gradients there)");
    }
}

/// <summary>Escape of an ensemble from one microscopic well at one η.</summary>
/// <param name="Well">The micro well.</param>
/// <param name="Eta">η.</param>
/// <param name="Epsilon">ε.</param>
/// <param name="ExitTimes">First-exit times (censored at the run's length).</param>
/// <param name="EscapeProbability">Fraction of particles that left the well within the run.</param>
/// <param name="ProbabilityLo">Wilson 95 % interval, lower end.</param>
/// <param name="ProbabilityHi">Wilson 95 % interval, upper end.</param>
/// <param name="Seconds">Wall time.</param>
public sealed record MicroEscapeResult(
    MicroWell Well, double Eta, double Epsilon, ExitTimeStatistics ExitTimes,
    double EscapeProbability, double ProbabilityLo, double ProbabilityHi, double Seconds)
{
    public double EtaOverEps => Eta / Epsilon;
}

/// <summary>
/// Escape from a microscopic local minimum (talk: "η ≪ ε resolves the small scale → convergence to a local min";
/// "chaotic dynamics can help deterministic GD escape microscopic local minima"): particles start uniformly in one
/// micro well of f and the fraction that leaves it within K steps is measured against η/ε.
/// </summary>
public static class MicroEscape
{
    public static MicroEscapeResult Run(OptimizerMap map, MicroWell well, int particles, int steps, ulong seed = 1,
        int threads = 0, IProgress<double>? progress = null)
    {
        var regions = RegionPartition.Interval(well.Lo, well.Hi);
        var r = EscapeRunner.Run(map, regions, new EscapeSettings
        {
            Particles = particles,
            Steps = steps,
            Seed = seed,
            Threads = threads,
            Initial = new UniformBox([well.Lo], [well.Hi]),
        }, progress);
        var stats = r.FirstExitTimes(1);
        // Particles drawn exactly on a boundary start outside region 1 (measure zero); count over those inside.
        int n = stats.Count, k = stats.Exits;
        double p = n > 0 ? (double)k / n : double.NaN;
        var (lo, hi) = Wilson(k, n);
        return new MicroEscapeResult(well, map.LearningRate, map.Multiscale.Epsilon, stats, p, lo, hi, r.Seconds);
    }

    /// <summary>Wilson score interval for a binomial proportion (95 %).</summary>
    public static (double Lo, double Hi) Wilson(int successes, int n, double z = 1.959963984540054)
    {
        if (n == 0) return (double.NaN, double.NaN);
        double p = (double)successes / n, z2 = z * z, denom = 1 + z2 / n;
        double centre = (p + z2 / (2 * n)) / denom, half = z * Math.Sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denom;
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }
}
