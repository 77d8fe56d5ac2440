using ChaosDescent.Maps;
using ChaosDescent.Numerics.Roots;
using ChaosDescent.Objectives;

namespace ChaosDescent.Analyses.Chaos;

/// <summary>Settings of the topological entropy of a 1-D GD map.</summary>
public sealed record EntropySettings
{
    /// <summary>[LO, HI], an interval the map sends into itself; null = the smallest invariant interval holding the
    /// attractor of an orbit from the default start (for a unimodal map: its core [φ²(c), φ(c)]).</summary>
    public double[]? Interval { get; init; }

    /// <summary>Most kneading symbols followed (unimodal maps); the orbit of the turning point is followed only while
    /// its propagated rounding-error bound keeps every symbol certain. Default 20,000.</summary>
    public int MaxSymbols { get; init; } = 20_000;

    /// <summary>Iterations of the lap count (multimodal maps). Default 200: enough for the growth fit to separate
    /// polynomial lap growth (zero entropy) from exponential growth at the 0.01 level.</summary>
    public int LapIterations { get; init; } = 200;

    /// <summary>Cap on the distinct image intervals of the lap count (memory). Default 2,000,000.</summary>
    public int MaxIntervals { get; init; } = 2_000_000;

    /// <summary>Grid points for locating the turning points (zeros of φ′ = 1 − η f″); raised to a spacing of ε/16.</summary>
    public int GridPoints { get; init; } = 200_000;
}

/// <summary>
/// Topological entropy h of the map on <see cref="Interval"/>, bracketed by [<see cref="Lower"/>, <see cref="Upper"/>];
/// <see cref="ErrorBound"/> is the half-width around the estimate. <see cref="Rigorous"/> says whether the bracket
/// is a proof (kneading theory with certified symbols) or an estimate (lap-number growth).
/// </summary>
public sealed record EntropyResult(double TopologicalEntropy, double ErrorBound, double Lower, double Upper, bool Rigorous,
    string Method, double[] Interval, double[] TurningPoints, int SymbolsUsed, bool CriticalOrbitPeriodic,
    double[] LapGrowth, string Note);

/// <summary>
/// Topological entropy of the GD map φ(x) = x − η f′(x) of a 1-D objective (Kong &amp; Tao 2020, Rmk. 20, state
/// that GD in the chaotic regime has positive entropy; the paper computes none). Two methods:
/// <list type="bullet">
/// <item><b>Kneading theory</b> (Milnor &amp; Thurston 1988) when φ has one turning point c on the interval: with
/// θ_n = ε(φ(c))·…·ε(φⁿ(c)), ε = ±1 the sign of φ′ on the lap, the kneading series D(t) = 1 + Σ θ_n tⁿ has its smallest
/// zero s in (0, 1) at s = e^(−h) (none: h = 0). With N certified symbols |D − D_N| ≤ t^(N+1)/(1 − t), so the first
/// zero of D lies between the first t where D_N − t^(N+1)/(1−t) ≤ 0 and the first where D_N + t^(N+1)/(1−t) &lt; 0:
/// a rigorous bracket for h. A symbol is certified while the distance of φᵏ(c) to c exceeds the propagated
/// rounding-error bound; a critical orbit returning to c within that bound is a superstable cycle, whose
/// kneading sequence is periodic (taken on the side c⁺; both sides give the same h).</item>
/// <item><b>Lap-number growth</b> (Misiurewicz &amp; Szlenk 1980): h = lim (1/n) log ℓ(φⁿ) = inf_n (1/n) log ℓ(φⁿ), ℓ the
/// number of monotone laps. ℓ(φⁿ) is counted exactly (up to rounding) by following the images of laps: a lap of φⁿ
/// with image [a, b] splits into 1 + #{turning points in (a, b)} laps of φⁿ⁺¹, and laps with the same image are
/// merged with a multiplicity. (1/n) log ℓ_n is an upper bound; the estimate is log(ℓ_n/ℓ_(n−1)) and its error the
/// spread of the last ratios (not a proof).</item>
/// </list>
/// </summary>
public static class TopologicalEntropy
{
    private const double U = 1.1102230246251565e-16; // unit roundoff 2^-53

