using ChaosDescent.Maps;
using ChaosDescent.Numerics;
using ChaosDescent.Numerics.LinearAlgebra;
using ChaosDescent.Numerics.Quadrature;
using ChaosDescent.Statistics;

namespace ChaosDescent.Analyses.Chaos;

/// <summary>How long and how carefully one orbit is followed to identify its attractor.</summary>
public sealed record AttractorSettings
{
    /// <summary>Steps before the first recurrence test (and before λ is averaged).</summary>
    public int MinTransient { get; init; } = 2_000;

    /// <summary>Steps at most; after them an orbit with no detected cycle is called aperiodic.</summary>
    public int MaxSteps { get; init; } = 40_000;

    /// <summary>Recurrence window: a cycle of period p is detected when |s_{n+p} − s_n|∞ ≤ tol over this many steps; also
    /// the number of positions kept for plots and the λ batch length.</summary>
    public int Window { get; init; } = 1_024;

    /// <summary>Largest period looked for; orbits whose cycle is longer count as aperiodic (period 0).</summary>
    public int MaxPeriod { get; init; } = 64;

    /// <summary>Absolute recurrence tolerance; null = 1e-9·ε + 1e-12·(1 + |s|max) (ε the micro length, 1 without micro-scale).</summary>
    public double? Tolerance { get; init; }

    public double DivergenceBound { get; init; } = 1e6;

    /// <summary>Seed of the random initial tangent vector (the map itself is deterministic).</summary>
    public ulong Seed { get; init; } = 7;
}

/// <summary>What one orbit settled into.</summary>
public sealed class AttractorReport
{
    /// <summary>Step at which the orbit left the bound or became non-finite; null if it stayed bounded.</summary>
    public long? DivergedAtStep { get; init; }

    /// <summary>Least period of the attracting cycle (1 = fixed point), 0 when no cycle of period ≤ MaxPeriod was found.</summary>
    public int Period { get; init; }

    /// <summary>True when the cycle was located by Newton's method on φ^p(x) = x from a slowly contracting orbit
    /// (instead of by direct recurrence within the step budget).</summary>
    public bool CycleByNewton { get; init; }

    /// <summary>Maximal Lyapunov exponent: (1/p)·ln ρ(monodromy) on a cycle; otherwise the time average after the
    /// transient (tangent-vector renormalization). NaN for a diverged orbit.</summary>
    public double Lambda { get; init; } = double.NaN;

    /// <summary>Batch-means standard error of <see cref="Lambda"/> (0 on a cycle, where λ is exact up to rounding).</summary>
    public double LambdaStdErr { get; init; } = double.NaN;

    /// <summary>Multiplier of the cycle: φ^p' (signed) for a scalar state, else the spectral radius of the monodromy.</summary>
    public double Multiplier { get; init; } = double.NaN;

    /// <summary>The last positions (rows of d numbers, oldest first): the attractor as the orbit traced it.</summary>
    public required double[] Window { get; init; }

    /// <summary>The cycle's states (p rows of S·d numbers), empty when none.</summary>
    public required double[] Cycle { get; init; }

    public required long Steps { get; init; }

    public required int Dimension { get; init; }

    public required int StateDimension { get; init; }

    public bool Diverged => DivergedAtStep is not null;
}

