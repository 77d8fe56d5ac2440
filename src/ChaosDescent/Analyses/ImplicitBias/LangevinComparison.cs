using ChaosDescent.Objectives;
using MathNet.Numerics.LinearAlgebra;
using ChaosDescent.Numerics.LinearAlgebra;
using ChaosDescent.Statistics;

namespace ChaosDescent.Analyses.ImplicitBias;

/// <summary>Settings of <see cref="LangevinComparison.Run"/>.</summary>
public sealed class LangevinSettings
{
    public int Batch { get; init; } = 10;
    public double LearningRate { get; init; } = 0.1;
    /// <summary>Langevin temperature; null = matched to SGD's gradient noise, T = η tr(C*)/(2d).</summary>
    public double? Temperature { get; init; }
    public int Chains { get; init; } = 2000;
    /// <summary>Null = 12 relaxation times 1/(η λ_min(H)).</summary>
    public int? BurnIn { get; init; }
    public int Snapshots { get; init; } = 10;
    /// <summary>Null = one relaxation time.</summary>
    public int? Thin { get; init; }
    public ulong Seed { get; init; } = 1;
    public int Threads { get; init; }
}

/// <summary>One stochastic iteration's long-run law against exp(−V/T)/Z and against its own prediction.</summary>
public sealed class MethodSummary
{
    public required string Method { get; init; }
    public required string Description { get; init; }
    public required double[] Mean { get; init; }
    public required double[] Covariance { get; init; }
    public required double[] CovarianceStandardError { get; init; }
    /// <summary>The covariance this iteration should have (see <see cref="PredictionMethod"/>).</summary>
    public required double[] PredictedCovariance { get; init; }
    public required string PredictionMethod { get; init; }
    /// <summary>‖Σ̂ − Σ_pred‖_F / ‖Σ_pred‖_F.</summary>
    public required double CovarianceErrorToPrediction { get; init; }
    /// <summary>v_iᵀ Σ̂ v_i along the eigenvectors v_i of H (ascending λ_i).</summary>
    public required double[] DirectionalVariance { get; init; }
    /// <summary>λ_i v_iᵀΣ̂v_i: the temperature a Gibbs law would need along v_i (equal for all i under isotropic Langevin on a quadratic).</summary>
    public required double[] DirectionalTemperature { get; init; }
    /// <summary>v_iᵀΣ̂v_i / v_iᵀΣ_Gibbs v_i.</summary>
    public required double[] VarianceRatioToGibbs { get; init; }
    public required double MeanOffsetToGibbs { get; init; }
    public required double CovarianceErrorToGibbs { get; init; }
    /// <summary>W2 between the Gaussian fits N(m̂, Σ̂) and N(m_G, Σ_G), relative to √tr Σ_G.</summary>
    public required double W2RelativeToGibbs { get; init; }
    /// <summary>KS distance of the chains' final states projected on v_i to the Gibbs marginal.</summary>
    public required double[] KsToGibbs { get; init; }
    public required double KsCritical { get; init; }
    public ChainSamples? Samples { get; init; }
}

public sealed class LangevinComparisonResult
{
    public required string Objective { get; init; }
    public required int Count { get; init; }
    public required int Dimension { get; init; }
    public required int Batch { get; init; }
    public required double LearningRate { get; init; }
    public required double Temperature { get; init; }
    public required string TemperatureRule { get; init; }
    public required double[] Minimizer { get; init; }
    public required double[] Hessian { get; init; }
    public required double[] HessianEigenvalues { get; init; }
    public required Matrix<double> HessianEigenvectors { get; init; }
    /// <summary>C* = c_b Σ_g(w*), the covariance of the minibatch gradient at w*.</summary>
    public required double[] MinibatchNoiseCovariance { get; init; }
    /// <summary>Eigenvalues of H⁻¹C* (all equal when C* ∝ H, the case where SGD's law is isotropic).</summary>
    public required double[] NoiseToCurvatureRatios { get; init; }
    public required GibbsLaw Gibbs { get; init; }
    public required List<MethodSummary> Methods { get; init; }
    public required ChainSettings Chains { get; init; }
}

