using ChaosDescent.Objectives;
using MathNet.Numerics.LinearAlgebra;
using ChaosDescent.Numerics.LinearAlgebra;
using ChaosDescent.Numerics.Grids;

namespace ChaosDescent.Analyses.ImplicitBias;

/// <summary>
/// The Gibbs (Boltzmann) law p(w) = exp(−V(w)/T)/Z of 002/003, the stationary law of the Langevin equation
/// dw = −∇V dt + √(2T) dB: its mean, covariance and the marginal CDFs along the eigenvectors of H = ∇²V(w*).
/// Computed exactly for a quadratic V (N(w*, T H⁻¹)), by tensor-grid quadrature for d ≤ 2, and by the Laplace
/// approximation N(w*, T H⁻¹) otherwise (flagged in <see cref="Method"/>).
/// </summary>
public sealed class GibbsLaw
{
    public required double Temperature { get; init; }
    public required double[] Mean { get; init; }
    public required double[] Covariance { get; init; }
    /// <summary>"exact Gaussian", "quadrature" or "Laplace approximation".</summary>
    public required string Method { get; init; }
    /// <summary>CDF of v_iᵀw for the i-th eigenvector of H (ascending eigenvalues).</summary>
    public required Func<double, double>[] MarginalCdf { get; init; }

    public static GibbsLaw Create(FiniteSumObjective f, double[] wStar, double temperature, int gridPoints = 301)
    {
        if (!(temperature > 0)) throw new UserInputException($"temperature must be positive, got {temperature}");
        int d = f.Dimension;
        var h = new double[d * d];
        f.Hessian(wStar, h);
        var (lam, vecs) = GaussianTools.SymmetricEigen(h, d);
        if (lam[0] <= 0) throw new UserInputException("the Hessian at the minimizer is not positive definite: exp(−V/T) is not normalizable");
        if (f.IsQuadratic || d > 2)
        {
            var hinv = GaussianTools.ToMatrix(h, d).Inverse() * temperature;
            var cdfs = new Func<double, double>[d];
            for (int i = 0; i < d; i++)
            {
                double mu = 0;
                for (int k = 0; k < d; k++) mu += vecs[k, i] * wStar[k];
                double sd = Math.Sqrt(temperature / lam[i]);
                cdfs[i] = x => GaussianTools.NormalCdf((x - mu) / sd);
            }
            return new GibbsLaw
            {
                Temperature = temperature,
                Mean = (double[])wStar.Clone(),
                Covariance = GaussianTools.Symmetrize(GaussianTools.ToArray(hinv), d),
                Method = f.IsQuadratic ? "exact Gaussian" : "Laplace approximation",
                MarginalCdf = cdfs,
            };
        }
        // Widen the box until V − V* ≥ 30 T on its boundary (logistic V grows more slowly than its quadratic model).
        for (double widen = 10; widen < 1000; widen *= 1.5)
        {
            var law = Quadrature(f, wStar, temperature, lam, vecs, gridPoints, widen);
            if (law is not null) return law;
        }
        throw new InvalidOperationException("Gibbs quadrature: no box holds the law (V grows too slowly)");
    }

