namespace ChaosDescent.Statistics;

/// <summary>Distances between an empirical law and a reference, or between two empirical laws.</summary>
public sealed record DistanceReport(double TotalVariation, double KolmogorovSmirnov, double Wasserstein1, long SampleSize, bool Binned);

/// <summary>
/// Total variation over bins, Kolmogorov–Smirnov and Wasserstein-1 in 1-D (exact for samples against a tabulated CDF:
/// F is linear between grid nodes and F_n constant between sample points, so ∫|F_n − F| is summed piece by piece),
/// and the same between two samples. NaN values must be removed by the caller (runners report them as diverged).
/// </summary>
public static class Distances
{
    /// <summary>½ Σ_b |p̂_b − P_b| over the histogram's bins plus the mass below and above its range.</summary>
    public static double TotalVariation(Histogram1D h, TabulatedDistribution p)
    {
        var (bins, below, above) = p.BinMasses(h);
        double n = Math.Max(1, h.Total);
        double s = Math.Abs(h.Underflow / n - below) + Math.Abs(h.Overflow / n - above);
        var c = h.Counts;
        for (int i = 0; i < bins.Length; i++) s += Math.Abs(c[i] / n - bins[i]);
        return 0.5 * s;
    }

    /// <summary>sup_x |F_n(x) − F(x)| for a sample against a CDF.</summary>
    public static double KolmogorovSmirnov(ReadOnlySpan<double> sample, Func<double, double> cdf)
    {
        var s = Sorted(sample);
        int n = s.Length;
        double d = 0;
        for (int i = 0; i < n; i++)
        {
            double f = cdf(s[i]);
            d = Math.Max(d, Math.Max(f - (double)i / n, (double)(i + 1) / n - f));
        }
        return d;
    }

    /// <summary>W1 = ∫|F_n − F| dx against a tabulated law, exact for its piecewise-linear CDF.</summary>
    public static double Wasserstein1(ReadOnlySpan<double> sample, TabulatedDistribution p)
    {
        var s = Sorted(sample);
        int n = s.Length;
        if (n == 0) return double.NaN;
        // Breakpoints: sample points and grid nodes, merged.
        var grid = p.Grid;
        double lo = Math.Min(s[0], p.Lo), hi = Math.Max(s[^1], p.Hi);
        double total = 0, x = lo;
        int i = 0, j = 0; // next sample index, next grid node
        while (j < grid.Length && grid[j] <= x) j++;
        while (x < hi)
        {
            double nextS = i < n ? s[i] : double.PositiveInfinity;
            double nextG = j < grid.Length ? grid[j] : double.PositiveInfinity;
            double next = Math.Min(Math.Min(nextS, nextG), hi);
            if (next > x)
            {
                double fn = (double)i / n;
                total += AbsIntegralLinear(p.Cdf(x) - fn, p.Cdf(next) - fn, next - x);
                x = next;
            }
            while (i < n && s[i] <= x) i++;
            while (j < grid.Length && grid[j] <= x) j++;
            if (i >= n && j >= grid.Length && x >= hi) break;
        }
        return total;
    }

    /// <summary>All three distances of a sample to a tabulated law, TV over the given histogram binning.</summary>
    public static DistanceReport ToReference(ReadOnlySpan<double> sample, TabulatedDistribution p, double lo, double hi, int bins)
    {
        var h = Histogram1D.Of(sample, lo, hi, bins);
        return new DistanceReport(TotalVariation(h, p), KolmogorovSmirnov(sample, p.Cdf), Wasserstein1(sample, p), sample.Length, false);
    }

    /// <summary>
    /// Distances from a histogram alone (for streamed orbits): TV over its bins; KS and W1 with the empirical CDF taken
    /// linear inside each bin (exact up to the bin width: |error| ≤ width for W1, ≤ the largest bin mass for KS).
    /// </summary>
    public static DistanceReport FromHistogram(Histogram1D h, TabulatedDistribution p)
    {
        double n = Math.Max(1, h.Total);
        var edges = h.Edges();
        var c = h.Counts;
        double fEmp = h.Underflow / n, ks = Math.Abs(fEmp - p.Cdf(edges[0])), w1 = 0;
        // mass below the range: spread over [p.Lo, lo] is unknown; approximate its W1 contribution on the reference grid
        for (int b = 0; b < h.Bins; b++)
        {
            double f0 = fEmp, f1 = fEmp + c[b] / n;
            const int sub = 8;
            for (int t = 0; t < sub; t++)
            {
                double xa = edges[b] + (edges[b + 1] - edges[b]) * t / sub, xb = edges[b] + (edges[b + 1] - edges[b]) * (t + 1) / sub;
                double ea = f0 + (f1 - f0) * t / sub, eb = f0 + (f1 - f0) * (t + 1) / sub;
                double da = ea - p.Cdf(xa), db = eb - p.Cdf(xb);
                w1 += AbsIntegralLinear(da, db, xb - xa);
                ks = Math.Max(ks, Math.Max(Math.Abs(da), Math.Abs(db)));
            }
            fEmp = f1;
        }
        // tails of the reference outside the histogram range (empirical CDF flat there)
        w1 += TailIntegral(p, p.Lo, h.Lo, h.Underflow / n) + TailIntegral(p, h.Hi, p.Hi, 1 - h.Overflow / n);
        return new DistanceReport(TotalVariation(h, p), ks, w1, h.Total, true);
    }

