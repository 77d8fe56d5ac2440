using ChaosDescent.Objectives;

namespace ChaosDescent.Expressions;

/// <summary>
/// f0 written as a formula (<c>--f0 "x^4/4"</c> or <c>--f "…"</c>): value, gradient and Hessian by symbolic
/// differentiation, compiled to SIMD block kernels (<see cref="ExpressionField"/>). When the Hessian is constant
/// (a quadratic f0) its extreme eigenvalues give L and μ, as for the catalog's quadratic forms.
/// </summary>
public sealed class ExpressionMacroPotential : MacroPotential
{
    private readonly ExpressionField _field;
    private readonly double? _smoothness;
    private readonly double? _strongConvexity;
    private readonly (double, double) _range;

    public ExpressionMacroPotential(ExpressionField field, (double Lo, double Hi)? typicalRange = null)
    {
        _field = field;
        _range = typicalRange ?? (-2, 2);
        if (field.HessianExpressions.All(h => h is ConstantExpr))
        {
            int d = field.Dimension;
            var m = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(d, d,
                (i, j) => ((ConstantExpr)field.HessianExpressions[i * d + j]).Value);
            var ev = m.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric).EigenValues.Select(c => c.Real).ToArray();
            _smoothness = Math.Max(Math.Abs(ev.Min()), Math.Abs(ev.Max()));
            _strongConvexity = ev.Min() > 0 ? ev.Min() : null;
        }
    }

    /// <summary>Parses f0; the variables (x; x, y; x1 … xd) are inferred from the text.</summary>
    public static ExpressionMacroPotential Parse(string text, string label = "f0", (double Lo, double Hi)? typicalRange = null) =>
        new(ExpressionField.Parse(text, label: label), typicalRange);

    public ExpressionField Field => _field;
    public VariableSet Variables => _field.Variables;
    public override int Dimension => _field.Dimension;
    public override string Formula => _field.Formula;
    public override double? SmoothnessBound => _smoothness;
    public override double? StrongConvexity => _strongConvexity;
    public override (double Lo, double Hi) TypicalRange => _range;

    public override double Value(ReadOnlySpan<double> x) => _field.Value(x);
    public override void Gradient(ReadOnlySpan<double> x, Span<double> gradient) => _field.Gradient(x, gradient);
    public override void Hessian(ReadOnlySpan<double> x, Span<double> hessian) => _field.Hessian(x, hessian);

    public override void AccumulateGradient(ReadOnlySpan<double> x, Span<double> gradient, int count) =>
        _field.AccumulateGradient(x, gradient, count);
}