    /// <summary>Catalog entry.</summary>
    public static readonly IAnalysis Entry = new Analysis<EntropySettings, EntropyResult>(
        "entropy", "topological entropy of a 1-D GD map (kneading theory or lap-number growth; Kong & Tao 2020 Rmk. 20)",
        (system, settings, progress) => Run(system, settings, progress));

    public static EntropyResult Run(DescentSystem system, EntropySettings settings, IProgress<double>? progress = null)
    {
        var f = system.RequireMultiscale("entropy");
        double eta = system.RequireLearningRate("entropy");
        if (system.Map != "gd" || f.Dimension != 1)
            throw new UserInputException("topological entropy is computed for interval maps: the gd map on a 1-D objective");
        if (!(eta > 0) || !double.IsFinite(eta)) throw new UserInputException($"--eta must be positive (got {eta})");
        if (settings.MaxSymbols < 1 || settings.LapIterations < 1 || settings.MaxIntervals < 1 || settings.GridPoints < 2)
            throw new UserInputException("entropy settings must be positive");
        var map = new IntervalMap(f, eta);
        var interval = settings.Interval is { } given ? Given(map, given) : Attractor(map, system, f);
        var turning = map.TurningPoints(interval.Lo, interval.Hi, GridPoints(f, interval, settings));
        progress?.Report(0.3);
        EntropyResult result = turning.Length switch
        {
            0 => new EntropyResult(0, 0, 0, 0, true, "monotone map (no turning point)", [interval.Lo, interval.Hi], [], 0, false, [],
                "a monotone interval map has zero topological entropy"),
            1 => Kneading(map, interval, turning[0], settings),
            _ => Laps(map, interval, turning, settings),
        };
        progress?.Report(1.0);
        return result;
    }

    // ---- kneading theory (unimodal) -------------------------------------------------------------------------

