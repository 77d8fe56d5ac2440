using ChaosDescent.Statistics;

namespace ChaosDescent.Objectives;

/// <summary>
/// Moments of ζ (Cond. 1) computed from the micro-scale definition. Phases are uniform and ζ is a smooth periodic
/// function of them, so the tensor-product midpoint rule converges exponentially (exact for trigonometric
/// polynomials of degree below the grid size).
/// </summary>
public sealed class NoiseStatistics
{
    /// <summary>E ζ (zero up to rounding for a well-posed micro-scale; nonzero mean belongs to f0).</summary>
    public required double[] Mean { get; init; }

    /// <summary>Cov ζ, row-major d×d.</summary>
    public required double[] Covariance { get; init; }

    /// <summary>σ² when Cov ζ = σ² I (relative tolerance 1e-9); null when ζ is anisotropic.</summary>
    public double? Sigma2 { get; init; }

    /// <summary>Range [min, max] of each coordinate of ζ (the [a, b] of Remark 12 in 1-D).</summary>
    public required (double Min, double Max)[] Range { get; init; }

    /// <summary>Per-coordinate variances (the diagonal of the covariance).</summary>
    public double[] Variances
    {
        get
        {
            int d = Mean.Length;
            var v = new double[d];
            for (int k = 0; k < d; k++) v[k] = Covariance[k * d + k];
            return v;
        }
    }

    public static NoiseStatistics ByQuadrature(MicroScale micro)
    {
        int d = micro.Dimension, p = micro.PhaseDimension;
        var periods = micro.PhasePeriods;
        // Points per phase axis: 256 in 1-D, fewer in higher phase dimension, ≤ ~2e6 points in all.
        int n = p switch { 1 => 4096, 2 => 512, 3 => 96, _ => Math.Max(8, (int)Math.Pow(2e6, 1.0 / p)) };
        long total = 1;
        for (int j = 0; j < p; j++) total *= n;
        var mean = new double[d];
        var second = new double[d * d];
        var min = Enumerable.Repeat(double.PositiveInfinity, d).ToArray();
        var max = Enumerable.Repeat(double.NegativeInfinity, d).ToArray();
        Span<double> phase = stackalloc double[p];
        Span<double> z = stackalloc double[d];
        Span<int> idx = stackalloc int[p];
        for (long t = 0; t < total; t++)
        {
            long r = t;
            for (int j = 0; j < p; j++)
            {
                idx[j] = (int)(r % n);
                r /= n;
                phase[j] = (idx[j] + 0.5) / n * periods[j];
            }
            micro.NoiseAtPhase(phase, z);
            for (int k = 0; k < d; k++)
            {
                mean[k] += z[k];
                if (z[k] < min[k]) min[k] = z[k];
                if (z[k] > max[k]) max[k] = z[k];
                for (int l = 0; l < d; l++) second[k * d + l] += z[k] * z[l];
            }
        }
        for (int k = 0; k < d; k++) mean[k] /= total;
        var cov = new double[d * d];
        for (int k = 0; k < d; k++)
            for (int l = 0; l < d; l++) cov[k * d + l] = second[k * d + l] / total - mean[k] * mean[l];
        var range = micro.ExactNoiseRange ?? Enumerable.Range(0, d).Select(k => (min[k], max[k])).ToArray();
        return new NoiseStatistics { Mean = mean, Covariance = cov, Sigma2 = Isotropic(cov, d), Range = range };
    }

    private static double? Isotropic(double[] cov, int d)
    {
        double s = 0;
        for (int k = 0; k < d; k++) s += cov[k * d + k];
        s /= d;
        if (!(s > 0)) return null;
        for (int k = 0; k < d; k++)
            for (int l = 0; l < d; l++)
            {
                double target = k == l ? s : 0;
                if (Math.Abs(cov[k * d + l] - target) > 1e-9 * s) return null;
            }
        return s;
    }
}
