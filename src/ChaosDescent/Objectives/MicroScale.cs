using ChaosDescent.Numerics;

namespace ChaosDescent.Objectives;

/// <summary>How the micro-scale is defined, which decides how ζ (Cond. 1) and m (Cond. 2) are obtained.</summary>
public enum MicroScaleKind
{
    /// <summary>f1,ε(x) = ε f1(x/ε) with f1 periodic (Example 1): ζ = −∇f1(U), U uniform over a period cell.</summary>
    Periodic,

    /// <summary>f1,ε(x) = ε F(ω1 x/ε, …, ωN x/ε), F periodic in each argument (Example 2): independent uniform phases.</summary>
    QuasiPeriodic,

    /// <summary>Any other f1,ε: ζ is estimated by sampling ∇f1,ε over a small box around x (Cond. 1's own definition).</summary>
    General,
}

/// <summary>
/// The microscopic part f1,ε of f = f0 + f1,ε (paper eq. 1). The micro-scale is part of the definition, so that the
/// noise ζ of Condition 1, its covariance σ², the constant m of Condition 2 and the rescaled Gibbs law are derived
/// from it rather than typed in.
/// </summary>
public abstract class MicroScale
{
    private NoiseStatistics? _noise;
    private bool _noiseComputed;

    public abstract int Dimension { get; }
    public abstract MicroScaleKind Kind { get; }

    /// <summary>Formula in plain text with ε written as "eps", e.g. "eps*sin(x/eps)".</summary>
    public abstract string Formula { get; }

    public abstract double Value(ReadOnlySpan<double> x, double eps);
    public abstract void Gradient(ReadOnlySpan<double> x, double eps, Span<double> gradient);
    public abstract void Hessian(ReadOnlySpan<double> x, double eps, Span<double> hessian);

    /// <summary>Adds ∇f1,ε for a block of particles (structure-of-arrays, see <see cref="IScalarField.AccumulateGradient"/>).</summary>
    public virtual void AccumulateGradient(ReadOnlySpan<double> x, double eps, Span<double> gradient, int count)
    {
        int d = Dimension;
        Span<double> p = stackalloc double[d];
        Span<double> g = stackalloc double[d];
        for (int i = 0; i < count; i++)
        {
            for (int k = 0; k < d; k++) p[k] = x[k * count + i];
            Gradient(p, eps, g);
            for (int k = 0; k < d; k++) gradient[k * count + i] += g[k];
        }
    }

    // ---- Condition 1 and 2 data: the fast phase -------------------------------------------------------------

    /// <summary>Number of phase variables (d for periodic, N·d for quasi-periodic, 0 for general).</summary>
    public abstract int PhaseDimension { get; }

    /// <summary>Period of each phase variable; the phase is uniform on the product of [0, period).</summary>
    public abstract IReadOnlyList<double> PhasePeriods { get; }

    /// <summary>ζ = −∇f1,ε at the given fast phase (Cond. 1). Only for Periodic and QuasiPeriodic kinds.</summary>
    public abstract void NoiseAtPhase(ReadOnlySpan<double> phase, Span<double> zeta);

    /// <summary>ε∇²f1,ε at the given fast phase, the matrix whose log-norm averages to m (Cond. 2), row-major d×d.</summary>
    public abstract void ScaledHessianAtPhase(ReadOnlySpan<double> phase, Span<double> hessian);

    /// <summary>
    /// Draws one ζ. For periodic and quasi-periodic micro-scales the phases are independent and uniform and
    /// <paramref name="x"/> is not used; the general kind samples ∇f1,ε over a small box around x.
    /// </summary>
    public virtual void SampleNoise(ReadOnlySpan<double> x, double eps, ref Xoshiro256 rng, Span<double> zeta)
    {
        int p = PhaseDimension;
        Span<double> phase = stackalloc double[p];
        var periods = PhasePeriods;
        for (int j = 0; j < p; j++) phase[j] = rng.NextDouble() * periods[j];
        NoiseAtPhase(phase, zeta);
    }

    /// <summary>Draws ζ for a block of particles (structure-of-arrays). One virtual call per block.</summary>
    public virtual void SampleNoiseBlock(ReadOnlySpan<double> x, double eps, ref Xoshiro256 rng, Span<double> zeta, int count)
    {
        int d = Dimension;
        Span<double> p = stackalloc double[d];
        Span<double> z = stackalloc double[d];
        for (int i = 0; i < count; i++)
        {
            for (int k = 0; k < d; k++) p[k] = x[k * count + i];
            SampleNoise(p, eps, ref rng, z);
            for (int k = 0; k < d; k++) zeta[k * count + i] = z[k];
        }
    }

    /// <summary>True when ζ's law depends on x (the general kind); then there is no single σ².</summary>
    public bool NoiseDependsOnPosition => Kind == MicroScaleKind.General;

    /// <summary>Mean, covariance, isotropic σ² and range of ζ, by quadrature over the phase cell; null for the general kind.</summary>
    public NoiseStatistics? NoiseStatistics
    {
        get
        {
            if (!_noiseComputed)
            {
                _noise = Kind == MicroScaleKind.General ? null : Objectives.NoiseStatistics.ByQuadrature(this);
                _noiseComputed = true;
            }
            return _noise;
        }
    }

    /// <summary>Exact range [min, max] of each coordinate of ζ when known in closed form; otherwise null (quadrature grid used).</summary>
    public virtual (double Min, double Max)[]? ExactNoiseRange => null;
}
