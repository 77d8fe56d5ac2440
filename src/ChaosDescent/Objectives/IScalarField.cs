namespace ChaosDescent.Objectives;

/// <summary>
/// A C² function f: ℝ^d → ℝ with exact derivatives. Point-wise methods are for analyses; the block method
/// <see cref="AccumulateGradient"/> is the hot-loop kernel: one call per block of particles, SIMD inside.
/// </summary>
public interface IScalarField
{
    /// <summary>d, the number of coordinates.</summary>
    int Dimension { get; }

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
}

/// <summary>Helpers shared by implementations.</summary>
public static class ScalarFieldExtensions
{
    /// <summary>The slow generic block kernel: gathers each particle and calls the point-wise gradient.</summary>
    public static void AccumulateGradientPointwise(this IScalarField f, ReadOnlySpan<double> x, Span<double> gradient, int count)
    {
        int d = f.Dimension;
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
