using System.Globalization;
using System.Text;

namespace ChaosDescent.Expressions;

/// <summary>
/// Tree-walking evaluation: the reference semantics for the compiled kernels (same integer-power rule, see
/// <see cref="Functions.Power"/>) and the checked evaluation that explains a non-finite result.
/// </summary>
public static class Evaluator
{
    /// <summary>Value at a point (variable k reads <c>values[k]</c>); IEEE semantics, no checks.</summary>
    public static double Evaluate(Expr e, ReadOnlySpan<double> values) => e switch
    {
        ConstantExpr c => c.Value,
        VariableExpr v => values[v.Index],
        NegateExpr n => -Evaluate(n.Operand, values),
        CallExpr call => Functions.Apply(call.Function, Evaluate(call.Argument, values)),
        BinaryExpr b => Apply(b.Operator, Evaluate(b.Left, values), Evaluate(b.Right, values)),
        _ => throw new InvalidOperationException($"unknown node {e.GetType().Name}"),
    };

    public static double Apply(BinaryOperator op, double a, double b) => op switch
    {
        BinaryOperator.Add => a + b,
        BinaryOperator.Subtract => a - b,
        BinaryOperator.Multiply => a * b,
        BinaryOperator.Divide => a / b,
        BinaryOperator.Power => Functions.Power(a, b),
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    /// <summary>
    /// Value at a point, throwing <see cref="ExpressionDomainException"/> at the first sub-expression evaluated
    /// outside its domain with finite arguments: log of a negative number or of zero, sqrt of a negative number,
    /// division by zero, a negative base to a non-integer power, zero to a negative power. Overflow is not a domain
    /// error (it is what a diverging orbit does) and is returned as ±∞.
    /// </summary>
    /// <param name="e">The expression.</param>
    /// <param name="values">The point (variable k is <c>values[k]</c>).</param>
    /// <param name="names">Variable names for the message (index order).</param>
    /// <param name="label">What is being evaluated, e.g. "f0" or "the gradient of f0".</param>
    public static double EvaluateChecked(Expr e, ReadOnlySpan<double> values, IReadOnlyList<string> names, string? label = null)
    {
        var problem = FindDomainError(e, values, out var at, out var argument);
        if (problem is not null) throw new ExpressionDomainException(DomainMessage(problem, at!, argument, values, names, label), values.ToArray());
        return Evaluate(e, values);
    }

    /// <summary>The first domain problem (in evaluation order) or null; with the sub-expression and its argument.</summary>
    public static string? FindDomainError(Expr e, ReadOnlySpan<double> values, out Expr? at, out double argument)
    {
        var ctx = new Ctx { Values = values.ToArray() };
        Check(e, ctx);
        at = ctx.At;
        argument = ctx.Argument;
        return ctx.Problem;
    }

    private sealed class Ctx
    {
        public double[] Values = [];
        public string? Problem;
        public Expr? At;
        public double Argument;
    }

    private static double Check(Expr e, Ctx ctx)
    {
        if (ctx.Problem is not null) return double.NaN;
        switch (e)
        {
            case ConstantExpr c:
                return c.Value;
            case VariableExpr v:
                return ctx.Values[v.Index];
            case NegateExpr n:
                return -Check(n.Operand, ctx);
            case CallExpr call:
                {
                    double u = Check(call.Argument, ctx);
                    if (ctx.Problem is null && double.IsFinite(u))
                    {
                        string? p = call.Function switch
                        {
                            Function.Log when u < 0 => "log of a negative number",
                            Function.Log when u == 0 => "log of zero",
                            Function.Sqrt when u < 0 => "sqrt of a negative number",
                            _ => null,
                        };
                        if (p is not null) Fail(ctx, p, e, u);
                    }
                    return Functions.Apply(call.Function, u);
                }
            case BinaryExpr b:
                {
                    double l = Check(b.Left, ctx);
                    double r = Check(b.Right, ctx);
                    if (ctx.Problem is null && double.IsFinite(l) && double.IsFinite(r))
                    {
                        if (b.Operator == BinaryOperator.Divide && r == 0) Fail(ctx, "division by zero", e, r);
                        if (b.Operator == BinaryOperator.Power)
                        {
                            if (l < 0 && r != Math.Round(r)) Fail(ctx, "a negative number raised to a non-integer power", e, l);
                            else if (l == 0 && r < 0) Fail(ctx, "zero raised to a negative power", e, l);
                        }
                    }
                    return Apply(b.Operator, l, r);
                }
            default:
                throw new InvalidOperationException($"unknown node {e.GetType().Name}");
        }
    }

    private static void Fail(Ctx ctx, string problem, Expr at, double argument)
    {
        ctx.Problem = problem;
        ctx.At = at;
        ctx.Argument = argument;
    }

    private static string DomainMessage(string problem, Expr at, double argument, ReadOnlySpan<double> values,
        IReadOnlyList<string> names, string? label)
    {
        var sb = new StringBuilder();
        if (label is not null) sb.Append(label).Append(": ");
        sb.Append(problem).Append(" in ").Append(ExpressionPrinter.Print(at));
        var what = at is BinaryExpr { Operator: BinaryOperator.Divide } ? "denominator"
            : at is BinaryExpr { Operator: BinaryOperator.Power } ? "base" : "argument";
        sb.Append(" (").Append(what).Append(' ').Append(Format(argument)).Append(") at ").Append(FormatPoint(values, names));
        return sb.ToString();
    }

    /// <summary>"x = 0.5" or "(x, y) = (1, 2)".</summary>
    public static string FormatPoint(ReadOnlySpan<double> values, IReadOnlyList<string> names)
    {
        int n = Math.Min(values.Length, names.Count);
        if (n == 1) return $"{names[0]} = {Format(values[0])}";
        var vs = new string[n];
        for (int i = 0; i < n; i++) vs[i] = Format(values[i]);
        return $"({string.Join(", ", names.Take(n))}) = ({string.Join(", ", vs)})";
    }

    private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
