using ChaosDescent.Objectives;
using ChaosDescent.Numerics;
using MathNet.Numerics.LinearAlgebra;
using ChaosDescent.Numerics.LinearAlgebra;

namespace ChaosDescent.Learning;

/// <summary>Result of a Lanczos run on ∇²L(θ).</summary>
/// <param name="Largest">λ_max: the largest (algebraic) Ritz value, i.e. the sharpness.</param>
/// <param name="Smallest">The smallest Ritz value (a rough estimate of λ_min; negative means non-convex here).</param>
/// <param name="Residual">‖∇²L q − λ_max q‖ for the Ritz vector q (a bound on the error of λ_max's eigenpair).</param>
/// <param name="Iterations">Lanczos steps (Hessian-vector products) used.</param>
public readonly record struct SharpnessEstimate(double Largest, double Smallest, double Residual, int Iterations);

/// <summary>Top-k Ritz values of a Lanczos run, descending.</summary>
/// <param name="Values">λ_1 ≥ … ≥ λ_k.</param>
/// <param name="Residuals">‖A y_i − λ_i y_i‖ of each Ritz pair (β_m |s_mi|).</param>
/// <param name="Iterations">Operator applications (Hessian-vector products) used.</param>
public sealed record TopEigenvalues(double[] Values, double[] Residuals, int Iterations);

/// <summary>
/// Sharpness λ_max(∇²L(θ)), the quantity that decides linear stability of GD at a minimum: GD with step η is
/// stable near θ only if λ_max ≤ 2/η (the edge of stability). Computed by the Lanczos method on exact
/// Hessian-vector products (full reorthogonalization; the Hessian is never formed).
/// </summary>
public static class Sharpness
{
    /// <summary>
    /// Lanczos on ∇²L(θ) with at most <paramref name="maxIterations"/> steps (capped at the dimension), stopping
    /// when the top Ritz pair's residual is below <paramref name="tolerance"/>·|λ_max|. The start vector is
    /// <paramref name="start"/> when given (e.g. the previous top eigenvector along a trajectory) else a seeded
    /// Gaussian. On return <paramref name="topVector"/> (if not empty) holds the unit Ritz vector of λ_max.
    /// </summary>
    public static SharpnessEstimate Lanczos(IScalarField loss, ReadOnlySpan<double> theta, int maxIterations = 30,
        double tolerance = 1e-6, ulong seed = 1, ReadOnlySpan<double> start = default, Span<double> topVector = default)
    {
        int p = loss.Dimension;
        if (theta.Length != p) throw new ArgumentException("θ length");
        int k = Math.Max(1, Math.Min(maxIterations, p));
        var q = new double[k + 1][];
        var alpha = new double[k];
        var beta = new double[k + 1];
        var w = new double[p];
        q[0] = new double[p];
        if (!start.IsEmpty && Norm(start) > 0) start.CopyTo(q[0]);
        else GaussianStart(q[0], seed);
        Scale(q[0], 1 / Norm(q[0]));

        int m = 0;
        double lmax = double.NaN, lmin = double.NaN, residual = double.NaN;
        double[]? ritz = null;
        for (int j = 0; j < k; j++)
        {
            loss.HessianVectorProduct(theta, q[j], w);
            double b = ReorthogonalizedStep(q, j, w, alpha, beta);
            m = j + 1;
            (lmax, lmin, ritz) = Tridiagonal(alpha, beta, m);
            residual = b * Math.Abs(ritz[m - 1]);
            if (!double.IsFinite(lmax)) break;
            if (residual <= tolerance * Math.Max(Math.Abs(lmax), 1e-300) || b <= 1e-14 * Math.Max(Math.Abs(lmax), 1e-300) || m == k) break;
            q[j + 1] = NextBasisVector(w, b);
        }
        if (!topVector.IsEmpty && ritz is not null)
        {
            topVector.Clear();
            for (int i = 0; i < m; i++)
                for (int t = 0; t < p; t++) topVector[t] += ritz[i] * q[i][t];
            double n = Norm(topVector);
            if (n > 0) for (int t = 0; t < p; t++) topVector[t] /= n;
        }
        return new SharpnessEstimate(lmax, lmin, residual, m);
    }

    /// <summary>
    /// The <paramref name="count"/> largest (algebraic) eigenvalues of ∇²L(θ), descending, by Lanczos with full
    /// reorthogonalization on exact Hessian-vector products — what Cohen et al. (2021) compute every
    /// <c>--eig_freq</c> steps (<c>gd.py --neigs</c>, scipy's <c>eigsh</c> on HVPs). The Krylov space grows to at
    /// most <paramref name="maxIterations"/> (capped at the dimension) and stops once every one of the top
    /// <paramref name="count"/> Ritz pairs has residual ≤ <paramref name="tolerance"/>·|λ_1|.
    /// </summary>
    public static TopEigenvalues LanczosTop(IScalarField loss, ReadOnlySpan<double> theta, int count, int maxIterations = 40,
        double tolerance = 1e-6, ulong seed = 1)
    {
        if (theta.Length != loss.Dimension) throw new ArgumentException("θ length");
        var th = theta.ToArray();
        return LanczosTop((v, hv) => loss.HessianVectorProduct(th, v, hv), loss.Dimension, count, maxIterations, tolerance, seed);
    }

