using ChaosDescent.Analyses.Landscapes.Escapes;
using ChaosDescent.Numerics;

namespace ChaosDescent.Tests.Analyses.Landscapes.Escapes;

public class ExitTimeStatisticsTests
{
    [Fact]
    public void KaplanMeierAndGreenwoodOnAHandExample()
    {
        // times 1, 2, 2, 3 (censored), 4:  S(1) = 4/5, S(2) = 4/5 · 2/4 = 2/5, S(4) = 0
        var s = new ExitTimeStatistics([1, 2, 2, 3, 4], [true, true, true, false, true]);
        var km = s.KaplanMeier();
        Assert.Equal(3, km.Count);
        Assert.Equal(0.8, km[0].Survival, 1e-15);
        Assert.Equal(0.4, km[1].Survival, 1e-15);
        Assert.Equal(0.0, km[2].Survival, 1e-15);
        // Greenwood: S(2)² (1/(5·4) + 2/(4·2)) = 0.16 · 0.3
        Assert.Equal(Math.Sqrt(0.16 * 0.3), km[1].StandardError, 1e-15);
        Assert.Equal(2, s.Median);
        Assert.Equal(4, s.Exits);
        Assert.Equal(12, s.Exposure);
        // restricted mean to τ = 4: Σ_{t<4} S(t) = 1 + 0.8 + 0.4 + 0.4
        Assert.Equal(2.6, s.RestrictedMean(), 1e-12);
    }

    [Fact]
    public void GeometricExitsWithCensoringAreEstimatedWithoutBias()
    {
        // T ~ Geometric(p) on {1, 2, …}; runs end at c = 150, so (1 - p)^150 ≈ 22 % are censored
        const double p = 0.01;
        const int n = 20_000, c = 150;
        var rng = Xoshiro256.ForStream(7, 0);
        var times = new int[n];
        var observed = new bool[n];
        for (int i = 0; i < n; i++)
        {
            int t = 1;
            while (rng.NextDouble() >= p) t++;
            observed[i] = t <= c;
            times[i] = Math.Min(t, c);
        }
        var s = new ExitTimeStatistics(times, observed);
        Assert.InRange(s.Censored, 0.18 * n, 0.26 * n);
        // Fisher information of the censored geometric likelihood: d/p² + (S − d)/(1 − p)²
        double info = s.Exits / (p * p) + (s.Exposure - s.Exits) / ((1 - p) * (1 - p));
        Assert.InRange(s.ExitProbabilityPerStep, p - 4 / Math.Sqrt(info), p + 4 / Math.Sqrt(info));
        var (mean, lo, hi, method) = s.MeanExitTime();
        Assert.Equal("geometric_mle_censored", method);
        Assert.InRange(1 / p, lo, hi);
        Assert.True(lo < mean && mean < hi);
        // ignoring the censoring would be badly biased: the mean of the observed exits is far below 1/p
        Assert.True(s.ObservedTimes().Average() < 0.7 / p);
        // Kaplan–Meier at t = 50 against (1 − p)^50, within 4 Greenwood standard errors
        var pt = s.KaplanMeier().Last(q => q.Step <= 50);
        Assert.InRange(Math.Pow(1 - p, 50), pt.Survival - 4 * pt.StandardError, pt.Survival + 4 * pt.StandardError);
        Assert.True(s.GeometricFitDeviation() < 0.02);
    }

    [Fact]
    public void WithoutCensoringTheSampleMeanIsUsed()
    {
        var s = new ExitTimeStatistics([2, 4, 6, 8], [true, true, true, true]);
        var (mean, lo, hi, method) = s.MeanExitTime();
        Assert.Equal("sample_mean", method);
        Assert.Equal(5, mean);
        double half = 1.959963984540054 * Math.Sqrt(20.0 / 3 / 4);
        Assert.Equal(5 - half, lo, 1e-9);
        Assert.Equal(5 + half, hi, 1e-9);
    }

    [Fact]
    public void NoExitGivesAOneSidedInterval()
    {
        // ℓ(p) = S ln(1 − p) drops by χ²₁(0.95)/2 at p_up = 1 − exp(−3.8415/(2S))
        var (lo, hi) = ExitTimeStatistics.GeometricMeanInterval(0, 1000);
        Assert.Equal(1 / (1 - Math.Exp(-3.841458820694124 / 2000)), lo, 1e-6);
        Assert.Equal(double.PositiveInfinity, hi);
    }

    [Fact]
    public void ProfileIntervalHasTheLikelihoodRatioLevel()
    {
        double d = 40, s = 4000;
        var (lo, hi) = ExitTimeStatistics.GeometricMeanInterval(d, s);
        double L(double p) => d * Math.Log(p) + (s - d) * Math.Log(1 - p);
        double peak = L(d / s);
        Assert.Equal(3.841458820694124, 2 * (peak - L(1 / lo)), 1e-6);
        Assert.Equal(3.841458820694124, 2 * (peak - L(1 / hi)), 1e-6);
        Assert.True(lo < s / d && s / d < hi);
    }
}