/// <summary>
/// SGD versus GD with Gaussian noise (GDL) on a finite sum (002, 003). SGD: w ← w − η ∇V(w) − η ξ with E ξ = 0,
/// Cov ξ = C(w) = c_b Σ_g(w). GDL: w ← w − η ∇V(w) + √(2ηT) z, the Euler–Maruyama step of dw = −∇V dt + √(2T) dB,
/// whose stationary law is exp(−V/T)/Z as η → 0. Matching the per-step noise power, η² tr C* = 2ηT d, gives
/// T = η tr(C*)/(2d). Near w* SGD then behaves like GD with noise of covariance η²C* (a third run), whose stationary
/// covariance solves the Lyapunov equation HΣ + ΣH ≈ ηC*. That equals T H⁻¹ — the Gibbs covariance — exactly when
/// ηC* = 2T I, i.e. for isotropic noise. Minibatch noise is instead shaped like H (for a well-specified model
/// Σ_g(w*) ≈ σ² H), so SGD's law is nearly isotropic, Σ ≈ (η c_b σ²/2) I, where the Gibbs law is ∝ H⁻¹.
/// </summary>
public static class LangevinComparison
{
    public static LangevinComparisonResult Run(FiniteSumObjective f, LangevinSettings s, IProgress<double>? progress = null)
    {
        int d = f.Dimension, n = f.Count;
        double eta = s.LearningRate;
        if (!(eta > 0) || !double.IsFinite(eta)) throw new UserInputException($"--lr must be a positive number, got {eta}");
        if (s.Batch < 1 || s.Batch >= n) throw new UserInputException($"--batch must be in 1..{n - 1} (b = N has no gradient noise), got {s.Batch}");
        var wStar = f.Minimize();
        var h = new double[d * d];
        f.Hessian(wStar, h);
        var (lam, vecs) = GaussianTools.SymmetricEigen(h, d);
        if (lam[0] <= 0) throw new UserInputException("the Hessian at the minimizer is singular: no stationary law to compare (add --ridge)");
        if (eta * lam[^1] >= 2) throw new UserInputException($"--lr {eta} is unstable for this objective: η λ_max(H) = {eta * lam[^1]:G3} ≥ 2");
        double cb = FiniteSumObjective.BatchFactor(n, s.Batch);
        var sigmaG = f.SampleGradientCovariance(wStar);
        var cStar = sigmaG.Select(v => cb * v).ToArray();
        double trC = Enumerable.Range(0, d).Sum(i => cStar[i * d + i]);
        double matched = eta * trC / (2 * d);
        double temp = s.Temperature ?? matched;
        if (!(temp > 0)) throw new UserInputException($"--temperature must be positive, got {temp}");
        string rule = s.Temperature is null
            ? "matched: T = η tr(C*)/(2d), equal per-step noise power η² tr C* = 2ηT d"
            : "given by --temperature";

        double tau = 1 / (eta * lam[0]);
        var chains = new ChainSettings
        {
            Chains = s.Chains,
            BurnIn = s.BurnIn ?? (int)Math.Ceiling(12 * tau),
            Snapshots = s.Snapshots,
            Thin = s.Thin ?? Math.Max(1, (int)Math.Ceiling(tau)),
            LearningRate = eta,
            Seed = s.Seed,
            Threads = s.Threads,
            Start = wStar,
        };
        var gibbs = GibbsLaw.Create(f, wStar, temp);

        // Predictions. A = I − ηH is the linearized GD map at w*.
        var a = new double[d * d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) a[i * d + j] = (i == j ? 1 : 0) - eta * h[i * d + j];
        var qLangevin = new double[d * d];
        for (int i = 0; i < d; i++) qLangevin[i * d + i] = 2 * eta * temp;
        var qSgd = cStar.Select(v => eta * eta * v).ToArray();
        var predLangevin = GaussianTools.DiscreteLyapunov(a, qLangevin, d);
        var predGaussSgd = GaussianTools.DiscreteLyapunov(a, qSgd, d);
        double[] predSgd;
        string predSgdMethod;
        if (f is LeastSquaresObjective ls)
        {
            predSgd = ExactLeastSquaresSgdCovariance(ls, wStar, eta, s.Batch);
            predSgdMethod = "exact second-moment recursion of SGD on least squares (includes the multiplicative noise)";
        }
        else
        {
            predSgd = predGaussSgd;
            predSgdMethod = "discrete Lyapunov Σ = (I−ηH)Σ(I−ηH) + η²C* (noise frozen at w*)";
        }

        var methods = new List<MethodSummary>();
        var parts = new (string Name, string Desc, Func<IProgress<double>?, ChainSamples> RunIt, double[] Pred, string PredMethod)[]
        {
            ("sgd", $"SGD, batch b = {s.Batch} of N = {n} (without replacement, fresh batch each step)",
                p => ChainSampler.Sgd(f, s.Batch, chains, p), predSgd, predSgdMethod),
            ("langevin", $"GD + isotropic Gaussian noise √(2ηT)·z (discretized Langevin), T = {temp:G4}",
                p => ChainSampler.GaussianNoise(f, qLangevin, chains, p), predLangevin,
                f.IsQuadratic ? "discrete Lyapunov Σ = (I−ηH)Σ(I−ηH) + 2ηT I = T H⁻¹ (I − ηH/2)⁻¹ (exact for a quadratic)"
                              : "discrete Lyapunov Σ = (I−ηH)Σ(I−ηH) + 2ηT I (linearized at w*)"),
            ("sgd-gaussian", "GD + Gaussian noise with SGD's covariance η²C* (anisotropic)",
                p => ChainSampler.GaussianNoise(f, qSgd, chains, p), predGaussSgd,
                f.IsQuadratic ? "discrete Lyapunov Σ = (I−ηH)Σ(I−ηH) + η²C* (exact for a quadratic)"
                              : "discrete Lyapunov Σ = (I−ηH)Σ(I−ηH) + η²C* (linearized at w*)"),
        };
        for (int k = 0; k < parts.Length; k++)
        {
            int kk = k;
            var sub = progress is null ? null : new Progress<double>(v => progress.Report((kk + v) / parts.Length));
            var samples = parts[k].RunIt(sub);
            methods.Add(Summarize(parts[k].Name, parts[k].Desc, samples, parts[k].Pred, parts[k].PredMethod, gibbs, lam, vecs, d));
        }
        progress?.Report(1);
        var hinvC = GaussianTools.ToMatrix(h, d).Solve(GaussianTools.ToMatrix(cStar, d));
        return new LangevinComparisonResult
        {
            Objective = f.Name,
            Count = n,
            Dimension = d,
            Batch = s.Batch,
            LearningRate = eta,
            Temperature = temp,
            TemperatureRule = rule,
            Minimizer = wStar,
            Hessian = h,
            HessianEigenvalues = lam,
            HessianEigenvectors = vecs,
            MinibatchNoiseCovariance = cStar,
            NoiseToCurvatureRatios = hinvC.Evd().EigenValues.Select(c => c.Real).OrderBy(v => v).ToArray(),
            Gibbs = gibbs,
            Methods = methods,
            Chains = chains,
        };
    }