    private static EntropyResult Kneading(IntervalMap map, (double Lo, double Hi) interval, double c, EntropySettings s)
    {
        // ε(x): sign of φ′ on the lap holding x. Left of c φ′ has the sign of φ′(lo).
        int leftSign = Math.Sign(map.Slope(0.5 * (interval.Lo + c)));
        var theta = new List<int>(Math.Min(s.MaxSymbols, 4096));
        double x = c, err = 0, cTolerance = 4 * U * Math.Max(1, Math.Abs(c)) + map.TurningTolerance(c);
        bool periodic = false;
        int product = 1, period = 0;
        for (int k = 1; k <= s.MaxSymbols; k++)
        {
            double next = map.Apply(x);
            err = Math.Abs(map.Slope(x)) * err + map.RoundingError(x);
            x = next;
            if (!double.IsFinite(x)) break;
            if (Math.Abs(x - c) <= err + cTolerance)
            {
                periodic = k > 0 && err + cTolerance < 1e-6 * (interval.Hi - interval.Lo);
                period = k;
                break;
            }
            int eps = x < c ? leftSign : -leftSign;
            product *= eps;
            theta.Add(product);
        }
        int certified = theta.Count;
        if (periodic)
        {
            // Superstable cycle of period p: φ^p(c) = c. Take the side c⁺ for the symbol at c and repeat: θ stays periodic
            // up to the sign accumulated over one period.
            int epsAtC = -leftSign; // c⁺ lies right of c
            var block = new List<int>(theta.Count + 1);
            int prev = 1;
            foreach (var t in theta)
            {
                block.Add(t / prev);
                prev = t;
            }
            block.Add(epsAtC);
            theta.Clear();
            product = 1;
            while (theta.Count < s.MaxSymbols)
                foreach (var e in block)
                {
                    product *= e;
                    theta.Add(product);
                    if (theta.Count >= s.MaxSymbols) break;
                }
        }
        int n = theta.Count;
        double Series(double t)
        {
            double sum = 1, p = 1;
            for (int i = 0; i < n; i++)
            {
                p *= t;
                if (p < 1e-300) break;
                sum += theta[i] * p;
            }
            return sum;
        }
        // |θ_k| ≤ 1 beyond the known terms (also for a periodic sequence truncated to MaxSymbols terms).
        double TailBound(double t) => Math.Pow(t, n + 1) / (1 - t);
        double sLo = FirstCrossing(t => Series(t) - TailBound(t), strict: false) ?? 1;
        double? sHiCross = FirstCrossing(t => Series(t) + TailBound(t), strict: true);
        double sHi = sHiCross ?? 1;
        // Widen by the bisection resolution and the rounding of the n-term sums (relative 1e-12 in t, generous).
        sLo *= 1 - 1e-12;
        sHi = Math.Min(1, sHi * (1 + 1e-12));
        double upper = -Math.Log(sLo), lower = sHiCross is null ? 0 : -Math.Log(sHi);
        double estimate = FirstCrossing(Series, strict: false) is { } s0 && s0 <= sHi ? -Math.Log(s0) : 0.5 * (lower + upper);
        estimate = Math.Clamp(estimate, lower, upper);
        double bound = Math.Max(upper - estimate, estimate - lower);
        string note = periodic
            ? $"the turning point is periodic (period {period}): superstable cycle; kneading sequence periodic"
            : $"{certified} kneading symbols certified by the propagated rounding-error bound";
        return new EntropyResult(estimate, bound, lower, upper, true, "kneading theory (Milnor-Thurston), unimodal",
            [interval.Lo, interval.Hi], [c], certified, periodic, [], note);
    }

    /// <summary>Smallest t in (0, 1) where g(t) ≤ 0 (or &lt; 0 when strict), by a scan refined by bisection.</summary>
    private static double? FirstCrossing(Func<double, double> g, bool strict)
    {
        const int points = 20_000;
        double prev = 0;
        for (int i = 1; i < points; i++)
        {
            double t = 1 - Math.Pow(1 - (double)i / points, 2); // denser near 1, where small entropies live
            double v = g(t);
            if (strict ? v < 0 : v <= 0)
                return Bisection.Boundary(x => !(strict ? g(x) < 0 : g(x) <= 0), prev, t);
            prev = t;
        }
        return null;
    }

    // ---- lap-number growth (multimodal) ---------------------------------------------------------------------

