using ChaosDescent.Maps;
using ChaosDescent.Numerics;
using ChaosDescent.Objectives;
using ChaosDescent.Runners;
using ChaosDescent.Data;

namespace ChaosDescent.Analyses.ImplicitBias;

/// <summary>Loss ℓ(u) of the margin u = y wᵀx (Assumptions 2–3 of Soudry et al.: both have a tight exponential tail with a = c = 1).</summary>
public enum MarginLoss
{
    /// <summary>ℓ(u) = log(1 + e^{−u}); ℓ'' ≤ 1/4.</summary>
    Logistic,
    /// <summary>ℓ(u) = e^{−u}; smooth on sub-level sets only.</summary>
    Exponential,
}

public static class MarginLosses
{
    public static MarginLoss Parse(string s) => s.Trim().ToLowerInvariant() switch
    {
        "logistic" or "log" => MarginLoss.Logistic,
        "exp" or "exponential" => MarginLoss.Exponential,
        _ => throw new UserInputException($"unknown loss '{s}': use logistic or exp"),
    };

    public static string Name(MarginLoss l) => l == MarginLoss.Logistic ? "logistic" : "exp";

    /// <summary>ℓ(u), computed without overflow.</summary>
    public static double Value(MarginLoss l, double u) => l switch
    {
        MarginLoss.Logistic => u > 0 ? Math.Log(1 + Math.Exp(-u)) : -u + Math.Log(1 + Math.Exp(u)),
        _ => Math.Exp(-u),
    };

    /// <summary>−ℓ'(u) &gt; 0.</summary>
    public static double NegDerivative(MarginLoss l, double u) => l switch
    {
        MarginLoss.Logistic => u > 0 ? Math.Exp(-u) / (1 + Math.Exp(-u)) : 1 / (1 + Math.Exp(u)),
        _ => Math.Exp(-u),
    };
}

/// <summary>
/// L(w) = (1/N) Σ ℓ(y_n wᵀx_n), the mean margin loss of a homogeneous linear classifier (eq. (1) of Soudry et al.
/// 2018, with the mean instead of the sum), as a finite-sum objective: ∇L = (1/N) Σ ℓ'(u_n) y_n x_n,
/// ∇²L = (1/N) Σ ℓ''(u_n) x_n x_nᵀ.
/// </summary>
public sealed class MarginLossObjective(ClassificationData data, MarginLoss loss) : FiniteSumObjective
{
    public override string Name => $"{MarginLosses.Name(loss)} loss on {data.Name}";
    public override int Dimension => data.Dimension;
    public override int Count => data.Count;
    public override bool IsQuadratic => false;

    public override double Value(ReadOnlySpan<double> w)
    {
        double s = 0;
        for (int n = 0; n < data.Count; n++) s += MarginLosses.Value(loss, data.Y[n] * Dot(w, data.Row(n)));
        return s / data.Count;
    }

    public override void AddSampleGradient(int n, ReadOnlySpan<double> w, Span<double> g, double scale)
    {
        var x = data.Row(n);
        double c = -MarginLosses.NegDerivative(loss, data.Y[n] * Dot(w, x)) * data.Y[n] * scale;
        for (int k = 0; k < x.Length; k++) g[k] += c * x[k];
    }

    /// <summary>One pass over the rows (the hot loop of long GD runs: no per-sample call).</summary>
    public override void Gradient(ReadOnlySpan<double> w, Span<double> g)
    {
        int d = data.Dimension, count = data.Count;
        g[..d].Clear();
        for (int n = 0; n < count; n++)
        {
            var x = data.Row(n);
            double u = data.Y[n] * Dot(w, x);
            // ∇ℓ(y wᵀx) = ℓ'(u) y x
            double c = -MarginLosses.NegDerivative(loss, u) * data.Y[n];
            for (int k = 0; k < d; k++) g[k] += c * x[k];
        }
        for (int k = 0; k < d; k++) g[k] /= count;
    }

