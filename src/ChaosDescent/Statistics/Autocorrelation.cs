namespace ChaosDescent.Statistics;

/// <summary>
/// Autocorrelation of a stationary series: how many steps of a correlated orbit make one independent sample
/// (Sokal, "Monte Carlo methods in statistical mechanics", 1997, Sec. 3). Its companion for standard errors is
/// <see cref="BatchMeans"/>.
/// </summary>
public static class Autocorrelation
{
    /// <summary>
    /// Integrated autocorrelation time τ = 1 + 2 Σ_{k≥1} ρ_k of a stationary series, with Sokal's automatic window
    /// (the smallest M with M ≥ c·τ(M), c = 6). The variance of a time average over n steps is Var·τ/n, so n/τ is the
    /// effective number of independent samples. Lags are capped at n/20; for slower series the estimate is a lower
    /// bound and <paramref name="converged"/> is false.
    /// </summary>
    public static double IntegratedTime(ReadOnlySpan<double> series, out bool converged)
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
}