    private static EntropyResult Laps(IntervalMap map, (double Lo, double Hi) interval, double[] turning, EntropySettings s)
    {
        double width = interval.Hi - interval.Lo, snap = 1e-12 * width;
        double Snap(double v) => Math.Round(v / snap) * snap;
        var images = new Dictionary<(double, double), double> { [(interval.Lo, interval.Hi)] = 1 };
        var logLaps = new List<double> { 0 };
        double logScale = 0; // multiplicities are kept scaled by e^(−logScale) to stay finite
        for (int n = 1; n <= s.LapIterations; n++)
        {
            var next = new Dictionary<(double, double), double>(images.Count * 2);
            double total = 0;
            foreach (var ((a, b), w) in images)
            {
                int i0 = LowerBound(turning, a + snap), i1 = LowerBound(turning, b - snap);
                double u = a;
                for (int i = i0; i <= i1; i++)
                {
                    double v = i < i1 ? turning[i] : b;
                    double fu = map.Apply(u), fv = map.Apply(v);
                    var key = (Snap(Math.Min(fu, fv)), Snap(Math.Max(fu, fv)));
                    next[key] = next.GetValueOrDefault(key) + w;
                    total += w;
                    u = v;
                }
            }
            if (next.Count > s.MaxIntervals) break;
            double scale = 1 / total;
            foreach (var key in next.Keys.ToArray()) next[key] *= scale;
            logScale += Math.Log(total);
            logLaps.Add(logScale);
            images = next;
        }
        int m = logLaps.Count - 1;
        var growth = logLaps.ToArray();
        double upper = Enumerable.Range(1, m).Min(k => growth[k] / k);
        double estimate, bound;
        string how;
        if (GrowthFit(growth, m / 2, m) is { } late && GrowthFit(growth, m / 4, m / 2) is { } early)
        {
            // ℓ_n = e^(hn)·(sub-exponential factor); below the onset of chaos ℓ_n grows like a polynomial n^k, which a
            // plain ratio log(ℓ_n/ℓ_(n−1)) ≈ k/n mistakes for entropy. The fit log ℓ_n = c + k·log n + h·n over the
            // last half of n removes that factor; the error is how far the fit over the quarter before it differs.
            estimate = Math.Clamp(late, 0, upper);
            bound = Math.Abs(late - early);
            how = "the estimate fits log laps = c + k log n + h n over the last half of n, the error is the change from the fit over the quarter before";
        }
        else
        {
            var ratios = Enumerable.Range(1, m).Select(k => growth[k] - growth[k - 1]).ToArray();
            estimate = Math.Min(ratios[^1], upper);
            int window = Math.Min(4, ratios.Length);
            bound = Math.Max(ratios.Skip(ratios.Length - window).Max() - ratios.Skip(ratios.Length - window).Min(),
                0.5 / m); // lap counts approach e^(nh) only up to a sub-exponential factor
            how = "too few iterations for the growth fit: the estimate is the last ratio, the error the spread of the last ratios";
        }
        return new EntropyResult(estimate, bound, Math.Max(0, estimate - bound), upper, false,
            "lap-number growth (Misiurewicz-Szlenk), multimodal", [interval.Lo, interval.Hi], turning, 0, false, growth,
            $"{turning.Length} turning points; laps of phi^n counted for n <= {m}; upper = min (1/n) log laps is a bound; {how}");
    }

    /// <summary>h of the least-squares fit log ℓ_n = c + k·log n + h·n over n ∈ [from, to]; null with fewer than 6 points.</summary>
    private static double? GrowthFit(double[] logLaps, int from, int to)
    {
        from = Math.Max(1, from);
        if (to - from + 1 < 6) return null;
        var n = Enumerable.Range(from, to - from + 1).Select(k => (double)k).ToArray();
        var y = n.Select(k => logLaps[(int)k]).ToArray();
        var p = MathNet.Numerics.Fit.LinearCombination(n, y, _ => 1.0, Math.Log, k => k);
        return double.IsFinite(p[2]) ? p[2] : null;
    }

    private static int LowerBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >> 1;
            if (sorted[mid] < value) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    // ---- the interval --------------------------------------------------------------------------------------

    private static (double Lo, double Hi) Given(IntervalMap map, double[] interval)
    {
        if (interval.Length != 2 || !(interval[0] < interval[1]) || !double.IsFinite(interval[0]) || !double.IsFinite(interval[1]))
            throw new UserInputException("--interval must be LO,HI with LO < HI");
        var (lo, hi) = (interval[0], interval[1]);
        var (imLo, imHi) = map.Image(lo, hi, GridFor(map, lo, hi));
        double tol = 1e-9 * (hi - lo);
        if (imLo < lo - tol || imHi > hi + tol)
            throw new UserInputException($"the interval [{lo:G8}, {hi:G8}] is not invariant: the map sends it onto [{imLo:G8}, {imHi:G8}]; topological entropy needs phi(I) inside I (omit --interval to use the attractor's)");
        return (lo, hi);
    }

