using ChaosDescent.Maps;
using ChaosDescent.Objectives;

namespace ChaosDescent.Tests.Analyses.Chaos;

/// <summary>Maps with known dynamics, built from the library's own pieces.</summary>
internal static class TestMaps
{
    /// <summary>
    /// f = x²/2 − x³/3 (no micro-scale): GD x' = x − η(x − x²) = (1 − η)x + ηx² is affinely conjugate to the logistic
    /// map y' = r y(1 − y) with r = 1 + η (x = 1 − y(1 + η)/η), so every multiplier, period and exponent of the
    /// logistic map at r = 1 + η holds for it; the invariant interval is [−1/η, 1].
    /// </summary>
    public static MultiscaleObjective LogisticObjective() =>
        new("logistic", new PolynomialPotential("x^2/2 - x^3/3", (-1, 1), 0, 0, 0.5, -1.0 / 3), null, 1.0);

    /// <summary>The GD map conjugate to the logistic map with parameter r.</summary>
    public static GradientDescentMap Logistic(double r) => new(LogisticObjective(), r - 1);

    /// <summary>f0 = ½ xᵀAx (no micro-scale): GD is linear, J = I − ηA everywhere.</summary>
    public static MultiscaleObjective Quadratic(double[] a, int d) =>
        new("quadratic-form", new QuadraticFormPotential("x'Ax/2", d, a), null, 1.0);
}
