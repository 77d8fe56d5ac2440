using ChaosDescent.Maps;
using ChaosDescent.Learning;
using ChaosDescent.Numerics;
using ChaosDescent.Objectives;
using ChaosDescent.Runners;
using MathNet.Numerics.LinearAlgebra;
using ChaosDescent.Data;

namespace ChaosDescent.Analyses.ImplicitBias;

/// <summary>Settings of <see cref="DegenerateMinima.Run"/>.</summary>
public sealed class MinimaSettings
{
    /// <summary>Hidden widths, e.g. "16" or "8,8".</summary>
    public string Hidden { get; init; } = "32";
    public Activation Activation { get; init; } = Activation.Tanh();
    /// <summary>Learning rate of the main (small-LR) GD run.</summary>
    public double LearningRate { get; init; } = 0.05;
    public long Epochs { get; init; } = 20_000;
    /// <summary>Also run large-LR GD and SGD from the same initialization.</summary>
    public bool Compare { get; init; } = true;
    /// <summary>Large learning rate; null = 2.5/λ_small, λ_small = λ_max at the end of small-LR GD (so 2/η = 0.8 λ_small).</summary>
    public double? LargeLearningRate { get; init; }
    /// <summary>SGD learning rate; null = <see cref="LearningRate"/>.</summary>
    public double? SgdLearningRate { get; init; }
    public int Batch { get; init; } = 1;
    public ulong Seed { get; init; } = 1;
    /// <summary>Polish with Levenberg–Marquardt to rounding-level loss before taking the spectrum.</summary>
    public bool Polish { get; init; } = true;
    public int PolishIterations { get; init; } = 200;
    public int Threads { get; init; } = 1;
}

/// <summary>
/// The network loss as a finite sum over samples, L = (1/N) Σ_n L_n with L_n the loss on sample n alone (each an
/// <see cref="MlpLoss"/> on one row), so that SGD is the minibatch map on it.
/// </summary>
internal sealed class SampleLossSum : FiniteSumObjective
{
    private readonly MlpLoss _full;
    private readonly MlpLoss[] _samples;
    private readonly double[] _buffer;

    public SampleLossSum(Mlp mlp, RegressionData data)
    {
        _full = new MlpLoss(mlp, data);
        _samples = Enumerable.Range(0, data.Count).Select(i => new MlpLoss(mlp, data.Subset([i]))).ToArray();
        _buffer = new double[mlp.ParameterCount];
    }

    public override string Name => $"per-sample loss of {_full.Model.Describe()}";
    public override int Dimension => _full.Dimension;
    public override int Count => _samples.Length;
    public override bool IsQuadratic => false;
    public override double Value(ReadOnlySpan<double> w) => _full.Loss(w);
    public override void Gradient(ReadOnlySpan<double> w, Span<double> g) => _full.Gradient(w, g);
    public override void Hessian(ReadOnlySpan<double> w, Span<double> h) => _full.Hessian(w, h);

    public override void AddSampleGradient(int n, ReadOnlySpan<double> w, Span<double> g, double scale)
    {
        _samples[n].Gradient(w, _buffer);
        for (int j = 0; j < _buffer.Length; j++) g[j] += _buffer[j] * scale;
    }
}

