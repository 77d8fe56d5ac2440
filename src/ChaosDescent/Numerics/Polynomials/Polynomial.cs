namespace ChaosDescent.Numerics.Polynomials;

/// <summary>
/// Real polynomials as coefficient arrays c₀ + c₁x + … + cₙxⁿ (ascending powers): evaluation by Horner's rule with
/// fused multiply-adds (backward stable: the computed value is exact for coefficients perturbed by at most 2n units of
/// rounding, Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., Sec. 5.1) and the derivative.
/// </summary>
public static class Polynomial
{
    /// <summary>p(x) by Horner's rule with FMA.</summary>
    public static double Evaluate(double[] c, double x)
    {
        double s = c[^1];
        for (int k = c.Length - 2; k >= 0; k--) s = Math.FusedMultiplyAdd(s, x, c[k]);
        return s;
    }

    /// <summary>The coefficients of p′ (the zero polynomial [0] for a constant).</summary>
    public static double[] Derivative(double[] c)
    {
        if (c.Length <= 1) return [0.0];
        var d = new double[c.Length - 1];
        for (int k = 1; k < c.Length; k++) d[k - 1] = k * c[k];
        return d;
    }
}
