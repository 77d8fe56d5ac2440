namespace ChaosDescent.Numerics.Roots;

/// <summary>A sign change of a function found by <see cref="Bisection.Scan"/>: the root, and whether the function rises through it.</summary>
public readonly record struct SignChange(double Root, bool Rising);

/// <summary>
/// Bisection, the one root finder of the library: robust, derivative-free, and run down to adjacent doubles, so the
/// answer does not depend on a tolerance (Press et al., Numerical Recipes, 3rd ed., Sec. 9.1). Three shapes: a root of
/// a continuous function on a sign-changing bracket, the boundary of a monotone predicate (a stability edge, a
/// connectivity transition, a likelihood-ratio bound), and a scan for every sign change on a grid.
/// </summary>
public static class Bisection
{
    // Halving from the widest double bracket down to adjacent doubles takes about 2100 steps (exponent range + mantissa).
    private const int MaxHalvings = 2200;

    /// <summary>
    /// A root of g on [lo, hi] given g(lo) and g(hi) of opposite signs, bisected down to adjacent doubles. Returns the
    /// final bracket (a, b) with sign(g(a)) ≠ sign(g(b)), or a = b at an exact zero.
    /// </summary>
    public static (double Lo, double Hi) Bracket(Func<double, double> g, double lo, double hi) => Bracket(g, lo, hi, g(lo), g(hi));

    /// <summary><see cref="Bracket(Func{double, double}, double, double)"/> with g(lo) and g(hi) already known (no re-evaluation).</summary>
    public static (double Lo, double Hi) Bracket(Func<double, double> g, double lo, double hi, double glo, double ghi)
    {
        if (glo == 0) return (lo, lo);
        if (ghi == 0) return (hi, hi);
        if (Math.Sign(glo) == Math.Sign(ghi)) throw new ArgumentException("no sign change on the bracket");
        for (int it = 0; it < MaxHalvings; it++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi) break; // adjacent doubles
            double gm = g(mid);
            if (gm == 0) return (mid, mid);
            if (Math.Sign(gm) == Math.Sign(glo))
            {
                lo = mid;
                glo = gm;
            }
            else hi = mid;
        }
        return (lo, hi);
    }

    /// <summary>The midpoint of <see cref="Bracket(Func{double, double}, double, double)"/>: a root of g on a sign-changing bracket, to the last bit.</summary>
    public static double Root(Func<double, double> g, double lo, double hi) => Root(g, lo, hi, g(lo), g(hi));

    /// <summary><see cref="Root(Func{double, double}, double, double)"/> with g(lo) and g(hi) already known.</summary>
    public static double Root(Func<double, double> g, double lo, double hi, double glo, double ghi)
    {
        var (a, b) = Bracket(g, lo, hi, glo, ghi);
        return 0.5 * (a + b);
    }

    /// <summary>
    /// The point where a monotone predicate switches on [lo, hi]: <paramref name="onLowSide"/> is true on lo's side of
    /// the boundary and false beyond it (the ends themselves are not evaluated). Bisected down to adjacent doubles;
    /// returns the midpoint of the final bracket.
    /// </summary>
    public static double Boundary(Func<double, bool> onLowSide, double lo, double hi)
    {
        for (int it = 0; it < MaxHalvings; it++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi) break;
            if (onLowSide(mid)) lo = mid;
            else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    /// <summary>
    /// Every sign change of g between <paramref name="nodes"/> equally spaced points of [lo, hi] (both ends included),
    /// each refined by <see cref="Root(Func{double, double}, double, double, double, double)"/>. An exact zero at a node counts as a root; its direction is read from the
    /// previous node (the next one at lo). Roots closer together than the grid spacing can be missed in pairs.
    /// </summary>
    public static List<SignChange> Scan(Func<double, double> g, double lo, double hi, int nodes)
    {
        if (nodes < 2) throw new ArgumentOutOfRangeException(nameof(nodes), "at least two nodes");
        var roots = new List<SignChange>();
        double h = (hi - lo) / (nodes - 1);
        double xPrev = lo, gPrev = g(lo);
        for (int i = 1; i < nodes; i++)
        {
            double x = i == nodes - 1 ? hi : lo + i * h, gx = g(x);
            if (i == 1 && gPrev == 0) roots.Add(new SignChange(lo, gx > 0));
            if (gx == 0) roots.Add(new SignChange(x, gPrev < 0));
            else if (gPrev != 0 && Math.Sign(gx) != Math.Sign(gPrev)) roots.Add(new SignChange(Root(g, xPrev, x, gPrev, gx), gPrev < 0));
            xPrev = x;
            gPrev = gx;
        }
        return roots;
    }
}
