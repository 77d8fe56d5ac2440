namespace ChaosDescent.Reporting.Reproduction;

/// <summary>
/// Summaries of one check over independent seeds: pass rate, the 5/50/95% quantiles of the measured value, and
/// whether the number of failures is consistent with the check's design false-alarm rate.
/// </summary>
public static class ReplicateStatistics
{
    /// <summary>
    /// Fills the replicate fields of <paramref name="records"/> (the checks of replicate 0) from the checks of every
    /// replicate (index 0 included). A check missing at a replicate (its experiment threw) counts as a failure there.
    /// </summary>
    public static void Attach(List<CheckRecord> records, IReadOnlyList<IReadOnlyList<Check>> perReplicate)
    {
        int n = perReplicate.Count;
        var byId = perReplicate.Select(list => list.GroupBy(c => c.Id).ToDictionary(g => g.Key, g => g.First())).ToList();
        foreach (var rec in records)
        {
            var measured = new double[n];
            var pass = new bool[n];
            for (int r = 0; r < n; r++)
            {
                if (byId[r].TryGetValue(rec.Id, out var c))
                {
                    measured[r] = c.Measured;
                    pass[r] = c.Pass;
                }
                else
                {
                    measured[r] = double.NaN;
                }
            }
            int failures = pass.Count(p => !p);
            rec.Replicates = n;
            rec.PassRate = (n - failures) / (double)n;
            rec.ReplicateMeasured = measured;
            rec.ReplicatePass = pass;
            rec.MeasuredQuantiles = Quantiles(measured, 0.05, 0.5, 0.95);
            rec.Consistent = IsConsistent(failures, n, rec.FalseAlarmRate ?? Check.ReportBudget);
        }
    }

    /// <summary>
    /// True when P(X ≥ <paramref name="failures"/>) for X ~ Binomial(<paramref name="n"/>, <paramref name="rate"/>)
    /// is at least <see cref="Check.ReportBudget"/>: a failure count that the design rate explains at the same
    /// family-wise level as the checks themselves. With rate 0 (a deterministic check) any failure is inconsistent.
    /// </summary>
    public static bool IsConsistent(int failures, int n, double rate) =>
        failures == 0 || BinomialUpperTail(failures, n, rate) >= Check.ReportBudget;

    /// <summary>P(X ≥ k) for X ~ Binomial(n, p), summed from the top term down (exact for the small n used here).</summary>
    public static double BinomialUpperTail(int k, int n, double p)
    {
        if (k <= 0) return 1;
        if (k > n || p <= 0) return 0;
        if (p >= 1) return 1;
        double sum = 0;
        for (int j = k; j <= n; j++)
            sum += Math.Exp(LogChoose(n, j) + j * Math.Log(p) + (n - j) * double.LogP1(-p));
        return Math.Min(1, sum);
    }

    private static double LogChoose(int n, int k)
    {
        double s = 0;
        for (int i = 1; i <= k; i++) s += Math.Log(n - k + i) - Math.Log(i);
        return s;
    }

    /// <summary>Quantiles (linear interpolation between order statistics, Hyndman–Fan type 7) of the finite values.</summary>
    public static double[] Quantiles(IEnumerable<double> values, params double[] probabilities)
    {
        var x = values.Where(double.IsFinite).OrderBy(v => v).ToArray();
        return probabilities.Select(p =>
        {
            if (x.Length == 0) return double.NaN;
            double h = (x.Length - 1) * p;
            int lo = (int)Math.Floor(h);
            int hi = Math.Min(lo + 1, x.Length - 1);
            return x[lo] + (h - lo) * (x[hi] - x[lo]);
        }).ToArray();
    }

    /// <summary>
    /// Wilson score interval for a binomial proportion of <paramref name="successes"/> in <paramref name="n"/> trials
    /// at normal quantile <paramref name="z"/> (Wilson 1927): well behaved at proportions near 0 or 1.
    /// </summary>
    public static (double Lower, double Upper) Wilson(int successes, int n, double z)
    {
        if (n == 0) return (0, 1);
        double p = successes / (double)n, z2 = z * z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = z / (1 + z2 / n) * Math.Sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }
}
