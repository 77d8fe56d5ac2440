using System.Globalization;

namespace ChaosDescent.Analyses.Chaos;

/// <summary>
/// The closed-form predictions of Kong &amp; Tao (2020) about chaos, computed from the constant m of Condition 2:
/// Thm. 9, λ ≈ m + ln(η/ε); Rmk. 9, GD is chaotic (λ > 0) once η > e^(−m) ε; and, for a separable micro-scale
/// f1,ε(x) = Σ_k g_k(x_k/ε), the leading-order spectrum ln(η/ε) + m_k (the Jacobian is then diagonal to leading order).
/// </summary>
public static class ChaosTheory
{
    /// <summary>e^(−m): the chaos threshold of Rmk. 9 is η = e^(−m) ε.</summary>
    public static double ThresholdFactor(double m) => Math.Exp(-m);

    /// <summary>Rmk. 9 written out, e.g. "eta = exp(-m) eps = 0.5 eps".</summary>
    public static string ThresholdText(double m) =>
        $"eta = exp(-m) eps = {ThresholdFactor(m).ToString("G6", CultureInfo.InvariantCulture)} eps";

    /// <summary>Thm. 9's leading-order spectrum ln(η/ε) + m_k for a separable micro-scale, in decreasing order.</summary>
    public static double[] SeparableSpectrum(IEnumerable<double> perCoordinateM, double eta, double eps) =>
        perCoordinateM.Select(v => v + Math.Log(eta / eps)).OrderByDescending(v => v).ToArray();
}
