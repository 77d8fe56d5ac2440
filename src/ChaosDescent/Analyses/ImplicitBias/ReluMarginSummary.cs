namespace ChaosDescent.Analyses.ImplicitBias;

/// <summary>
/// Growth rates of a <see cref="ReluMarginTrace"/> over the last decade of t. For a 2-homogeneous network the loss
/// decays like 1/t once the data are fitted, so min_n y_n f(x_n) ≈ ln t and ‖W1‖‖W2‖ ≈ ln t / γ̄ where γ̄ is the limiting
/// normalized margin: the slope of ‖W1‖‖W2‖ against ln t tends to 1/γ̄. Gradient flow conserves ‖W1‖² − ‖W2‖²
/// (each hidden unit: ‖w_j‖² − a_j²) for ReLU networks, so each squared norm also grows with slope → 1/γ̄.
/// </summary>
public sealed record ReluMarginSummary(double ProductSlope, double W1SquaredSlope, double W2SquaredSlope, double MarginChangeLastDecade, double BalanceDrift)
{
    public static ReluMarginSummary From(ReluMarginTrace tr)
    {
        var prod = tr.NormW1.Select((a, i) => a * tr.NormW2[i]).ToArray();
        var w1s = tr.NormW1.Select(a => a * a).ToArray();
        var w2s = tr.NormW2.Select(a => a * a).ToArray();
        long T = tr.Steps[^1];
        int i0 = Array.FindIndex(tr.Steps, t => t >= T / 10.0);
        double balance0 = w1s[0] - w2s[0], balance1 = w1s[^1] - w2s[^1];
        return new ReluMarginSummary(
            MaxMarginAnalysis.LastDecadeSlope(tr.Steps, prod),
            MaxMarginAnalysis.LastDecadeSlope(tr.Steps, w1s),
            MaxMarginAnalysis.LastDecadeSlope(tr.Steps, w2s),
            tr.NormalizedMargin[^1] - tr.NormalizedMargin[i0],
            balance1 - balance0);
    }
}
