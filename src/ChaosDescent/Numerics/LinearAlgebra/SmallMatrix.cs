namespace ChaosDescent.Numerics.LinearAlgebra;

/// <summary>
/// Dense linear algebra for the small matrices of tangent maps (n = S·d, a handful of rows): row-major spans, no
/// allocation for n ≤ 16 (stack buffers), so the per-step work of Lyapunov estimates stays allocation-free.
/// </summary>
public static class SmallMatrix
{
    private const int StackLimit = 16;

    /// <summary>c = a·b for n×n row-major matrices (c must not alias a or b).</summary>
    public static void Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int n)
    {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];
                c[i * n + j] = s;
            }
    }

    /// <summary>y = a·x for an n×n matrix.</summary>
    public static void Apply(ReadOnlySpan<double> a, ReadOnlySpan<double> x, Span<double> y, int n)
    {
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int k = 0; k < n; k++) s += a[i * n + k] * x[k];
            y[i] = s;
        }
    }

    /// <summary>Euclidean norm of a vector.</summary>
    public static double Norm(ReadOnlySpan<double> v)
    {
        double scale = 0;
        foreach (var x in v) scale = Math.Max(scale, Math.Abs(x));
        if (scale == 0 || !double.IsFinite(scale)) return scale;
        double s = 0;
        foreach (var x in v)
        {
            double t = x / scale;
            s += t * t;
        }
        return scale * Math.Sqrt(s);
    }

    /// <summary>True when every off-diagonal entry is exactly zero.</summary>
    public static bool IsDiagonal(ReadOnlySpan<double> a, int n)
    {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (i != j && a[i * n + j] != 0) return false;
        return true;
    }

    /// <summary>
    /// ‖a‖₂ of a symmetric matrix = max |eigenvalue| (Cond. 2 uses the 2-norm of ε∇²f1,ε, a Hessian). Diagonal
    /// matrices (separable micro-scales) take the shortcut max |a_ii|; n = 2 has a closed form; otherwise cyclic Jacobi.
    /// </summary>
    public static double SymmetricSpectralNorm(ReadOnlySpan<double> a, int n)
    {
        if (n == 1) return Math.Abs(a[0]);
        if (IsDiagonal(a, n))
        {
            double m = 0;
            for (int i = 0; i < n; i++) m = Math.Max(m, Math.Abs(a[i * n + i]));
            return m;
        }
        if (n == 2)
        {
            double p = 0.5 * (a[0] + a[3]), q = Math.Sqrt(0.25 * (a[0] - a[3]) * (a[0] - a[3]) + a[1] * a[2]);
            return Math.Abs(p) + q; // max(|p + q|, |p − q|) with q ≥ 0
        }
        Span<double> w = n <= StackLimit ? stackalloc double[n * n] : new double[n * n];
        a[..(n * n)].CopyTo(w);
        JacobiEigenvalues(w, n);
        double r = 0;
        for (int i = 0; i < n; i++) r = Math.Max(r, Math.Abs(w[i * n + i]));
        return r;
    }

    /// <summary>‖a‖₂ of a general square matrix: the largest singular value, √(λ_max(aᵀa)).</summary>
    public static double SpectralNorm(ReadOnlySpan<double> a, int n)
    {
        if (n == 1) return Math.Abs(a[0]);
        Span<double> g = n <= StackLimit ? stackalloc double[n * n] : new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < n; k++) s += a[k * n + i] * a[k * n + j];
                g[i * n + j] = s;
            }
        return Math.Sqrt(SymmetricSpectralNorm(g, n));
    }

    /// <summary>Cyclic Jacobi rotations: on return the diagonal of <paramref name="w"/> holds the eigenvalues (symmetric input).</summary>
    public static void JacobiEigenvalues(Span<double> w, int n)
    {
        for (int sweep = 0; sweep < 64; sweep++)
        {
            double off = 0, diag = 0;
            for (int i = 0; i < n; i++)
            {
                diag += w[i * n + i] * w[i * n + i];
                for (int j = i + 1; j < n; j++) off += w[i * n + j] * w[i * n + j];
            }
            if (off <= 1e-32 * diag || off == 0) return;
            for (int p = 0; p < n - 1; p++)
                for (int q = p + 1; q < n; q++)
                {
                    double apq = w[p * n + q];
                    if (apq == 0) continue;
                    double theta = (w[q * n + q] - w[p * n + p]) / (2 * apq);
                    double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = w[k * n + p], akq = w[k * n + q];
                        w[k * n + p] = c * akp - s * akq;
                        w[k * n + q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double apk = w[p * n + k], aqk = w[q * n + k];
                        w[p * n + k] = c * apk - s * aqk;
                        w[q * n + k] = s * apk + c * aqk;
                    }
                }
        }
    }

    /// <summary>
    /// Householder QR of the n×n matrix <paramref name="a"/> (row-major, overwritten by Q), writing |R_kk| into
    /// <paramref name="rDiagAbs"/>. Householder rather than Gram–Schmidt: in the Benettin algorithm the columns of J·Q
    /// can be nearly parallel when the exponents differ by many e-folds per step (η/ε ≫ 1).
    /// </summary>
    public static void QrInPlace(Span<double> a, int n, Span<double> rDiagAbs)
    {
        Span<double> v = n * n <= 256 ? stackalloc double[n * n] : new double[n * n]; // reflector k in row k
        Span<double> beta = n <= StackLimit ? stackalloc double[n] : new double[n];
        for (int k = 0; k < n; k++)
        {
            double norm = 0, scale = 0;
            for (int i = k; i < n; i++) scale = Math.Max(scale, Math.Abs(a[i * n + k]));
            if (scale == 0)
            {
                beta[k] = 0;
                rDiagAbs[k] = 0;
                continue;
            }
            for (int i = k; i < n; i++)
            {
                double t = a[i * n + k] / scale;
                norm += t * t;
            }
            norm = scale * Math.Sqrt(norm);
            double alpha = a[k * n + k] >= 0 ? -norm : norm; // R_kk = alpha, sign chosen against cancellation
            for (int i = 0; i < k; i++) v[k * n + i] = 0;
            v[k * n + k] = a[k * n + k] - alpha;
            for (int i = k + 1; i < n; i++) v[k * n + i] = a[i * n + k];
            double vv = 0;
            for (int i = k; i < n; i++) vv += v[k * n + i] * v[k * n + i];
            beta[k] = vv > 0 ? 2 / vv : 0;
            // apply H_k = I − β v vᵀ to columns k..n−1
            for (int j = k; j < n; j++)
            {
                double s = 0;
                for (int i = k; i < n; i++) s += v[k * n + i] * a[i * n + j];
                s *= beta[k];
                for (int i = k; i < n; i++) a[i * n + j] -= s * v[k * n + i];
            }
            rDiagAbs[k] = Math.Abs(alpha);
        }
        // Q = H_0 H_1 … H_{n−1}: start from I and apply the reflectors from the last to the first.
        a[..(n * n)].Clear();
        for (int i = 0; i < n; i++) a[i * n + i] = 1;
        for (int k = n - 1; k >= 0; k--)
        {
            if (beta[k] == 0) continue;
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int i = k; i < n; i++) s += v[k * n + i] * a[i * n + j];
                s *= beta[k];
                for (int i = k; i < n; i++) a[i * n + j] -= s * v[k * n + i];
            }
        }
    }

    /// <summary>Solves a·x = b in place (b becomes x) by Gaussian elimination with partial pivoting; false if singular.</summary>
    public static bool Solve(Span<double> a, Span<double> b, int n)
    {
        for (int k = 0; k < n; k++)
        {
            int p = k;
            for (int i = k + 1; i < n; i++)
                if (Math.Abs(a[i * n + k]) > Math.Abs(a[p * n + k])) p = i;
            if (a[p * n + k] == 0 || !double.IsFinite(a[p * n + k])) return false;
            if (p != k)
            {
                for (int j = 0; j < n; j++) (a[k * n + j], a[p * n + j]) = (a[p * n + j], a[k * n + j]);
                (b[k], b[p]) = (b[p], b[k]);
            }
            for (int i = k + 1; i < n; i++)
            {
                double f = a[i * n + k] / a[k * n + k];
                if (f == 0) continue;
                for (int j = k; j < n; j++) a[i * n + j] -= f * a[k * n + j];
                b[i] -= f * b[k];
            }
        }
        for (int i = n - 1; i >= 0; i--)
        {
            double s = b[i];
            for (int j = i + 1; j < n; j++) s -= a[i * n + j] * b[j];
            b[i] = s / a[i * n + i];
        }
        return true;
    }

    /// <summary>Spectral radius (largest |eigenvalue|) of a general n×n matrix: closed form for n ≤ 2, else MathNet.</summary>
    public static double SpectralRadius(ReadOnlySpan<double> a, int n)
    {
        if (n == 1) return Math.Abs(a[0]);
        if (n == 2)
        {
            double tr = a[0] + a[3], det = a[0] * a[3] - a[1] * a[2], disc = 0.25 * tr * tr - det;
            if (disc < 0) return Math.Sqrt(Math.Abs(det)); // complex pair: |μ|² = det
            double r = Math.Sqrt(disc);
            return Math.Max(Math.Abs(0.5 * tr + r), Math.Abs(0.5 * tr - r));
        }
        var copy = a[..(n * n)].ToArray();
        var m = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(n, n, (i, j) => copy[i * n + j]);
        return m.Evd().EigenValues.Max(c => c.Magnitude);
    }
}
