using ChaosDescent.Numerics.Roots;

namespace ChaosDescent.Analyses.Landscapes.Escapes;

/// <summary>One point of a Kaplan–Meier survival curve: S(t) just after step t, with Greenwood's standard error.</summary>
public sealed record SurvivalPoint(int Step, double Survival, double StandardError, int AtRisk, int Events);

/// <summary>
/// Exit times (in steps, ≥ 1) of N runs, some of which are right-censored (the run ended, or diverged, before the
/// exit). Everything here accounts for censoring:
/// <list type="bullet">
/// <item>the Kaplan–Meier estimate of the survival function P(T &gt; t) with Greenwood's variance, its median and
/// restricted mean;</item>
/// <item>the geometric maximum-likelihood fit P(T = t) = (1 − p)^(t−1) p — the discrete-time exponential law of a
/// memoryless (Eyring–Kramers-like) escape — with censored runs contributing (1 − p)^c: p̂ = d / Σ tᵢ where d is the
/// number of exits and Σ tᵢ counts every run's steps (exit or censoring time). The mean exit time is 1/p̂, with a
/// profile-likelihood confidence interval (likelihood-ratio statistic against χ²₁);</item>
/// <item>when nothing is censored, the plain sample mean with a normal-theory interval, which assumes no model.</item>
/// </list>
/// </summary>
public sealed class ExitTimeStatistics
{
    private readonly int[] _times;      // exit or censoring step, sorted ascending
    private readonly bool[] _observed;  // true = exit observed, false = censored

    /// <param name="times">Exit step, or the censoring step for a censored run (≥ 0).</param>
    /// <param name="observed">True where the exit was observed.</param>
    public ExitTimeStatistics(IReadOnlyList<int> times, IReadOnlyList<bool> observed)
    {
        if (times.Count != observed.Count) throw new ArgumentException("times and flags differ in length");
        var order = Enumerable.Range(0, times.Count).OrderBy(i => times[i]).ThenBy(i => observed[i] ? 0 : 1).ToArray();
        _times = order.Select(i => times[i]).ToArray();
        _observed = order.Select(i => observed[i]).ToArray();
        if (_times.Any(t => t < 0)) throw new ArgumentException("negative time");
        if (_times.Where((t, i) => _observed[i] && t < 1).Any()) throw new ArgumentException("an observed exit needs t ≥ 1");
        Count = _times.Length;
        Exits = _observed.Count(o => o);
        Exposure = _times.Sum(t => (double)t);
    }

    /// <summary>Number of runs.</summary>
    public int Count { get; }

    /// <summary>Number of observed exits d.</summary>
    public int Exits { get; }

    public int Censored => Count - Exits;

    /// <summary>Σ tᵢ over all runs (the geometric/exponential likelihood's total time at risk).</summary>
    public double Exposure { get; }

    /// <summary>Fraction of runs whose exit was observed.</summary>
    public double ExitFraction => Count == 0 ? double.NaN : (double)Exits / Count;

    /// <summary>Geometric MLE of the per-step exit probability, d / Σ tᵢ.</summary>
    public double ExitProbabilityPerStep => Exposure > 0 ? Exits / Exposure : double.NaN;

    /// <summary>1/p̂: the geometric model's mean exit time (NaN without exits).</summary>
    public double GeometricMean => Exits > 0 ? Exposure / Exits : double.NaN;

    /// <summary>
    /// Profile-likelihood interval for the mean 1/p: the p with 2(ℓ(p̂) − ℓ(p)) = χ²₁(level), ℓ(p) = d ln p + (Σt − d) ln(1 − p).
    /// With no exit, the lower end is the Σt at which ℓ drops by the same amount from p = 0 and the upper end is ∞.
    /// </summary>
    public (double Lo, double Hi) GeometricMeanInterval(double level = 0.95) => GeometricMeanInterval(Exits, Exposure, level);

    /// <summary>
    /// The geometric model's profile-likelihood interval for the mean 1/p from d events in s trials (steps at risk):
    /// ℓ(p) = d ln p + (s − d) ln(1 − p), interval {p : 2(ℓ(p̂) − ℓ(p)) ≤ χ²₁(level)}, mapped to 1/p. With d = 0 the
    /// likelihood peaks at p = 0, so the interval is [1/p_up, ∞).
    /// </summary>
    public static (double Lo, double Hi) GeometricMeanInterval(double d, double s, double level = 0.95)
    {
        if (!(s > 0) || d < 0 || d > s) return (double.NaN, double.NaN);
        double crit = ChiSquare1Quantile(level);
        double LogLik(double p) => (d > 0 ? d * Math.Log(p) : 0) + (s - d) * Log1P(-p);
        if (d == 0)
        {
            double pUp = -ExpM1(-crit / (2 * s));
            return (1 / pUp, double.PositiveInfinity);
        }
        double pHat = d / s;
        if (pHat >= 1) return (1, 1);
        double target = LogLik(pHat) - crit / 2;
        // lower p: ℓ increases on (0, p̂)
        double lo = pHat, hi = pHat;
        while (LogLik(lo) > target && lo > 1e-300) lo *= 0.5;
        double pLo = Bisection.Boundary(p => !(LogLik(p) > target), lo, hi);
        // upper p: ℓ decreases on (p̂, 1)
        lo = pHat;
        hi = pHat;
        while (hi < 1 - 1e-16 && LogLik(hi) > target) hi = Math.Min(1 - 1e-16, 2 * hi);
        double pHi;
        if (LogLik(hi) > target) pHi = 1;
        else
        {
            pHi = Bisection.Boundary(p => LogLik(p) > target, lo, hi);
        }
        return (1 / pHi, 1 / pLo);
    }

