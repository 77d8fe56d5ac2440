using System.Text;

namespace ChaosDescent.Expressions;

/// <summary>
/// A malformed expression: a syntax error, an unknown name, a number out of range, nesting too deep. The message
/// spans three lines: what was expected, then the expression, then a caret under the offending position, e.g.
/// <code>
/// syntax error in f0 at column 7: expected a number, a variable, a function call or '(' but found ')'
///   x^2 + )
///         ^
/// </code>
/// </summary>
public sealed class ExpressionSyntaxException : UserInputException
{
    public ExpressionSyntaxException(string expression, int position, string problem, string? label = null)
        : base(Format(expression, position, problem, label))
    {
        Expression = expression;
        Position = position;
        Problem = problem;
    }

    /// <summary>The text that was parsed.</summary>
    public string Expression { get; }

    /// <summary>0-based character index of the problem (may equal the length: "at the end").</summary>
    public int Position { get; }

    /// <summary>The first line without the location: what went wrong and what was expected.</summary>
    public string Problem { get; }

    private static string Format(string expression, int position, string problem, string? label)
    {
        var where = position >= expression.Length ? "at the end" : $"at column {position + 1}";
        var sb = new StringBuilder();
        sb.Append("syntax error");
        if (label is not null) sb.Append(" in ").Append(label);
        sb.Append(' ').Append(where).Append(": ").Append(problem).Append('\n');
        // Show the expression on one line (control characters as spaces) so the caret lines up.
        var shown = new StringBuilder(expression.Length);
        foreach (var ch in expression) shown.Append(char.IsControl(ch) ? ' ' : ch);
        sb.Append("  ").Append(shown).Append('\n');
        sb.Append("  ").Append(' ', Math.Min(position, expression.Length)).Append('^');
        return sb.ToString();
    }
}

/// <summary>
/// An expression evaluated outside its domain (log or sqrt of a negative number, division by zero, a negative base
/// to a non-integer power), reported with the sub-expression, its argument and the point.
/// </summary>
public sealed class ExpressionDomainException : UserInputException
{
    public ExpressionDomainException(string message, IReadOnlyList<double> point) : base(message) => Point = point;

    public IReadOnlyList<double> Point { get; }
}
