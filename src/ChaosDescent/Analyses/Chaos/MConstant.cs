using ChaosDescent.Numerics;
using ChaosDescent.Objectives;
using ChaosDescent.Numerics.LinearAlgebra;
using ChaosDescent.Numerics.Quadrature;
using ChaosDescent.Statistics;

namespace ChaosDescent.Analyses.Chaos;

/// <summary>Accuracy settings of <see cref="MConstant"/>.</summary>
public sealed record MConstantOptions
{
    /// <summary>Uniform samples per period used to locate the zeros of ε f1'' (1-D periodic case).</summary>
    public int Samples { get; init; } = 4096;

    /// <summary>Samples per fiber used to locate zeros (quasi-periodic 1-D case: the innermost phase is a fiber).</summary>
    public int FiberSamples { get; init; } = 128;

    /// <summary>Fibers per random shift (quasi-periodic 1-D case).</summary>
    public int Fibers { get; init; } = 2048;

    /// <summary>Lattice points per random shift (d ≥ 2: the whole phase torus; rounded to a Fibonacci number for two phases).</summary>
    public int LatticePoints { get; init; } = 832_040;

    /// <summary>Independent random shifts; the spread of their estimates gives the standard error.</summary>
    public int Shifts { get; init; } = 8;

    public ulong Seed { get; init; } = 20201206;

    /// <summary>Fewer points: for quick reports and tests (errors ~1e-5 instead of ~1e-7).</summary>
    public static MConstantOptions Quick { get; } = new() { Samples = 1024, Fibers = 256, LatticePoints = 75_025 };
}

/// <summary>m of Condition 2 with its error estimate and how it was computed.</summary>
/// <param name="M">m = E[ln‖ε∇²f1,ε(U)‖₂] over the uniform phase.</param>
/// <param name="ErrorEstimate">Quadrature error estimate (1-D) or one standard error over random shifts (torus).</param>
/// <param name="Method">How: "quadrature-1d", "fibers+shifted-lattice" or "shifted-lattice".</param>
/// <param name="Description">The method in words.</param>
/// <param name="PerCoordinate">For separable d-dimensional micro-scales, m of each coordinate's 1-D micro-scale (the
/// leading-order Lyapunov spectrum is ln(η/ε) + m_k), else null.</param>
/// <param name="Evaluations">Evaluations of ε∇²f1,ε.</param>
public sealed record MConstantResult(double M, double ErrorEstimate, string Method, string Description,
    IReadOnlyList<double>? PerCoordinate, long Evaluations);

/// <summary>
/// The constant m of Condition 2: m = lim E[ln‖ε∇²f1,ε(U_Γ)‖₂]. For the micro-scales of the library the limit is
/// an average over the fast phase, uniform on the torus Π[0, period_j) (Example 1: periodic; Example 2:
/// quasi-periodic, by Weyl equidistribution of (ω_1 x/ε, …, ω_N x/ε)), of the phase function
/// <see cref="MicroScale.ScaledHessianAtPhase"/>. It sets the Lyapunov exponent λ ≈ m + ln(η/ε) (Thm. 9) and the
/// chaos threshold η > e^(−m) ε (Rmk. 9).
/// </summary>
public static class MConstant
{
    /// <summary>m for an objective's micro-scale (user error when it has none, or when it declares no phase).</summary>
    public static MConstantResult Compute(MultiscaleObjective objective, MConstantOptions? options = null) =>
        Compute(objective.Micro ?? throw new UserInputException(
            $"objective '{objective.Name}' has no micro-scale: the constant m of Cond. 2 is not defined for it"), options);

    public static MConstantResult Compute(MicroScale micro, MConstantOptions? options = null)
    {
        options ??= new MConstantOptions();
        if (micro.Kind == MicroScaleKind.General || micro.PhaseDimension == 0)
            throw new UserInputException(
                $"micro-scale '{micro.Formula}' is of the general kind (no declared fast phase): m of Cond. 2 is an average over the phase torus and cannot be computed for it; declare it periodic or quasi-periodic");
        if (options.Shifts < 2) throw new UserInputException("at least 2 random shifts are needed for an error estimate");
        int d = micro.Dimension, p = micro.PhaseDimension;
        var periods = micro.PhasePeriods;
        IReadOnlyList<double>? perCoordinate = micro is SeparableMicroScale sep
            ? sep.Parts.Select(part => Compute(part, options).M).ToArray()
            : null;

        if (d == 1 && p == 1)
        {
            double P = periods[0];
            var q = LogSingularQuadrature.Average(t => Hessian1(micro, t), 0, P, options.Samples);
            return new MConstantResult(q.Value, q.Error, "quadrature-1d",
                "mean of ln|eps f1''| over one period: Gauss-Legendre on panels split at the zeros of f1'' and graded toward them; error = |16-point - 10-point rule|",
                perCoordinate, q.Evaluations);
        }
        if (d == 1)
            return Fibers(micro, options, perCoordinate);
        return Torus(micro, options, perCoordinate);
    }

