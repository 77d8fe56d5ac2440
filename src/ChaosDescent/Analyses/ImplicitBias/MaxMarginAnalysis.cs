using ChaosDescent.Data;

namespace ChaosDescent.Analyses.ImplicitBias;

/// <summary>
/// GD iterates against the max-margin solution (Thm. 3 of Soudry et al. 2018: w(t) = ŵ log t + ρ(t), ρ bounded for
/// almost all data sets): angle between w(t) and ŵ, ‖w(t)‖ against log t with its slope fitted over the last decade
/// of t (→ ‖ŵ‖), and the residual ρ(t) = w(t) − ŵ log t. Logarithms are natural.
/// </summary>
public sealed class MaxMarginResult
{
    public required ClassificationData Data { get; init; }
    public required SvmSolution Svm { get; init; }
    public required LinearGdTrace Trace { get; init; }
    /// <summary>Angle (radians) between w(t) and ŵ at each checkpoint; NaN when w(t) = 0 or not separable.</summary>
    public required double[] Angle { get; init; }
    public required double[] Norm { get; init; }
    /// <summary>‖ρ(t)‖ = ‖w(t) − ŵ ln t‖ (NaN at t = 0 or when not separable).</summary>
    public required double[] ResidualNorm { get; init; }
    /// <summary>Least-squares slope of ‖w(t)‖ against ln t over t ∈ [T/10, T].</summary>
    public required double NormGrowthSlope { get; init; }
    public double FinalAngle => Angle[^1];
    public double[]? FinalDirection
    {
        get
        {
            var w = Trace.Final;
            double n = Math.Sqrt(w.Sum(v => v * v));
            return n == 0 ? null : w.Select(v => v / n).ToArray();
        }
    }
}

public static class MaxMarginAnalysis
{
    public static MaxMarginResult Run(ClassificationData data, LinearGdSettings settings, IProgress<double>? progress = null)
    {
        var svm = HardMarginSvm.Solve(data);
        var trace = LinearClassifierGd.Run(data, settings, progress);
        return Analyze(data, svm, trace);
    }

    public static MaxMarginResult Analyze(ClassificationData data, SvmSolution svm, LinearGdTrace trace)
    {
        int k = trace.Steps.Length;
        var angle = new double[k];
        var norm = new double[k];
        var resid = new double[k];
        for (int i = 0; i < k; i++)
        {
            var w = trace.W[i];
            norm[i] = Math.Sqrt(w.Sum(v => v * v));
            angle[i] = svm.W is null ? double.NaN : Angle(w, svm.W);
            if (svm.W is null || trace.Steps[i] == 0) { resid[i] = double.NaN; continue; }
            double lt = Math.Log(trace.Steps[i]), s = 0;
            for (int j = 0; j < w.Length; j++) s += (w[j] - svm.W[j] * lt) * (w[j] - svm.W[j] * lt);
            resid[i] = Math.Sqrt(s);
        }
        return new MaxMarginResult
        {
            Data = data,
            Svm = svm,
            Trace = trace,
            Angle = angle,
            Norm = norm,
            ResidualNorm = resid,
            NormGrowthSlope = LastDecadeSlope(trace.Steps, norm),
        };
    }

    /// <summary>
    /// The constant c in ‖w(t)‖ = ‖ŵ‖ ln t + c + o(1). In the proof of Thm. 3 (Soudry et al.), w(t) − ŵ ln t → w̃ where
    /// every support vector n satisfies (η/N) exp(−y_n x_nᵀw̃) = α_n (mean loss; the sum form has η in place of η/N),
    /// so ŵᵀw̃ = Σ_n α_n y_n x_nᵀw̃ = Σ_n α_n ln(η/(N α_n)) and c = ŵᵀw̃/‖ŵ‖, computable from the SVM dual alone.
    /// For the logistic loss −ℓ'(u) = e^{−u}(1 + O(e^{−u})), so the same c holds asymptotically.
    /// </summary>
    public static double AsymptoticOffset(SvmSolution svm, double learningRate, int count)
    {
        if (svm.W is null) return double.NaN;
        double s = 0;
        foreach (var n in svm.SupportVectors) s += svm.Alpha[n] * Math.Log(learningRate / (count * svm.Alpha[n]));
        return s / svm.Norm;
    }

