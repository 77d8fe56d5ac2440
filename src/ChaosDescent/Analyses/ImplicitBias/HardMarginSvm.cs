using MathNet.Numerics.LinearAlgebra;
using ChaosDescent.Data;
using ChaosDescent.Numerics.LinearAlgebra;

namespace ChaosDescent.Analyses.ImplicitBias;

/// <summary>
/// Karush–Kuhn–Tucker residuals of a hard-margin SVM solution (w, α) for min ½‖w‖² s.t. y_n wᵀx_n ≥ 1:
/// primal feasibility, dual feasibility (α ≥ 0), complementary slackness α_n (y_n wᵀx_n − 1) = 0, stationarity
/// w = Σ α_n y_n x_n, and the duality gap between ½‖w‖² and Σα − ½‖Σ α_n y_n x_n‖². All are dimensionless.
/// </summary>
public sealed record SvmKkt(
    double PrimalViolation,
    double DualViolation,
    double ComplementarySlackness,
    double Stationarity,
    double RelativeDualityGap,
    double SupportMarginSpread)
{
    /// <summary>The largest of the residuals.</summary>
    public double Max => new[] { PrimalViolation, DualViolation, ComplementarySlackness, Stationarity, RelativeDualityGap }.Max();

    public bool Holds(double tolerance) => Max <= tolerance;

    /// <summary>Evaluates the residuals of (w, α) on <paramref name="data"/>.</summary>
    public static SvmKkt Evaluate(ClassificationData data, double[] w, double[] alpha)
    {
        int d = data.Dimension;
        double primal = 0, dualViol = 0, cs = 0, sumAlpha = 0, spread = 0;
        var combo = new double[d];
        for (int n = 0; n < data.Count; n++)
        {
            var x = data.Row(n);
            double m = 0;
            for (int k = 0; k < d; k++) m += w[k] * x[k];
            m *= data.Y[n];
            primal = Math.Max(primal, 1 - m);
            dualViol = Math.Max(dualViol, -alpha[n]);
            sumAlpha += alpha[n];
            cs = Math.Max(cs, Math.Abs(alpha[n] * (m - 1)));
            if (alpha[n] > 0) spread = Math.Max(spread, Math.Abs(m - 1));
            for (int k = 0; k < d; k++) combo[k] += alpha[n] * data.Y[n] * x[k];
        }
        double ww = 0, diff = 0, cc = 0;
        for (int k = 0; k < d; k++)
        {
            ww += w[k] * w[k];
            diff += (w[k] - combo[k]) * (w[k] - combo[k]);
            cc += combo[k] * combo[k];
        }
        double primalObj = 0.5 * ww, dualObj = sumAlpha - 0.5 * cc;
        return new SvmKkt(
            Math.Max(0, primal),
            dualViol / Math.Max(sumAlpha, double.Epsilon),
            cs / Math.Max(sumAlpha, double.Epsilon),
            Math.Sqrt(diff / Math.Max(ww, double.Epsilon)),
            Math.Abs(primalObj - dualObj) / Math.Max(primalObj, double.Epsilon),
            spread);
    }
}

/// <summary>Result of <see cref="HardMarginSvm.Solve"/>.</summary>
public sealed class SvmSolution
{
    /// <summary>True when some w has y_n wᵀx_n ≥ 1 for all n (equivalently y_n wᵀx_n &gt; 0: strict linear separability through the origin).</summary>
    public required bool Separable { get; init; }
    /// <summary>ŵ, the minimum-norm w with y_n wᵀx_n ≥ 1 (eq. (4) of Soudry et al.); null when not separable.</summary>
    public double[]? W { get; init; }
    /// <summary>‖ŵ‖ (the asymptotic slope of ‖w(t)‖ against log t in Thm. 3); +∞ when not separable.</summary>
    public double Norm => W is null ? double.PositiveInfinity : Math.Sqrt(W.Sum(v => v * v));
    /// <summary>Geometric margin 1/‖ŵ‖ = max over unit w of min_n y_n wᵀx_n.</summary>
    public double Margin => W is null ? 0 : 1 / Norm;
    /// <summary>ŵ/‖ŵ‖.</summary>
    public double[]? Direction => W?.Select(v => v / Norm).ToArray();
    /// <summary>Dual variables α ≥ 0 with ŵ = Σ α_n y_n x_n; positive only on support vectors.</summary>
    public double[] Alpha { get; init; } = [];
    public int[] SupportVectors { get; init; } = [];
    public SvmKkt? Kkt { get; init; }
    /// <summary>
    /// For non-separable data: weights u ≥ 0 with Σu = 1 and Σ u_n y_n x_n ≈ 0, i.e. 0 lies in the convex hull of
    /// {y_n x_n}. By Gordan's alternative no w can then have y_n wᵀx_n &gt; 0 for all n.
    /// </summary>
    public double[]? Certificate { get; init; }
    /// <summary>‖Σ u_n y_n x_n‖ / R for the certificate (R = max ‖x_n‖); rounding level when the certificate is valid.</summary>
    public double CertificateResidual { get; init; } = double.NaN;
    /// <summary>The scalar s = 1/(1 + ‖ŵ‖² R²) of the least-distance formulation (0 when infeasible).</summary>
    public double LdpScale { get; init; }
    public string Method { get; init; } = "";
    public int Iterations { get; init; }
}

