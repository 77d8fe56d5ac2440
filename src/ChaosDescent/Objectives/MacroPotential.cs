namespace ChaosDescent.Objectives;

/// <summary>
/// The macroscopic part f0 of f = f0 + f1,ε (paper eq. 1). Its gradient drives the stochastic map φ̂ and its
/// values define the rescaled Gibbs law exp(−2 f0/(η σ²))/Z (eq. 2).
/// </summary>
public abstract class MacroPotential : IScalarField
{
    public abstract int Dimension { get; }

    /// <summary>Formula in plain text, e.g. "x^4/4".</summary>
    public abstract string Formula { get; }

    /// <summary>L such that ∇f0 is L-Lipschitz on all of ℝ^d, or null when f0 is not globally L-smooth (e.g. x⁴/4).</summary>
    public virtual double? SmoothnessBound => null;

    /// <summary>μ of strong convexity, or null when f0 is not strongly convex.</summary>
    public virtual double? StrongConvexity => null;

    /// <summary>A box that holds the interesting part of the landscape (plots, quadrature seeds, initial ensembles).</summary>
    public virtual (double Lo, double Hi) TypicalRange => (-2, 2);

    public abstract double Value(ReadOnlySpan<double> x);
    public abstract void Gradient(ReadOnlySpan<double> x, Span<double> gradient);
    public abstract void Hessian(ReadOnlySpan<double> x, Span<double> hessian);

    /// <summary>Block kernel; built-ins override it with SIMD code.</summary>
    public virtual void AccumulateGradient(ReadOnlySpan<double> x, Span<double> gradient, int count) =>
        this.AccumulateGradientPointwise(x, gradient, count);
}