    /// <summary>
    /// (1/L)∫_0^L ln|f1,1''(x)| dx: the average of ln|ε f1,ε''| over a window of x (at ε = 1, where it is the same
    /// function of x/ε). It tends to m as L → ∞ (Weyl), slowly for quasi-periodic f1. D.3.2 quotes m ≈ −0.0117 from
    /// such a finite window; this function shows how that number depends on L.
    /// </summary>
    public static QuadratureValue WindowAverage(MicroScale micro, double length, int samplesPerUnit = 64)
    {
        if (micro.Dimension != 1) throw new UserInputException("the window average is defined for 1-D micro-scales");
        if (micro.Kind == MicroScaleKind.General) throw new UserInputException("the window average needs a periodic or quasi-periodic micro-scale");
        if (!(length > 0)) throw new UserInputException("window length must be positive");
        return LogSingularQuadrature.Average(x =>
        {
            Span<double> h = stackalloc double[1];
            micro.Hessian([x], 1.0, h);
            return h[0];
        }, 0, length, (int)Math.Min(50_000_000, Math.Max(1024, samplesPerUnit * length)));
    }

    /// <summary>sup over the phase of ‖ε∇²f1,ε‖₂ (on a grid, ×1.05 for the points between): the Lipschitz scale of ∇f1 in phase units.</summary>
    public static double MaxScaledHessianNorm(MicroScale micro)
    {
        if (micro.Kind == MicroScaleKind.General || micro.PhaseDimension == 0)
            throw new UserInputException($"micro-scale '{micro.Formula}' declares no fast phase");
        int d = micro.Dimension, p = micro.PhaseDimension;
        var periods = micro.PhasePeriods;
        int n = p switch { 1 => 4096, 2 => 512, 3 => 64, _ => 12 };
        long total = 1;
        for (int j = 0; j < p; j++) total *= n;
        Span<double> phase = stackalloc double[p];
        Span<double> h = stackalloc double[d * d];
        double max = 0;
        for (long t = 0; t < total; t++)
        {
            long r = t;
            for (int j = 0; j < p; j++)
            {
                phase[j] = (r % n) * periods[j] / n;
                r /= n;
            }
            micro.ScaledHessianAtPhase(phase, h);
            max = Math.Max(max, SmallMatrix.SymmetricSpectralNorm(h, d));
        }
        return 1.05 * max;
    }

    private static double Hessian1(MicroScale micro, double theta)
    {
        Span<double> h = stackalloc double[1];
        micro.ScaledHessianAtPhase([theta], h);
        return h[0];
    }

    /// <summary>
    /// d = 1 with N ≥ 2 phases: m = E_{θ_2..θ_N}[ (1/P_1)∫ ln|h(θ_1, θ_2, …)| dθ_1 ]. The inner integral (the log
    /// singularities) is done by <see cref="LogSingularQuadrature"/> on each fiber; the outer average by a randomly
    /// shifted rank-1 lattice, R independent shifts giving an unbiased estimate each and their spread the standard
    /// error. (The outer integrand has kinks where the fiber's zeros appear or merge, so a smooth rule would not help.)
    /// </summary>
    private static MConstantResult Fibers(MicroScale micro, MConstantOptions o, IReadOnlyList<double>? perCoordinate)
    {
        int p = micro.PhaseDimension;
        var periods = micro.PhasePeriods.ToArray();
        int outerDim = p - 1, n = Math.Max(16, o.Fibers);
        var lattice = Lattice.Create(outerDim, n);
        var estimates = new double[o.Shifts];
        var innerError = new double[o.Shifts];
        var evals = new long[o.Shifts];
        Parallel.For(0, o.Shifts, r =>
        {
            var rng = Xoshiro256.ForStream(o.Seed, (ulong)r);
            var shift = new double[outerDim];
            for (int j = 0; j < outerDim; j++) shift[j] = rng.NextDouble();
            var phase = new double[p];
            var h1 = new double[1];
            double fiber(double t)
            {
                phase[0] = t;
                micro.ScaledHessianAtPhase(phase, h1);
                return h1[0];
            }
            double sum = 0, err = 0;
            long ev = 0;
            var y = new double[outerDim];
            for (int i = 0; i < lattice.Count; i++)
            {
                lattice.Point(i, shift, y);
                for (int j = 0; j < outerDim; j++) phase[j + 1] = y[j] * periods[j + 1];
                var q = LogSingularQuadrature.Average(fiber, 0, periods[0], o.FiberSamples, estimateError: i % 64 == 0, levels: 12);
                sum += q.Value;
                if (double.IsFinite(q.Error)) err = Math.Max(err, q.Error);
                ev += q.Evaluations;
            }
            estimates[r] = sum / lattice.Count;
            innerError[r] = err;
            evals[r] = ev;
        });
        var (mean, se) = BatchMeans.MeanAndStandardError(estimates);
        return new MConstantResult(mean, se + innerError.Max(), "fibers+shifted-lattice",
            $"quasi-periodic: Gauss-Legendre on each fiber of the first phase (graded at the zeros), randomly shifted rank-1 lattice of {lattice.Count} points over the other {outerDim} phase(s), {o.Shifts} shifts; error = one standard error over the shifts + the largest fiber quadrature error",
            perCoordinate, evals.Sum());
    }

