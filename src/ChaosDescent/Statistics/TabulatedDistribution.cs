namespace ChaosDescent.Statistics;

/// <summary>
/// A 1-D probability law given by density values on a uniform grid (normalized here by Simpson's rule), with a CDF
/// (cumulative Simpson/trapezoid, linear between nodes), moments and quantiles. Used for the rescaled Gibbs law and
/// its marginals.
/// </summary>
public sealed class TabulatedDistribution
{
    private readonly double[] _x, _p, _cdf;

    /// <summary>Builds from an odd number of uniform grid nodes and unnormalized non-negative density values.</summary>
    public TabulatedDistribution(double lo, double hi, double[] unnormalized)
    {
        int m = unnormalized.Length;
        if (m < 3 || m % 2 == 0) throw new ArgumentException("need an odd number ≥ 3 of grid nodes");
        double h = (hi - lo) / (m - 1);
        _x = new double[m];
        for (int i = 0; i < m; i++) _x[i] = lo + i * h;
        double z = Simpson(unnormalized, h);
        if (!(z > 0) || !double.IsFinite(z)) throw new ArgumentException("density does not normalize");
        _p = unnormalized.Select(v => v / z).ToArray();
        // CDF at nodes: trapezoid with a Simpson correction on each pair keeps it consistent with the normalization.
        _cdf = new double[m];
        for (int i = 1; i < m; i++) _cdf[i] = _cdf[i - 1] + 0.5 * h * (_p[i - 1] + _p[i]);
        double end = _cdf[^1];
        for (int i = 0; i < m; i++) _cdf[i] /= end;
        Lo = lo;
        Hi = hi;
        Step = h;
        Normalizer = z;
    }

    public double Lo { get; }
    public double Hi { get; }
    public double Step { get; }

    /// <summary>Z of the unnormalized values (Simpson).</summary>
    public double Normalizer { get; }

    public ReadOnlySpan<double> Grid => _x;
    public ReadOnlySpan<double> DensityValues => _p;
    public ReadOnlySpan<double> CdfValues => _cdf;

    private static double Simpson(double[] f, double h)
    {
        double s = f[0] + f[^1];
        for (int i = 1; i < f.Length - 1; i++) s += (i % 2 == 1 ? 4 : 2) * f[i];
        return s * h / 3;
    }

    /// <summary>Density by linear interpolation between nodes (0 outside the grid).</summary>
    public double Density(double x)
    {
        if (!(x >= Lo && x <= Hi)) return 0;
        double t = (x - Lo) / Step;
        int i = Math.Min((int)t, _x.Length - 2);
        double w = t - i;
        return (1 - w) * _p[i] + w * _p[i + 1];
    }

    /// <summary>P(X ≤ x), linear between nodes.</summary>
    public double Cdf(double x)
    {
        if (x <= Lo) return 0;
        if (x >= Hi) return 1;
        double t = (x - Lo) / Step;
        int i = Math.Min((int)t, _x.Length - 2);
        double w = t - i;
        return (1 - w) * _cdf[i] + w * _cdf[i + 1];
    }

    /// <summary>P(a &lt; X ≤ b).</summary>
    public double Mass(double a, double b) => Math.Max(0, Cdf(b) - Cdf(a));

    /// <summary>Inverse CDF by bisection on the tabulated CDF.</summary>
    public double Quantile(double u)
    {
        u = Math.Clamp(u, 0, 1);
        int lo = 0, hi = _cdf.Length - 1;
        while (hi - lo > 1)
        {
            int mid = (lo + hi) / 2;
            if (_cdf[mid] < u) lo = mid; else hi = mid;
        }
        double span = _cdf[hi] - _cdf[lo];
        double w = span > 0 ? (u - _cdf[lo]) / span : 0;
        return _x[lo] + w * Step;
    }

    /// <summary>E[g(X)] by Simpson's rule on the grid.</summary>
    public double Expectation(Func<double, double> g)
    {
        var f = new double[_x.Length];
        for (int i = 0; i < f.Length; i++) f[i] = g(_x[i]) * _p[i];
        return Simpson(f, Step);
    }

    public double Mean => Expectation(x => x);

    public double Variance
    {
        get
        {
            double m = Mean;
            return Expectation(x => (x - m) * (x - m));
        }
    }

    /// <summary>Probabilities of the bins of a histogram (same edges), plus the mass below and above its range.</summary>
    public (double[] Bins, double Below, double Above) BinMasses(Histogram1D h)
    {
        var edges = h.Edges();
        var p = new double[h.Bins];
        for (int i = 0; i < h.Bins; i++) p[i] = Mass(edges[i], edges[i + 1]);
        return (p, Cdf(h.Lo), 1 - Cdf(h.Hi));
    }
}