    public static MethodSummary Summarize(string name, string desc, ChainSamples samples, double[] pred, string predMethod,
        GibbsLaw gibbs, double[] lam, Matrix<double> vecs, int d)
    {
        var mean = samples.Mean();
        var cov = samples.Covariance();
        var dv = Enumerable.Range(0, d).Select(i => GaussianTools.Quadratic(vecs, i, cov, d)).ToArray();
        var gv = Enumerable.Range(0, d).Select(i => GaussianTools.Quadratic(vecs, i, gibbs.Covariance, d)).ToArray();
        var diff = mean.Select((m, i) => m - gibbs.Mean[i]).ToArray();
        double trG = Enumerable.Range(0, d).Sum(i => gibbs.Covariance[i * d + i]);
        var ks = new double[d];
        for (int i = 0; i < d; i++)
        {
            var dir = Enumerable.Range(0, d).Select(k => vecs[k, i]).ToArray();
            ks[i] = Distances.KolmogorovSmirnov(samples.FinalProjections(dir), gibbs.MarginalCdf[i]);
        }
        return new MethodSummary
        {
            Method = name,
            Description = desc,
            Mean = mean,
            Covariance = cov,
            CovarianceStandardError = samples.CovarianceStandardError(),
            PredictedCovariance = pred,
            PredictionMethod = predMethod,
            CovarianceErrorToPrediction = GaussianTools.FrobeniusRelative(cov, pred),
            DirectionalVariance = dv,
            DirectionalTemperature = dv.Select((v, i) => v * lam[i]).ToArray(),
            VarianceRatioToGibbs = dv.Select((v, i) => v / gv[i]).ToArray(),
            MeanOffsetToGibbs = GaussianTools.Mahalanobis(diff, gibbs.Covariance, d),
            CovarianceErrorToGibbs = GaussianTools.FrobeniusRelative(cov, gibbs.Covariance),
            W2RelativeToGibbs = GaussianTools.GaussianW2(mean, cov, gibbs.Mean, gibbs.Covariance, d) / Math.Sqrt(trG),
            KsToGibbs = ks,
            KsCritical = Distances.KolmogorovSmirnovCritical(samples.Chains, alpha: 0.01),
            Samples = samples,
        };
    }