    private static (double Lo, double Hi) Attractor(IntervalMap map, DescentSystem system, MultiscaleObjective f)
    {
        double x = Bifurcation.DefaultStart(f)[0], lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int k = 0; k < 60_000; k++)
        {
            x = map.Apply(x);
            if (!double.IsFinite(x) || Math.Abs(x) > 1e12)
                throw new UserInputException($"the orbit diverges at eta = {system.LearningRate:G6}: no bounded attractor to take the entropy on (give --interval)");
            if (k >= 20_000)
            {
                lo = Math.Min(lo, x);
                hi = Math.Max(hi, x);
            }
        }
        if (hi - lo < 1e-12 * Math.Max(1, Math.Abs(hi)))
            return (lo - 1e-9, hi + 1e-9); // a fixed point: a tiny interval around it
        // Grow the hull to an invariant interval: I ← hull(I ∪ φ(I)).
        for (int it = 0; it < 50; it++)
        {
            var (a, b) = map.Image(lo, hi, GridFor(map, lo, hi));
            double tol = 1e-9 * (hi - lo); // images beyond the hull by rounding only do not grow it
            if (a >= lo - tol && b <= hi + tol) break;
            double nlo = Math.Min(lo, a), nhi = Math.Max(hi, b);
            (lo, hi) = (nlo, nhi);
        }
        return (lo, hi);
    }

    private static int GridPoints(MultiscaleObjective f, (double Lo, double Hi) interval, EntropySettings s)
    {
        double scale = f.Micro is null ? double.PositiveInfinity : f.Epsilon / 16;
        double needed = (interval.Hi - interval.Lo) / scale;
        return (int)Math.Clamp(Math.Max(s.GridPoints, needed), 2, 4_000_000);
    }

    private static int GridFor(IntervalMap map, double lo, double hi) => GridPoints(map.Objective, (lo, hi), new EntropySettings());

    /// <summary>φ on the line with φ′, its turning points and a first-order rounding-error model.</summary>
    private sealed class IntervalMap(MultiscaleObjective f, double eta)
    {
        public MultiscaleObjective Objective { get; } = f;

        public double Apply(double x) => x - eta * Objective.Derivative(x);

        public double Slope(double x) => 1 - eta * Objective.SecondDerivative(x);

        /// <summary>Bound on the rounding error of one evaluation of φ: a few ulps of x and of ηf′(x), plus the
        /// rounding of the phase x/ε (relative u) amplified by f″ (first order, times 4 for safety).</summary>
        public double RoundingError(double x) =>
            4 * U * (Math.Abs(x) + 2 * eta * Math.Abs(Objective.Derivative(x)) + eta * Math.Abs(Objective.SecondDerivative(x)) * Math.Abs(x));

        /// <summary>How well the turning point is located (adjacent doubles after bisection, plus where φ′ is within
        /// its rounding noise).</summary>
        public double TurningTolerance(double c)
        {
            double curvature = Math.Abs(eta * ThirdDerivative(c));
            double noise = 8 * U * (1 + eta * Math.Abs(Objective.SecondDerivative(c)));
            return 4 * U * Math.Max(1, Math.Abs(c)) + (curvature > 0 ? noise / curvature : 0);
        }

        private double ThirdDerivative(double x)
        {
            double h = 1e-5 * Math.Max(Objective.Micro is null ? 1 : Objective.Epsilon, 1e-300);
            return (Objective.SecondDerivative(x + h) - Objective.SecondDerivative(x - h)) / (2 * h);
        }

        public double[] TurningPoints(double lo, double hi, int points) =>
            Bisection.Scan(Slope, lo, hi, points).Select(r => r.Root).Where(r => r > lo && r < hi).ToArray();

        public (double Lo, double Hi) Image(double lo, double hi, int points)
        {
            double a = Math.Min(Apply(lo), Apply(hi)), b = Math.Max(Apply(lo), Apply(hi));
            foreach (var c in TurningPoints(lo, hi, points))
            {
                double v = Apply(c);
                a = Math.Min(a, v);
                b = Math.Max(b, v);
            }
            return (a, b);
        }
    }
}