    /// <summary>Sample mean of the exit times when none is censored (NaN otherwise).</summary>
    public double SampleMean => Censored == 0 && Count > 0 ? _times.Average() : double.NaN;

    /// <summary>Normal-theory interval for <see cref="SampleMean"/> (mean ± z·s/√n).</summary>
    public (double Lo, double Hi) SampleMeanInterval(double level = 0.95)
    {
        if (Censored > 0 || Count < 2) return (double.NaN, double.NaN);
        double m = SampleMean, v = _times.Sum(t => (t - m) * (t - m)) / (Count - 1);
        double z = NormalQuantile(0.5 + level / 2), h = z * Math.Sqrt(v / Count);
        return (m - h, m + h);
    }

    /// <summary>
    /// The headline mean exit time: the sample mean when nothing is censored (model-free), else the geometric MLE
    /// with censoring; with its interval and the name of the method.
    /// </summary>
    public (double Mean, double Lo, double Hi, string Method) MeanExitTime(double level = 0.95)
    {
        if (Count == 0) return (double.NaN, double.NaN, double.NaN, "none");
        if (Censored == 0)
        {
            var (lo, hi) = SampleMeanInterval(level);
            return (SampleMean, lo, hi, "sample_mean");
        }
        var (glo, ghi) = GeometricMeanInterval(level);
        return (GeometricMean, glo, ghi, "geometric_mle_censored");
    }

    /// <summary>Kaplan–Meier survival curve at every step where an exit happened (S = 1 before the first).</summary>
    public IReadOnlyList<SurvivalPoint> KaplanMeier()
    {
        var points = new List<SurvivalPoint>();
        double s = 1, greenwood = 0;
        int atRisk = Count, i = 0;
        while (i < _times.Length)
        {
            int t = _times[i], events = 0, removed = 0;
            while (i < _times.Length && _times[i] == t)
            {
                if (_observed[i]) events++;
                removed++;
                i++;
            }
            if (events > 0 && atRisk > 0)
            {
                s *= 1 - (double)events / atRisk;
                if (atRisk > events) greenwood += events / ((double)atRisk * (atRisk - events));
                points.Add(new SurvivalPoint(t, s, s * Math.Sqrt(greenwood), atRisk, events));
            }
            atRisk -= removed;
        }
        return points;
    }

    /// <summary>Kaplan–Meier S(t) = P(T &gt; t).</summary>
    public double SurvivalAt(int step)
    {
        double s = 1;
        foreach (var p in KaplanMeier())
        {
            if (p.Step > step) break;
            s = p.Survival;
        }
        return s;
    }

    /// <summary>Kaplan–Meier median (first step with S ≤ ½), or NaN when S stays above ½ (too much censoring).</summary>
    public double Median => KaplanMeier().FirstOrDefault(p => p.Survival <= 0.5)?.Step ?? double.NaN;

    /// <summary>Restricted mean Σ_(t=0)^(τ−1) S(t) = E[min(T, τ)] up to τ (default: the largest time).</summary>
    public double RestrictedMean(int? horizon = null)
    {
        int tau = horizon ?? (_times.Length > 0 ? _times[^1] : 0);
        double total = 0, s = 1;
        int prev = 0;
        foreach (var p in KaplanMeier())
        {
            if (p.Step >= tau) break;
            total += s * (p.Step - prev);
            prev = p.Step;
            s = p.Survival;
        }
        total += s * (tau - prev);
        return total;
    }

    /// <summary>
    /// Largest gap sup_t |S_KM(t) − (1 − p̂)^t| over the exit steps: how far the exits are from memoryless.
    /// </summary>
    public double GeometricFitDeviation()
    {
        double p = ExitProbabilityPerStep, dev = 0, prevS = 1;
        if (!(p > 0)) return double.NaN;
        foreach (var pt in KaplanMeier())
        {
            double model = Math.Exp(pt.Step * Log1P(-p));
            double modelBefore = Math.Exp((pt.Step - 1) * Log1P(-p));
            dev = Math.Max(dev, Math.Max(Math.Abs(pt.Survival - model), Math.Abs(prevS - modelBefore)));
            prevS = pt.Survival;
        }
        return dev;
    }

    /// <summary>The exit steps observed (not censored), sorted.</summary>
    public int[] ObservedTimes() => _times.Where((_, i) => _observed[i]).ToArray();

    // ---- quantiles ----------------------------------------------------------------------------------------

    /// <summary>χ²₁ quantile: z² with z the (1+level)/2 normal quantile.</summary>
    public static double ChiSquare1Quantile(double level)
    {
        double z = NormalQuantile(0.5 + level / 2);
        return z * z;
    }

    /// <summary>Standard normal quantile (MathNet's inverse CDF).</summary>
    public static double NormalQuantile(double p)
    {
        if (!(p > 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p));
        return MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, p);
    }

    // .NET's double.LogP1/ExpM1 are log(1 + x)/exp(x) − 1 as written (cancellation for tiny x); these keep full precision.
    private static double Log1P(double x) => Math.Abs(x) < 1e-4 ? x * (1 - x * (0.5 - x * (1.0 / 3 - 0.25 * x))) : Math.Log(1 + x);

    private static double ExpM1(double x) => Math.Abs(x) < 1e-4 ? x * (1 + x * (0.5 + x * (1.0 / 6 + x / 24))) : Math.Exp(x) - 1;
}
