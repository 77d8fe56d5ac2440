using ChaosDescent.Objectives;
using ChaosDescent.Numerics.Roots;

namespace ChaosDescent.Analyses.Landscapes.Wells;

/// <summary>How an endpoint of a component of S was obtained.</summary>
public enum EndpointKind
{
    /// <summary>A root of f0′ − a (a = min ζ), bracketed by a sign change.</summary>
    LowerLevel,

    /// <summary>A root of f0′ − b (b = max ζ), bracketed by a sign change.</summary>
    UpperLevel,

    /// <summary>±∞: f0′ stays in [a, b] beyond the domain (no root of f0′ − a or f0′ − b lies there).</summary>
    Unbounded,
}

/// <summary>An endpoint of a component of S with the bracket [BracketLo, BracketHi] that certifies it.</summary>
public sealed record CertifiedEndpoint(double Value, double BracketLo, double BracketHi, EndpointKind Kind)
{
    public double Width => BracketHi - BracketLo;
}

/// <summary>One connected component [Lo, Hi] of S = {x : f0′(x) ∈ [a, b]}.</summary>
public sealed record SetComponent(CertifiedEndpoint Lo, CertifiedEndpoint Hi)
{
    public bool Contains(double x) => x >= Lo.Value && x <= Hi.Value;
}

/// <summary>
/// A gap between two components. On it f0′ lies entirely above b (<see cref="PushesLeft"/>: the drift −ηf0′ beats every
/// noise value ηζ, so every step moves left) or entirely below a (every step moves right).
/// </summary>
public sealed record SetGap(double Lo, double Hi, bool PushesLeft);

/// <summary>What Remark 12 says about one well of f0.</summary>
/// <param name="Well">The well (between local maxima of f0).</param>
/// <param name="Component">Index of the component of S that holds the well's minimum.</param>
/// <param name="Trapped">
/// True when that component holds no local maximum of f0: it lies inside the well, flanked by gaps that push toward it,
/// so (while x ↦ x − ηf0′(x) is monotone there, e.g. η &lt; 1/L) the stochastic map never leaves it once inside.
/// </param>
/// <param name="BasinLo">Left end of the region whose points drift into the component (end of the previous component).</param>
/// <param name="BasinHi">Right end of that region (start of the next component).</param>
public sealed record WellTrapping(PotentialWell Well, int Component, bool Trapped, double BasinLo, double BasinHi);

/// <summary>
/// The smallest closed interval that contains the minimum and is forward-invariant under the stochastic map
/// x ↦ x − ηf0′(x) + ηζ for every ζ ∈ [a, b]: the exact closure of the set reachable from the minimum.
/// </summary>
/// <param name="Eta">η.</param>
/// <param name="Lo">Left end of the reachable interval (or the point where it crossed the well boundary).</param>
/// <param name="Hi">Right end.</param>
/// <param name="Trapped">True when the interval converged strictly inside the well: no noise sequence leads out.</param>
/// <param name="Iterations">Interval iterations used.</param>
/// <param name="Converged">
/// False when the iteration limit was reached with the interval still growing inside the well (undecided; Trapped is
/// then false). Both outcomes take O(1/η) iterations, so this happens only for very small η.
/// </param>
public sealed record TrapCertificate(double Eta, double Lo, double Hi, bool Trapped, int Iterations, bool Converged = true);

/// <summary>
/// Remark 12 in 1-D: the stochastic map's invariant law lives in S = {x : f0′(x) ∈ [a, b]} where [a, b] is the
/// range of ζ; when S is disconnected no orbit can jump between its components, and each well whose minimum sits in
/// a component free of maxima of f0 is a trap. S does not depend on η.
/// <para>
/// Computation: f0′ is split into monotone pieces at the roots of f0″; on each piece {a ≤ f0′ ≤ b} is one interval
/// whose ends are piece ends or the single root of f0′ − a or f0′ − b there (bisected to adjacent doubles); intervals
/// that meet at a piece end are merged. Every component's interior and every gap is then re-checked on a grid
/// (<see cref="Verified"/>).
/// </para>
/// </summary>
public sealed class WellConnectivity
{
    private WellConnectivity() { }

