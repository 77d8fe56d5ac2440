using ChaosDescent.Objectives;
using ChaosDescent.Numerics.Polynomials;
using ChaosDescent.Numerics.Roots;

namespace ChaosDescent.Analyses.Landscapes.Wells;

/// <summary>
/// A 1-D macro potential f0 seen as a landscape: values, derivatives, a finite domain that holds every feature the
/// analyses need, and the real roots of f0′ − c and f0″ − c on it.
/// <para>
/// For a <see cref="PolynomialPotential"/> everything is certified: the domain is the Cauchy bound of every
/// polynomial involved (no root of f0′ − c lies outside it), and roots are isolated recursively — the roots of p′
/// split the domain into pieces on which p is monotone, so each piece holds at most one root, bracketed by a sign
/// change and bisected to adjacent floating-point numbers. For any other f0 the roots come from sign changes on a
/// fine grid (a pair of roots closer than the grid step can be missed; <see cref="Certified"/> is then false).
/// </para>
/// </summary>
public sealed class Landscape1D
{
    /// <summary>Grid nodes for the sign scan of a non-polynomial f0.</summary>
    public const int ScanNodes = 200_001;

    private readonly double[]? _c;   // polynomial coefficients of f0 (lowest first), or null
    private readonly double[]? _d1;  // of f0′
    private readonly double[]? _d2;  // of f0″

    public Landscape1D(MacroPotential f0, params double[] levels)
    {
        if (f0.Dimension != 1)
            throw new UserInputException($"this analysis needs a 1-D f0 (this one has d = {f0.Dimension})");
        Potential = f0;
        if (f0 is PolynomialPotential p)
        {
            _c = Trim(p.Coefficients.ToArray());
            _d1 = Trim(Polynomial.Derivative(_c));
            _d2 = Trim(Polynomial.Derivative(_d1));
            // Cauchy bound of f0′ − c for each level c, and of f0″ (its roots are the critical points of f0′).
            double bound = 1;
            foreach (var c in levels.Append(0.0))
                bound = Math.Max(bound, CauchyBound(Shift(_d1, c)));
            bound = Math.Max(bound, CauchyBound(_d2));
            var (tlo, thi) = f0.TypicalRange;
            bound = Math.Max(bound, Math.Max(Math.Abs(tlo), Math.Abs(thi)));
            Domain = (-bound, bound);
            Certified = true;
        }
        else
        {
            Domain = ExpandDomain(levels);
            Certified = false;
        }
    }

    public MacroPotential Potential { get; }

    /// <summary>A closed interval outside of which f0′ − c has no root for any level c given to the constructor (and f0′ none).</summary>
    public (double Lo, double Hi) Domain { get; }

    /// <summary>True when the domain bound and the root isolation are exact (polynomial f0).</summary>
    public bool Certified { get; }

    public double Value(double x) => _c is null ? Potential.Value([x]) : Polynomial.Evaluate(_c, x);
    public double D1(double x) => _d1 is null ? Potential.Derivative(x) : Polynomial.Evaluate(_d1, x);
    public double D2(double x) => _d2 is null ? Potential.SecondDerivative(x) : Polynomial.Evaluate(_d2, x);

    /// <summary>Sorted real roots of f0′(x) − level on [lo, hi] (the domain by default).</summary>
    public double[] RootsOfD1(double level, double? lo = null, double? hi = null)
    {
        double a = lo ?? Domain.Lo, b = hi ?? Domain.Hi;
        return _d1 is not null ? PolynomialRoots(Shift(_d1, level), a, b) : ScanRoots(x => D1(x) - level, a, b);
    }

    /// <summary>Sorted real roots of f0″(x) − level on [lo, hi].</summary>
    public double[] RootsOfD2(double level, double? lo = null, double? hi = null)
    {
        double a = lo ?? Domain.Lo, b = hi ?? Domain.Hi;
        return _d2 is not null ? PolynomialRoots(Shift(_d2, level), a, b) : ScanRoots(x => D2(x) - level, a, b);
    }

    /// <summary>
    /// Breakpoints lo = t0 &lt; t1 &lt; … &lt; tn = hi such that f0′ is monotone on each [t_i, t_(i+1)]: the roots of f0″.
    /// </summary>
    public double[] MonotonePiecesOfD1(double lo, double hi)
    {
        var inner = RootsOfD2(0, lo, hi).Where(r => r > lo && r < hi);
        return new[] { lo }.Concat(inner).Append(hi).Distinct().OrderBy(v => v).ToArray();
    }

    // ---- polynomial root isolation ----------------------------------------------------------------------

    private double[] PolynomialRoots(double[] p, double lo, double hi)
    {
        p = Trim(p);
        int n = p.Length - 1;
        if (n <= 0) return [];
        if (n == 1)
        {
            double r = -p[0] / p[1];
            return r >= lo && r <= hi ? [r] : [];
        }
        var crit = PolynomialRoots(Trim(Polynomial.Derivative(p)), lo, hi);
        var breaks = new[] { lo }.Concat(crit.Where(c => c > lo && c < hi)).Append(hi).ToArray();
        var roots = new List<double>();
        for (int i = 0; i + 1 < breaks.Length; i++)
        {
            double u = breaks[i], v = breaks[i + 1];
            double pu = Polynomial.Evaluate(p, u), pv = Polynomial.Evaluate(p, v);
            if (pu == 0) Add(u);
            else if (pv != 0 && Math.Sign(pu) != Math.Sign(pv))
            {
                Add(Bisection.Root(x => Polynomial.Evaluate(p, x), u, v, pu, pv));
            }
        }
        if (Polynomial.Evaluate(p, hi) == 0) Add(hi);
        return roots.ToArray();

        void Add(double r)
        {
            if (roots.Count == 0 || r > roots[^1]) roots.Add(r);
        }
    }

    private static double[] ScanRoots(Func<double, double> g, double lo, double hi) =>
        Bisection.Scan(g, lo, hi, ScanNodes).Select(r => r.Root).Distinct().ToArray();

    private (double, double) ExpandDomain(double[] levels)
    {
        var (lo, hi) = Potential.TypicalRange;
        double lmin = levels.Append(0.0).Min(), lmax = levels.Append(0.0).Max();
        for (int i = 0; i < 40; i++)
        {
            if (D1(lo) < lmin && D1(hi) > lmax) break;
            double c = 0.5 * (lo + hi), w = hi - lo;
            lo = c - w;
            hi = c + w;
        }
        double pad = 0.25 * (hi - lo);
        return (lo - pad, hi + pad);
    }

    private static double[] Shift(double[] c, double level)
    {
        var s = c.ToArray();
        s[0] -= level;
        return s;
    }

    private static double[] Trim(double[] c)
    {
        int n = c.Length;
        while (n > 1 && c[n - 1] == 0) n--;
        return c[..n];
    }

    /// <summary>1 + max_k |p_k/p_n|: every real root of p lies in [−bound, bound].</summary>
    private static double CauchyBound(double[] p)
    {
        p = Trim(p);
        int n = p.Length - 1;
        if (n <= 0) return 1;
        double m = 0;
        for (int k = 0; k < n; k++) m = Math.Max(m, Math.Abs(p[k] / p[n]));
        return 1 + m;
    }
}
