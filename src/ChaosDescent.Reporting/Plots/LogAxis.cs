using System.Globalization;
using ScottPlot;

namespace ChaosDescent.Reporting.Plots;

/// <summary>Tick marks for axes that show log10 of the data (the one log-tick rule of the plot modules).</summary>
public static class LogAxis
{
    /// <summary>
    /// Log-scale ticks for an axis whose data are log10 values in [lo, hi]: labels at the powers of ten, and also at
    /// 2× and 5× when the range spans fewer than two decades; unlabelled minor ticks at 2..9 × 10^k.
    /// </summary>
    public static void Ticks(IAxis axis, double lo, double hi)
    {
        var gen = new ScottPlot.TickGenerators.NumericManual();
        double span = hi - lo;
        bool dense = span < 2;
        // Over many decades, label every 2nd/5th/10th power and keep minor ticks only at the others.
        int every = span <= 8 ? 1 : span <= 16 ? 2 : span <= 40 ? 5 : 10;
        for (int k = (int)Math.Floor(lo) - 1; k <= (int)Math.Ceiling(hi) + 1; k++)
            for (int m = 1; m <= 9; m++)
            {
                double v = k + Math.Log10(m);
                if (v < lo - 1e-9 || v > hi + 1e-9) continue;
                if ((m == 1 && ((k % every) + every) % every == 0) || (dense && m is 2 or 5)) gen.AddMajor(v, Label(k, m));
                else if (every == 1 || m == 1) gen.AddMinor(v);
            }
        axis.TickGenerator = gen;
    }

    private static string Label(int k, int m) =>
        k is >= -3 and <= 3 ? (m * Math.Pow(10, k)).ToString("0.####", CultureInfo.InvariantCulture) : (m == 1 ? "" : m + "·") + "1e" + k.ToString(CultureInfo.InvariantCulture);

    /// <summary>Sets log ticks from the plotted log10 data range.</summary>
    public static void Ticks(IAxis axis, IEnumerable<double> log10Values)
    {
        var v = log10Values.Where(double.IsFinite).ToArray();
        if (v.Length > 0) Ticks(axis, v.Min(), v.Max());
    }
}
