using ChaosDescent.Objectives;

namespace ChaosDescent.Learning;

/// <summary>
/// L(θ) = ½ (θ − θ*)ᵀ A (θ − θ*) with a symmetric matrix A (row-major p × p). Its Hessian is A everywhere, so
/// the GD training map θ ↦ θ − η∇L is linear with Jacobian I − ηA: the sharpness is λ_max(A) and the maximal
/// Lyapunov exponent is ln max_i |1 − η a_i| over the eigenvalues a_i of A — closed forms the diagnostics are
/// tested against.
/// </summary>
public sealed class QuadraticLoss : IScalarField
{
    private readonly double[] _a;
    private readonly double[] _center;
    private readonly double[] _work;

    public QuadraticLoss(double[] matrix, double[] center)
    {
        int p = center.Length;
        if (matrix.Length != p * p) throw new ArgumentException("matrix must be p × p");
        for (int i = 0; i < p; i++)
            for (int j = 0; j < i; j++)
                if (matrix[i * p + j] != matrix[j * p + i]) throw new ArgumentException("matrix must be symmetric");
        _a = matrix;
        _center = center;
        _work = new double[p];
    }

    /// <summary>A diagonal quadratic with the given curvatures, centred at 0.</summary>
    public static QuadraticLoss Diagonal(params double[] curvatures)
    {
        int p = curvatures.Length;
        var a = new double[p * p];
        for (int i = 0; i < p; i++) a[i * p + i] = curvatures[i];
        return new QuadraticLoss(a, new double[p]);
    }

    public int ParameterCount => _center.Length;
    /// <summary>It owns buffers.</summary>
    public bool IsThreadSafe => false;

    public int Dimension => _center.Length;

    public double Value(ReadOnlySpan<double> theta) => Loss(theta);

    void IScalarField.Gradient(ReadOnlySpan<double> theta, Span<double> gradient) => Gradient(theta, gradient);

    public double ValueAndGradient(ReadOnlySpan<double> theta, Span<double> gradient) => Gradient(theta, gradient);

    public void Hessian(ReadOnlySpan<double> theta, Span<double> hessian) => _a.CopyTo(hessian);

    /// <summary>A·v (the override of the default, which would copy A first).</summary>
    public void HessianVectorProduct(ReadOnlySpan<double> theta, ReadOnlySpan<double> v, Span<double> hv) => Multiply(v, hv, shift: false);

    public void AccumulateGradient(ReadOnlySpan<double> x, Span<double> gradient, int count) =>
        this.AccumulateGradientPointwise(x, gradient, count);

    public double Loss(ReadOnlySpan<double> theta)
    {
        Multiply(theta, _work, shift: true);
        double s = 0;
        for (int i = 0; i < _work.Length; i++) s += (theta[i] - _center[i]) * _work[i];
        return 0.5 * s;
    }

    public double Gradient(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        Multiply(theta, gradient, shift: true);
        double s = 0;
        for (int i = 0; i < gradient.Length; i++) s += (theta[i] - _center[i]) * gradient[i];
        return 0.5 * s;
    }

    public double ValueGradientAndHessianVectorProduct(ReadOnlySpan<double> theta, ReadOnlySpan<double> v, Span<double> gradient, Span<double> hv)
    {
        Multiply(v, hv, shift: false);
        return Gradient(theta, gradient);
    }

    private void Multiply(ReadOnlySpan<double> x, Span<double> y, bool shift)
    {
        int p = _center.Length;
        for (int i = 0; i < p; i++)
        {
            double s = 0;
            for (int j = 0; j < p; j++) s += _a[i * p + j] * (shift ? x[j] - _center[j] : x[j]);
            y[i] = s;
        }
    }
}