    // ---- two samples ------------------------------------------------------------------------------------

    /// <summary>sup |F_a − F_b| between two samples.</summary>
    public static double KolmogorovSmirnov(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var x = Sorted(a);
        var y = Sorted(b);
        int i = 0, j = 0;
        double d = 0;
        while (i < x.Length && j < y.Length)
        {
            double v = Math.Min(x[i], y[j]);
            while (i < x.Length && x[i] <= v) i++;
            while (j < y.Length && y[j] <= v) j++;
            d = Math.Max(d, Math.Abs((double)i / x.Length - (double)j / y.Length));
        }
        return d;
    }

    /// <summary>W1 = ∫|F_a − F_b| dx between two samples (exact).</summary>
    public static double Wasserstein1(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var x = Sorted(a);
        var y = Sorted(b);
        if (x.Length == 0 || y.Length == 0) return double.NaN;
        int i = 0, j = 0;
        double total = 0, prev = Math.Min(x[0], y[0]);
        while (i < x.Length || j < y.Length)
        {
            double v = Math.Min(i < x.Length ? x[i] : double.PositiveInfinity, j < y.Length ? y[j] : double.PositiveInfinity);
            total += Math.Abs((double)i / x.Length - (double)j / y.Length) * (v - prev);
            while (i < x.Length && x[i] <= v) i++;
            while (j < y.Length && y[j] <= v) j++;
            prev = v;
        }
        return total;
    }

