using ChaosDescent.Objectives;

namespace ChaosDescent.Learning;

/// <summary>The dense Hessian of a field whose Hessian-vector product is cheaper than the matrix: column j of ∇²f(θ) is
/// ∇²f(θ)·e_j.</summary>
public static class HessianColumns
{
    /// <summary>Writes ∇²f(θ) row-major into <paramref name="hessian"/> (length d·d) from d products with the unit vectors.
    /// The field must override <see cref="IScalarField.HessianVectorProduct"/>: the default product forms the Hessian.</summary>
    public static void Assemble(IScalarField field, ReadOnlySpan<double> theta, Span<double> hessian)
    {
        int d = field.Dimension;
        var e = new double[d];
        var column = new double[d];
        for (int j = 0; j < d; j++)
        {
            e[j] = 1;
            field.HessianVectorProduct(theta, e, column);
            for (int i = 0; i < d; i++) hessian[i * d + j] = column[i];
            e[j] = 0;
        }
    }
}
