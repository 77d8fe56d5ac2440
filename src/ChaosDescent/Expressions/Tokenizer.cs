using System.Globalization;

namespace ChaosDescent.Expressions;

internal enum TokenKind
{
    Number,
    Identifier,
    Plus,
    Minus,
    Star,
    Slash,
    Caret,
    LeftParen,
    RightParen,
    Comma,
    End,
    /// <summary>Only from <see cref="Tokenizer.TokenizeLenient"/>: a character the language does not use.</summary>
    Invalid,
}

internal readonly record struct Token(TokenKind Kind, int Position, int Length, string Text, double Value)
{
    public string Describe() => Kind switch
    {
        TokenKind.End => "the end of the expression",
        TokenKind.Number => $"the number {Text}",
        TokenKind.Identifier => $"'{Text}'",
        _ => $"'{Text}'",
    };
}

/// <summary>
/// Splits an expression into tokens. Numbers: <c>12</c>, <c>1.5</c>, <c>.5</c>, <c>1e-3</c>, <c>2.5E+4</c> (an
/// <c>e</c> counts as an exponent only when digits follow, so <c>2*e</c> still means 2·e). Operators
/// <c>+ - * / ^</c>; <c>**</c> is accepted for <c>^</c> and the Unicode minus sign (U+2212) for <c>-</c>.
/// </summary>
internal static class Tokenizer
{
    public static List<Token> Tokenize(string text, string? label = null)
    {
        var tokens = new List<Token>();
        int i = 0;
        while (true)
        {
            var t = Next(text, ref i);
            if (t.Kind == TokenKind.Invalid)
            {
                throw new ExpressionSyntaxException(text, t.Position,
                    $"unexpected character '{t.Text}'; expressions use numbers, names, + - * / ^ and parentheses", label);
            }
            if (t.Kind == TokenKind.Number && !double.IsFinite(t.Value))
                throw new ExpressionSyntaxException(text, t.Position, $"the number {t.Text} is too large for double precision", label);
            tokens.Add(t);
            if (t.Kind == TokenKind.End) return tokens;
        }
    }

    /// <summary>Tokens without throwing (for inferring the variable names before the real parse).</summary>
    public static IEnumerable<Token> TokenizeLenient(string text)
    {
        int i = 0;
        while (true)
        {
            var t = Next(text, ref i);
            yield return t;
            if (t.Kind == TokenKind.End) yield break;
        }
    }

    private static Token Next(string s, ref int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
        if (i >= s.Length) return new Token(TokenKind.End, s.Length, 0, "", 0);
        int start = i;
        char c = s[i];
        if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < s.Length && char.IsAsciiDigit(s[i + 1])))
        {
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
            if (i < s.Length && s[i] == '.')
            {
                i++;
                while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
            }
            if (i < s.Length && (s[i] == 'e' || s[i] == 'E'))
            {
                int j = i + 1;
                if (j < s.Length && (s[j] == '+' || s[j] == '-')) j++;
                if (j < s.Length && char.IsAsciiDigit(s[j]))
                {
                    while (j < s.Length && char.IsAsciiDigit(s[j])) j++;
                    i = j;
                }
            }
            var text = s[start..i];
            // Parse never fails here (the text matches the float grammar); overflow gives ±∞, reported by the caller.
            double value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            return new Token(TokenKind.Number, start, i - start, text, value);
        }
        if (char.IsAsciiLetter(c) || c == '_')
        {
            while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] == '_')) i++;
            return new Token(TokenKind.Identifier, start, i - start, s[start..i], 0);
        }
        i++;
        switch (c)
        {
            case '+': return new Token(TokenKind.Plus, start, 1, "+", 0);
            case '-':
            case '\u2212': return new Token(TokenKind.Minus, start, 1, "-", 0);
            case '*':
                if (i < s.Length && s[i] == '*')
                {
                    i++;
                    return new Token(TokenKind.Caret, start, 2, "**", 0);
                }
                return new Token(TokenKind.Star, start, 1, "*", 0);
            case '/': return new Token(TokenKind.Slash, start, 1, "/", 0);
            case '^': return new Token(TokenKind.Caret, start, 1, "^", 0);
            case '(': return new Token(TokenKind.LeftParen, start, 1, "(", 0);
            case ')': return new Token(TokenKind.RightParen, start, 1, ")", 0);
            case ',': return new Token(TokenKind.Comma, start, 1, ",", 0);
        }
        // Keep surrogate pairs together so the message shows the real character.
        if (char.IsHighSurrogate(c) && i < s.Length && char.IsLowSurrogate(s[i])) i++;
        return new Token(TokenKind.Invalid, start, i - start, s[start..i], 0);
    }
}
