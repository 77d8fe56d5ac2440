using ChaosDescent.Numerics.Roots;

namespace ChaosDescent.Numerics.Quadrature;

/// <summary>Result of a quadrature: the value and an estimate of its absolute error.</summary>
public readonly record struct QuadratureValue(double Value, double Error, long Evaluations);

/// <summary>
/// Averages (1/(b−a))∫_a^b ln|g(t)| dt for a smooth g whose zeros make the integrand logarithmically singular
/// (Cond. 2: ln|ε f1''| is −∞ wherever f1'' vanishes). Method:
/// <list type="number">
/// <item>sample g on a uniform grid; every sign change is a zero (bisection to full precision); every local
/// minimum of |g| without a sign change is refined (golden section), and becomes a breakpoint too — a double zero
/// there, or two close zeros (then both are bracketed and found);</item>
/// <item>on each panel between breakpoints, composite Gauss–Legendre on a mesh graded geometrically toward each end
/// where |g| is small (ratio σ = 0.15, up to 18 levels). Geometric grading is the hp-quadrature of a log
/// singularity: the error decays exponentially in the number of nodes, whatever the multiplicity of the zero. Where
/// g is too close to zero to be evaluated accurately (|g| &lt; 1e-10 max|g|), the last stretch uses the local model
/// ln|g| ≈ A + k ln|t − t0|, integrated exactly;</item>
/// <item>the error estimate is the difference between the 16- and 10-point rules on the same mesh.</item>
/// </list>
/// </summary>
public static class LogSingularQuadrature
{
    private const double Grading = 0.15;

    /// <summary>ln|g| floored at ln(1e-300): only reached at nodes a rounding error away from a zero, whose weight is ≲ 1e-15.</summary>
    public static double LogAbs(double g) => Math.Log(Math.Max(Math.Abs(g), 1e-300));

    /// <summary>
    /// The mean of ln|g| over [a, b], with breakpoints found from <paramref name="samples"/> uniform samples.
    /// <paramref name="levels"/> geometric levels (ratio 0.15) resolve a zero down to 0.15^levels of the panel:
    /// 18 reaches rounding level, 12 is ample for 1e-10.
    /// </summary>
    public static QuadratureValue Average(Func<double, double> g, double a, double b, int samples = 2048, bool estimateError = true,
        int levels = 18)
    {
        if (!(b > a)) throw new ArgumentException("empty interval");
        long evals = 0;
        double G(double t)
        {
            evals++;
            return g(t);
        }
        var breaks = Breakpoints(G, a, b, Math.Max(8, samples), out double gMax);
        // an end is "singular" (graded toward) when |g| there is small against max|g|: a zero, or a dip that makes
        // ln|g| steep (a near-singularity needs the same grading)
        var singular = breaks.Select(t => Math.Abs(G(t)) <= 1e-2 * gMax).ToArray();
        var (hi, lo) = (GaussLegendre.Get(16), GaussLegendre.Get(10));
        double sHi = 0, sLo = 0;
        for (int k = 0; k + 1 < breaks.Count; k++)
        {
            double p = breaks[k], q = breaks[k + 1];
            if (!(q > p)) continue;
            sHi += Panel(G, p, q, singular[k], singular[k + 1], hi, levels, gMax);
            if (estimateError) sLo += Panel(G, p, q, singular[k], singular[k + 1], lo, levels, gMax);
        }
        double w = b - a;
        return new QuadratureValue(sHi / w, estimateError ? Math.Abs(sHi - sLo) / w : double.NaN, evals);
    }

    /// <summary>
    /// ∫_p^q ln|g|: each half graded toward its end when that end is singular, else two plain pieces. Close to a zero
    /// g itself loses relative accuracy (at a double zero, 1 − cos t is pure rounding within √u of it); once |g| at a
    /// level boundary falls below 1e-10·max|g|, the rest of the way to the zero uses ln|g(p ± s)| ≈ A + k ln s with
    /// A, k fitted at the two previous level boundaries (k ≈ the zero's order) and integrated exactly.
    /// </summary>
    private static double Panel(Func<double, double> g, double p, double q, bool singularP, bool singularQ, GaussLegendre rule, int levels,
        double gMax)
    {
        double half = 0.5 * (q - p), s = 0;
        double F(double x) => LogAbs(g(x));
        s += singularP ? GradedSide(g, p, +1, half, rule, levels, gMax) : rule.Integrate(F, p, p + 0.5 * half) + rule.Integrate(F, p + 0.5 * half, p + half);
        s += singularQ ? GradedSide(g, q, -1, half, rule, levels, gMax) : rule.Integrate(F, q - half, q - 0.5 * half) + rule.Integrate(F, q - 0.5 * half, q);
        return s;
    }