    public override void Hessian(ReadOnlySpan<double> w, Span<double> h)
    {
        int d = data.Dimension;
        h[..(d * d)].Clear();
        for (int n = 0; n < data.Count; n++)
        {
            var x = data.Row(n);
            double u = data.Y[n] * Dot(w, x);
            // ℓ'' = p(1 − p) with p = −ℓ' for the logistic loss, e^{−u} for the exponential one.
            double p = MarginLosses.NegDerivative(loss, u);
            double c = (loss == MarginLoss.Logistic ? p * (1 - p) : p) / data.Count;
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++) h[i * d + j] += c * x[i] * x[j];
        }
    }

    private static double Dot(ReadOnlySpan<double> w, ReadOnlySpan<double> x)
    {
        double s = 0;
        for (int k = 0; k < x.Length; k++) s += w[k] * x[k];
        return s;
    }
}

/// <summary>Settings of a GD run on the mean margin loss of a homogeneous linear classifier.</summary>
public sealed class LinearGdSettings
{
    public MarginLoss Loss { get; init; } = MarginLoss.Logistic;
    public double LearningRate { get; init; } = 1;
    public long Steps { get; init; } = 100_000;
    /// <summary>w(0); null means 0.</summary>
    public double[]? Initial { get; init; }
    /// <summary>Recorded iterates per decade of t (log-spaced, plus t = 0, 1 and T).</summary>
    public int CheckpointsPerDecade { get; init; } = 40;
}

/// <summary>Iterates w(t) recorded at log-spaced t.</summary>
public sealed class LinearGdTrace
{
    public required long[] Steps { get; init; }
    public required double[][] W { get; init; }
    public required double[] Loss { get; init; }
    /// <summary>min_n y_n w(t)ᵀx_n / ‖w(t)‖ (negative while some point is misclassified).</summary>
    public required double[] NormalizedMargin { get; init; }
    public required MarginLoss LossKind { get; init; }
    public required double LearningRate { get; init; }
    /// <summary>Largest eigenvalue of (1/N) Σ x_n x_nᵀ, which sets the stable step size.</summary>
    public required double DataCurvature { get; init; }
    public double[] Final => W[^1];
}