    /// <summary>
    /// θ₂ = the smallest margin y_n ŵᵀx_n over the points that are not support vectors (θ₂ &gt; 1). Their terms in the
    /// gradient decay like t^{−θ₂}, so w(t) − ŵ ln t approaches w̃ like t^{−(θ₂−1)}: the gap ‖w(t)‖ − ‖ŵ‖ ln t − c
    /// shrinks by about 10^{−(θ₂−1)} per decade of t.
    /// </summary>
    public static double SecondMargin(ClassificationData data, SvmSolution svm)
    {
        if (svm.W is null) return double.NaN;
        var sv = new HashSet<int>(svm.SupportVectors);
        double min = double.PositiveInfinity;
        for (int n = 0; n < data.Count; n++)
        {
            if (sv.Contains(n)) continue;
            double m = data.Y[n] * LinearClassifierGd.Dot(svm.W, data.Row(n));
            if (m > 1 + 1e-9) min = Math.Min(min, m);
        }
        return min;
    }

    /// <summary>Slopes of ‖w(t)‖ against ln t over each full decade [10^{k−1}, 10^k] of the run: (10^k, slope).</summary>
    public static List<(long End, double Slope)> DecadeSlopes(MaxMarginResult r)
    {
        var list = new List<(long, double)>();
        for (long end = 100; end <= r.Trace.Steps[^1]; end *= 10)
        {
            var xs = new List<double>();
            var ys = new List<double>();
            for (int i = 0; i < r.Trace.Steps.Length; i++)
                if (r.Trace.Steps[i] >= end / 10 && r.Trace.Steps[i] <= end) { xs.Add(Math.Log(r.Trace.Steps[i])); ys.Add(r.Norm[i]); }
            list.Add((end, Slope(xs, ys)));
        }
        return list;
    }

    /// <summary>Value of a checkpointed series at step t (the checkpoint nearest in log t).</summary>
    public static double At(long[] steps, double[] values, long t)
    {
        int best = 0;
        for (int i = 1; i < steps.Length; i++)
            if (Math.Abs(Math.Log(Math.Max(steps[i], 1)) - Math.Log(t)) < Math.Abs(Math.Log(Math.Max(steps[best], 1)) - Math.Log(t))) best = i;
        return values[best];
    }

    /// <summary>Angle between two vectors by Kahan's formula 2·atan2(‖a−b‖, ‖a+b‖) on unit vectors (accurate at small angles, unlike acos).</summary>
    public static double Angle(double[] a, double[] b)
    {
        double na = Math.Sqrt(a.Sum(v => v * v)), nb = Math.Sqrt(b.Sum(v => v * v));
        if (na == 0 || nb == 0) return double.NaN;
        double minus = 0, plus = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double x = a[i] / na, y = b[i] / nb;
            minus += (x - y) * (x - y);
            plus += (x + y) * (x + y);
        }
        return 2 * Math.Atan2(Math.Sqrt(minus), Math.Sqrt(plus));
    }

    /// <summary>Least-squares slope of <paramref name="y"/> against ln t over the checkpoints with t ∈ [T/10, T].</summary>
    public static double LastDecadeSlope(long[] steps, double[] y)
    {
        long T = steps[^1];
        var xs = new List<double>();
        var ys = new List<double>();
        for (int i = 0; i < steps.Length; i++)
            if (steps[i] >= T / 10.0 && steps[i] > 0) { xs.Add(Math.Log(steps[i])); ys.Add(y[i]); }
        return Slope(xs, ys);
    }

    public static double Slope(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        int n = x.Count;
        if (n < 2) return double.NaN;
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0;
        for (int i = 0; i < n; i++) { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx); }
        return sxx == 0 ? double.NaN : sxy / sxx;
    }
}