    /// <summary>∫ over s ∈ [0, half] of ln|g(end + dir·s)|, graded toward s = 0.</summary>
    private static double GradedSide(Func<double, double> g, double end, int dir, double half, GaussLegendre rule, int levels, double gMax)
    {
        double F(double x) => LogAbs(g(x));
        double noise = 1e-10 * gMax, outer = half, sum = 0;
        for (int j = 0; j <= levels; j++)
        {
            if (j >= 2 && Math.Abs(g(end + dir * outer)) < noise)
            {
                double s1 = outer / Grading, s2 = s1 / Grading;
                double l1 = F(end + dir * s1), l2 = F(end + dir * s2);
                double k = (l2 - l1) / (Math.Log(s2) - Math.Log(s1)), a = l1 - k * Math.Log(s1);
                return sum + outer * a + k * (outer * Math.Log(outer) - outer); // ∫_0^outer (a + k ln s) ds
            }
            double inner = j == levels ? 0 : outer * Grading;
            sum += dir > 0 ? rule.Integrate(F, end + inner, end + outer) : rule.Integrate(F, end - outer, end - inner);
            outer = inner;
        }
        return sum;
    }

    /// <summary>Sorted breakpoints including a and b: zeros of g and refined local minima of |g|.</summary>
    public static List<double> Breakpoints(Func<double, double> g, double a, double b, int samples, out double maxAbs)
    {
        var t = new double[samples + 1];
        var v = new double[samples + 1];
        maxAbs = 0;
        for (int i = 0; i <= samples; i++)
        {
            t[i] = i == samples ? b : a + (b - a) * i / samples;
            v[i] = g(t[i]);
            maxAbs = Math.Max(maxAbs, Math.Abs(v[i]));
        }
        var points = new List<double> { a, b };
        for (int i = 0; i < samples; i++)
        {
            if (v[i] == 0) points.Add(t[i]);
            else if (v[i] * v[i + 1] < 0) points.Add(Bisection.Root(g, t[i], t[i + 1], v[i], v[i + 1]));
        }
        for (int i = 1; i < samples; i++)
        {
            double m = Math.Abs(v[i]);
            if (m == 0 || m > Math.Abs(v[i - 1]) || m > Math.Abs(v[i + 1])) continue;
            if (v[i - 1] * v[i] <= 0 || v[i] * v[i + 1] <= 0) continue; // a sign change nearby is already a breakpoint
            // minimize σ·g (σ the sign of the dip): its minimum is negative exactly when the dip crosses zero
            double sigma = Math.Sign(v[i]);
            double s = GoldenMinimum(x => sigma * g(x), t[i - 1], t[i + 1]);
            double gs = g(s);
            if (gs * v[i] < 0)
            {
                // |g| dipped through zero twice between samples: both zeros are bracketed now.
                points.Add(Bisection.Root(g, t[i - 1], s, v[i - 1], gs));
                points.Add(Bisection.Root(g, s, t[i + 1], gs, v[i + 1]));
            }
            else points.Add(s);
        }
        points.Sort();
        var result = new List<double>(points.Count);
        double tol = 1e-14 * (b - a);
        foreach (var p in points)
            if (p >= a && p <= b && (result.Count == 0 || p - result[^1] > tol)) result.Add(p);
        if (result[^1] != b)
        {
            if (b - result[^1] <= tol) result[^1] = b;
            else result.Add(b);
        }
        return result;
    }

    private static double GoldenMinimum(Func<double, double> g, double lo, double hi)
    {
        const double r = 0.6180339887498949;
        double x1 = hi - r * (hi - lo), x2 = lo + r * (hi - lo);
        double f1 = g(x1), f2 = g(x2);
        double stop = 1e-15 * (hi - lo) * 1e3; // 1e-12 of the bracket: enough to see whether |g| crosses zero
        for (int it = 0; it < 120 && hi - lo > stop; it++)
        {
            if (f1 < f2)
            {
                hi = x2;
                x2 = x1;
                f2 = f1;
                x1 = hi - r * (hi - lo);
                f1 = g(x1);
            }
            else
            {
                lo = x1;
                x1 = x2;
                f1 = f2;
                x2 = lo + r * (hi - lo);
                f2 = g(x2);
            }
            if (f1 < 0) return x1; // below zero already: the dip crosses it, bracketing is all that is needed
            if (f2 < 0) return x2;
        }
        return 0.5 * (lo + hi);
    }
}