/// <summary>
/// Follows one orbit of a deterministic map until its attractor is identified: a cycle (period p ≤ MaxPeriod) by
/// recurrence of the whole state within a tolerance over a window; when the orbit still contracts (λ &lt; 0) at the
/// end of the step budget (slow convergence near η ≪ ε or near a bifurcation, where |multiplier| → 1), the cycle is
/// located by Newton's method on φ^p(x) − x = 0, started from an Aitken extrapolation of x_n, x_{n+p}, x_{n+2p},
/// and accepted only if it is linearly stable and within the distance the geometric contraction still has to cover.
/// </summary>
public static class AttractorProbe
{
    public static AttractorReport Run(OptimizerMap map, ReadOnlySpan<double> start, AttractorSettings s)
    {
        if (map.IsStochastic) throw new UserInputException($"the '{map.Name}' map is random: it has no attractor in this sense; use gd, heavyball or nag");
        int d = map.Dimension, n = map.StateBlocks * d;
        if (start.Length != d) throw new UserInputException($"start has {start.Length} coordinates, the objective has {d}");
        Validate(s);
        double scale = map.Multiscale.Micro is null ? 1.0 : map.Multiscale.Epsilon;
        var state = new double[n];
        start.CopyTo(state);
        map.Initialize(state, 1);
        var scratch = new double[map.ScratchLength(1)];
        var rng = Xoshiro256.ForStream(s.Seed, 0);
        int cap = s.Window + s.MaxPeriod + 1;
        var ring = new double[cap * n]; // state history, slot t % cap
        var v = new double[n];
        for (int c = 0; c < n; c++) v[c] = 1 / Math.Sqrt(n) * (c % 2 == 0 ? 1 : -0.7);
        var jac = new double[n * n];
        var w = new double[n];
        var chunkMeans = new List<double>();
        double chunkSum = 0, maxAbs = 0;
        int chunkCount = 0;
        long t = 0;
        Store(ring, 0, cap, n, state);
        while (t < s.MaxSteps)
        {
            map.Jacobian(state, jac);
            double stretch;
            if (n == 1) stretch = LogSingularQuadrature.LogAbs(jac[0]);
            else
            {
                SmallMatrix.Apply(jac, v, w, n);
                double nrm = SmallMatrix.Norm(w);
                stretch = LogSingularQuadrature.LogAbs(nrm);
                if (nrm > 0 && double.IsFinite(nrm)) for (int c = 0; c < n; c++) v[c] = w[c] / nrm;
                else for (int c = 0; c < n; c++) v[c] = c == 0 ? 1 : 0;
            }
            map.Step(state, 1, ref rng, scratch);
            t++;
            for (int c = 0; c < n; c++)
            {
                if (!double.IsFinite(state[c]) || (c < d && Math.Abs(state[c]) > s.DivergenceBound))
                    return new AttractorReport
                    {
                        DivergedAtStep = t,
                        Window = [],
                        Cycle = [],
                        Steps = t,
                        Dimension = d,
                        StateDimension = n,
                    };
                maxAbs = Math.Max(maxAbs, Math.Abs(state[c]));
            }
            Store(ring, t, cap, n, state);
            if (t > s.MinTransient)
            {
                chunkSum += stretch;
                chunkCount++;
                if (chunkCount == s.Window)
                {
                    chunkMeans.Add(chunkSum / chunkCount);
                    chunkSum = 0;
                    chunkCount = 0;
                    double tol = s.Tolerance ?? 1e-9 * scale + 1e-12 * (1 + maxAbs);
                    int p = Recurrence(ring, t, cap, n, s.Window, s.MaxPeriod, tol);
                    if (p > 0)
                    {
                        // A slowly converging oscillation passes the test for a multiple of its true period first
                        // (|s_k − s_{k−2}| shrinks by 1 − μ² near a flip): polish the cycle by Newton and take its least period.
                        int least = LeastPeriod(map, At(ring, t, cap, n).ToArray(), p, tol, out var polished);
                        if (least > 0 && least < p) return Cycle(map, ring, t, cap, n, least, false, s, t, polished);
                        return Cycle(map, ring, t, cap, n, p, false, s, t);
                    }
                }
            }
        }
        var (lam, se) = BatchMeans.MeanAndStandardError(chunkMeans); // one chunk: SE NaN; none: λ NaN
        if (lam < 0)
        {
            double tol = s.Tolerance ?? 1e-9 * scale + 1e-12 * (1 + maxAbs);
            for (int p = 1; p <= s.MaxPeriod; p++)
                if (NewtonCycle(map, ring, t, cap, n, p, tol, out var cyc))
                    return Cycle(map, ring, t, cap, n, p, true, s, t, cyc);
        }
        return new AttractorReport
        {
            Period = 0,
            Lambda = lam,
            LambdaStdErr = se,
            Window = Positions(ring, t, cap, n, d, s.Window),
            Cycle = [],
            Steps = t,
            Dimension = d,
            StateDimension = n,
        };
    }

    internal static void Validate(AttractorSettings s)
    {
        if (s.Window < 16 || s.MaxPeriod < 1 || s.MaxPeriod >= s.Window || s.MinTransient < 0 || s.MaxSteps < s.MinTransient + s.Window)
            throw new UserInputException("attractor settings: need window ≥ 16, 1 ≤ max period < window, max steps ≥ transient + window");
    }

    internal static void Store(double[] ring, long t, int cap, int n, ReadOnlySpan<double> state) =>
        state[..n].CopyTo(ring.AsSpan((int)(t % cap) * n, n));

    internal static ReadOnlySpan<double> At(double[] ring, long t, int cap, int n) => ring.AsSpan((int)(t % cap) * n, n);

    /// <summary>Least p with |s_k − s_{k−p}|∞ ≤ tol for the last <paramref name="window"/> k; 0 if none.</summary>
    internal static int Recurrence(double[] ring, long t, int cap, int n, int window, int maxPeriod, double tol)
    {
        for (int p = 1; p <= maxPeriod; p++)
        {
            bool ok = true;
            for (int k = 0; k < window - maxPeriod && ok; k++)
            {
                var a = At(ring, t - k, cap, n);
                var b = At(ring, t - k - p, cap, n);
                for (int c = 0; c < n; c++)
                    if (!(Math.Abs(a[c] - b[c]) <= tol)) { ok = false; break; }
            }
            if (ok) return p;
        }
        return 0;
    }

