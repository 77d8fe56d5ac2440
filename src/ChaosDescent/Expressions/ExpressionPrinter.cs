using System.Text;

namespace ChaosDescent.Expressions;

/// <summary>
/// Prints a tree as text that <see cref="ExpressionParser"/> reads back to an equal tree (round trip). Parentheses
/// are added only where precedence or associativity needs them (and around a right operand that starts with a
/// minus sign, for readability); parentheses never create nodes, so extra ones are always safe. Numbers print in the
/// shortest round-trip form ("R"), with π and e as <c>pi</c> and <c>e</c>.
/// </summary>
public static class ExpressionPrinter
{
    public static string Print(Expr e)
    {
        var sb = new StringBuilder();
        Write(sb, e);
        return sb.ToString();
    }

    private static int Precedence(Expr e) => e switch
    {
        BinaryExpr { Operator: BinaryOperator.Add or BinaryOperator.Subtract } => 1,
        BinaryExpr { Operator: BinaryOperator.Multiply or BinaryOperator.Divide } => 2,
        NegateExpr => 3,
        ConstantExpr c when IsNegative(c.Value) => 3,
        BinaryExpr { Operator: BinaryOperator.Power } => 4,
        _ => 5,
    };

    private static bool IsNegative(double v) => double.IsNegative(v);

    private static void Write(StringBuilder sb, Expr e)
    {
        switch (e)
        {
            case ConstantExpr c:
                sb.Append(Number(c.Value));
                break;
            case VariableExpr v:
                sb.Append(v.Name);
                break;
            case NegateExpr n:
                sb.Append('-');
                // -(a*b) and -(-a) need the parentheses: "-a*b" reads as (-a)*b.
                WriteOperand(sb, n.Operand, Precedence(n.Operand) <= 3);
                break;
            case CallExpr call:
                sb.Append(Functions.NameOf(call.Function)).Append('(');
                Write(sb, call.Argument);
                sb.Append(')');
                break;
            case BinaryExpr b:
                WriteBinary(sb, b);
                break;
            default:
                throw new InvalidOperationException($"unknown node {e.GetType().Name}");
        }
    }

    private static void WriteBinary(StringBuilder sb, BinaryExpr b)
    {
        int p = Precedence(b);
        switch (b.Operator)
        {
            case BinaryOperator.Add:
            case BinaryOperator.Subtract:
                WriteOperand(sb, b.Left, false);
                sb.Append(b.Operator == BinaryOperator.Add ? " + " : " - ");
                WriteOperand(sb, b.Right, Precedence(b.Right) <= p || StartsWithMinus(b.Right));
                break;
            case BinaryOperator.Multiply:
            case BinaryOperator.Divide:
                WriteOperand(sb, b.Left, Precedence(b.Left) < p);
                sb.Append(b.Operator == BinaryOperator.Multiply ? '*' : '/');
                WriteOperand(sb, b.Right, Precedence(b.Right) <= p || StartsWithMinus(b.Right));
                break;
            case BinaryOperator.Power:
                // Right-associative: the base needs parentheses for anything but an atom; the exponent for
                // anything below a power.
                WriteOperand(sb, b.Left, Precedence(b.Left) <= p);
                sb.Append('^');
                WriteOperand(sb, b.Right, Precedence(b.Right) < p || StartsWithMinus(b.Right));
                break;
        }
    }

    private static void WriteOperand(StringBuilder sb, Expr e, bool parenthesize)
    {
        if (parenthesize) sb.Append('(');
        Write(sb, e);
        if (parenthesize) sb.Append(')');
    }

    /// <summary>Whether the printed text of <paramref name="e"/> would begin with '-'.</summary>
    private static bool StartsWithMinus(Expr e)
    {
        while (true)
        {
            switch (e)
            {
                case NegateExpr:
                    return true;
                case ConstantExpr c:
                    return IsNegative(c.Value);
                case BinaryExpr { Operator: BinaryOperator.Power }:
                    return false; // a negative base is parenthesized
                case BinaryExpr b:
                    e = b.Left;
                    continue;
                default:
                    return false;
            }
        }
    }

    /// <summary>Shortest round-trip text of a finite number; π and e by name.</summary>
    public static string Number(double v)
    {
        if (v == Math.PI) return "pi";
        if (v == -Math.PI) return "-pi";
        if (v == Math.E) return "e";
        if (v == -Math.E) return "-e";
        return v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
    }
}
