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
        else
        {
            var rng = Xoshiro256.ForStream(seed, 0x1A_2C05);
            for (int i = 0; i < p; i++) q[0][i] = rng.NextGaussian();
        }
        Scale(q[0], 1 / Norm(q[0]));

        int m = 0;
        double lmax = double.NaN, lmin = double.NaN, residual = double.NaN;
        double[]? ritz = null;
        for (int j = 0; j < k; j++)
        {
            loss.HessianVectorProduct(theta, q[j], w);
            alpha[j] = Dot(w, q[j]);
            // Full reorthogonalization (twice is enough, Kahan–Parlett): keeps the Ritz values clean of ghosts.
            for (int pass = 0; pass < 2; pass++)
                for (int i = 0; i <= j; i++)
                {
                    double c = Dot(w, q[i]);
                    for (int t = 0; t < p; t++) w[t] -= c * q[i][t];
                }
            m = j + 1;
            double b = Norm(w);
            beta[j + 1] = b;
            (lmax, lmin, ritz) = Tridiagonal(alpha, beta, m);
            residual = b * Math.Abs(ritz[m - 1]);
            if (!double.IsFinite(lmax)) break;
            if (residual <= tolerance * Math.Max(Math.Abs(lmax), 1e-300) || b <= 1e-14 * Math.Max(Math.Abs(lmax), 1e-300) || m == k) break;
            q[j + 1] = new double[p];
            for (int t = 0; t < p; t++) q[j + 1][t] = w[t] / b;
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
        var t = Matrix<double>.Build.Dense(m, m);
        for (int i = 0; i < m; i++)
        {
            t[i, i] = alpha[i];
            if (i + 1 < m) { t[i, i + 1] = beta[i + 1]; t[i + 1, i] = beta[i + 1]; }
        }
        if (!t.Enumerate().All(double.IsFinite)) return (double.NaN, double.NaN, new double[m]);
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
