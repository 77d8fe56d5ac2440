using MathNet.Numerics.LinearAlgebra;

namespace ChaosDescent.Numerics.LinearAlgebra;

/// <summary>
/// Non-negative least squares min ‖E u − f‖₂ subject to u ≥ 0, by the active-set method of Lawson &amp; Hanson
/// (Solving Least Squares Problems, 1974, Ch. 23; the algorithm behind MATLAB's lsqnonneg). It terminates in
/// finitely many steps in exact arithmetic and each step solves an unconstrained least-squares problem on the
/// passive set exactly (QR, or SVD when the passive columns are numerically dependent), so the result is
/// accurate to rounding — unlike a first-order method run "long enough".
/// </summary>
public static class Nnls
{
    public sealed record Result(double[] U, double[] Residual, int Iterations, bool Converged);

    /// <summary>Solves the problem for a column-major m×n matrix <c>e</c> (column j is e[j*m .. j*m+m)).</summary>
    public static Result Solve(double[] e, int m, int n, double[] f, int maxIterations = 0)
    {
        if (e.Length != m * n || f.Length != m) throw new ArgumentException("dimension mismatch");
        if (maxIterations <= 0) maxIterations = 3 * n + 10;
        // Tolerance as lsqnonneg: 10 ε ‖E‖₁ max(m, n).
        double norm1 = 0;
        for (int j = 0; j < n; j++)
        {
            double s = 0;
            for (int i = 0; i < m; i++) s += Math.Abs(e[j * m + i]);
            norm1 = Math.Max(norm1, s);
        }
        double tol = 10 * 2.220446049250313e-16 * norm1 * Math.Max(m, n);

        var u = new double[n];
        var z = new double[n];
        var passive = new bool[n];
        var w = new double[n];
        var r = (double[])f.Clone();
        int iterations = 0;
        bool converged = false;
        while (true)
        {
            Gradient(e, m, n, r, w);
            int t = -1;
            double best = tol;
            for (int j = 0; j < n; j++)
                if (!passive[j] && w[j] > best) { best = w[j]; t = j; }
            if (t < 0) { converged = true; break; }
            if (++iterations > maxIterations) break;
            passive[t] = true;
            SolvePassive(e, m, n, f, passive, z);
            // Inner loop: step back into the feasible set while some passive coefficient is not positive.
            int inner = 0;
            while (true)
            {
                double alpha = double.PositiveInfinity;
                int blocking = -1;
                for (int j = 0; j < n; j++)
                {
                    if (!passive[j] || z[j] > 0) continue;
                    double a = u[j] / (u[j] - z[j]);
                    if (a < alpha) { alpha = a; blocking = j; }
                }
                if (blocking < 0) break;
                for (int j = 0; j < n; j++)
                {
                    if (!passive[j]) continue;
                    u[j] += alpha * (z[j] - u[j]);
                    if (j == blocking || u[j] <= tol) { passive[j] = false; u[j] = 0; }
                }
                SolvePassive(e, m, n, f, passive, z);
                if (++inner > n + 10) break;
            }
            for (int j = 0; j < n; j++) u[j] = passive[j] ? z[j] : 0;
            Residual(e, m, n, u, f, r);
        }
        Residual(e, m, n, u, f, r);
        // r here is f − E u; return E u − f.
        for (int i = 0; i < m; i++) r[i] = -r[i];
        return new Result(u, r, iterations, converged);
    }

    private static void Gradient(double[] e, int m, int n, double[] r, double[] w)
    {
        for (int j = 0; j < n; j++)
        {
            double s = 0;
            for (int i = 0; i < m; i++) s += e[j * m + i] * r[i];
            w[j] = s;
        }
    }

    private static void Residual(double[] e, int m, int n, double[] u, double[] f, double[] r)
    {
        Array.Copy(f, r, m);
        for (int j = 0; j < n; j++)
        {
            if (u[j] == 0) continue;
            for (int i = 0; i < m; i++) r[i] -= e[j * m + i] * u[j];
        }
    }

    /// <summary>z_P = argmin ‖E_P z − f‖, z_Z = 0.</summary>
    private static void SolvePassive(double[] e, int m, int n, double[] f, bool[] passive, double[] z)
    {
        var idx = new List<int>();
        for (int j = 0; j < n; j++) { z[j] = 0; if (passive[j]) idx.Add(j); }
        if (idx.Count == 0) return;
        var a = Matrix<double>.Build.Dense(m, idx.Count, (i, k) => e[idx[k] * m + i]);
        var b = Vector<double>.Build.DenseOfArray(f);
        Vector<double> sol;
        if (idx.Count <= m)
        {
            var qr = a.QR();
            // R's diagonal tells whether the passive columns are independent; fall back to the SVD (minimum-norm
            // least squares) when they are not, which only happens through rounding.
            double maxDiag = 0, minDiag = double.PositiveInfinity;
            for (int k = 0; k < idx.Count; k++)
            {
                double dkk = Math.Abs(qr.R[k, k]);
                maxDiag = Math.Max(maxDiag, dkk);
                minDiag = Math.Min(minDiag, dkk);
            }
            sol = minDiag > 1e-13 * maxDiag ? qr.Solve(b) : a.Svd(true).Solve(b);
        }
        else sol = a.Svd(true).Solve(b);
        for (int k = 0; k < idx.Count; k++) z[idx[k]] = sol[k];
    }
}
