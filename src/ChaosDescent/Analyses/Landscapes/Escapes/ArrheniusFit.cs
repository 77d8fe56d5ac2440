namespace ChaosDescent.Analyses.Landscapes.Escapes;

/// <summary>
/// Fit of escape rates against 1/η: Eyring–Kramers for the SDE that the stochastic map discretizes gives, per step,
/// rate = η·A·exp(−(2ΔF/σ²)/η) with A = √(f0″(m)|f0″(s)|)/(2π), so ln(rate/η) is linear in 1/η with slope −2ΔF/σ²
/// and intercept ln A. Weighted least squares with weights d (the number of observed exits: Var ln(rate) ≈ 1/d for a
/// Poisson count).
/// </summary>
/// <param name="Slope">Fitted slope of ln(rate/η) against 1/η.</param>
/// <param name="SlopeError">Its standard error (from the weights, scaled by the residual χ² when that exceeds 1).</param>
/// <param name="Intercept">Fitted intercept (ln of the prefactor A).</param>
/// <param name="InterceptError">Its standard error.</param>
/// <param name="Points">Number of η values used.</param>
public sealed record ArrheniusFit(double Slope, double SlopeError, double Intercept, double InterceptError, int Points)
{
    /// <summary>Eyring–Kramers' slope −2ΔF/σ².</summary>
    public static double PredictedSlope(double barrier, double sigma2) => -2 * barrier / sigma2;

    /// <summary>Eyring–Kramers' intercept ln(√(f0″(m)|f0″(s)|)/(2π)).</summary>
    public static double PredictedIntercept(double curvatureMin, double curvatureSaddle) =>
        Math.Log(Math.Sqrt(curvatureMin * Math.Abs(curvatureSaddle)) / (2 * Math.PI));

    /// <param name="etas">Learning rates.</param>
    /// <param name="rates">Escape rates per step (exits / exposure).</param>
    /// <param name="exits">Observed exits behind each rate.</param>
    public static ArrheniusFit Fit(IReadOnlyList<double> etas, IReadOnlyList<double> rates, IReadOnlyList<long> exits)
    {
        var idx = Enumerable.Range(0, etas.Count).Where(i => exits[i] > 0 && rates[i] > 0).ToArray();
        if (idx.Length < 2) return new ArrheniusFit(double.NaN, double.NaN, double.NaN, double.NaN, idx.Length);
        var x = idx.Select(i => 1 / etas[i]).ToArray();
        var y = idx.Select(i => Math.Log(rates[i] / etas[i])).ToArray();
        var w = idx.Select(i => (double)exits[i]).ToArray();
        double sw = w.Sum(), xm = x.Zip(w, (a, b) => a * b).Sum() / sw, ym = y.Zip(w, (a, b) => a * b).Sum() / sw;
        double sxx = 0, sxy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sxx += w[i] * (x[i] - xm) * (x[i] - xm);
            sxy += w[i] * (x[i] - xm) * (y[i] - ym);
        }
        double slope = sxy / sxx, intercept = ym - slope * xm;
        double chi2 = 0;
        for (int i = 0; i < x.Length; i++) chi2 += w[i] * Math.Pow(y[i] - intercept - slope * x[i], 2);
        double scale = x.Length > 2 ? Math.Max(1, chi2 / (x.Length - 2)) : 1;
        double slopeSe = Math.Sqrt(scale / sxx), interceptSe = Math.Sqrt(scale * (1 / sw + xm * xm / sxx));
        return new ArrheniusFit(slope, slopeSe, intercept, interceptSe, x.Length);
    }
}
