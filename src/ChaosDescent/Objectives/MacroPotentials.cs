using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using ChaosDescent.Numerics.Polynomials;

namespace ChaosDescent.Objectives;

/// <summary>
/// A 1-D polynomial f0(x) = Σ c_k x^k. Covers every 1-D macro-scale of the paper: x⁴/4 (Sec. 3.1), x²/2 (Sec. 3.2,
/// D.4), k(x²−1)² (D.3.1, D.5) and (x²−1)²/4 + x/8 (Fig. 1).
/// </summary>
public sealed class PolynomialPotential : MacroPotential
{
    private readonly double[] _c;   // c[k] multiplies x^k
    private readonly double[] _d1;  // coefficients of f0'
    private readonly double[] _d2;  // coefficients of f0''
    private readonly string _formula;
    private readonly (double, double) _range;

    public PolynomialPotential(string formula, (double Lo, double Hi) typicalRange, params double[] coefficients)
    {
        if (coefficients.Length == 0) throw new ArgumentException("empty polynomial", nameof(coefficients));
        _c = coefficients.ToArray();
        _d1 = Polynomial.Derivative(_c);
        _d2 = Polynomial.Derivative(_d1);
        _formula = formula;
        _range = typicalRange;
    }

    /// <summary>Coefficients c_k of x^k (lowest first).</summary>
    public IReadOnlyList<double> Coefficients => _c;

    public override int Dimension => 1;
    public override string Formula => _formula;
    public override (double Lo, double Hi) TypicalRange => _range;

    public override double? SmoothnessBound => _c.Length <= 3 ? Math.Abs(_c.Length == 3 ? 2 * _c[2] : 0) : null;

    public override double? StrongConvexity => _c.Length == 3 && _c[2] > 0 ? 2 * _c[2] : null;

    public double Value(double x) => Polynomial.Evaluate(_c, x);
    public double Derivative(double x) => Polynomial.Evaluate(_d1, x);
    public double SecondDerivative(double x) => Polynomial.Evaluate(_d2, x);

    public override double Value(ReadOnlySpan<double> x) => Polynomial.Evaluate(_c, x[0]);
    public override void Gradient(ReadOnlySpan<double> x, Span<double> gradient) => gradient[0] = Polynomial.Evaluate(_d1, x[0]);
    public override void Hessian(ReadOnlySpan<double> x, Span<double> hessian) => hessian[0] = Polynomial.Evaluate(_d2, x[0]);

    /// <summary>SIMD Horner evaluation of f0' over the block.</summary>
    public override void AccumulateGradient(ReadOnlySpan<double> x, Span<double> gradient, int count)
    {
        var d = _d1;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= count - Vector512<double>.Count; i += Vector512<double>.Count)
            {
                var v = Vector512.Create(x.Slice(i, Vector512<double>.Count));
                var s = Vector512.Create(d[^1]);
                for (int k = d.Length - 2; k >= 0; k--) s = Vector512.FusedMultiplyAdd(s, v, Vector512.Create(d[k]));
                var g = gradient.Slice(i, Vector512<double>.Count);
                (Vector512.Create((ReadOnlySpan<double>)g) + s).CopyTo(g);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= count - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var v = Vector256.Create(x.Slice(i, Vector256<double>.Count));
                var s = Vector256.Create(d[^1]);
                for (int k = d.Length - 2; k >= 0; k--) s = Vector256.FusedMultiplyAdd(s, v, Vector256.Create(d[k]));
                var g = gradient.Slice(i, Vector256<double>.Count);
                (Vector256.Create((ReadOnlySpan<double>)g) + s).CopyTo(g);
            }
        }
        for (; i < count; i++) gradient[i] += Polynomial.Evaluate(d, x[i]);
    }
}

/// <summary>f0(x) = ½ xᵀ A x for a symmetric d×d matrix A (the Matyas function of D.2 is one).</summary>
public sealed class QuadraticFormPotential : MacroPotential
{
    private readonly double[] _a; // row-major, symmetric
    private readonly int _d;
    private readonly string _formula;
    private readonly double _lmin, _lmax;

    public QuadraticFormPotential(string formula, int dimension, double[] matrix)
    {
        if (matrix.Length != dimension * dimension) throw new ArgumentException("matrix size", nameof(matrix));
        _d = dimension;
        _a = matrix.ToArray();
        _formula = formula;
        var m = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(dimension, dimension, (i, j) => _a[i * dimension + j]);
        var ev = m.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric).EigenValues.Select(c => c.Real).ToArray();
        _lmin = ev.Min();
        _lmax = ev.Max();
    }

    public override int Dimension => _d;
    public override string Formula => _formula;
    public override double? SmoothnessBound => Math.Max(Math.Abs(_lmin), Math.Abs(_lmax));
    public override double? StrongConvexity => _lmin > 0 ? _lmin : null;

    /// <summary>Entry (i, j) of A.</summary>
    public double this[int i, int j] => _a[i * _d + j];

    public override double Value(ReadOnlySpan<double> x)
    {
        double s = 0;
        for (int i = 0; i < _d; i++)
            for (int j = 0; j < _d; j++) s += x[i] * _a[i * _d + j] * x[j];
        return 0.5 * s;
    }

    public override void Gradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        for (int i = 0; i < _d; i++)
        {
            double s = 0;
            for (int j = 0; j < _d; j++) s += _a[i * _d + j] * x[j];
            gradient[i] = s;
        }
    }

    public override void Hessian(ReadOnlySpan<double> x, Span<double> hessian) => _a.CopyTo(hessian);

    public override void AccumulateGradient(ReadOnlySpan<double> x, Span<double> gradient, int count)
    {
        for (int i = 0; i < _d; i++)
        {
            var gi = gradient.Slice(i * count, count);
            for (int j = 0; j < _d; j++)
            {
                double a = _a[i * _d + j];
                if (a != 0) TensorPrimitives.MultiplyAdd(x.Slice(j * count, count), a, gi, gi);
            }
        }
    }
}
