using ChaosDescent.Objectives;
using ChaosDescent.Numerics.LinearAlgebra;
using ChaosDescent.Numerics.Roots;

namespace ChaosDescent.Analyses.Chaos;

/// <summary>
/// The microscopic potential wells of f = f0 + f1,ε (B.3.2): the basin of a local minimizer of f under the gradient
/// flow. In 1-D a well is the interval between two consecutive local maxima of f; in d ≥ 2 two points share a well
/// when gradient descent with steps small against ε takes them to the same local minimizer.
/// </summary>
public static class WellGeometry
{
    /// <summary>Length unit of the wells: ε for a multiscale objective, 1 without micro-scale.</summary>
    public static double Scale(MultiscaleObjective f) => f.Micro is null ? 1.0 : f.Epsilon;

    /// <summary>The local minimizer reached from x by the gradient flow, approximated by GD with step
    /// min(0.5/‖∇²f‖_F, 0.05·scale/‖∇f‖): below the local stability limit and never more than 1/20 of a well per step.</summary>
    public static double[] DescendToMinimum(MultiscaleObjective f, ReadOnlySpan<double> x0, int maxSteps = 50_000)
    {
        int d = f.Dimension;
        double scale = Scale(f);
        var x = x0.ToArray();
        var g = new double[d];
        var h = new double[d * d];
        for (int it = 0; it < maxSteps; it++)
        {
            f.Gradient(x, g);
            f.Hessian(x, h);
            double gn = SmallMatrix.Norm(g), hn = SmallMatrix.Norm(h);
            if (!(gn > 0)) break;
            double step = Math.Min(hn > 0 ? 0.5 / hn : double.PositiveInfinity, 0.05 * scale / gn);
            for (int c = 0; c < d; c++) x[c] -= step * g[c];
            if (gn * step < 1e-12 * scale) break;
        }
        return x;
    }

    /// <summary>
    /// 1-D: the well around the local minimizer <paramref name="xMin"/>: the nearest local maxima of f on each side
    /// (zeros of f' where it turns from + to −), found by scanning f' in steps of scale/32 (at most
    /// <paramref name="maxScan"/>·scale away) and bisecting. A side with no maximum within reach is ±∞.
    /// </summary>
    public static (double Lo, double Hi) WellAround(MultiscaleObjective f, double xMin, double maxScan = 1_000)
    {
        if (f.Dimension != 1) throw new UserInputException("microscopic wells as intervals are a 1-D notion");
        double h = Scale(f) / 32, limit = maxScan * Scale(f);
        double hi = double.PositiveInfinity, lo = double.NegativeInfinity;
        // right: f' > 0 after the minimum until the next maximum, where it turns negative
        double a = xMin + 1e-3 * h, ga = f.Derivative(a);
        for (double b = a + h; b - xMin <= limit; b += h)
        {
            double gb = f.Derivative(b);
            if (ga > 0 && gb <= 0)
            {
                hi = Bisect(f, a, b);
                break;
            }
            a = b;
            ga = gb;
        }
        a = xMin - 1e-3 * h;
        ga = f.Derivative(a);
        for (double b = a - h; xMin - b <= limit; b -= h)
        {
            double gb = f.Derivative(b);
            if (ga < 0 && gb >= 0)
            {
                lo = Bisect(f, b, a);
                break;
            }
            a = b;
            ga = gb;
        }
        return (lo, hi);
    }

    /// <summary>
    /// Whether the points (rows of d numbers) lie in one well. 1-D: no local maximum of f inside [min, max] (f'
    /// scanned in steps of scale/32, stopping at the first maximum; ranges wider than 32768·scale count as several
    /// wells). d ≥ 2: the coordinate-wise extreme points and a
    /// few others all descend to the same minimizer (within scale/20).
    /// </summary>
    public static bool InOneWell(MultiscaleObjective f, ReadOnlySpan<double> points, int count)
    {
        int d = f.Dimension;
        if (count == 0) return true;
        double scale = Scale(f);
        if (d == 1)
        {
            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            for (int i = 0; i < count; i++)
            {
                min = Math.Min(min, points[i]);
                max = Math.Max(max, points[i]);
            }
            // an orbit wider than 2^20 scan steps (32768 ε) is counted as visiting several wells without scanning:
            // such widths only occur far outside the support of Rmk. 12, where f is monotone over long stretches
            double h = scale / 32;
            if ((max - min) / h > 1 << 20) return false;
            double prev = f.Derivative(min);
            for (long k = 1; ; k++)
            {
                double xe = Math.Min(min + k * h, max), g = f.Derivative(xe);
                if (prev > 0 && g < 0) return false;
                prev = g;
                if (xe >= max) return true;
            }
        }
        var chosen = new SortedSet<int> { 0, count - 1, count / 2, count / 3 };
        for (int c = 0; c < d; c++)
        {
            int imin = 0, imax = 0;
            for (int i = 1; i < count; i++)
            {
                if (points[i * d + c] < points[imin * d + c]) imin = i;
                if (points[i * d + c] > points[imax * d + c]) imax = i;
            }
            chosen.Add(imin);
            chosen.Add(imax);
        }
        double[]? reference = null;
        foreach (var i in chosen)
        {
            var m = DescendToMinimum(f, points.Slice(i * d, d));
            if (reference is null) reference = m;
            else
            {
                double dist = 0;
                for (int c = 0; c < d; c++) dist = Math.Max(dist, Math.Abs(m[c] - reference[c]));
                if (dist > scale / 20) return false;
            }
        }
        return true;
    }

    private static double Bisect(MultiscaleObjective f, double lo, double hi) => Bisection.Root(x => f.Derivative(x), lo, hi);
}
