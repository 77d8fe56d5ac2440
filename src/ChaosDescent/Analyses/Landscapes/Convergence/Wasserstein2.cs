using ChaosDescent.Numerics.Quadrature;

namespace ChaosDescent.Analyses.Landscapes.Convergence;

/// <summary>
/// The 2-Wasserstein distance in 1-D through quantile functions: W2(μ, ν)² = ∫₀¹ (F_μ⁻¹(u) − F_ν⁻¹(u))² du (the
/// monotone coupling is optimal on the line). For two samples the quantile functions are step functions with jumps at
/// i/n and j/m; the integral is summed exactly over the merged pieces (breakpoints compared as i·m vs j·n in integers).
/// </summary>
public static class Wasserstein2
{
    /// <summary>W2 between two samples (NaN values must be removed first).</summary>
    public static double BetweenSamples(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var x = a.ToArray();
        var y = b.ToArray();
        Array.Sort(x);
        Array.Sort(y);
        return BetweenSorted(x, y);
    }

    /// <summary>W2 between two sorted samples.</summary>
    public static double BetweenSorted(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        long n = x.Length, m = y.Length;
        if (n == 0 || m == 0) return double.NaN;
        // piece k covers u in (max(i/n, j/m), min((i+1)/n, (j+1)/m)); advance whichever ends first
        long i = 0, j = 0;
        double total = 0, prev = 0;
        while (i < n && j < m)
        {
            // compare (i+1)/n with (j+1)/m  ⇔  (i+1)·m vs (j+1)·n
            long ei = (i + 1) * m, ej = (j + 1) * n;
            double end = ei <= ej ? (double)(i + 1) / n : (double)(j + 1) / m;
            double d = x[(int)i] - y[(int)j];
            total += d * d * (end - prev);
            prev = end;
            if (ei == ej) { i++; j++; }
            else if (ei < ej) i++;
            else j++;
        }
        return Math.Sqrt(Math.Max(0, total));
    }

    /// <summary>
    /// W2 between a sample and a law given by its quantile function Q: on each piece ((i−1)/n, i/n] the sample's
    /// quantile is x_(i) and ∫(x_(i) − Q(u))² du is taken by a <paramref name="points"/>-point Gauss–Legendre rule.
    /// </summary>
    public static double ToQuantileFunction(ReadOnlySpan<double> sample, Func<double, double> quantile, int points = 8)
    {
        var x = sample.ToArray();
        Array.Sort(x);
        int n = x.Length;
        if (n == 0) return double.NaN;
        var rule = GaussLegendre.Get(points);
        var (nodes, weights) = (rule.Nodes, rule.Weights);
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            double a = (double)i / n, b = (double)(i + 1) / n, half = 0.5 * (b - a), mid = 0.5 * (a + b);
            for (int k = 0; k < nodes.Length; k++)
            {
                double d = x[i] - quantile(mid + half * nodes[k]);
                total += weights[k] * half * d * d;
            }
        }
        return Math.Sqrt(total);
    }
}
