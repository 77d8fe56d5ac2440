using ChaosDescent.Numerics;
using ChaosDescent.Statistics;

namespace ChaosDescent.Tests.Statistics;

public class BatchMeansTests
{
    [Fact]
    public void StandardErrorMatchesIndependentSamples()
    {
        // i.i.d. N(0,1) samples: SE ≈ 1/√n. With 20 batches the SE estimate has relative sd ≈ 1/√(2·19) ≈ 0.16;
        // the band [0.5, 1.5]·(1/√n) is about ±3 sd.
        var rng = Xoshiro256.ForStream(77, 0);
        var x = Enumerable.Range(0, 20000).Select(_ => rng.NextGaussian()).ToArray();
        var (mean, se) = BatchMeans.OfSeries(x, 20);
        double expected = 1 / Math.Sqrt(x.Length);
        Assert.InRange(se, 0.5 * expected, 1.5 * expected);
        Assert.InRange(mean, -4 * expected, 4 * expected);
    }

    [Fact]
    public void StandardErrorOfIidNormalsWithManyBatches()
    {
        // σ = 3, n = 100 000 in 100 batches: SE = σ/√n up to the estimate's relative sd 1/√(2·99) ≈ 0.071 (band ±4 sd)
        var rng = Xoshiro256.ForStream(5, 1);
        const double sigma = 3;
        var x = Enumerable.Range(0, 100_000).Select(_ => 2 + sigma * rng.NextGaussian()).ToArray();
        var (mean, se) = BatchMeans.OfSeries(x, 100);
        double expected = sigma / Math.Sqrt(x.Length);
        Assert.InRange(se, (1 - 4 * 0.071) * expected, (1 + 4 * 0.071) * expected);
        Assert.InRange(mean, 2 - 4 * expected, 2 + 4 * expected);
    }

    [Fact]
    public void StandardErrorOfAnAr1SeriesIncludesItsAutocorrelationTime()
    {
        // x_t = φ x_{t−1} + √(1 − φ²) ξ_t: stationary variance 1, ρ_k = φ^k, integrated autocorrelation time
        // τ = (1 + φ)/(1 − φ) = 19 for φ = 0.9, so SE(x̄) = √(τ/n). Batches of 4000 ≫ τ: the batch-means estimate
        // has relative sd ≈ 1/√(2·99) ≈ 0.071 plus a bias of order τ/L ≈ 0.5 %; band ±4 sd. The i.i.d. formula
        // 1/√n is √19 ≈ 4.4 times too small, far outside the band.
        const double phi = 0.9;
        const int n = 400_000;
        var rng = Xoshiro256.ForStream(2020, 3);
        var x = new double[n];
        double c = Math.Sqrt(1 - phi * phi), prev = rng.NextGaussian(); // start in the stationary law
        for (int t = 0; t < n; t++) x[t] = prev = phi * prev + c * rng.NextGaussian();
        var (mean, se) = BatchMeans.OfSeries(x, 100);
        double tau = (1 + phi) / (1 - phi), expected = Math.Sqrt(tau / n);
        Assert.InRange(se, (1 - 4 * 0.071) * expected, (1 + 4 * 0.071) * expected);
        Assert.InRange(mean, -4 * expected, 4 * expected);
        Assert.True(se > 3 * (1 / Math.Sqrt(n)), "batch means must see the correlation the i.i.d. formula misses");
    }

    [Fact]
    public void MeanAndStandardErrorOfIndependentEstimatesIsTheClosedForm()
    {
        // {1, 2, 3, 6}: mean 3, sample variance (4 + 1 + 0 + 9)/3 = 14/3, SE = √(14/3/4)
        var (mean, se) = BatchMeans.MeanAndStandardError([1.0, 2.0, 3.0, 6.0]);
        Assert.Equal(3, mean, 14);
        Assert.Equal(Math.Sqrt(14.0 / 3 / 4), se, 14);
        var one = BatchMeans.MeanAndStandardError([4.5]);
        Assert.Equal(4.5, one.Mean);
        Assert.True(double.IsNaN(one.StandardError));
        var none = BatchMeans.MeanAndStandardError([]);
        Assert.True(double.IsNaN(none.Mean) && double.IsNaN(none.StandardError));
    }

    [Fact]
    public void OfSeriesDropsTheRemainderAtTheStartAndAveragesTheWholeSeries()
    {
        // 7 values in 3 batches of 2: the first value is left out of the batches ({2,4}, {6,8}, {10,12} → 3, 7, 11,
        // SE = 4/√3), but the mean is over all 7 values.
        double[] x = [100, 2, 4, 6, 8, 10, 12];
        var (mean, se) = BatchMeans.OfSeries(x, 3);
        Assert.Equal(142.0 / 7, mean, 12);
        Assert.Equal(4 / Math.Sqrt(3), se, 12);
        Assert.True(double.IsNaN(BatchMeans.OfSeries(x, 4).StandardError)); // batches of 1 sample
    }
}
