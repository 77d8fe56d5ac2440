using System.Globalization;
using ChaosDescent.Analyses;
using ChaosDescent.Statistics;
using ChaosDescent.Numerics.Grids;

namespace ChaosDescent.Reporting.Reproduction.Distribution;

/// <summary>
/// Small helpers shared by the distribution experiments (Figs. 1, 3, 4, 5, 10–12): seeds, progress slices and
/// thresholds derived from the sample size.
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

    /// <summary>The Gibbs density on a fine grid over [lo, hi] for overlay plots.</summary>
    public static (double[] X, double[] Y) Curve(TabulatedDistribution p, double lo, double hi, int n = 600, double scale = 1)
    {
        var x = Grid.Linspace(lo, hi, n);
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