/// <summary>
/// Gradient descent w(t+1) = w(t) − η ∇L(w(t)) (the GD map on <see cref="MarginLossObjective"/>, iterated by
/// <see cref="MapIteration"/> with a checkpoint observer) on L(w) = (1/N) Σ ℓ(y_n wᵀx_n) (eq. (1)–(2) of Soudry et al., with
/// the mean instead of the sum: the same iteration with η/N, so their condition η &lt; 2 β⁻¹ σ_max⁻²(X) reads
/// η &lt; 2 / (β λ_max((1/N) Σ x_n x_nᵀ)) here, β = 1/4 for the logistic loss).
/// </summary>
public static class LinearClassifierGd
{
    /// <summary>λ_max((1/N) Σ x_n x_nᵀ) by power iteration on the d×d second-moment matrix.</summary>
    public static double DataCurvature(ClassificationData data)
    {
        int d = data.Dimension;
        var m = new double[d * d];
        for (int n = 0; n < data.Count; n++)
        {
            var x = data.Row(n);
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++) m[i * d + j] += x[i] * x[j] / data.Count;
        }
        return MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(d, d, (i, j) => m[i * d + j])
            .Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric).EigenValues.Max(c => c.Real);
    }

    /// <summary>
    /// The step-size bound of Thm. 3 in the mean form, 2/β with β a smoothness constant of L: β = λ_max/4 for the
    /// logistic loss (ℓ'' ≤ 1/4). The exponential loss is smooth only on sub-level sets: there
    /// ∇²L = (1/N) Σ e^{−u_n} x_n x_nᵀ ≼ min(L(w) R², N L(w) λ_max) I (R = max ‖x_n‖), and L(w(t)) ≤ L(w(0)) along GD
    /// below this bound, so β = min(R², N λ_max) · L(w(0)).
    /// </summary>
    public static double StableStepBound(ClassificationData data, MarginLoss loss, double[]? w0 = null)
    {
        double lam = DataCurvature(data);
        if (loss == MarginLoss.Logistic) return 2 / (0.25 * lam);
        double l0 = Loss(data, loss, w0 ?? new double[data.Dimension]);
        double r = data.Radius();
        return 2 / (l0 * Math.Min(r * r, data.Count * lam));
    }

    public static double Loss(ClassificationData data, MarginLoss loss, double[] w)
    {
        double s = 0;
        for (int n = 0; n < data.Count; n++) s += MarginLosses.Value(loss, data.Y[n] * Dot(w, data.Row(n)));
        return s / data.Count;
    }

    public static LinearGdTrace Run(ClassificationData data, LinearGdSettings settings, IProgress<double>? progress = null)
    {
        if (!(settings.LearningRate > 0) || !double.IsFinite(settings.LearningRate))
            throw new UserInputException($"--lr must be a positive number, got {settings.LearningRate}");
        if (settings.Steps < 10) throw new UserInputException($"--steps must be at least 10, got {settings.Steps}");
        int d = data.Dimension, count = data.Count;
        var w = settings.Initial is null ? new double[d] : (double[])settings.Initial.Clone();
        if (w.Length != d) throw new UserInputException($"initial point has {w.Length} entries, the data have {d} features");
        var checkpoints = Checkpoints(settings.Steps, settings.CheckpointsPerDecade);
        var ws = new List<double[]>();
        var losses = new List<double>();
        var margins = new List<double>();
        int next = 0;
        double eta = settings.LearningRate;
        long reportEvery = Math.Max(1, settings.Steps / 200);
        var objective = new MarginLossObjective(data, settings.Loss);
        var map = new GradientDescentMap(objective, eta);
        // Observers: the iterate, loss and normalized margin at the log-spaced checkpoints; divergence; progress.
        bool Observe(long t, ReadOnlySpan<double> x, double value, ReadOnlySpan<double> gradient)
        {
            if (!double.IsFinite(x[0]))
                throw new UserInputException($"GD diverged at step {t}: reduce --lr (stable bound {StableStepBound(data, settings.Loss, settings.Initial):G3})");
            if (next < checkpoints.Length && checkpoints[next] == t)
            {
                var copy = x.ToArray();
                ws.Add(copy);
                losses.Add(Loss(data, settings.Loss, copy));
                margins.Add(NormalizedMargin(data, copy));
                next++;
            }
            if (progress is not null && t % reportEvery == 0) progress.Report((double)t / settings.Steps);
            return true;
        }
        var observer = MapIteration.Observer(Observe);
        var rng = Xoshiro256.ForStream(0, 0); // unused: GD is deterministic
        MapIteration.Run(map, w, settings.Steps, ref rng, observer);
        observer.Observe(settings.Steps, w, double.NaN, default);
        progress?.Report(1);
        return new LinearGdTrace
        {
            Steps = checkpoints,
            W = ws.ToArray(),
            Loss = losses.ToArray(),
            NormalizedMargin = margins.ToArray(),
            LossKind = settings.Loss,
            LearningRate = eta,
            DataCurvature = DataCurvature(data),
        };
    }

    /// <summary>0, then log-spaced integers in [1, T] (about <paramref name="perDecade"/> per decade), always ending at T.</summary>
    public static long[] Checkpoints(long steps, int perDecade)
    {
        var set = new SortedSet<long> { 0, 1, steps };
        double decades = Math.Log10(steps);
        int total = Math.Max(2, (int)Math.Ceiling(decades * perDecade));
        for (int i = 0; i <= total; i++)
            set.Add(Math.Clamp((long)Math.Round(Math.Pow(10, decades * i / total)), 1, steps));
        return set.ToArray();
    }

    public static double NormalizedMargin(ClassificationData data, double[] w)
    {
        double norm = Math.Sqrt(w.Sum(v => v * v));
        if (norm == 0) return 0;
        double min = double.PositiveInfinity;
        for (int n = 0; n < data.Count; n++) min = Math.Min(min, data.Y[n] * Dot(w, data.Row(n)));
        return min / norm;
    }

    internal static double Dot(double[] w, ReadOnlySpan<double> x)
    {
        double s = 0;
        for (int k = 0; k < x.Length; k++) s += w[k] * x[k];
        return s;
    }
}