    /// <summary>
    /// Per-block sharpness: for each index range [start, start + length) of θ (e.g. one layer's weights and bias,
    /// see <see cref="LayerBlocks"/>) the largest eigenvalue of the diagonal block H_bb of ∇²L(θ) — the Hessian of L
    /// restricted to that block with the others held fixed (the "per-layer sharpness" of PyHessian-style analyses;
    /// Yao et al. 2020). Lanczos on v_b ↦ (H (v_b ⊕ 0))_b, so each step costs one full HVP.
    /// </summary>
    public static double[] BlockSharpness(IScalarField loss, ReadOnlySpan<double> theta, IReadOnlyList<(int Start, int Length)> blocks,
        int maxIterations = 30, double tolerance = 1e-6, ulong seed = 1)
    {
        int p = loss.Dimension;
        if (theta.Length != p) throw new ArgumentException("θ length");
        var th = theta.ToArray();
        var full = new double[p];
        var fullHv = new double[p];
        var result = new double[blocks.Count];
        for (int b = 0; b < blocks.Count; b++)
        {
            var (start, length) = blocks[b];
            if (start < 0 || length <= 0 || start + length > p) throw new ArgumentException($"block {b} outside θ");
            result[b] = LanczosTop((v, hv) =>
            {
                Array.Clear(full);
                v.CopyTo(full.AsSpan(start, length));
                loss.HessianVectorProduct(th, full, fullHv);
                fullHv.AsSpan(start, length).CopyTo(hv);
            }, length, 1, maxIterations, tolerance, seed + (ulong)b).Values[0];
        }
        return result;
    }

    /// <summary>One block per weight layer of <paramref name="model"/>: W_l then b_l, contiguous in θ.</summary>
    public static (int Start, int Length)[] LayerBlocks(Mlp model) =>
        Enumerable.Range(0, model.LayerCount)
            .Select(l => (model.WeightOffset(l), (l + 1 < model.LayerCount ? model.WeightOffset(l + 1) : model.ParameterCount) - model.WeightOffset(l)))
            .ToArray();

