namespace ChaosDescent.Statistics;

/// <summary>
/// The batch-means standard error of a time average along a correlated series (a chaotic orbit, a training run).
/// <para>
/// A stationary series x_1 … x_n with integrated autocorrelation time τ = 1 + 2 Σ_{k≥1} ρ_k has
/// Var(x̄) ≈ Var(x)·τ/n, not Var(x)/n: the naive i.i.d. standard error is too small by √τ. Cut the series into B
/// consecutive batches of length L = n/B. When L ≫ τ the batch means are nearly independent, each with variance
/// Var(x)·τ/L, so their sample standard deviation divided by √B estimates the standard error of the overall mean
/// without knowing τ. With B batches the estimate itself has relative standard deviation ≈ 1/√(2(B − 1))
/// (about 16 % for B = 20).
/// </para>
/// <para>
/// <see cref="MeanAndStandardError"/> is the same estimator applied to estimates that are already independent
/// (or nearly so): batch means collected on the fly, batch means pooled over independent orbits, or the replicates
/// of a randomly shifted quasi-Monte Carlo rule.
/// </para>
/// </summary>
public static class BatchMeans
{
    /// <summary>
    /// Mean of k (nearly) independent estimates and its standard error s/√k, s the sample standard deviation
    /// (denominator k − 1). One estimate: (that value, NaN); none: (NaN, NaN).
    /// </summary>
    public static (double Mean, double StandardError) MeanAndStandardError(IReadOnlyList<double> estimates)
    {
        int k = estimates.Count;
        if (k == 0) return (double.NaN, double.NaN);
        double mean = 0;
        for (int i = 0; i < k; i++) mean += estimates[i];
        mean /= k;
        if (k == 1) return (mean, double.NaN);
        double ss = 0;
        for (int i = 0; i < k; i++) ss += (estimates[i] - mean) * (estimates[i] - mean);
        return (mean, Math.Sqrt(ss / (k - 1) / k));
    }

    /// <summary>
    /// Mean of a series and its batch-means standard error: the series is cut into <paramref name="batches"/>
    /// consecutive batches of ⌊n/B⌋ samples (the remainder at the start is dropped, so the batches cover the end
    /// of the series, the most stationary part), SE = sd(batch means)/√B. The mean is over the whole series.
    /// SE is NaN with fewer than 2 samples per batch (or fewer than 2 batches).
    /// </summary>
    public static (double Mean, double StandardError) OfSeries(IReadOnlyList<double> series, int batches)
    {
        int n = series.Count;
        double mean = 0;
        for (int i = 0; i < n; i++) mean += series[i];
        mean /= n;
        if (batches < 2) return (mean, double.NaN);
        int size = n / batches;
        if (size < 2) return (mean, double.NaN);
        int offset = n - size * batches;
        var bm = new double[batches];
        for (int b = 0; b < batches; b++)
        {
            double s = 0;
            for (int i = 0; i < size; i++) s += series[offset + b * size + i];
            bm[b] = s / size;
        }
        return (mean, MeanAndStandardError(bm).StandardError);
    }
}