    /// <summary>
    /// d ≥ 2: m = E ln‖H(θ)‖₂ over the phase torus, H = ε∇²f1,ε (symmetric: ‖H‖₂ = max |eigenvalue|), by a randomly
    /// shifted lattice (Fibonacci for two phases, Kronecker otherwise) with R independent shifts. ln‖H‖ is singular
    /// only where the whole matrix vanishes (a set of codimension ≥ 2 for the library's micro-scales), so the
    /// integrand is square integrable and the shift spread is a valid standard error.
    /// </summary>
    private static MConstantResult Torus(MicroScale micro, MConstantOptions o, IReadOnlyList<double>? perCoordinate)
    {
        int d = micro.Dimension, p = micro.PhaseDimension;
        var periods = micro.PhasePeriods.ToArray();
        var lattice = Lattice.Create(p, Math.Max(64, o.LatticePoints));
        var estimates = new double[o.Shifts];
        Parallel.For(0, o.Shifts, r =>
        {
            var rng = Xoshiro256.ForStream(o.Seed, 1000 + (ulong)r);
            var shift = new double[p];
            for (int j = 0; j < p; j++) shift[j] = rng.NextDouble();
            var y = new double[p];
            var phase = new double[p];
            var h = new double[d * d];
            double sum = 0;
            for (int i = 0; i < lattice.Count; i++)
            {
                lattice.Point(i, shift, y);
                for (int j = 0; j < p; j++) phase[j] = y[j] * periods[j];
                micro.ScaledHessianAtPhase(phase, h);
                sum += LogSingularQuadrature.LogAbs(SmallMatrix.SymmetricSpectralNorm(h, d));
            }
            estimates[r] = sum / lattice.Count;
        });
        var (mean, se) = BatchMeans.MeanAndStandardError(estimates);
        return new MConstantResult(mean, se, "shifted-lattice",
            $"torus average of ln||eps Hess f1||_2 (largest |eigenvalue|) over a randomly shifted {lattice.Name} lattice of {lattice.Count} points, {o.Shifts} shifts; error = one standard error over the shifts",
            perCoordinate, (long)lattice.Count * o.Shifts);
    }

}

/// <summary>Rank-1 lattices on [0,1)^s for randomly shifted quasi-Monte Carlo.</summary>
internal sealed class Lattice
{
    private readonly double[] _alpha; // generating vector / N (lattice) or irrational steps (Kronecker)
    public int Count { get; }
    public string Name { get; }

    private Lattice(int count, double[] alpha, string name)
    {
        Count = count;
        _alpha = alpha;
        Name = name;
    }

    /// <summary>s = 1: N equispaced points; s = 2: the Fibonacci lattice with the largest F_k ≤ n; s ≥ 3: Kronecker (√primes).</summary>
    public static Lattice Create(int s, int n)
    {
        if (s == 1) return new Lattice(n, [1.0 / n], "equispaced");
        if (s == 2)
        {
            long a = 1, b = 2; // consecutive Fibonacci numbers
            while (a + b <= n) (a, b) = (b, a + b);
            return new Lattice((int)b, [1.0 / b, (double)a / b], "Fibonacci");
        }
        int[] primes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71];
        if (s > primes.Length) throw new UserInputException($"phase dimension {s} is above the supported {primes.Length}");
        return new Lattice(n, Enumerable.Range(0, s).Select(j => Math.Sqrt(primes[j]) % 1.0).ToArray(), "Kronecker");
    }

    public void Point(int i, ReadOnlySpan<double> shift, Span<double> y)
    {
        for (int j = 0; j < _alpha.Length; j++)
        {
            double v = i * _alpha[j] + shift[j];
            y[j] = v - Math.Floor(v);
        }
    }
}