/// <summary>A minimum reached by one training method, and the Hessian spectrum there.</summary>
public sealed class MinimumReport
{
    public required string Method { get; init; }
    public required string Description { get; init; }
    public required double LearningRate { get; init; }
    public required int Batch { get; init; }
    public required long Epochs { get; init; }
    public required bool Diverged { get; init; }
    /// <summary>Training loss where the optimizer stopped.</summary>
    public required double TrainedLoss { get; init; }
    /// <summary>Loss after Levenberg–Marquardt polishing (= <see cref="TrainedLoss"/> without polishing).</summary>
    public required double PolishedLoss { get; init; }
    public required int PolishIterations { get; init; }
    /// <summary>‖θ_polished − θ_trained‖: how far polishing moved the point.</summary>
    public required double PolishDistance { get; init; }
    public required double DistanceFromInit { get; init; }
    /// <summary>Eigenvalues of ∇²L at the (polished) point, ascending.</summary>
    public required double[] Eigenvalues { get; init; }
    /// <summary>|λ| ≤ this counts as zero: ‖H − G‖₂ + 100 M ε λ_max (see <see cref="DegenerateMinima"/>).</summary>
    public required double Threshold { get; init; }
    public required int NearZero { get; init; }
    /// <summary>λ_max(∇²L).</summary>
    public required double Sharpness { get; init; }
    /// <summary>‖H − G‖₂: the residual term Σ r_n ∇²f_n of the Hessian (G = (2/N) JᵀJ, the Gauss–Newton matrix).</summary>
    public required double ResidualTermNorm { get; init; }
    /// <summary>Smallest eigenvalue above the threshold / largest |λ| below it (the spectral gap that makes the count unambiguous).</summary>
    public required double GapRatio { get; init; }
    public required long[] TraceEpochs { get; init; }
    public required double[] TraceLoss { get; init; }
    /// <summary>λ_max along training (Lanczos on HVPs), at <see cref="TraceEpochs"/>.</summary>
    public required double[] TraceSharpness { get; init; }
    public required double[] Parameters { get; init; }
}

public sealed class MinimaResult
{
    public required string Model { get; init; }
    public required string Data { get; init; }
    public required int Params { get; init; }
    public required int Samples { get; init; }
    public required double InitialSharpness { get; init; }
    public required MinimumReport Main { get; init; }
    public required List<MinimumReport> Comparisons { get; init; }
}

/// <summary>
/// Degenerate global minima of an over-parametrized model: an MLP with M parameters
/// fit to N &lt; M samples by the mean squared error L = (1/N) Σ r_n², r_n = f(x_n; θ) − y_n. At a zero-loss point
/// ∇²L = (2/N) JᵀJ + (2/N) Σ r_n ∇²f_n = G since r = 0, and the Gauss–Newton matrix G has rank ≤ N: at least M − N
/// eigenvalues vanish — the zero set {r = 0} is a manifold of dimension M − N (generically), flat along its tangent.
/// <para>
/// Numerically the spectrum must be taken at a true minimizer: plain GD can sit at the edge of stability for a long
/// time. The trained point is polished with Levenberg–Marquardt (minimum-norm steps δ = −Jᵀ(JJᵀ + μI)⁻¹ r, which
/// become Gauss–Newton's quadratically convergent steps as μ → 0 for a zero-residual problem) until the loss is at
/// rounding level. The Hessian is assembled from M exact Hessian-vector products (the learning module's R-operator),
/// symmetrized and diagonalized (MathNet's symmetric eigensolver). "Near zero" means |λ| ≤ τ with
/// τ = ‖H − G‖₂ + 100·M·ε·λ_max: by Weyl's inequality each eigenvalue of H is within ‖H − G‖₂ of one of G, whose
/// ≥ M − N null eigenvalues are computed to within a few M·ε·λ_max of 0.
/// </para>
/// </summary>
public static class DegenerateMinima
{
    public static MinimaResult Run(RegressionData data, MinimaSettings s, IProgress<double>? progress = null)
    {
        if (!(s.LearningRate > 0) || !double.IsFinite(s.LearningRate)) throw new UserInputException($"--lr must be a positive number, got {s.LearningRate}");
        if (s.Epochs < 1) throw new UserInputException($"--epochs must be at least 1, got {s.Epochs}");
        if (data.TargetCount != 1) throw new UserInputException("minima needs one target column");
        var mlp = Mlp.FromHidden(data.InputCount, s.Hidden, 1, s.Activation);
        int m = mlp.ParameterCount, n = data.Count;
        if (m > 2000) throw new UserInputException($"the network has {m} parameters; the full Hessian spectrum is limited to 2000");
        var theta0 = mlp.CreateParameters(s.Seed);
        var loss = new MlpLoss(mlp, data, s.Threads);
        double lambda0 = Sharpness.Lanczos(loss, theta0).Largest;
        var reports = new List<MinimumReport>();
        int total = s.Compare ? 3 : 1;
        IProgress<double>? Part(int k) => progress is null ? null : new Progress<double>(v => progress.Report((k + v) / total));
        reports.Add(Train(mlp, data, loss, theta0, "gd", "GD, small learning rate", s.LearningRate, 0, s, Part(0)));
        if (s.Compare)
        {
            // Default large rate: 2/η_large = 0.8 × the sharpness of the small-LR minimum, so that minimum is linearly
            // unstable for large-LR GD, which must settle (if it converges) where λ_max ≤ 2/η_large.
            // The sharpness at the end of training (Lanczos), not at the polished point, which may lie elsewhere.
            double large = s.LargeLearningRate ?? (reports[0].Diverged ? 2 * s.LearningRate : 1.25 * 2 / reports[0].TraceSharpness[^1]);
            reports.Add(Train(mlp, data, loss, theta0, "gd-large", "GD, large learning rate", large, 0, s, Part(1)));
            reports.Add(Train(mlp, data, loss, theta0, "sgd", $"SGD, batch {s.Batch}", s.SgdLearningRate ?? s.LearningRate, s.Batch, s, Part(2)));
        }
        if (reports[0].Diverged) throw new UserInputException($"GD with --lr {s.LearningRate} diverged: reduce --lr (λ_max at the start is {lambda0:G4}, so 2/λ_max = {2 / lambda0:G4})");
        return new MinimaResult
        {
            Model = mlp.Describe(),
            Data = data.Name,
            Params = m,
            Samples = n,
            InitialSharpness = lambda0,
            Main = reports[0],
            Comparisons = reports.Skip(1).ToList(),
        };
    }