    /// <summary>
    /// Trapezoidal quadrature in the eigen-coordinates z = Vᵀ(w − w*) on [−kσ_i, kσ_i], σ_i = √(T/λ_i), k ≥ 10. The
    /// trapezoidal rule converges geometrically for smooth integrands that decay at the ends; the box is accepted when
    /// V(w) − V(w*) ≥ 30 T on all of its boundary (density below e^{−30} of the peak there), else null.
    /// </summary>
    private static GibbsLaw? Quadrature(FiniteSumObjective f, double[] wStar, double temperature, double[] lam, Matrix<double> vecs, int m, double widen)
    {
        int d = wStar.Length;
        double[] half = lam.Select(l => widen * Math.Sqrt(temperature / l)).ToArray();
        double v0 = f.Value(wStar);
        var z = new double[d];
        var w = new double[d];
        double[] axis(int i) => Grid.Linspace(-half[i], half[i], m);
        var ax = Enumerable.Range(0, d).Select(axis).ToArray();
        var dens = new double[m * (d == 2 ? m : 1)];
        double boundaryMin = double.PositiveInfinity;
        int total = dens.Length;
        for (int idx = 0; idx < total; idx++)
        {
            int i0 = idx % m, i1 = d == 2 ? idx / m : 0;
            z[0] = ax[0][i0];
            if (d == 2) z[1] = ax[1][i1];
            for (int k = 0; k < d; k++)
            {
                w[k] = wStar[k];
                for (int j = 0; j < d; j++) w[k] += vecs[k, j] * z[j];
            }
            double e = (f.Value(w) - v0) / temperature;
            dens[idx] = Math.Exp(-e);
            bool boundary = i0 == 0 || i0 == m - 1 || (d == 2 && (i1 == 0 || i1 == m - 1));
            if (boundary) boundaryMin = Math.Min(boundaryMin, e);
        }
        if (boundaryMin < 30) return null;
        double weight(int j) => j == 0 || j == m - 1 ? 0.5 : 1;
        // Marginals along each eigen-axis, then moments in z, then back to w.
        var marg = new double[d][];
        for (int a = 0; a < d; a++) marg[a] = new double[m];
        double zsum = 0;
        for (int idx = 0; idx < total; idx++)
        {
            int i0 = idx % m, i1 = d == 2 ? idx / m : 0;
            double wt = weight(i0) * (d == 2 ? weight(i1) : 1) * dens[idx];
            zsum += wt;
            marg[0][i0] += wt / weight(i0);
            if (d == 2) marg[1][i1] += wt / weight(i1);
        }
        var mz = new double[d];
        var cz = new double[d * d];
        for (int idx = 0; idx < total; idx++)
        {
            int i0 = idx % m, i1 = d == 2 ? idx / m : 0;
            double wt = weight(i0) * (d == 2 ? weight(i1) : 1) * dens[idx] / zsum;
            z[0] = ax[0][i0];
            if (d == 2) z[1] = ax[1][i1];
            for (int a = 0; a < d; a++) mz[a] += wt * z[a];
        }
        for (int idx = 0; idx < total; idx++)
        {
            int i0 = idx % m, i1 = d == 2 ? idx / m : 0;
            double wt = weight(i0) * (d == 2 ? weight(i1) : 1) * dens[idx] / zsum;
            z[0] = ax[0][i0] - mz[0];
            if (d == 2) z[1] = ax[1][i1] - mz[1];
            for (int a = 0; a < d; a++)
                for (int b = 0; b < d; b++) cz[a * d + b] += wt * z[a] * z[b];
        }
        var mean = new double[d];
        var cov = new double[d * d];
        for (int k = 0; k < d; k++)
        {
            mean[k] = wStar[k];
            for (int a = 0; a < d; a++) mean[k] += vecs[k, a] * mz[a];
        }
        for (int k = 0; k < d; k++)
            for (int l = 0; l < d; l++)
            {
                double s = 0;
                for (int a = 0; a < d; a++)
                    for (int b = 0; b < d; b++) s += vecs[k, a] * cz[a * d + b] * vecs[l, b];
                cov[k * d + l] = s;
            }
        var cdfs = new Func<double, double>[d];
        for (int a = 0; a < d; a++)
        {
            double shift = 0;
            for (int k = 0; k < d; k++) shift += vecs[k, a] * wStar[k];
            var pts = ax[a].Select(v => v + shift).ToArray();
            var cum = new double[m];
            for (int j = 1; j < m; j++) cum[j] = cum[j - 1] + 0.5 * (marg[a][j - 1] + marg[a][j]);
            double tot = cum[^1];
            for (int j = 0; j < m; j++) cum[j] /= tot;
            cdfs[a] = x =>
            {
                if (x <= pts[0]) return 0;
                if (x >= pts[^1]) return 1;
                double pos = (x - pts[0]) / (pts[1] - pts[0]);
                int j = Math.Min((int)pos, m - 2);
                double fr = pos - j;
                return cum[j] + fr * (cum[j + 1] - cum[j]);
            };
        }
        return new GibbsLaw { Temperature = temperature, Mean = mean, Covariance = cov, Method = "quadrature", MarginalCdf = cdfs };
    }
}