/// <summary>
/// The hard-margin SVM without bias, ŵ = argmin ‖w‖² s.t. y_n wᵀx_n ≥ 1 (eq. (4) of Soudry et al. 2018), solved
/// exactly. Primary method: the least-distance programme min ‖v‖ s.t. G v ≥ 1 (rows g_n = y_n x_n / R) reduced
/// to non-negative least squares (Lawson &amp; Hanson 1974, Thm. 23.4): with E = [Gᵀ; 1ᵀ], f = e_{d+1} and
/// u = argmin_{u≥0} ‖E u − f‖, the residual r = E u − f is zero exactly when the constraints are infeasible
/// (then u is a Gordan certificate of non-separability), and otherwise v = r_{1..d} / s with s = 1 − Σu,
/// ŵ = v / R and α = u / (s R²). A bias term, when asked for, is an augmented constant feature (penalized).
/// A second, independent solver (dual coordinate ascent, i.e. SMO without the bias equality constraint) is
/// provided for cross-checks.
/// </summary>
public static class HardMarginSvm
{
    /// <summary>s below this means a relative margin γ/R below about 1e-6: reported as not separable.</summary>
    public const double SeparabilityThreshold = 1e-12;

    public static SvmSolution Solve(ClassificationData data)
    {
        int n = data.Count, d = data.Dimension, m = d + 1;
        double radius = data.Radius();
        if (radius == 0)
            return new SvmSolution
            {
                Separable = false,
                Certificate = Enumerable.Repeat(1.0 / n, n).ToArray(),
                CertificateResidual = 0,
                Method = "all points at the origin",
            };
        var e = new double[m * n];
        for (int j = 0; j < n; j++)
        {
            var x = data.Row(j);
            for (int k = 0; k < d; k++) e[j * m + k] = data.Y[j] * x[k] / radius;
            e[j * m + d] = 1;
        }
        var f = new double[m];
        f[d] = 1;
        var res = Nnls.Solve(e, m, n, f);
        double s = -res.Residual[d];
        double sumU = res.U.Sum();
        if (s > SeparabilityThreshold)
        {
            var w = new double[d];
            for (int k = 0; k < d; k++) w[k] = res.Residual[k] / s / radius;
            var alpha = res.U.Select(u => u / (s * radius * radius)).ToArray();
            var kkt = SvmKkt.Evaluate(data, w, alpha);
            // A valid separator must satisfy the constraints to rounding; otherwise the margin is below resolution.
            if (kkt.PrimalViolation <= 1e-8)
                return new SvmSolution
                {
                    Separable = true,
                    W = w,
                    Alpha = alpha,
                    Kkt = kkt,
                    LdpScale = s,
                    Iterations = res.Iterations,
                    SupportVectors = Enumerable.Range(0, n).Where(j => alpha[j] > 0).ToArray(),
                    Method = "least-distance programme via Lawson-Hanson NNLS",
                };
        }
        var cert = res.U.Select(u => u / Math.Max(sumU, double.Epsilon)).ToArray();
        double resid = 0;
        for (int k = 0; k < d; k++)
        {
            double c = 0;
            for (int j = 0; j < n; j++) c += cert[j] * e[j * m + k];
            resid += c * c;
        }
        return new SvmSolution
        {
            Separable = false,
            Certificate = cert,
            CertificateResidual = Math.Sqrt(resid),
            LdpScale = Math.Max(s, 0),
            Iterations = res.Iterations,
            Method = "least-distance programme via Lawson-Hanson NNLS",
        };
    }

    /// <summary>
    /// Dual coordinate ascent on max Σα − ½‖Σ α_n y_n x_n‖², α ≥ 0 (SMO without bias: one variable at a time,
    /// exact line maximization, clipped at 0). Converges linearly for separable data; for non-separable data the
    /// dual is unbounded (it grows along the Gordan certificate), which is detected when Σα exceeds
    /// <paramref name="maxSumAlpha"/> (Σα = ‖ŵ‖² = 1/margin² at the optimum).
    /// </summary>
    public static SvmSolution SolveByCoordinateAscent(ClassificationData data, double tolerance = 1e-12, int maxSweeps = 1_000_000, double maxSumAlpha = 1e12)
    {
        int n = data.Count, d = data.Dimension;
        var alpha = new double[n];
        var w = new double[d];
        var sq = new double[n];
        for (int j = 0; j < n; j++)
            foreach (var v in data.Row(j)) sq[j] += v * v;
        int sweep;
        for (sweep = 1; sweep <= maxSweeps; sweep++)
        {
            double worst = 0;
            for (int j = 0; j < n; j++)
            {
                if (sq[j] == 0) continue;
                var x = data.Row(j);
                double mrg = 0;
                for (int k = 0; k < d; k++) mrg += w[k] * x[k];
                mrg *= data.Y[j];
                double next = Math.Max(0, alpha[j] + (1 - mrg) / sq[j]);
                double delta = next - alpha[j];
                if (delta != 0)
                {
                    for (int k = 0; k < d; k++) w[k] += delta * data.Y[j] * x[k];
                    alpha[j] = next;
                }
                // Projected-gradient KKT violation of this coordinate.
                worst = Math.Max(worst, alpha[j] > 0 ? Math.Abs(1 - mrg) : Math.Max(0, 1 - mrg));
            }
            if (alpha.Sum() > maxSumAlpha || sq.Any(v => v == 0))
                return new SvmSolution { Separable = false, Method = "dual coordinate ascent (dual diverged)", Iterations = sweep, Alpha = alpha };
            if (worst <= tolerance) break;
        }
        return new SvmSolution
        {
            Separable = true,
            W = w,
            Alpha = alpha,
            Kkt = SvmKkt.Evaluate(data, w, alpha),
            Iterations = sweep,
            SupportVectors = Enumerable.Range(0, n).Where(j => alpha[j] > 0).ToArray(),
            Method = "dual coordinate ascent",
        };
    }
}
