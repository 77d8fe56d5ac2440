using System.Buffers;

namespace ChaosDescent.Objectives;

/// <summary>
/// A C² function f: ℝ^d → ℝ with exact derivatives — the one objective contract of the library: multiscale
/// objectives f = f0 + f1,ε, finite sums (1/N) Σ v_n and network losses all implement it, so every map and every
/// analysis runs over any of them. Point-wise methods are for analyses and single orbits; the block method
/// <see cref="AccumulateGradient"/> is the hot-loop kernel of ensembles: one call per block of particles, SIMD inside.
/// <para>
/// Second-order information comes in two shapes: the dense <see cref="Hessian"/> (small d) and the
/// Hessian-vector product <see cref="HessianVectorProduct"/>, which is what the tangent map of an optimizer needs
/// (Dφ(x)·u = u − η∇²f(x)·u for GD) and what Lanczos needs for the sharpness λ_max(∇²f). Its default forms the
/// Hessian (fine for d of a few); objectives with a cheaper product (a network's R-operator, Pearlmutter 1994:
/// about the cost of two gradients, the Hessian never formed) override it. They are default interface methods
/// rather than an optional second interface so that no caller has to test which interface an objective
/// implements: every <see cref="IScalarField"/> has them, and an override is picked by ordinary dispatch.
/// </para>
/// <para>Implementations may keep internal buffers (network losses do): such an instance is not safe to call from
/// several threads at once.</para>
/// </summary>
public interface IScalarField
{
    /// <summary>d, the number of coordinates.</summary>
    int Dimension { get; }

    /// <summary>False when the instance keeps buffers between calls (a network loss): runners then do not call it
    /// from several threads at once.</summary>
    bool IsThreadSafe => true;

    double Value(ReadOnlySpan<double> x);

    /// <summary>Writes ∇f(x) into <paramref name="gradient"/> (length d).</summary>
    void Gradient(ReadOnlySpan<double> x, Span<double> gradient);

    /// <summary>Writes ∇²f(x) row-major into <paramref name="hessian"/> (length d·d).</summary>
    void Hessian(ReadOnlySpan<double> x, Span<double> hessian);

    /// <summary>
    /// Adds ∇f for a block of <paramref name="count"/> particles in structure-of-arrays layout: coordinate k of
    /// particle i is at <c>[k*count + i]</c> in both <paramref name="x"/> and <paramref name="gradient"/>.
    /// </summary>
    void AccumulateGradient(ReadOnlySpan<double> x, Span<double> gradient, int count);

    /// <summary>
    /// Writes ∇²f(x)·v into <paramref name="hv"/> (length d). Default: forms ∇²f(x) (d² numbers, pooled, no
    /// allocation once warm) and multiplies; override where a product is cheaper than the matrix.
    /// </summary>
    void HessianVectorProduct(ReadOnlySpan<double> x, ReadOnlySpan<double> v, Span<double> hv)
    {
        int d = Dimension;
        double[] pooled = ArrayPool<double>.Shared.Rent(d * d);
        var h = pooled.AsSpan(0, d * d);
        Hessian(x, h);
        for (int i = 0; i < d; i++)
        {
            var row = h.Slice(i * d, d);
            double s = 0;
            for (int j = 0; j < d; j++) s += row[j] * v[j];
            hv[i] = s;
        }
        ArrayPool<double>.Shared.Return(pooled);
    }

    /// <summary>Writes ∇f(x) into <paramref name="gradient"/> and returns f(x) (jax's value_and_grad). Default: two
    /// calls; a network loss computes the value on the way of backpropagation and overrides it with one pass.</summary>
    double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        Gradient(x, gradient);
        return Value(x);
    }

    /// <summary>
    /// f(x), ∇f(x) into <paramref name="gradient"/> and ∇²f(x)·v into <paramref name="hv"/> together: a training step
    /// and its tangent step. Default: <see cref="ValueAndGradient"/> then <see cref="HessianVectorProduct"/>;
    /// forward-over-reverse differentiation gets all three in one pass and overrides it.
    /// </summary>
    double ValueGradientAndHessianVectorProduct(ReadOnlySpan<double> x, ReadOnlySpan<double> v, Span<double> gradient, Span<double> hv)
    {
        double value = ValueAndGradient(x, gradient);
        HessianVectorProduct(x, v, hv);
        return value;
    }
}

/// <summary>Helpers shared by implementations.</summary>
public static class ScalarFieldExtensions
{
    /// <summary>The slow generic block kernel: gathers each particle and calls the point-wise gradient.</summary>
    public static void AccumulateGradientPointwise(this IScalarField f, ReadOnlySpan<double> x, Span<double> gradient, int count)
    {
        int d = f.Dimension;
        if (count == 1)
        {
            // One particle: the SoA layout is the plain vector. Pooled buffer (d may be a network's parameter count).
            double[] pooled = ArrayPool<double>.Shared.Rent(d);
            var g1 = pooled.AsSpan(0, d);
            f.Gradient(x[..d], g1);
            for (int k = 0; k < d; k++) gradient[k] += g1[k];
            ArrayPool<double>.Shared.Return(pooled);
            return;
        }
        Span<double> p = stackalloc double[d];
        Span<double> g = stackalloc double[d];
        for (int i = 0; i < count; i++)
        {
            for (int k = 0; k < d; k++) p[k] = x[k * count + i];
            f.Gradient(p, g);
            for (int k = 0; k < d; k++) gradient[k * count + i] += g[k];
        }
    }

    /// <summary>Value at a 1-D point.</summary>
    public static double Value(this IScalarField f, double x) => f.Value([x]);

    /// <summary>Derivative at a 1-D point.</summary>
    public static double Derivative(this IScalarField f, double x)
    {
        Span<double> g = stackalloc double[1];
        f.Gradient([x], g);
        return g[0];
    }

    /// <summary>Second derivative at a 1-D point.</summary>
    public static double SecondDerivative(this IScalarField f, double x)
    {
        Span<double> h = stackalloc double[1];
        f.Hessian([x], h);
        return h[0];
    }
}
