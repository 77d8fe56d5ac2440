using System.Globalization;
using ChaosDescent.Analyses;

namespace ChaosDescent.Reporting.Reproduction.Distribution;

/// <summary>
/// Small helpers shared by the distribution experiments (Figs. 1, 3, 4, 5, 10–12): seeds, progress slices,
/// thresholds derived from the sample size, and the integrated autocorrelation time of an orbit (to turn the
/// length of a correlated orbit into an effective sample size).
/// </summary>
internal static class DistributionTools
{
    /// <summary>A stream seed for one run of an experiment: the report seed mixed with a stable label (FNV-1a).</summary>
    public static ulong SeedFor(ulong seed, string label)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in label)
        {
            h ^= c;
            h *= 1099511628211UL;
        }
        return seed ^ h;
    }

    /// <summary>Maps a sub-task's progress 0..1 to [from, to] of the parent bar.</summary>
    public static IProgress<double>? Slice(IProgress<double>? parent, double from, double to) =>
        parent is null ? null : new SliceProgress(parent, from, to);

    private sealed class SliceProgress(IProgress<double> parent, double from, double to) : IProgress<double>
    {
        public void Report(double value) => parent.Report(from + (to - from) * Math.Clamp(value, 0, 1));
    }

    /// <summary>
    /// Integrated autocorrelation time τ = 1 + 2 Σ_{k≥1} ρ_k of a stationary series, with Sokal's automatic window
    /// (the smallest M with M ≥ c·τ(M), c = 6). The variance of a time average over n steps is Var·τ/n, so n/τ is the
    /// effective number of independent samples. Lags are capped at n/20; for slower series the estimate is a lower
    /// bound and <paramref name="converged"/> is false.
    /// </summary>
    public static double AutocorrelationTime(ReadOnlySpan<double> series, out bool converged)
    {
        int n = series.Length;
        double mean = 0;
        foreach (var v in series) mean += v;
        mean /= n;
        var c = new double[n];
        double c0 = 0;
        for (int i = 0; i < n; i++)
        {
            c[i] = series[i] - mean;
            c0 += c[i] * c[i];
        }
        converged = false;
        if (!(c0 > 0)) return 1;
        double tau = 1;
        int maxLag = Math.Max(1, n / 20);
        for (int k = 1; k <= maxLag; k++)
        {
            double s = 0;
            for (int i = 0; i + k < n; i++) s += c[i] * c[i + k];
            tau += 2 * s / c0;
            if (k >= 6 * tau)
            {
                converged = true;
                break;
            }
        }
        return Math.Max(tau, 1);
    }

    /// <summary>
    /// Mean of |Fn − F| integrated over x for a sample of size n drawn from F itself:
    /// E W1 ≤ ∫ √(F(1 − F)/n) dx (Cauchy–Schwarz on each x), the noise floor of the W1 statistic.
    /// </summary>
    public static double W1NoiseBound(TabulatedDistribution p, double n)
    {
        double s = 0;
        var cdf = p.CdfValues;
        for (int i = 1; i < cdf.Length; i++)
        {
            double fa = cdf[i - 1], fb = cdf[i];
            s += 0.5 * (Math.Sqrt(fa * (1 - fa)) + Math.Sqrt(fb * (1 - fb))) * p.Step;
        }
        return s / Math.Sqrt(Math.Max(1, n));
    }

    /// <summary>Expected TV-over-bins noise of a histogram with n samples from p (same binning as <paramref name="h"/>).</summary>
    public static double TvNoise(Histogram1D h, TabulatedDistribution p, double n)
    {
        var (bins, below, above) = p.BinMasses(h);
        var all = bins.Append(below).Append(above).ToArray();
        return Distances.ExpectedTotalVariationNoise(all, (long)Math.Max(1, n));
    }

    /// <summary>Expected TV noise of a 2-D histogram with n samples against cell masses.</summary>
    public static double TvNoise2D(double[,] cellMasses, double n)
    {
        var all = new List<double>(cellMasses.Length + 1);
        double inside = 0;
        foreach (var m in cellMasses)
        {
            all.Add(m);
            inside += m;
        }
        all.Add(Math.Max(0, 1 - inside));
        return Distances.ExpectedTotalVariationNoise(all.ToArray(), (long)Math.Max(1, n));
    }

    /// <summary>
    /// Standard error of the sample variance of n independent draws with the given variance and excess kurtosis:
    /// Var(s²) ≈ σ⁴ (2 + κ)/n.
    /// </summary>
    public static double VarianceStandardError(double variance, double excessKurtosis, double n) =>
        variance * Math.Sqrt(Math.Max(0, 2 + excessKurtosis) / Math.Max(1, n));

    /// <summary>Evenly spaced points.</summary>
    public static double[] Linspace(double a, double b, int n) =>
        Enumerable.Range(0, n).Select(i => a + (b - a) * i / (n - 1)).ToArray();

    /// <summary>The Gibbs density on a fine grid over [lo, hi] for overlay plots.</summary>
    public static (double[] X, double[] Y) Curve(TabulatedDistribution p, double lo, double hi, int n = 600, double scale = 1)
    {
        var x = Linspace(lo, hi, n);
        return (x.Select(v => v * scale).ToArray(), x.Select(v => p.Density(v) / scale).ToArray());
    }

    /// <summary>Histogram density (count/(N·width)) as a step curve's edges and heights, optionally rescaled in x.</summary>
    public static (double[] Edges, double[] Heights) Steps(Histogram1D h, double scale = 1) =>
        (h.Edges().Select(e => e * scale).ToArray(), h.Density().Select(d => d / scale).ToArray());

    /// <summary>A 2-D histogram's density as z[iy, ix] (the orientation <c>PlotFigure.Heatmap</c> expects), empty cells NaN.</summary>
    public static double[,] HeatmapDensity(Histogram2D h, double scale = 1)
    {
        var z = new double[h.BinsY, h.BinsX];
        double norm = Math.Max(1, h.Total) * h.WidthX * h.WidthY * scale * scale;
        for (int ix = 0; ix < h.BinsX; ix++)
            for (int iy = 0; iy < h.BinsY; iy++)
                z[iy, ix] = h[ix, iy] > 0 ? h[ix, iy] / norm : double.NaN;
        return z;
    }

    public static string Fmt(double v) => Check.Fmt(v);

    public static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