    public required Landscape1D Landscape { get; init; }

    /// <summary>min ζ.</summary>
    public required double NoiseMin { get; init; }

    /// <summary>max ζ.</summary>
    public required double NoiseMax { get; init; }

    public required IReadOnlyList<SetComponent> Components { get; init; }
    public required IReadOnlyList<SetGap> Gaps { get; init; }
    public required PotentialWells Wells { get; init; }
    public required IReadOnlyList<WellTrapping> Trapping { get; init; }

    /// <summary>S has exactly one component: the stochastic map can move between all wells.</summary>
    public bool Connected => Components.Count == 1;

    /// <summary>The grid re-check of every component (f0′ ∈ [a, b]) and gap (f0′ ∉ [a, b]) passed.</summary>
    public required bool Verified { get; init; }

    /// <summary>Roots isolated exactly (polynomial f0) rather than by a grid scan.</summary>
    public bool Certified => Landscape.Certified;

    /// <summary>The widest endpoint bracket (a measure of the endpoints' certified accuracy).</summary>
    public double MaxBracketWidth => Components.SelectMany(c => new[] { c.Lo, c.Hi })
        .Where(e => e.Kind != EndpointKind.Unbounded).Select(e => e.Width).DefaultIfEmpty(0).Max();

    /// <summary>Analysis for an objective: [a, b] is the range of its ζ (Cond. 1).</summary>
    public static WellConnectivity For(MultiscaleObjective objective)
    {
        var (a, b) = NoiseRange(objective);
        return Analyze(objective.Macro, a, b);
    }

    /// <summary>Range [a, b] of ζ for a 1-D objective with a periodic or quasi-periodic micro-scale.</summary>
    public static (double A, double B) NoiseRange(MultiscaleObjective objective)
    {
        if (objective.Dimension != 1)
            throw new UserInputException($"well connectivity (Remark 12) is a 1-D analysis; '{objective.Name}' has d = {objective.Dimension}");
        var micro = objective.Micro ?? throw new UserInputException($"objective '{objective.Name}' has no micro-scale, so no noise ζ and no set S");
        var stats = micro.NoiseStatistics ?? throw new UserInputException(
            $"objective '{objective.Name}': ζ depends on x (general micro-scale), so its range [a, b] is not defined");
        return stats.Range[0];
    }

