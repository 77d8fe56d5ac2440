using System.Text.RegularExpressions;

namespace ChaosDescent.Expressions;

/// <summary>
/// The names an expression may use as variables, in index order. The standard sets are <c>x</c> (1-D),
/// <c>x, y</c> (2-D) and <c>x1 … xd</c>; other base names (e.g. the fast variable <c>u</c>, <c>u1 … uN</c>) work the
/// same way.
/// </summary>
public sealed partial class VariableSet
{
    private readonly Dictionary<string, int> _index;

    public VariableSet(IReadOnlyList<string> names)
    {
        Names = names.ToArray();
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Names.Count; i++)
        {
            if (!IsIdentifier(Names[i])) throw new ArgumentException($"'{Names[i]}' is not an identifier", nameof(names));
            if (Functions.TryGetFunction(Names[i], out _) || Functions.TryGetConstant(Names[i], out _))
                throw new ArgumentException($"'{Names[i]}' is a reserved name", nameof(names));
            if (!_index.TryAdd(Names[i], i)) throw new ArgumentException($"duplicate variable '{Names[i]}'", nameof(names));
        }
    }

    public IReadOnlyList<string> Names { get; }
    public int Count => Names.Count;

    public bool TryGetIndex(string name, out int index) => _index.TryGetValue(name, out index);

    public VariableExpr this[int index] => Expr.Variable(index, Names[index]);

    /// <summary>The standard names for dimension d: x; x, y; x1 … xd (d ≥ 3).</summary>
    public static VariableSet Standard(int dimension) => Indexed("x", dimension, secondName: "y");

    /// <summary>
    /// <paramref name="baseName"/> alone for one variable, <c>baseName, secondName</c> for two when a second name
    /// is given, otherwise <c>baseName1 … baseNameN</c>.
    /// </summary>
    public static VariableSet Indexed(string baseName, int count, string? secondName = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (count == 1) return new VariableSet([baseName]);
        if (count == 2 && secondName is not null) return new VariableSet([baseName, secondName]);
        return new VariableSet(Enumerable.Range(1, count).Select(i => $"{baseName}{i}").ToArray());
    }

    /// <summary>
    /// The smallest standard set that covers the names used in <paramref name="text"/>: <c>x</c> → 1-D; <c>y</c>
    /// → 2-D; <c>x1 … xd</c> → d-D (the largest index). Mixing the two styles is an error. Names that are neither
    /// are left for the parser to report (with the allowed list). With <paramref name="secondName"/> null only the
    /// indexed style exists beyond one variable.
    /// </summary>
    public static VariableSet Infer(string text, string baseName = "x", string? secondName = "y", int minimum = 1)
    {
        bool plain = false, second = false;
        int maxIndex = 0;
        int firstIndexedAt = -1, firstPlainAt = -1;
        foreach (var token in Tokenizer.TokenizeLenient(text))
        {
            if (token.Kind != TokenKind.Identifier) continue;
            var name = token.Text;
            if (name == baseName)
            {
                plain = true;
                if (firstPlainAt < 0) firstPlainAt = token.Position;
            }
            else if (secondName is not null && name == secondName)
            {
                second = true;
                if (firstPlainAt < 0) firstPlainAt = token.Position;
            }
            else if (name.Length > baseName.Length && name.StartsWith(baseName, StringComparison.Ordinal))
            {
                var digits = name[baseName.Length..];
                if (IndexRegex().IsMatch(digits) && int.TryParse(digits, out int k) && k >= 1 && k <= 10_000)
                {
                    maxIndex = Math.Max(maxIndex, k);
                    if (firstIndexedAt < 0) firstIndexedAt = token.Position;
                }
            }
        }
        if ((plain || second) && maxIndex > 0)
        {
            var names = secondName is null ? baseName : $"{baseName}, {secondName}";
            throw new ExpressionSyntaxException(text, Math.Max(firstIndexedAt, firstPlainAt),
                $"use either {names} or {baseName}1 … {baseName}d for the variables, not both");
        }
        int dimension = maxIndex > 0 ? maxIndex : second ? 2 : 1;
        dimension = Math.Max(dimension, minimum);
        // Indexed names were used: keep that style even for d = 1 or 2 so the user's names stay valid.
        if (maxIndex > 0) return new VariableSet(Enumerable.Range(1, dimension).Select(i => $"{baseName}{i}").ToArray());
        return Indexed(baseName, dimension, secondName);
    }

    private static bool IsIdentifier(string s) =>
        s.Length > 0 && (char.IsAsciiLetter(s[0]) || s[0] == '_') && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    [GeneratedRegex("^[1-9][0-9]*$")]
    private static partial Regex IndexRegex();
}
