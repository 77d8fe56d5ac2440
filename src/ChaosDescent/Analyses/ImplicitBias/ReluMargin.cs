using ChaosDescent.Maps;
using ChaosDescent.Numerics;
using ChaosDescent.Objectives;
using ChaosDescent.Runners;
using ChaosDescent.Data;

namespace ChaosDescent.Analyses.ImplicitBias;

/// <summary>Settings of <see cref="ReluMargin.Run"/>.</summary>
public sealed class ReluMarginSettings
{
    public int Hidden { get; init; } = 10;
    public double LearningRate { get; init; } = 0.5;
    public long Steps { get; init; } = 100_000;
    public MarginLoss Loss { get; init; } = MarginLoss.Logistic;
    /// <summary>Initial weights: W1 ~ N(0, s²/d), W2 ~ N(0, s²/q).</summary>
    public double InitScale { get; init; } = 1;
    public ulong Seed { get; init; } = 1;
    public int CheckpointsPerDecade { get; init; } = 40;
}

/// <summary>Training curve of the 2-layer ReLU network, at log-spaced steps.</summary>
public sealed class ReluMarginTrace
{
    public required long[] Steps { get; init; }
    public required double[] Loss { get; init; }
    public required double[] Accuracy { get; init; }
    /// <summary>‖W1‖_F.</summary>
    public required double[] NormW1 { get; init; }
    /// <summary>‖W2‖ (a vector: Euclidean = Frobenius = spectral).</summary>
    public required double[] NormW2 { get; init; }
    /// <summary>γ = min_n y_n f(x_n).</summary>
    public required double[] MinMargin { get; init; }
    /// <summary>γ / (‖W1‖_F ‖W2‖): invariant under W1 → cW1, W2 → c'W2.</summary>
    public required double[] NormalizedMargin { get; init; }
    /// <summary>γ / (‖W1‖₂ ‖W2‖) with the spectral norm of W1 (the Bartlett–Foster–Telgarsky normalization).</summary>
    public required double[] SpectralNormalizedMargin { get; init; }
    /// <summary>First step after which every training point is classified correctly (−1 if never).</summary>
    public required long FirstFullAccuracyStep { get; init; }
    public required double[] W1 { get; init; }
    public required double[] W2 { get; init; }
    public required int Hidden { get; init; }
    public required int InputDimension { get; init; }
}

/// <summary>
/// L(θ) = (1/N) Σ ℓ(y_n f(x_n)) for the 2-layer ReLU network f(x) = W2 σ(W1 x) without biases, θ = (W1 row-major
/// q×d, W2), as an objective: exact gradient (ReLU derivative 0 at 0); the Hessian, defined almost everywhere, by
/// central differences of the exact gradient (no analysis of this model uses second-order information).
/// Keeps the margins of the last evaluation (<see cref="Margins"/>), so a training observer reads them for free.
/// </summary>
public sealed class ReluNetworkLoss(ClassificationData data, int hidden, MarginLoss loss) : IScalarField
{
    private readonly double[] _z = new double[data.Count * hidden];
    private readonly double[] _u = new double[data.Count];
    private readonly double[] _at = new double[hidden * data.Dimension + hidden];
    private bool _valid;

    public int Dimension => hidden * data.Dimension + hidden;
    public bool IsThreadSafe => false;

    /// <summary>u_n = y_n f(x_n) at θ (from the last evaluation when it was at θ).</summary>
    public ReadOnlySpan<double> Margins(ReadOnlySpan<double> theta)
    {
        Forward(theta);
        return _u;
    }

    public double Value(ReadOnlySpan<double> theta)
    {
        Forward(theta);
        double l = 0;
        foreach (var u in _u) l += MarginLosses.Value(loss, u);
        return l / data.Count;
    }

    public void Gradient(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        int qd = hidden * data.Dimension;
        Forward(theta);
        ReluMargin.Backward(data, theta[qd..], hidden, _z, _u, loss, gradient[..qd], gradient.Slice(qd, hidden));
    }