    public static WellConnectivity Analyze(MacroPotential f0, double a, double b)
    {
        if (!(a < 0 && b > 0) || !double.IsFinite(a) || !double.IsFinite(b))
            throw new UserInputException($"the range [a, b] of ζ must contain 0 in its interior (got [{a}, {b}])");
        var land = new Landscape1D(f0, a, b);
        var wells = PotentialWells.Of(land);
        var (lo, hi) = land.Domain;
        var breaks = land.MonotonePiecesOfD1(lo, hi);

        // Per monotone piece: the interval where a ≤ f0′ ≤ b.
        var pieces = new List<(CertifiedEndpoint Lo, CertifiedEndpoint Hi, bool LoIsBreak, bool HiIsBreak)>();
        for (int i = 0; i + 1 < breaks.Length; i++)
        {
            double p = breaks[i], q = breaks[i + 1], gp = land.D1(p), gq = land.D1(q);
            bool increasing = gq >= gp;
            double low = Math.Min(gp, gq), high = Math.Max(gp, gq);
            if (high < a || low > b) continue;
            CertifiedEndpoint L, R;
            bool lb, rb;
            if (increasing)
            {
                (L, lb) = gp >= a ? (Break(p), true) : (Root(a, p, q, EndpointKind.LowerLevel), false);
                (R, rb) = gq <= b ? (Break(q), true) : (Root(b, p, q, EndpointKind.UpperLevel), false);
            }
            else
            {
                (L, lb) = gp <= b ? (Break(p), true) : (Root(b, p, q, EndpointKind.UpperLevel), false);
                (R, rb) = gq >= a ? (Break(q), true) : (Root(a, p, q, EndpointKind.LowerLevel), false);
            }
            pieces.Add((L, R, lb, rb));
        }

        // Merge pieces that meet at a breakpoint.
        var merged = new List<(CertifiedEndpoint Lo, CertifiedEndpoint Hi, bool HiIsBreak)>();
        foreach (var pc in pieces)
        {
            if (merged.Count > 0 && merged[^1].HiIsBreak && pc.LoIsBreak && merged[^1].Hi.Value == pc.Lo.Value)
                merged[^1] = (merged[^1].Lo, pc.Hi, pc.HiIsBreak);
            else merged.Add((pc.Lo, pc.Hi, pc.HiIsBreak));
        }
        if (merged.Count == 0)
            throw new UserInputException("S = {x : f0'(x) in [a, b]} is empty: f0 has no critical point");

        // A component that reaches a domain end continues to infinity (no root of f0′ − a, f0′ − b lies beyond).
        var comps = merged.Select(m => new SetComponent(
            m.Lo.Value <= lo ? new CertifiedEndpoint(double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity, EndpointKind.Unbounded) : m.Lo,
            m.Hi.Value >= hi ? new CertifiedEndpoint(double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity, EndpointKind.Unbounded) : m.Hi)).ToArray();
        var gaps = new List<SetGap>();
        for (int i = 0; i + 1 < comps.Length; i++)
        {
            double u = comps[i].Hi.Value, v = comps[i + 1].Lo.Value;
            gaps.Add(new SetGap(u, v, land.D1(0.5 * (u + v)) > b));
        }

        bool verified = Verify(land, comps, gaps, a, b);

        var trapping = wells.Wells.Select(w =>
        {
            int ci = Array.FindIndex(comps, c => c.Contains(w.Minimum));
            var c = comps[ci];
            bool holdsMax = wells.Maxima.Any(c.Contains);
            double basinLo = ci > 0 ? comps[ci - 1].Hi.Value : double.NegativeInfinity;
            double basinHi = ci + 1 < comps.Length ? comps[ci + 1].Lo.Value : double.PositiveInfinity;
            return new WellTrapping(w, ci, !holdsMax, basinLo, basinHi);
        }).ToArray();

        return new WellConnectivity
        {
            Landscape = land,
            NoiseMin = a,
            NoiseMax = b,
            Components = comps,
            Gaps = gaps,
            Wells = wells,
            Trapping = trapping,
            Verified = verified,
        };

        CertifiedEndpoint Break(double x) => new(x, x, x, EndpointKind.LowerLevel);

        CertifiedEndpoint Root(double level, double p, double q, EndpointKind kind)
        {
            var (u, v) = Bisection.Bracket(x => land.D1(x) - level, p, q);
            return new CertifiedEndpoint(0.5 * (u + v), u, v, kind);
        }
    }