    internal static double[] Positions(double[] ring, long t, int cap, int n, int d, int count)
    {
        count = (int)Math.Min(count, t + 1);
        var result = new double[count * d];
        for (int k = 0; k < count; k++)
        {
            var s = At(ring, t - count + 1 + k, cap, n);
            for (int c = 0; c < d; c++) result[k * d + c] = s[c];
        }
        return result;
    }

    /// <summary>Builds the report of a cycle of period p whose last point is at slot t (or given by <paramref name="point"/>).</summary>
    internal static AttractorReport Cycle(OptimizerMap map, double[] ring, long t, int cap, int n, int p, bool newton,
        AttractorSettings s, long steps, double[]? point = null)
    {
        int d = map.Dimension;
        var cycle = new double[p * n];
        var x = (point ?? At(ring, t, cap, n).ToArray()).ToArray();
        var scratch = new double[map.ScratchLength(1)];
        var rng = Xoshiro256.ForStream(0, 0);
        var mono = Identity(n);
        var jac = new double[n * n];
        var tmp = new double[n * n];
        for (int k = 0; k < p; k++)
        {
            x.CopyTo(cycle, k * n);
            map.Jacobian(x, jac);
            SmallMatrix.Multiply(jac, mono, tmp, n);
            tmp.CopyTo(mono, 0);
            map.Step(x, 1, ref rng, scratch);
        }
        double rho = SmallMatrix.SpectralRadius(mono, n);
        var positions = newton
            ? Enumerable.Range(0, s.Window).SelectMany(k => cycle.AsSpan((k % p) * n, d).ToArray()).ToArray()
            : Positions(ring, t, cap, n, d, s.Window);
        return new AttractorReport
        {
            Period = p,
            CycleByNewton = newton,
            Lambda = LogSingularQuadrature.LogAbs(rho) / p, // a superstable cycle (ρ = 0) reports ln(1e-300)/p
            LambdaStdErr = 0,
            Multiplier = n == 1 ? mono[0] : rho,
            Window = positions,
            Cycle = cycle,
            Steps = steps,
            Dimension = d,
            StateDimension = n,
        };
    }

    private static double[] Identity(int n)
    {
        var m = new double[n * n];
        for (int i = 0; i < n; i++) m[i * n + i] = 1;
        return m;
    }

    /// <summary>Newton on φ^p(x) = x from x (no extrapolation); on convergence the least r | p with φ^r(x*) = x*
    /// (within 10·tol), else 0.</summary>
    internal static int LeastPeriod(OptimizerMap map, double[] x0, int p, double tol, out double[] polished)
    {
        int n = x0.Length;
        var x = x0.ToArray();
        polished = x;
        var w = new NewtonWork(map, n);
        // a step over 1e6·tol wandered off (≳ 1e-3 of a well): not a polish of this orbit's cycle
        if (!Newton(map, x, p, tol, iterations: 30, maxStep: 1e6 * tol, residualBelowTol: false, w)) return 0;
        polished = x;
        return ReturnPeriod(map, x, p, p, tol, w.Y, w.Tmp, w.Jac, w.Mono, w.Scratch, ref w.Rng);
    }

    /// <summary>
    /// Newton on F(x) = φ^p(x) − x from the Aitken extrapolation of x_{t−2p}, x_{t−p}, x_t. Accepts a root that is a
    /// stable cycle (spectral radius of D φ^p &lt; 1), of least period p, lying within the distance that the geometric
    /// contraction of the last iterates still has to cover.
    /// </summary>
    public static bool NewtonCycle(OptimizerMap map, double[] ring, long t, int cap, int n, int p, double tol, out double[] cycle)
    {
        cycle = [];
        if (t < 2 * p) return false;
        var s0 = At(ring, t - 2 * p, cap, n).ToArray();
        var s1 = At(ring, t - p, cap, n).ToArray();
        var s2 = At(ring, t, cap, n).ToArray();
        double d1 = 0, d0 = 0;
        for (int c = 0; c < n; c++)
        {
            d1 = Math.Max(d1, Math.Abs(s2[c] - s1[c]));
            d0 = Math.Max(d0, Math.Abs(s1[c] - s0[c]));
        }
        double q = d0 > 0 ? d1 / d0 : 0;
        if (!(q < 1)) return false;
        double radius = 2 * d1 / (1 - q) + 10 * tol;
        var x = new double[n];
        for (int c = 0; c < n; c++)
        {
            double a = s2[c] - s1[c], b = s1[c] - s0[c], den = a - b;
            x[c] = Math.Abs(den) > 1e-300 && Math.Abs(a * a / den) <= radius ? s2[c] - a * a / den : s2[c];
        }
        var w = new NewtonWork(map, n);
        if (!Newton(map, x, p, tol, iterations: 40, maxStep: double.PositiveInfinity, residualBelowTol: true, w)) return false;
        double dist = 0;
        for (int c = 0; c < n; c++) dist = Math.Max(dist, Math.Abs(x[c] - s2[c]));
        if (dist > radius) return false;
        Compose(map, x, p, w.Y, w.Mono, w.Jac, w.Tmp, w.Scratch, ref w.Rng);
        if (!(SmallMatrix.SpectralRadius(w.Mono, n) < 1)) return false;
        // least period: x must not already return after a proper divisor of p
        if (ReturnPeriod(map, x, p, p - 1, tol, w.Y, w.Tmp, w.Jac, w.Mono, w.Scratch, ref w.Rng) != 0) return false;
        cycle = x;
        return true;
    }