    private static MinimumReport Train(Mlp mlp, RegressionData data, MlpLoss loss, double[] theta0, string method, string desc,
        double eta, int batch, MinimaSettings s, IProgress<double>? progress)
    {
        int m = mlp.ParameterCount, n = data.Count;
        if (batch >= n) batch = 0;
        var theta = (double[])theta0.Clone();
        var checkpoints = LinearClassifierGd.Checkpoints(s.Epochs, 10);
        var tl = new List<double>();
        var ts = new List<double>();
        var te = new List<long>();
        int next = 0;
        // GD is the map on the full loss; SGD the minibatch map on the same loss written as a sum over samples.
        OptimizerMap map = batch == 0
            ? new GradientDescentMap(loss, eta)
            : new MinibatchSgdMap(new SampleLossSum(mlp, data), eta, batch);
        long stepsPerEpoch = batch == 0 ? 1 : n / batch;
        var rng = Xoshiro256.ForStream(s.Seed, 0xB17C4);
        bool diverged = false;
        long reportEvery = Math.Max(1, s.Epochs / 100);
        // Observers at epoch boundaries: divergence of the last epoch, the loss and sharpness at the checkpoints, progress.
        bool Observe(long t, ReadOnlySpan<double> x, double value, ReadOnlySpan<double> direction)
        {
            if (t % stepsPerEpoch != 0) return true;
            long e = t / stepsPerEpoch;
            if (e > 0 && (!double.IsFinite(x[0]) || ((e - 1) % 64 == 0 && !(loss.Loss(x) < 1e12)))) { diverged = true; return false; }
            if (next < checkpoints.Length && checkpoints[next] == e)
            {
                double l = loss.Loss(x);
                te.Add(e);
                tl.Add(l);
                ts.Add(double.IsFinite(l) ? Sharpness.Lanczos(loss, x, 20).Largest : double.NaN);
                next++;
            }
            if (progress is not null && e < s.Epochs && e % reportEvery == 0) progress.Report(0.8 * e / s.Epochs);
            return true;
        }
        var observer = MapIteration.Observer(Observe);
        long total = s.Epochs * stepsPerEpoch;
        if (MapIteration.Run(map, theta, total, ref rng, observer) == total) observer.Observe(total, theta, double.NaN, default);
        double trained = diverged ? double.NaN : loss.Loss(theta);
        if (diverged) return Report(polished: double.NaN, iters: 0, polishDistance: double.NaN, distanceFromInit: double.NaN, spec: null);
        var trainedTheta = (double[])theta.Clone();
        int iters = 0;
        if (s.Polish) (theta, iters) = Polish(mlp, data, loss, theta, s.PolishIterations);
        double polished = loss.Loss(theta);
        progress?.Report(0.9);
        var spec = Spectrum(mlp, data, loss, theta);
        return Report(polished, iters, Distance(theta, trainedTheta), Distance(trainedTheta, theta0), spec);

        // Without a spectrum (a diverged run) its numbers are NaN and no eigenvalue is counted.
        MinimumReport Report(double polished, int iters, double polishDistance, double distanceFromInit, SpectrumResult? spec) => new()
        {
            Method = method,
            Description = desc,
            LearningRate = eta,
            Batch = batch,
            Epochs = s.Epochs,
            Diverged = diverged,
            TrainedLoss = trained,
            PolishedLoss = polished,
            PolishIterations = iters,
            PolishDistance = polishDistance,
            DistanceFromInit = distanceFromInit,
            Eigenvalues = spec?.Eigenvalues ?? [],
            Threshold = spec?.Threshold ?? double.NaN,
            NearZero = spec?.NearZero ?? 0,
            Sharpness = spec is null ? double.NaN : spec.Eigenvalues[^1],
            ResidualTermNorm = spec?.ResidualTermNorm ?? double.NaN,
            GapRatio = spec?.GapRatio ?? double.NaN,
            TraceEpochs = te.ToArray(),
            TraceLoss = tl.ToArray(),
            TraceSharpness = ts.ToArray(),
            Parameters = theta,
        };
    }