    /// <summary>Grid re-check: f0′ within [a, b] inside each component, outside it on each gap.</summary>
    private static bool Verify(Landscape1D land, SetComponent[] comps, List<SetGap> gaps, double a, double b)
    {
        const int n = 4001;
        double tol = 1e-9 * Math.Max(1, Math.Max(-a, b));
        var (dlo, dhi) = land.Domain;
        foreach (var c in comps)
        {
            double u = double.IsFinite(c.Lo.Value) ? c.Lo.BracketHi : dlo;
            double v = double.IsFinite(c.Hi.Value) ? c.Hi.BracketLo : dhi;
            for (int i = 0; i < n; i++)
            {
                double g = land.D1(u + (v - u) * i / (n - 1));
                if (g < a - tol || g > b + tol) return false;
            }
        }
        foreach (var gap in gaps)
        {
            for (int i = 1; i < n - 1; i++)
            {
                double g = land.D1(gap.Lo + (gap.Hi - gap.Lo) * i / (n - 1));
                if (gap.PushesLeft ? g <= b - tol : g >= a + tol) return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The reachable interval from the minimum of <paramref name="well"/> for the stochastic map at learning rate η:
    /// J₀ = {m}, J_(n+1) = J_n ∪ [min_(J_n) g + ηa, max_(J_n) g + ηb] with g(x) = x − ηf0′(x). Every reachable set is an
    /// interval containing m (it is the continuous image of one, and contains g(m) + η[a, b] ∋ m), so the iteration is
    /// exact. Extremes of g come from the ends and the roots of f0″ = 1/η. It stops when J leaves the well (escape is
    /// possible) or stops growing (a trap for this η, even where x − ηf0′ is not monotone).
    /// </summary>
    public TrapCertificate Certify(PotentialWell well, double eta, int? maxIterations = null)
    {
        if (!(eta > 0)) throw new UserInputException($"η must be positive (got {eta})");
        // growth toward a trap's edge contracts like 1 − ηf0″, escape proceeds by about η(b − f0′) per step: O(1/η) either way
        int limit = maxIterations ?? (int)Math.Min(2_000_000, Math.Max(200_000, 1000 / eta));
        double a = NoiseMin, b = NoiseMax;
        double lo = well.Minimum, hi = well.Minimum;
        double scale = Math.Max(1, Math.Abs(well.Minimum));
        for (int it = 1; it <= limit; it++)
        {
            var (gmin, gmax) = RangeOfStep(lo, hi, eta);
            double nlo = Math.Min(lo, gmin + eta * a), nhi = Math.Max(hi, gmax + eta * b);
            if (nlo <= well.Lo || nhi >= well.Hi)
                return new TrapCertificate(eta, Math.Max(nlo, well.Lo), Math.Min(nhi, well.Hi), false, it);
            bool grew = nlo < lo - 1e-14 * scale || nhi > hi + 1e-14 * scale;
            lo = nlo;
            hi = nhi;
            if (!grew) return new TrapCertificate(eta, lo, hi, true, it);
        }
        return new TrapCertificate(eta, lo, hi, false, limit, Converged: false);
    }

    private (double Min, double Max) RangeOfStep(double lo, double hi, double eta)
    {
        var land = Landscape;
        double G(double x) => x - eta * land.D1(x);
        double min = Math.Min(G(lo), G(hi)), max = Math.Max(G(lo), G(hi));
        if (hi > lo)
            foreach (var r in land.RootsOfD2(1 / eta, lo, hi))
            {
                double g = G(r);
                min = Math.Min(min, g);
                max = Math.Max(max, g);
            }
        return (min, max);
    }

    /// <summary>
    /// The parameter value at which S changes connectivity along a family f0(p), by bisection on the connectivity
    /// itself (each evaluation is a full certified analysis). Needs opposite answers at <paramref name="lo"/> and
    /// <paramref name="hi"/>; for doublewell-sin (k(x²−1)², ζ ∈ [−1, 1]) the answer is k = 3√3/8 (Remark 12).
    /// </summary>
    public static double CriticalParameter(Func<double, MacroPotential> family, double a, double b, double lo, double hi)
    {
        if (!(lo < hi)) throw new UserInputException($"the parameter range must have lo < hi (got {lo}, {hi})");
        bool cLo = Analyze(family(lo), a, b).Connected, cHi = Analyze(family(hi), a, b).Connected;
        if (cLo == cHi)
            throw new UserInputException($"S is {(cLo ? "connected" : "disconnected")} at both ends of the parameter range [{lo}, {hi}]: no transition to locate");
        return Bisection.Boundary(p => Analyze(family(p), a, b).Connected == cLo, lo, hi);
    }
}