    /// <summary>
    /// Unbiased two-sample estimate of the squared Cramér distance ∫(F − G)² dx between the laws of samples a (size n)
    /// and b (size m), and the Wasserstein-1 floor of equal laws. Pointwise, E[(F_a − F_b)²] = (F − G)² + F(1 − F)/n
    /// + G(1 − G)/m and E[F_a(1 − F_a)] = F(1 − F)(n − 1)/n, so (F_a − F_b)² − F_a(1 − F_a)/(n − 1) − F_b(1 − F_b)/(m − 1)
    /// is unbiased for (F − G)²; both empirical CDFs are constant between pooled sample points, so the integral is
    /// summed exactly, piece by piece — the estimate has no 1/n floor (it can be negative when F = G). The floor is
    /// √(2/π)·∫√(F̄(1 − F̄)(1/n + 1/m)) dx with F̄ the pooled empirical CDF: the mean of ∫|F_a − F_b| under equal laws
    /// in the normal approximation, the level below which a W1 distance between the samples is noise.
    /// </summary>
    public static (double Cramer, double W1Floor) CramerUnbiased(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length < 2 || b.Length < 2) throw new ArgumentException("each sample needs at least two values");
        var x = a.ToArray();
        var y = b.ToArray();
        Array.Sort(x);
        Array.Sort(y);
        int n = x.Length, m = y.Length, i = 0, j = 0;
        double total = 0, floor = 0, prev = Math.Min(x[0], y[0]);
        while (i < n || j < m)
        {
            double v = Math.Min(i < n ? x[i] : double.PositiveInfinity, j < m ? y[j] : double.PositiveInfinity);
            double fa = (double)i / n, fb = (double)j / m, dx = v - prev;
            total += ((fa - fb) * (fa - fb) - fa * (1 - fa) / (n - 1) - fb * (1 - fb) / (m - 1)) * dx;
            double pooled = (double)(i + j) / (n + m);
            floor += Math.Sqrt(pooled * (1 - pooled) * (1.0 / n + 1.0 / m)) * dx;
            prev = v;
            while (i < n && x[i] <= v) i++;
            while (j < m && y[j] <= v) j++;
        }
        return (total, Math.Sqrt(2 / Math.PI) * floor);
    }

    /// <summary>½ Σ |p_a − p_b| over common bins (values outside [lo, hi] form two extra bins).</summary>
    public static double TotalVariation(ReadOnlySpan<double> a, ReadOnlySpan<double> b, double lo, double hi, int bins)
    {
        var ha = Histogram1D.Of(a, lo, hi, bins);
        var hb = Histogram1D.Of(b, lo, hi, bins);
        return TotalVariation(ha, hb);
    }

    /// <summary>½ Σ |p_a − p_b| between two histograms of the same binning (with under/overflow bins).</summary>
    public static double TotalVariation(Histogram1D ha, Histogram1D hb)
    {
        double na = Math.Max(1, ha.Total), nb = Math.Max(1, hb.Total);
        double s = Math.Abs(ha.Underflow / na - hb.Underflow / nb) + Math.Abs(ha.Overflow / na - hb.Overflow / nb);
        var ca = ha.Counts;
        var cb = hb.Counts;
        for (int k = 0; k < ca.Length; k++) s += Math.Abs(ca[k] / na - cb[k] / nb);
        return 0.5 * s;
    }

    public static DistanceReport BetweenSamples(ReadOnlySpan<double> a, ReadOnlySpan<double> b, double lo, double hi, int bins) =>
        new(TotalVariation(a, b, lo, hi, bins), KolmogorovSmirnov(a, b), Wasserstein1(a, b), Math.Min(a.Length, b.Length), false);

    /// <summary>
    /// TV, KS and W1 between two histograms with the same binning (under/overflow included in the CDFs; W1 by the
    /// trapezoid rule on the bin edges): the distances when only binned orbits are kept.
    /// </summary>
    public static DistanceReport BetweenHistograms(Histogram1D a, Histogram1D b)
    {
        double na = Math.Max(1, a.Total), nb = Math.Max(1, b.Total);
        double fa = a.Underflow / na, fb = b.Underflow / nb, ks = Math.Abs(fa - fb), w1 = 0;
        var ca = a.Counts;
        var cb = b.Counts;
        for (int i = 0; i < a.Bins; i++)
        {
            double ga = fa + ca[i] / na, gb = fb + cb[i] / nb;
            w1 += 0.5 * (Math.Abs(fa - fb) + Math.Abs(ga - gb)) * a.Width;
            ks = Math.Max(ks, Math.Abs(ga - gb));
            fa = ga;
            fb = gb;
        }
        return new DistanceReport(TotalVariation(a, b), ks, w1, Math.Min(a.Total, b.Total), true);
    }

    /// <summary>½ Σ |p̂_ij − P_ij| for a 2-D histogram against cell masses (plus the mass outside the grid).</summary>
    public static double TotalVariation(Histogram2D h, double[,] cellMasses)
    {
        double n = Math.Max(1, h.Total), inside = 0, s = 0;
        for (int i = 0; i < h.BinsX; i++)
            for (int j = 0; j < h.BinsY; j++)
            {
                s += Math.Abs(h[i, j] / n - cellMasses[i, j]);
                inside += cellMasses[i, j];
            }
        s += Math.Abs(h.Outside / n - Math.Max(0, 1 - inside));
        return 0.5 * s;
    }

    /// <summary>½ Σ |p_a − p_b| between two 2-D histograms of the same binning.</summary>
    public static double TotalVariation(Histogram2D a, Histogram2D b)
    {
        double na = Math.Max(1, a.Total), nb = Math.Max(1, b.Total), s = Math.Abs(a.Outside / na - b.Outside / nb);
        for (int i = 0; i < a.BinsX; i++)
            for (int j = 0; j < a.BinsY; j++) s += Math.Abs(a[i, j] / na - b[i, j] / nb);
        return 0.5 * s;
    }

    /// <summary>
    /// The typical size of the TV-over-bins statistic for a sample of size n from the reference itself, using
    /// E|p̂ − p| ≈ √(2p(1−p)/(πn)) per bin: the noise floor against which a measured TV is judged.
    /// </summary>
    public static double ExpectedTotalVariationNoise(ReadOnlySpan<double> binMasses, long n)
    {
        double s = 0;
        foreach (var p in binMasses) s += Math.Sqrt(2 * p * (1 - p) / (Math.PI * Math.Max(1, n)));
        return 0.5 * s;
    }

    /// <summary>Asymptotic (1 − α) critical value of the one-sample KS statistic: c(α)/√n (Kolmogorov distribution).</summary>
    public static double KolmogorovSmirnovCritical(long n, double alpha = 0.001) =>
        Math.Sqrt(-0.5 * Math.Log(alpha / 2)) / Math.Sqrt(Math.Max(1, n));

    /// <summary>Two-sample KS critical value c(α)·√((n+m)/(nm)).</summary>
    public static double KolmogorovSmirnovCritical(long n, long m, double alpha = 0.001) =>
        Math.Sqrt(-0.5 * Math.Log(alpha / 2)) * Math.Sqrt((double)(n + m) / ((double)n * m));

    private static double[] Sorted(ReadOnlySpan<double> xs)
    {
        var s = xs.ToArray();
        Array.Sort(s);
        return s;
    }

    /// <summary>∫_0^L |a + (b − a)t/L| dt for a linear function with end values a, b.</summary>
    private static double AbsIntegralLinear(double a, double b, double length)
    {
        if (length <= 0) return 0;
        if (a >= 0 && b >= 0 || a <= 0 && b <= 0) return 0.5 * Math.Abs(a + b) * length;
        double t = a / (a - b); // zero crossing fraction
        return 0.5 * length * (Math.Abs(a) * t + Math.Abs(b) * (1 - t));
    }

    private static double TailIntegral(TabulatedDistribution p, double from, double to, double level)
    {
        if (!(to > from)) return 0;
        const int m = 200;
        double h = (to - from) / m, s = 0;
        for (int k = 0; k < m; k++) s += AbsIntegralLinear(p.Cdf(from + k * h) - level, p.Cdf(from + (k + 1) * h) - level, h);
        return s;
    }
}