    public void Hessian(ReadOnlySpan<double> theta, Span<double> hessian)
    {
        int p = Dimension;
        var x = theta.ToArray();
        var gp = new double[p];
        var gm = new double[p];
        for (int j = 0; j < p; j++)
        {
            double h = 1e-5 * Math.Max(1, Math.Abs(x[j]));
            double xj = x[j];
            x[j] = xj + h; Gradient(x, gp);
            x[j] = xj - h; Gradient(x, gm);
            x[j] = xj;
            for (int i = 0; i < p; i++) hessian[i * p + j] = (gp[i] - gm[i]) / (2 * h);
        }
    }

    public void AccumulateGradient(ReadOnlySpan<double> x, Span<double> gradient, int count) =>
        this.AccumulateGradientPointwise(x, gradient, count);

    private void Forward(ReadOnlySpan<double> theta)
    {
        if (_valid && theta.SequenceEqual(_at)) return;
        int qd = hidden * data.Dimension;
        ReluMargin.Forward(data, theta[..qd], theta[qd..], hidden, _z, _u);
        theta.CopyTo(_at);
        _valid = true;
    }
}

/// <summary>
/// The 2-layer network f(x) = W2 σ(W1 x) with σ = ReLU and no biases, trained by full-batch
/// GD on the mean logistic (or exponential) loss. f is positively 2-homogeneous in (W1, W2), so once the data are
/// fitted, scaling the weights up keeps lowering the loss: ‖W1‖ and ‖W2‖ grow without bound and the normalized margin
/// min_n y_n f(x_n)/(‖W1‖‖W2‖) is the quantity that settles (Lyu &amp; Li 2020 prove that a smoothed version of it is
/// non-decreasing after 100% training accuracy, and that ‖θ‖ grows like (log t)^{1/2} for 2-homogeneous networks,
/// so the product ‖W1‖‖W2‖ grows like log t; the slope of that product against log t tends to 1/(normalized margin)).
/// </summary>
public static class ReluMargin
{
    public static ReluMarginTrace Run(ClassificationData data, ReluMarginSettings s, IProgress<double>? progress = null)
    {
        if (!(s.LearningRate > 0) || !double.IsFinite(s.LearningRate)) throw new UserInputException($"--lr must be a positive number, got {s.LearningRate}");
        if (s.Hidden < 1) throw new UserInputException($"--hidden must be at least 1, got {s.Hidden}");
        if (s.Steps < 10) throw new UserInputException($"--steps must be at least 10, got {s.Steps}");
        int d = data.Dimension, q = s.Hidden, count = data.Count;
        var rng = Xoshiro256.ForStream(s.Seed, 0x5E1u);
        var w1 = new double[q * d];
        var w2 = new double[q];
        for (int i = 0; i < w1.Length; i++) w1[i] = s.InitScale * rng.NextGaussian() / Math.Sqrt(d);
        for (int j = 0; j < q; j++) w2[j] = s.InitScale * rng.NextGaussian() / Math.Sqrt(q);

        var checkpoints = LinearClassifierGd.Checkpoints(s.Steps, s.CheckpointsPerDecade);
        int k = checkpoints.Length, next = 0;
        var loss = new double[k]; var acc = new double[k]; var n1 = new double[k]; var n2 = new double[k];
        var gam = new double[k]; var nm = new double[k]; var snm = new double[k];
        var objective = new ReluNetworkLoss(data, q, s.Loss);
        var map = new GradientDescentMap(objective, s.LearningRate);
        var theta = new double[q * d + q];
        w1.CopyTo(theta, 0);
        w2.CopyTo(theta, q * d);
        long firstFull = -1;
        long reportEvery = Math.Max(1, s.Steps / 200);
        // Observers at x_t, reading the margins u_n = y_n f(x_n) that the gradient pass at x_t left in the objective:
        // first step of full training accuracy, and loss, accuracy, norms and margins at the log-spaced checkpoints.
        bool Observe(long t, ReadOnlySpan<double> x, double value, ReadOnlySpan<double> gradient)
        {
            if (!double.IsFinite(x[q * d])) throw new UserInputException($"GD diverged at step {t}: reduce --lr");
            var u = objective.Margins(x);
            bool all = true;
            foreach (var un in u) all &= un > 0;
            if (all) { if (firstFull < 0) firstFull = t; }
            else firstFull = -1;
            if (next < k && checkpoints[next] == t)
            {
                double l = 0, min = double.PositiveInfinity; int correct = 0;
                for (int n = 0; n < count; n++)
                {
                    l += MarginLosses.Value(s.Loss, u[n]);
                    min = Math.Min(min, u[n]);
                    if (u[n] > 0) correct++;
                }
                var x1 = x[..(q * d)].ToArray();
                double a1 = Math.Sqrt(x1.Sum(v => v * v)), a2 = 0;
                foreach (var v in x[(q * d)..]) a2 += v * v;
                a2 = Math.Sqrt(a2);
                loss[next] = l / count; acc[next] = (double)correct / count; n1[next] = a1; n2[next] = a2;
                gam[next] = min; nm[next] = min / (a1 * a2); snm[next] = min / (SpectralNorm(x1, q, d) * a2);
                next++;
            }
            if (progress is not null && t % reportEvery == 0) progress.Report((double)t / s.Steps);
            return true;
        }
        var observer = MapIteration.Observer(Observe);
        MapIteration.Run(map, theta, s.Steps, ref rng, observer);
        observer.Observe(s.Steps, theta, double.NaN, default);
        theta.AsSpan(0, q * d).CopyTo(w1);
        theta.AsSpan(q * d, q).CopyTo(w2);
        progress?.Report(1);
        return new ReluMarginTrace
        {
            Steps = checkpoints,
            Loss = loss,
            Accuracy = acc,
            NormW1 = n1,
            NormW2 = n2,
            MinMargin = gam,
            NormalizedMargin = nm,
            SpectralNormalizedMargin = snm,
            FirstFullAccuracyStep = firstFull,
            W1 = w1,
            W2 = w2,
            Hidden = q,
            InputDimension = d,
        };
    }

