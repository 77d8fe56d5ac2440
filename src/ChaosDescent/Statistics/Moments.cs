namespace ChaosDescent.Statistics;

/// <summary>Streaming mean/variance/skewness/kurtosis (Welford/Terriberry updates); NaN values are skipped and counted.</summary>
public sealed class RunningMoments
{
    private double _m1, _m2, _m3, _m4;

    public long Count { get; private set; }
    public long NonFinite { get; private set; }
    public double Min { get; private set; } = double.PositiveInfinity;
    public double Max { get; private set; } = double.NegativeInfinity;

    public void Add(double x)
    {
        if (!double.IsFinite(x)) { NonFinite++; return; }
        long n1 = Count;
        Count++;
        double delta = x - _m1, dn = delta / Count, dn2 = dn * dn, term1 = delta * dn * n1;
        _m1 += dn;
        _m4 += term1 * dn2 * ((double)Count * Count - 3 * Count + 3) + 6 * dn2 * _m2 - 4 * dn * _m3;
        _m3 += term1 * dn * (Count - 2) - 3 * dn * _m2;
        _m2 += term1;
        if (x < Min) Min = x;
        if (x > Max) Max = x;
    }

    public void AddRange(ReadOnlySpan<double> xs)
    {
        foreach (var x in xs) Add(x);
    }

    /// <summary>
    /// Adds another accumulator's samples: the pairwise update of Chan, Golub &amp; LeVeque (1979) extended to the third
    /// and fourth central moments (Pébay 2008), so that partial moments of blocks can be combined in a fixed order.
    /// </summary>
    public void Merge(RunningMoments other)
    {
        NonFinite += other.NonFinite;
        if (other.Count == 0) return;
        if (Count == 0)
        {
            (_m1, _m2, _m3, _m4, Count, Min, Max) = (other._m1, other._m2, other._m3, other._m4, other.Count, other.Min, other.Max);
            return;
        }
        double na = Count, nb = other.Count, n = na + nb, delta = other._m1 - _m1, d2 = delta * delta;
        double m2 = _m2 + other._m2 + d2 * na * nb / n;
        double m3 = _m3 + other._m3 + d2 * delta * na * nb * (na - nb) / (n * n) + 3 * delta * (na * other._m2 - nb * _m2) / n;
        double m4 = _m4 + other._m4 + d2 * d2 * na * nb * (na * na - na * nb + nb * nb) / (n * n * n)
            + 6 * d2 * (na * na * other._m2 + nb * nb * _m2) / (n * n) + 4 * delta * (na * other._m3 - nb * _m3) / n;
        _m1 += delta * nb / n;
        (_m2, _m3, _m4) = (m2, m3, m4);
        Count += other.Count;
        Min = Math.Min(Min, other.Min);
        Max = Math.Max(Max, other.Max);
    }

    public double Mean => Count > 0 ? _m1 : double.NaN;

    /// <summary>Population variance (divides by n).</summary>
    public double Variance => Count > 0 ? _m2 / Count : double.NaN;

    /// <summary>Unbiased sample variance (divides by n − 1).</summary>
    public double SampleVariance => Count > 1 ? _m2 / (Count - 1) : double.NaN;

    public double StandardDeviation => Math.Sqrt(Variance);
    public double Skewness => Count > 2 && _m2 > 0 ? Math.Sqrt(Count) * _m3 / Math.Pow(_m2, 1.5) : double.NaN;
    public double ExcessKurtosis => Count > 3 && _m2 > 0 ? Count * _m4 / (_m2 * _m2) - 3 : double.NaN;

    public Moments Snapshot() => new(Count, Mean, Variance, Skewness, ExcessKurtosis, Min, Max);

    public static Moments Of(ReadOnlySpan<double> xs)
    {
        var r = new RunningMoments();
        r.AddRange(xs);
        return r.Snapshot();
    }
}

/// <summary>Summary moments of a sample.</summary>
public sealed record Moments(long Count, double Mean, double Variance, double Skewness, double ExcessKurtosis, double Min, double Max)
{
    /// <summary>Standard error of the mean for independent samples.</summary>
    public double StandardErrorOfMean => Math.Sqrt(Variance / Math.Max(1, Count));

    /// <summary>E[x²] = Var + mean².</summary>
    public double SecondMoment => Variance + Mean * Mean;
}