    /// <summary>
    /// Exact stationary covariance S of SGD on least squares (batch b without replacement, fresh each step). With
    /// e = w − w*, A_n = x_n x_nᵀ, g_n = x_n (x_nᵀw* − y_n): e' = (I − ηH_B) e − η g_B, the stationary mean is 0 and
    /// S = E[(I − ηH_B) S (I − ηH_B)] + η² E[g_B g_Bᵀ]. Batch means of b of N items have covariance c_b times the
    /// population covariance, c_b = (N − b)/(b(N − 1)), so the fixed point is the linear equation
    /// HS + SH − η(HSH + c_b K(S)) = η c_b G,  K(S) = (1/N) Σ (A_n − H) S (A_n − H),  G = (1/N) Σ g_n g_nᵀ,
    /// solved here as a d²×d² system. No small-η or frozen-noise approximation is made.
    /// </summary>
    public static double[] ExactLeastSquaresSgdCovariance(LeastSquaresObjective f, double[] wStar, double eta, int batch)
    {
        int d = f.Dimension, n = f.Count;
        double cb = FiniteSumObjective.BatchFactor(n, batch);
        var h = new double[d * d];
        f.Hessian(wStar, h);
        var g = f.SampleGradientCovariance(wStar);
        var data = f.Data;
        var dn = new double[n * d * d];
        for (int m = 0; m < n; m++)
        {
            var x = data.Input(m);
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++) dn[m * d * d + i * d + j] = x[i] * x[j] - h[i * d + j];
        }
        double[] Mul(double[] p, int po, double[] q, int qo)
        {
            var r = new double[d * d];
            for (int i = 0; i < d; i++)
                for (int k = 0; k < d; k++)
                {
                    double pik = p[po + i * d + k];
                    if (pik == 0) continue;
                    for (int j = 0; j < d; j++) r[i * d + j] += pik * q[qo + k * d + j];
                }
            return r;
        }
        var op = Matrix<double>.Build.Dense(d * d, d * d);
        for (int c = 0; c < d * d; c++)
        {
            var e = new double[d * d];
            e[c] = 1;
            var hs = Mul(h, 0, e, 0);
            var sh = Mul(e, 0, h, 0);
            var hsh = Mul(hs, 0, h, 0);
            var k = new double[d * d];
            for (int m = 0; m < n; m++)
            {
                var t = Mul(Mul(dn, m * d * d, e, 0), 0, dn, m * d * d);
                for (int i = 0; i < d * d; i++) k[i] += t[i] / n;
            }
            for (int r = 0; r < d * d; r++) op[r, c] = hs[r] + sh[r] - eta * (hsh[r] + cb * k[r]);
        }
        var rhs = Vector<double>.Build.DenseOfArray(g.Select(v => eta * cb * v).ToArray());
        return GaussianTools.Symmetrize(op.Solve(rhs).ToArray(), d);
    }
}