    /// <summary>Forward pass: z = W1 x_n (row n of <paramref name="z"/>), u_n = y_n f(x_n); true when every u_n &gt; 0.</summary>
    public static bool Forward(ClassificationData data, ReadOnlySpan<double> w1, ReadOnlySpan<double> w2, int q, Span<double> z, Span<double> u)
    {
        int d = data.Dimension;
        bool all = true;
        for (int n = 0; n < data.Count; n++)
        {
            var x = data.Row(n);
            double f = 0;
            for (int j = 0; j < q; j++)
            {
                double a = 0;
                for (int c = 0; c < d; c++) a += w1[j * d + c] * x[c];
                z[n * q + j] = a;
                if (a > 0) f += w2[j] * a;
            }
            u[n] = data.Y[n] * f;
            if (u[n] <= 0) all = false;
        }
        return all;
    }

    /// <summary>
    /// Gradient of L = (1/N) Σ ℓ(u_n) after <see cref="Forward"/>: with c_n = ℓ'(u_n) y_n / N,
    /// ∂L/∂W2_j = Σ c_n σ(z_nj) and ∂L/∂W1_jk = Σ c_n W2_j 1[z_nj &gt; 0] x_nk (ReLU derivative taken as 0 at 0).
    /// </summary>
    public static void Backward(ClassificationData data, ReadOnlySpan<double> w2, int q, ReadOnlySpan<double> z, ReadOnlySpan<double> u, MarginLoss loss,
        Span<double> g1, Span<double> g2)
    {
        int d = data.Dimension, count = data.Count;
        g1.Clear();
        g2.Clear();
        for (int n = 0; n < count; n++)
        {
            double cn = -MarginLosses.NegDerivative(loss, u[n]) * data.Y[n] / count;
            if (cn == 0) continue;
            var x = data.Row(n);
            for (int j = 0; j < q; j++)
            {
                double a = z[n * q + j];
                if (a <= 0) continue;
                g2[j] += cn * a;
                double cw = cn * w2[j];
                for (int c = 0; c < d; c++) g1[j * d + c] += cw * x[c];
            }
        }
    }

    /// <summary>f(x) = W2 σ(W1 x) for a trained network.</summary>
    public static double Evaluate(ReluMarginTrace net, ReadOnlySpan<double> x)
    {
        double f = 0;
        for (int j = 0; j < net.Hidden; j++)
        {
            double a = 0;
            for (int c = 0; c < net.InputDimension; c++) a += net.W1[j * net.InputDimension + c] * x[c];
            if (a > 0) f += net.W2[j] * a;
        }
        return f;
    }

    private static double SpectralNorm(double[] w1, int q, int d) =>
        MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(q, d, (i, j) => w1[i * d + j]).L2Norm();
}
