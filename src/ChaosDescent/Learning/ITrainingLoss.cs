namespace ChaosDescent.Learning;

/// <summary>
/// A twice-differentiable training loss L(θ) over a flat parameter vector, with exact first and second-order
/// information: the gradient ∇L(θ) and Hessian-vector products ∇²L(θ)·v (never formed as a matrix). Everything
/// the training diagnostics need (the training map θ ↦ θ − η∇L(θ), its tangent map u ↦ u − η∇²L(θ)u, the
/// sharpness λ_max(∇²L)) is built on these three calls, so any model implementing it gets the diagnostics.
/// <para>Implementations may keep internal buffers: an instance is not safe to call from several threads at once.</para>
/// </summary>
public interface ITrainingLoss
{
    /// <summary>Length of θ.</summary>
    int ParameterCount { get; }

    /// <summary>L(θ).</summary>
    double Loss(ReadOnlySpan<double> theta);

    /// <summary>Writes ∇L(θ) into <paramref name="gradient"/> (overwritten) and returns L(θ).</summary>
    double Gradient(ReadOnlySpan<double> theta, Span<double> gradient);

    /// <summary>
    /// Writes ∇²L(θ)·v into <paramref name="hv"/> (overwritten) and returns L(θ). When <paramref name="gradient"/>
    /// is not empty it also receives ∇L(θ) (forward-over-reverse computes it on the way, so a training step and a
    /// tangent step cost one pass).
    /// </summary>
    double HessianVectorProduct(ReadOnlySpan<double> theta, ReadOnlySpan<double> v, Span<double> hv, Span<double> gradient);
}