    private static double Distance(double[] a, double[] b) => Math.Sqrt(a.Select((v, i) => (v - b[i]) * (v - b[i])).Sum());

    /// <summary>The residuals r_n = f(x_n; θ) − y_n.</summary>
    public static double[] Residuals(Mlp mlp, RegressionData data, ReadOnlySpan<double> theta)
    {
        var r = new double[data.Count];
        Span<double> o = stackalloc double[1];
        for (int i = 0; i < data.Count; i++)
        {
            mlp.Predict(theta, data.Input(i), o);
            r[i] = o[0] - data.Target(i)[0];
        }
        return r;
    }

    /// <summary>
    /// The residual Jacobian J (N × M, row n = ∇_θ f(x_n; θ)), exactly: for a one-sample loss with target shifted to
    /// f(x_n) − 1, L_n = (f − y')² has ∇L_n = 2 (f − y') ∇f, and f − y' = 1 up to rounding (used as computed).
    /// </summary>
    public static Matrix<double> Jacobian(Mlp mlp, RegressionData data, double[] theta)
    {
        int n = data.Count, m = mlp.ParameterCount;
        var j = Matrix<double>.Build.Dense(n, m);
        var g = new double[m];
        Span<double> o = stackalloc double[1];
        for (int i = 0; i < n; i++)
        {
            mlp.Predict(theta, data.Input(i), o);
            double target = o[0] - 1;
            var one = new RegressionData(data.Name, data.InputNames, data.TargetNames, data.Input(i).ToArray(), [target]);
            new MlpLoss(mlp, one).Gradient(theta, g);
            double scale = 2 * (o[0] - target);
            for (int k = 0; k < m; k++) j[i, k] = g[k] / scale;
        }
        return j;
    }

