namespace ChaosDescent.Expressions;

/// <summary>
/// A scalar field f : ℝ^d → ℝ given as a formula, with its gradient and Hessian derived symbolically and compiled
/// (see <see cref="ExpressionCompiler"/>). Values that come out non-finite at a finite point are checked for a
/// domain error, which is reported as a <see cref="ExpressionDomainException"/> naming the point.
/// Thread-safe: the compiled kernels are immutable once built (a race only compiles one twice).
/// </summary>
public sealed class ExpressionField
{
    private readonly CompiledExpressions _value;
    private readonly CompiledExpressions _gradient;
    private readonly CompiledExpressions _hessian;
    private readonly int[] _upper; // Hessian entry index (row-major) of each compiled upper-triangle output

    public ExpressionField(Expr expression, VariableSet variables, string label = "f", LaneWidth? width = null)
    {
        if (expression.VariableCount() > variables.Count)
            throw new ArgumentException("the expression uses more variables than the set provides", nameof(expression));
        Expression = expression;
        Variables = variables;
        Label = label;
        Dimension = variables.Count;
        GradientExpressions = Differentiator.Gradient(expression, Dimension);
        HessianExpressions = Differentiator.Hessian(GradientExpressions, Dimension);
        var upper = new List<int>();
        for (int i = 0; i < Dimension; i++)
            for (int j = i; j < Dimension; j++) upper.Add(i * Dimension + j);
        _upper = upper.ToArray();
        _value = new CompiledExpressions([expression], Dimension, 0, width);
        _gradient = new CompiledExpressions(GradientExpressions, Dimension, 0, width);
        _hessian = new CompiledExpressions(_upper.Select(k => HessianExpressions[k]).ToArray(), Dimension, 0, width);
    }

    /// <summary>Parses <paramref name="text"/>; without <paramref name="variables"/> the standard set is inferred.</summary>
    public static ExpressionField Parse(string text, VariableSet? variables = null, string label = "f", LaneWidth? width = null)
    {
        variables ??= VariableSet.Infer(text);
        return new ExpressionField(ExpressionParser.Parse(text, variables, label), variables, label, width);
    }

    public Expr Expression { get; }
    public VariableSet Variables { get; }
    public string Label { get; }
    public int Dimension { get; }
    public IReadOnlyList<Expr> GradientExpressions { get; }

    /// <summary>Row-major d×d (symmetric: entry (j,i) is the same tree as (i,j)).</summary>
    public IReadOnlyList<Expr> HessianExpressions { get; }

    /// <summary>The canonical text of f (parses back to the same tree).</summary>
    public string Formula => ExpressionPrinter.Print(Expression);

    public double Value(ReadOnlySpan<double> x)
    {
        Span<double> y = stackalloc double[1];
        if (!_value.EvaluatePoint(x, [], y)) Diagnose(_value, x, Label);
        return y[0];
    }

    public void Gradient(ReadOnlySpan<double> x, Span<double> g)
    {
        if (!_gradient.EvaluatePoint(x, [], g)) Diagnose(_gradient, x, $"the gradient of {Label}");
    }

    public void Hessian(ReadOnlySpan<double> x, Span<double> h)
    {
        Span<double> u = _upper.Length <= 256 ? stackalloc double[_upper.Length] : new double[_upper.Length];
        if (!_hessian.EvaluatePoint(x, [], u)) Diagnose(_hessian, x, $"the Hessian of {Label}");
        for (int k = 0; k < _upper.Length; k++)
        {
            int i = _upper[k] / Dimension, j = _upper[k] % Dimension;
            h[i * Dimension + j] = u[k];
            h[j * Dimension + i] = u[k];
        }
    }

    /// <summary>gSoA[k·count + i] += ∂f/∂x_k at particle i (structure of arrays).</summary>
    public void AccumulateGradient(ReadOnlySpan<double> xSoA, Span<double> gSoA, int count)
    {
        if (!_gradient.EvaluateBlock(xSoA, [], gSoA, count, accumulate: true))
            _gradient.ThrowIfDomainErrorInBlock(xSoA, [], gSoA, count, Variables.Names, $"the gradient of {Label}");
    }

    private void Diagnose(CompiledExpressions compiled, ReadOnlySpan<double> x, string label)
    {
        foreach (var v in x[..Dimension])
            if (!double.IsFinite(v)) return;
        compiled.ThrowIfDomainError(x, [], Variables.Names, label);
    }
}