    /// <summary>
    /// Lanczos with full reorthogonalization on a symmetric operator <paramref name="apply"/> (v ↦ A v) of dimension
    /// <paramref name="dimension"/>: the top <paramref name="count"/> Ritz values, descending, with their residuals.
    /// The start vector is a seeded Gaussian, so the result is a deterministic function of (A, seed).
    /// </summary>
    public static TopEigenvalues LanczosTop(Action<double[], double[]> apply, int dimension, int count, int maxIterations = 40,
        double tolerance = 1e-6, ulong seed = 1)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count));
        int p = dimension;
        count = Math.Min(count, p);
        int k = Math.Max(count, Math.Min(Math.Max(maxIterations, count), p));
        var q = new double[k + 1][];
        var alpha = new double[k];
        var beta = new double[k + 1];
        var w = new double[p];
        q[0] = new double[p];
        GaussianStart(q[0], seed);
        Scale(q[0], 1 / Norm(q[0]));
        double[] values = [], residuals = [];
        int m = 0;
        for (int j = 0; j < k; j++)
        {
            apply(q[j], w);
            double b = ReorthogonalizedStep(q, j, w, alpha, beta);
            m = j + 1;
            (values, residuals) = TopRitz(alpha, beta, m, Math.Min(count, m));
            if (!values.All(double.IsFinite)) break;
            double scale = Math.Max(Math.Abs(values[0]), 1e-300);
            bool converged = m >= count && residuals.All(r => r <= tolerance * scale);
            if (converged || b <= 1e-14 * scale || m == k) break;
            q[j + 1] = NextBasisVector(w, b);
        }
        return new TopEigenvalues(values, residuals, m);
    }

    /// <summary>The seeded Gaussian start vector of a Lanczos run (not yet normalized).</summary>
    private static void GaussianStart(double[] q0, ulong seed)
    {
        var rng = Xoshiro256.ForStream(seed, 0x1A_2C05);
        for (int i = 0; i < q0.Length; i++) q0[i] = rng.NextGaussian();
    }

    /// <summary>
    /// One Lanczos step after w = A q_j: α_j = ⟨w, q_j⟩, then w is orthogonalized against q_0 … q_j twice (full
    /// reorthogonalization; twice is enough, Kahan–Parlett — it keeps the Ritz values clean of ghost copies), and
    /// β_{j+1} = ‖w‖ is stored and returned.
    /// </summary>
    private static double ReorthogonalizedStep(double[][] q, int j, double[] w, double[] alpha, double[] beta)
    {
        alpha[j] = Dot(w, q[j]);
        for (int pass = 0; pass < 2; pass++)
            for (int i = 0; i <= j; i++)
            {
                double c = Dot(w, q[i]);
                for (int t = 0; t < w.Length; t++) w[t] -= c * q[i][t];
            }
        double b = Norm(w);
        beta[j + 1] = b;
        return b;
    }

    /// <summary>q_{j+1} = w / β_{j+1}.</summary>
    private static double[] NextBasisVector(double[] w, double b)
    {
        var next = new double[w.Length];
        for (int t = 0; t < w.Length; t++) next[t] = w[t] / b;
        return next;
    }

    /// <summary>The m × m Lanczos tridiagonal T (α on the diagonal, β beside it); null when an entry is not finite.</summary>
    private static Matrix<double>? TridiagonalMatrix(double[] alpha, double[] beta, int m)
    {
        var t = Matrix<double>.Build.Dense(m, m);
        for (int i = 0; i < m; i++)
        {
            t[i, i] = alpha[i];
            if (i + 1 < m) { t[i, i + 1] = beta[i + 1]; t[i + 1, i] = beta[i + 1]; }
        }
        return t.Enumerate().All(double.IsFinite) ? t : null;
    }

    /// <summary>The <paramref name="count"/> largest eigenvalues of the m × m Lanczos tridiagonal, descending, with their Ritz residuals β_m |s_m|.</summary>
    private static (double[] Values, double[] Residuals) TopRitz(double[] alpha, double[] beta, int m, int count)
    {
        if (TridiagonalMatrix(alpha, beta, m) is not { } t) return (Enumerable.Repeat(double.NaN, count).ToArray(), Enumerable.Repeat(double.NaN, count).ToArray());
        var evd = t.Evd(Symmetricity.Symmetric);
        var order = Enumerable.Range(0, m).OrderByDescending(i => evd.EigenValues[i].Real).Take(count).ToArray();
        return (order.Select(i => evd.EigenValues[i].Real).ToArray(), order.Select(i => beta[m] * Math.Abs(evd.EigenVectors[m - 1, i])).ToArray());
    }

    /// <summary>
    /// Power iteration on ∇²L(θ) (the textbook alternative): returns the eigenvalue of largest magnitude (which is
    /// λ_max when the spectrum's positive end dominates, as at and near minima).
    /// </summary>
    public static SharpnessEstimate PowerIteration(IScalarField loss, ReadOnlySpan<double> theta, int iterations = 200,
        double tolerance = 1e-9, ulong seed = 1)
    {
        int p = loss.Dimension;
        var v = new double[p];
        var w = new double[p];
        var rng = Xoshiro256.ForStream(seed, 0x90E4);
        for (int i = 0; i < p; i++) v[i] = rng.NextGaussian();
        Scale(v, 1 / Norm(v));
        double lambda = double.NaN, residual = double.NaN;
        int it = 0;
        for (; it < iterations; it++)
        {
            loss.HessianVectorProduct(theta, v, w);
            double next = Dot(w, v);
            double r = 0;
            for (int i = 0; i < p; i++) { double e = w[i] - next * v[i]; r += e * e; }
            residual = Math.Sqrt(r);
            lambda = next;
            double n = Norm(w);
            if (!(n > 0) || !double.IsFinite(n)) break;
            for (int i = 0; i < p; i++) v[i] = w[i] / n;
            if (residual <= tolerance * Math.Abs(lambda)) { it++; break; }
        }
        return new SharpnessEstimate(lambda, double.NaN, residual, it);
    }

    /// <summary>Extreme eigenvalues of the m × m Lanczos tridiagonal and the eigenvector of the largest.</summary>
    private static (double Max, double Min, double[] Vector) Tridiagonal(double[] alpha, double[] beta, int m)
    {
        if (TridiagonalMatrix(alpha, beta, m) is not { } t) return (double.NaN, double.NaN, new double[m]);
        var evd = t.Evd(Symmetricity.Symmetric);
        var values = evd.EigenValues.Select(c => c.Real).ToArray();
        int iMax = 0, iMin = 0;
        for (int i = 1; i < m; i++)
        {
            if (values[i] > values[iMax]) iMax = i;
            if (values[i] < values[iMin]) iMin = i;
        }
        return (values[iMax], values[iMin], evd.EigenVectors.Column(iMax).ToArray());
    }

    internal static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    internal static double Norm(ReadOnlySpan<double> a) => Math.Sqrt(Dot(a, a));

    private static void Scale(Span<double> a, double c)
    {
        for (int i = 0; i < a.Length; i++) a[i] *= c;
    }
}