    /// <summary>
    /// Levenberg–Marquardt on the zero-residual problem r(θ) = 0 with N &lt; M: δ = −Jᵀ(JJᵀ + μI)⁻¹ r (the
    /// minimum-norm damped step), μ ← μ/3 after a successful step, ×4 after a failed one. Stops at rounding level
    /// (no decrease possible) or after <paramref name="maxIterations"/>. Returns the polished point and the iterations.
    /// </summary>
    public static (double[] Theta, int Iterations) Polish(Mlp mlp, RegressionData data, MlpLoss loss, double[] theta, int maxIterations)
    {
        int n = data.Count;
        theta = (double[])theta.Clone();
        double l = loss.Loss(theta);
        double mu = -1;
        int it;
        int fails = 0;
        for (it = 0; it < maxIterations && l > 0; it++)
        {
            var r = Vector<double>.Build.DenseOfArray(Residuals(mlp, data, theta));
            var j = Jacobian(mlp, data, theta);
            var jjt = j * j.Transpose();
            if (mu < 0) mu = 1e-6 * jjt.Diagonal().Average();
            bool improved = false;
            for (int attempt = 0; attempt < 40; attempt++)
            {
                var a = jjt + Matrix<double>.Build.DenseIdentity(n) * mu;
                Vector<double> y;
                try { y = a.Cholesky().Solve(r); }
                catch (ArgumentException) { mu *= 4; continue; }
                var delta = j.Transpose() * y;
                var trial = theta.Select((v, k) => v - delta[k]).ToArray();
                double lt = loss.Loss(trial);
                if (lt < l)
                {
                    theta = trial;
                    l = lt;
                    mu = Math.Max(mu / 3, 1e-300);
                    improved = true;
                    break;
                }
                mu *= 4;
            }
            if (!improved) { if (++fails >= 2) break; }
            else fails = 0;
        }
        return (theta, it);
    }

    public sealed record SpectrumResult(double[] Eigenvalues, double Threshold, int NearZero, double ResidualTermNorm, double GapRatio, double[] GaussNewtonEigenvalues);

    /// <summary>Full Hessian spectrum from M Hessian-vector products, with the near-zero count (see the class summary).</summary>
    public static SpectrumResult Spectrum(Mlp mlp, RegressionData data, MlpLoss loss, double[] theta)
    {
        int m = mlp.ParameterCount, n = data.Count;
        var h = Matrix<double>.Build.Dense(m, m);
        var e = new double[m];
        var hv = new double[m];
        for (int k = 0; k < m; k++)
        {
            Array.Clear(e);
            e[k] = 1;
            loss.HessianVectorProduct(theta, e, hv);
            for (int i = 0; i < m; i++) h[i, k] = hv[i];
        }
        h = (h + h.Transpose()) * 0.5;
        var eig = h.Evd(Symmetricity.Symmetric).EigenValues.Select(c => c.Real).OrderBy(v => v).ToArray();
        var j = Jacobian(mlp, data, theta);
        var gn = j.Transpose() * j * (2.0 / n);
        double resid = (h - gn).L2Norm();
        double lmax = eig.Max(Math.Abs);
        double tau = resid + 100 * m * 2.220446049250313e-16 * lmax;
        int zero = eig.Count(v => Math.Abs(v) <= tau);
        double below = eig.Where(v => Math.Abs(v) <= tau).Select(Math.Abs).DefaultIfEmpty(0).Max();
        double above = eig.Where(v => Math.Abs(v) > tau).Select(Math.Abs).DefaultIfEmpty(double.NaN).Min();
        var gnEig = gn.Evd(Symmetricity.Symmetric).EigenValues.Select(c => c.Real).OrderBy(v => v).ToArray();
        return new SpectrumResult(eig, tau, zero, resid, below > 0 ? above / below : double.PositiveInfinity, gnEig);
    }
}