    /// <summary>Work arrays of Newton on φ^p(x) = x in n dimensions, and the stream the map's steps draw from.</summary>
    private sealed class NewtonWork(OptimizerMap map, int n)
    {
        public readonly double[] Scratch = new double[map.ScratchLength(1)];
        public Xoshiro256 Rng = Xoshiro256.ForStream(0, 0);
        public readonly double[] Y = new double[n];
        public readonly double[] Jac = new double[n * n];
        public readonly double[] Mono = new double[n * n];
        public readonly double[] Tmp = new double[n * n];
        public readonly double[] Rhs = new double[n];
    }

    /// <summary>At most <paramref name="iterations"/> Newton steps on F(x) = φ^p(x) − x, updating x in place: true once a
    /// step is ≤ 1e-3·tol (with <paramref name="residualBelowTol"/> also |F(x)|∞ ≤ tol before it); false on a non-finite
    /// residual, a singular Jacobian, a step over <paramref name="maxStep"/>, or no convergence.</summary>
    private static bool Newton(OptimizerMap map, double[] x, int p, double tol, int iterations, double maxStep, bool residualBelowTol, NewtonWork w)
    {
        int n = x.Length;
        var (y, mono, rhs) = (w.Y, w.Mono, w.Rhs);
        for (int it = 0; it < iterations; it++)
        {
            Compose(map, x, p, y, mono, w.Jac, w.Tmp, w.Scratch, ref w.Rng);
            double res = 0;
            for (int c = 0; c < n; c++)
            {
                rhs[c] = -(y[c] - x[c]);
                res = Math.Max(res, Math.Abs(rhs[c]));
                mono[c * n + c] -= 1;
            }
            if (!double.IsFinite(res) || !SmallMatrix.Solve(mono, rhs, n)) return false;
            double step = 0;
            for (int c = 0; c < n; c++)
            {
                x[c] += rhs[c];
                step = Math.Max(step, Math.Abs(rhs[c]));
            }
            if (step > maxStep) return false;
            if (step <= 1e-3 * tol && (!residualBelowTol || res <= tol)) return true;
        }
        return false;
    }

    /// <summary>The least divisor r ≤ <paramref name="maxR"/> of p with |φ^r(x) − x|∞ ≤ 10·tol, or 0 (y, mono, jac, tmp are work arrays).</summary>
    private static int ReturnPeriod(OptimizerMap map, double[] x, int p, int maxR, double tol, double[] y, double[] mono, double[] jac, double[] tmp,
        double[] scratch, ref Xoshiro256 rng)
    {
        int n = x.Length;
        for (int r = 1; r <= maxR; r++)
        {
            if (p % r != 0) continue;
            Compose(map, x, r, y, mono, jac, tmp, scratch, ref rng);
            double e = 0;
            for (int c = 0; c < n; c++) e = Math.Max(e, Math.Abs(y[c] - x[c]));
            if (e <= 10 * tol) return r;
        }
        return 0;
    }

    /// <summary>y = φ^p(x) and mono = D φ^p(x).</summary>
    private static void Compose(OptimizerMap map, double[] x, int p, double[] y, double[] mono, double[] jac, double[] tmp,
        double[] scratch, ref Xoshiro256 rng)
    {
        int n = x.Length;
        x.CopyTo(y, 0);
        Array.Clear(mono);
        for (int i = 0; i < n; i++) mono[i * n + i] = 1;
        for (int k = 0; k < p; k++)
        {
            map.Jacobian(y, jac);
            SmallMatrix.Multiply(jac, mono, tmp, n);
            Array.Copy(tmp, mono, n * n);
            map.Step(y, 1, ref rng, scratch);
        }
    }
}
