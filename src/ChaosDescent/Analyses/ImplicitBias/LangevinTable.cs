namespace ChaosDescent.Analyses.ImplicitBias;

/// <summary>One row of the "three sources of stochasticity" table.</summary>
public sealed record LangevinTableRow(
    string Source, string Iteration, string Objective, double Temperature, string TemperatureRule,
    double VarianceRatioSlow, double VarianceRatioFast, double Ks, double KsCritical, double W2Relative);

/// <summary>
/// Builds the table: minibatch noise (SGD), injected Gaussian noise (GDL, and GD with SGD-shaped noise), and
/// deterministic chaos (large-LR GD on a multiscale objective). Each row compares the long-run law with a Gibbs law
/// exp(−V/T)/Z at the row's temperature: variance ratios along the slowest and the fastest eigen-direction of the
/// Hessian (1 for a Gibbs law), the largest KS distance over those directions, and the Gaussian W2 distance
/// relative to √tr Σ_Gibbs.
/// </summary>
public static class LangevinTable
{
    public static List<LangevinTableRow> Rows(LangevinComparisonResult r, MultiscaleGdResult? ms)
    {
        var rows = new List<LangevinTableRow>();
        foreach (var m in r.Methods)
        {
            string source = m.Method switch
            {
                "sgd" => "minibatch noise",
                "langevin" => "injected isotropic noise",
                _ => "injected SGD-shaped noise",
            };
            string it = m.Method switch
            {
                "sgd" => $"SGD b={r.Batch}",
                "langevin" => "GD + sqrt(2 eta T) z",
                _ => "GD + eta C*^(1/2) z",
            };
            rows.Add(new LangevinTableRow(source, it, r.Objective, r.Temperature, r.TemperatureRule,
                m.VarianceRatioToGibbs[0], m.VarianceRatioToGibbs[^1], m.KsToGibbs.Max(), m.KsCritical, m.W2RelativeToGibbs));
        }
        if (ms is not null)
        {
            double ratio = ms.Variance / ms.GibbsVariance;
            double w2 = Math.Sqrt(Math.Pow(ms.Mean - ms.GibbsMean, 2) + Math.Pow(Math.Sqrt(ms.Variance) - Math.Sqrt(ms.GibbsVariance), 2)) / Math.Sqrt(ms.GibbsVariance);
            rows.Add(new LangevinTableRow("deterministic chaos", $"GD eta={ms.Eta:G3}", $"{ms.Objective}, eps={ms.Eps:G3}", ms.Temperature,
                "T = eta sigma^2/2 (rescaled Gibbs, eq. 2)", ratio, ratio, ms.Ks, ms.KsCritical, w2));
        }
        return rows;
    }
}
