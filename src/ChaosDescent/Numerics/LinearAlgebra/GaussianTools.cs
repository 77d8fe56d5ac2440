using MathNet.Numerics.LinearAlgebra;

namespace ChaosDescent.Numerics.LinearAlgebra;

/// <summary>Small dense helpers for Gaussian laws (row-major d×d arrays).</summary>
public static class GaussianTools
{
    public static Matrix<double> ToMatrix(double[] a, int d) => Matrix<double>.Build.Dense(d, d, (i, j) => a[i * d + j]);

    public static double[] ToArray(Matrix<double> m)
    {
        int d = m.RowCount;
        var a = new double[d * d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) a[i * d + j] = m[i, j];
        return a;
    }

    /// <summary>Eigen-decomposition of a symmetric matrix: eigenvalues ascending, eigenvectors as columns.</summary>
    public static (double[] Values, Matrix<double> Vectors) SymmetricEigen(double[] a, int d)
    {
        var m = ToMatrix(a, d);
        m = (m + m.Transpose()) * 0.5;
        var evd = m.Evd(Symmetricity.Symmetric);
        var vals = evd.EigenValues.Select(c => c.Real).ToArray();
        var order = Enumerable.Range(0, d).OrderBy(i => vals[i]).ToArray();
        var vecs = Matrix<double>.Build.Dense(d, d, (i, j) => evd.EigenVectors[i, order[j]]);
        return (order.Select(i => vals[i]).ToArray(), vecs);
    }

    /// <summary>Symmetric square root of a positive semi-definite matrix.</summary>
    public static Matrix<double> Sqrt(Matrix<double> m)
    {
        var (vals, vecs) = SymmetricEigen(ToArray(m), m.RowCount);
        var dg = Matrix<double>.Build.DenseDiagonal(vals.Length, vals.Length, i => Math.Sqrt(Math.Max(vals[i], 0)));
        return vecs * dg * vecs.Transpose();
    }

    /// <summary>Σ solving the discrete Lyapunov equation Σ = A Σ Aᵀ + Q (the stationary covariance of x' = A x + noise of covariance Q).</summary>
    public static double[] DiscreteLyapunov(double[] a, double[] q, int d)
    {
        // vec(AΣAᵀ) = (A ⊗ A) vec Σ for row-major vec.
        var k = Matrix<double>.Build.Dense(d * d, d * d, (r, c) =>
        {
            int i = r / d, j = r % d, p = c / d, s = c % d;
            return (r == c ? 1 : 0) - a[i * d + p] * a[j * d + s];
        });
        var sol = k.Solve(Vector<double>.Build.DenseOfArray(q));
        return Symmetrize(sol.ToArray(), d);
    }

    public static double[] Symmetrize(double[] m, int d)
    {
        var r = new double[d * d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) r[i * d + j] = 0.5 * (m[i * d + j] + m[j * d + i]);
        return r;
    }

    /// <summary>2-Wasserstein distance between N(m1, S1) and N(m2, S2) (Bures formula).</summary>
    public static double GaussianW2(double[] m1, double[] s1, double[] m2, double[] s2, int d)
    {
        double dm = 0;
        for (int i = 0; i < d; i++) dm += (m1[i] - m2[i]) * (m1[i] - m2[i]);
        var a = ToMatrix(s1, d);
        var b = ToMatrix(s2, d);
        var rb = Sqrt(b);
        var cross = Sqrt(rb * a * rb);
        double tr = a.Trace() + b.Trace() - 2 * cross.Trace();
        return Math.Sqrt(Math.Max(dm + tr, 0));
    }

    /// <summary>Mahalanobis norm sqrt(vᵀ S⁻¹ v).</summary>
    public static double Mahalanobis(double[] v, double[] s, int d)
    {
        var x = ToMatrix(s, d).Solve(Vector<double>.Build.DenseOfArray(v));
        double q = 0;
        for (int i = 0; i < d; i++) q += v[i] * x[i];
        return Math.Sqrt(Math.Max(q, 0));
    }

    /// <summary>vᵀ S v for column j of <paramref name="vecs"/>.</summary>
    public static double Quadratic(Matrix<double> vecs, int j, double[] s, int d)
    {
        double q = 0;
        for (int a = 0; a < d; a++)
            for (int b = 0; b < d; b++) q += vecs[a, j] * s[a * d + b] * vecs[b, j];
        return q;
    }

    public static double FrobeniusRelative(double[] a, double[] b)
    {
        double num = 0, den = 0;
        for (int i = 0; i < a.Length; i++) { num += (a[i] - b[i]) * (a[i] - b[i]); den += b[i] * b[i]; }
        return Math.Sqrt(num / den);
    }

    public static double NormalCdf(double z) => 0.5 * MathNet.Numerics.SpecialFunctions.Erfc(-z / Math.Sqrt(2));
}
