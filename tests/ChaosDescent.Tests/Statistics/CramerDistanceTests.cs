using ChaosDescent.Numerics;
using ChaosDescent.Statistics;

namespace ChaosDescent.Tests.Statistics;

/// <summary>
/// The unbiased two-sample squared Cramér distance (<see cref="Distances.CramerUnbiased"/>), checked as an estimator:
/// its mean over R independent replicates must match the exact ∫(F − G)² within 4.5 standard errors of that mean
/// (a two-sided normal tail of 7·10⁻⁶ per assertion; R = 400 replicates make the mean nearly normal). The seeds are
/// fixed, so each assertion is a deterministic consequence of the estimator, and the bands are what the sample size
/// allows, not what one run happened to give.
/// </summary>
public class CramerDistanceTests
{
    private const int Replicates = 400;
    private const double Z = 4.5;

    private static (double Mean, double StandardError, double NaiveMean) Replicate(int n, int m, double shift, ulong seed)
    {
        var estimates = new double[Replicates];
        double naive = 0;
        var a = new double[n];
        var b = new double[m];
        for (int r = 0; r < Replicates; r++)
        {
            var rng = Xoshiro256.ForStream(seed, (ulong)r);
            for (int i = 0; i < n; i++) a[i] = rng.NextDouble();
            for (int i = 0; i < m; i++) b[i] = shift + rng.NextDouble();
            estimates[r] = Distances.CramerUnbiased(a, b).Cramer;
            naive += NaiveSquaredCramer(a, b) / Replicates;
        }
        double mean = estimates.Average();
        double sd = Math.Sqrt(estimates.Sum(e => (e - mean) * (e - mean)) / (Replicates - 1));
        return (mean, sd / Math.Sqrt(Replicates), naive);
    }

    /// <summary>∫(F_a − F_b)² dx with no correction: biased upwards by ∫F(1 − F)/n + G(1 − G)/m.</summary>
    private static double NaiveSquaredCramer(double[] a, double[] b)
    {
        var pooled = a.Concat(b).Order().ToArray();
        double total = 0;
        for (int k = 0; k + 1 < pooled.Length; k++)
        {
            double v = pooled[k];
            double fa = a.Count(t => t <= v) / (double)a.Length, fb = b.Count(t => t <= v) / (double)b.Length;
            total += (fa - fb) * (fa - fb) * (pooled[k + 1] - v);
        }
        return total;
    }

    [Fact]
    public void EqualLawsGiveZeroOnAverageWhileTheUncorrectedIntegralIsBiased()
    {
        // U(0,1) against U(0,1): ∫(F − G)² = 0. The uncorrected integral's mean is ∫x(1 − x)dx·(1/n + 1/m) = (1/6)(1/n + 1/m).
        const int n = 120, m = 80;
        var (mean, se, naive) = Replicate(n, m, shift: 0, seed: 11);
        Assert.InRange(mean, -Z * se, Z * se);
        double bias = (1.0 / 6) * (1.0 / n + 1.0 / m);
        Assert.True(Math.Abs(naive - bias) < 0.25 * bias, $"uncorrected mean {naive} against its bias {bias}");
        Assert.True(bias > 2 * Z * se, "the test has the power to see the bias the correction removes");
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.1)]
    public void ShiftedUniformsGiveTheExactIntegral(double shift)
    {
        // U(0,1) against U(δ, 1 + δ), δ < 1: F − G = x on [0, δ], δ on [δ, 1], 1 + δ − x on [1, 1 + δ], so
        // ∫(F − G)² = δ³/3 + δ²(1 − δ) + δ³/3 = δ² − δ³/3.
        var (mean, se, _) = Replicate(150, 150, shift, seed: 23);
        double exact = shift * shift - shift * shift * shift / 3;
        Assert.InRange(mean, exact - Z * se, exact + Z * se);
    }

    [Fact]
    public void TheFloorIsTheNullMeanOfTheW1Distance()
    {
        // Under equal laws E∫|F_a − F_b| = ∫E|F_a − F_b| ≈ √(2/π)∫σ(x) with σ² = F(1 − F)(1/n + 1/m) (normal
        // approximation of the binomial difference; its relative error is O(n^(−1/2)) at the tails of F, a few percent
        // at n = m = 400 — hence the 5% band on top of the sampling error).
        const int n = 400;
        var w1 = new double[Replicates];
        double floor = 0;
        var a = new double[n];
        var b = new double[n];
        for (int r = 0; r < Replicates; r++)
        {
            var rng = Xoshiro256.ForStream(31, (ulong)r);
            for (int i = 0; i < n; i++) a[i] = rng.NextGaussian();
            for (int i = 0; i < n; i++) b[i] = rng.NextGaussian();
            w1[r] = Distances.Wasserstein1(a, b);
            floor += Distances.CramerUnbiased(a, b).W1Floor / Replicates;
        }
        double mean = w1.Average();
        double se = Math.Sqrt(w1.Sum(e => (e - mean) * (e - mean)) / (Replicates - 1) / Replicates);
        Assert.InRange(mean, floor * 0.95 - Z * se, floor * 1.05 + Z * se);
    }

    [Fact]
    public void RejectsSamplesTooSmallForTheCorrection()
    {
        Assert.Throws<ArgumentException>(() => Distances.CramerUnbiased([1.0], [1.0, 2.0]));
    }
}
