namespace ChaosDescent.Reporting.Reproduction.Rates;

/// <summary>
/// Ordinary least squares y ≈ a + p·x (+ b·t), the tool behind every fitted rate of this folder: an order p of
/// error ≈ C·η^p on log–log axes (x = ln η, y = ln error, optional t = η for the next term of the expansion), or a
/// geometric rate (x = k, y = ln distance). Standard errors from the residuals, σ̂² = RSS/(n − parameters), and the
/// diagonal of σ̂²(XᵀX)⁻¹; optional weights 1/Var(y_i) turn it into weighted least squares with known variances
/// (then the standard errors use those variances, not the residuals).
/// </summary>
public sealed record OrderFit(double Intercept, double Slope, double SlopeError, double? Correction, double? CorrectionError, int Points, double ResidualRms)
{
    /// <summary>The z of a two-sided test with false-alarm rate 5·10⁻⁵ per check.</summary>
    public const double Z = 4.06;

    public static OrderFit Fit(IReadOnlyList<double> x, IReadOnlyList<double> y, IReadOnlyList<double>? correction = null, IReadOnlyList<double>? variances = null)
    {
        int n = x.Count, m = correction is null ? 2 : 3;
        if (n < m + 1) throw new ArgumentException($"a fit with {m} parameters needs at least {m + 1} points, got {n}");
        var xtx = new double[m, m];
        var xty = new double[m];
        Span<double> row = stackalloc double[3];
        for (int i = 0; i < n; i++)
        {
            double w = variances is null ? 1 : 1 / variances[i];
            row[0] = 1;
            row[1] = x[i];
            if (m == 3) row[2] = correction![i];
            for (int a = 0; a < m; a++)
            {
                xty[a] += w * row[a] * y[i];
                for (int b = 0; b < m; b++) xtx[a, b] += w * row[a] * row[b];
            }
        }
        var inv = Invert(xtx, m);
        var beta = new double[m];
        for (int a = 0; a < m; a++)
            for (int b = 0; b < m; b++) beta[a] += inv[a, b] * xty[b];
        double rss = 0, wrss = 0;
        for (int i = 0; i < n; i++)
        {
            double pred = beta[0] + beta[1] * x[i] + (m == 3 ? beta[2] * correction![i] : 0);
            double r = y[i] - pred;
            rss += r * r;
            wrss += variances is null ? r * r : r * r / variances[i];
        }
        // With known variances the covariance is (XᵀWX)⁻¹; otherwise σ̂²(XᵀX)⁻¹.
        double scale = variances is null ? wrss / (n - m) : 1;
        return new OrderFit(beta[0], beta[1], Math.Sqrt(scale * inv[1, 1]),
            m == 3 ? beta[2] : null, m == 3 ? Math.Sqrt(scale * inv[2, 2]) : null, n, Math.Sqrt(rss / n));
    }

    private static double[,] Invert(double[,] a, int m)
    {
        // Gauss–Jordan with partial pivoting on an at most 3×3 system.
        var w = new double[m, 2 * m];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < m; j++) w[i, j] = a[i, j];
            w[i, m + i] = 1;
        }
        for (int c = 0; c < m; c++)
        {
            int p = c;
            for (int r = c + 1; r < m; r++) if (Math.Abs(w[r, c]) > Math.Abs(w[p, c])) p = r;
            if (w[p, c] == 0) throw new ArgumentException("singular design: the fit's abscissae do not vary");
            if (p != c)
                for (int j = 0; j < 2 * m; j++) (w[p, j], w[c, j]) = (w[c, j], w[p, j]);
            double d = w[c, c];
            for (int j = 0; j < 2 * m; j++) w[c, j] /= d;
            for (int r = 0; r < m; r++)
            {
                if (r == c) continue;
                double f = w[r, c];
                for (int j = 0; j < 2 * m; j++) w[r, j] -= f * w[c, j];
            }
        }
        var inv = new double[m, m];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++) inv[i, j] = w[i, m + j];
        return inv;
    }
}
