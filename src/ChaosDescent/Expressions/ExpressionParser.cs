namespace ChaosDescent.Expressions;

/// <summary>
/// Recursive-descent parser for the expression language. Grammar (lowest precedence first):
/// <code>
/// expression := term (('+' | '-') term)*
/// term       := unary (('*' | '/') unary)*
/// unary      := ('-' | '+') unary | power
/// power      := primary ('^' unary)?          right-associative: a^b^c = a^(b^c); x^-2 = x^(-2)
/// primary    := number | constant | variable | function '(' expression ')' | '(' expression ')'
/// </code>
/// so <c>-x^2 = -(x^2)</c> and <c>-2*x = (-2)*x</c>, as in mathematics. A minus sign in front of a number is
/// folded into the constant (canonical form, see <see cref="Expr"/>). Every failure is an
/// <see cref="ExpressionSyntaxException"/> with the position; nothing else escapes (nesting and tree depth are
/// bounded so deep input cannot overflow the stack).
/// </summary>
public static class ExpressionParser
{
    /// <summary>Deepest tree accepted (far beyond any hand-written objective; keeps every recursive pass safe).</summary>
    public const int MaxDepth = 200;

    /// <summary>Parses <paramref name="text"/> over the given variables. <paramref name="label"/> names the
    /// expression in messages (e.g. "f0").</summary>
    public static Expr Parse(string text, VariableSet variables, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(variables);
        var parser = new Parser(text, Tokenizer.Tokenize(text, label), variables, label);
        return parser.ParseAll();
    }

    /// <summary>Parses with the standard variable set inferred from the text (x; x, y; x1 … xd).</summary>
    public static Expr Parse(string text, out VariableSet variables, string? label = null)
    {
        variables = VariableSet.Infer(text);
        return Parse(text, variables, label);
    }

    private sealed class Parser(string text, List<Token> tokens, VariableSet variables, string? label)
    {
        private int _pos;
        private int _nesting;

        private Token Current => tokens[_pos];

        public Expr ParseAll()
        {
            if (Current.Kind == TokenKind.End) throw Error(Current.Position, "the expression is empty");
            var e = ParseExpression();
            if (Current.Kind != TokenKind.End) throw Unexpected(topLevel: true);
            return e;
        }

        private Expr ParseExpression()
        {
            Enter();
            var sum = LeftAssociative(ParseTerm, TokenKind.Plus, BinaryOperator.Add, TokenKind.Minus, BinaryOperator.Subtract);
            _nesting--;
            return sum;
        }

        private Expr ParseTerm() =>
            LeftAssociative(ParseUnary, TokenKind.Star, BinaryOperator.Multiply, TokenKind.Slash, BinaryOperator.Divide);

        /// <summary>operand (op operand)*, folded to the left: a − b − c = (a − b) − c.</summary>
        private Expr LeftAssociative(Func<Expr> operand, TokenKind first, BinaryOperator firstOperator, TokenKind second,
            BinaryOperator secondOperator)
        {
            var left = operand();
            while (Current.Kind == first || Current.Kind == second)
            {
                var op = Current;
                _pos++;
                var right = operand();
                left = Checked(Expr.Binary(op.Kind == first ? firstOperator : secondOperator, left, right), op);
            }
            return left;
        }

        private Expr ParseUnary()
        {
            if (Current.Kind is TokenKind.Minus or TokenKind.Plus)
            {
                var sign = Current;
                _pos++;
                Enter();
                var operand = ParseUnary();
                _nesting--;
                return sign.Kind == TokenKind.Minus ? Checked(Expr.Negate(operand), sign) : operand;
            }
            return ParsePower();
        }

        private Expr ParsePower()
        {
            var b = ParsePrimary();
            if (Current.Kind != TokenKind.Caret) return b;
            var op = Current;
            _pos++;
            Enter();
            var exponent = ParseUnary();
            _nesting--;
            return Checked(Expr.Power(b, exponent), op);
        }

        private Expr ParsePrimary()
        {
            var t = Current;
            switch (t.Kind)
            {
                case TokenKind.Number:
                    _pos++;
                    return Expr.Constant(t.Value);
                case TokenKind.LeftParen:
                    {
                        _pos++;
                        var inner = ParseExpression();
                        if (Current.Kind != TokenKind.RightParen)
                            throw Error(Current.Position, $"expected ')' to close the '(' at column {t.Position + 1}, or an operator, but found {Current.Describe()}");
                        _pos++;
                        return inner;
                    }
                case TokenKind.Identifier:
                    _pos++;
                    return ParseName(t);
                default:
                    throw Error(t.Position, $"expected a number, a variable, a function call or '(' but found {t.Describe()}");
            }
        }

        private Expr ParseName(Token name)
        {
            bool call = Current.Kind == TokenKind.LeftParen;
            if (variables.TryGetIndex(name.Text, out int index))
            {
                if (call) throw Error(Current.Position, $"'{name.Text}' is a variable, not a function; write {name.Text}*(…) for a product");
                return variables[index];
            }
            if (Functions.TryGetConstant(name.Text, out double value))
            {
                if (call) throw Error(Current.Position, $"'{name.Text}' is a constant, not a function; write {name.Text}*(…) for a product");
                return Expr.Constant(value);
            }
            if (Functions.TryGetFunction(name.Text, out var function))
            {
                if (!call) throw Error(Current.Position, $"expected '(' after the function '{name.Text}' but found {Current.Describe()}");
                var open = Current;
                _pos++;
                var argument = ParseExpression();
                if (Current.Kind == TokenKind.Comma)
                    throw Error(Current.Position, $"the function '{name.Text}' takes one argument");
                if (Current.Kind != TokenKind.RightParen)
                    throw Error(Current.Position, $"expected ')' to close the '(' at column {open.Position + 1}, or an operator, but found {Current.Describe()}");
                _pos++;
                return Checked(Expr.Call(function, argument), name);
            }
            throw Error(name.Position, UnknownName(name.Text));
        }

        private string UnknownName(string name)
        {
            var allowed = variables.Names.Concat(Functions.FunctionNames).Concat(Functions.ConstantNames).ToList();
            var suggestion = allowed.FirstOrDefault(a => string.Equals(a, name, StringComparison.OrdinalIgnoreCase))
                ?? allowed.Where(a => Distance(a, name) <= (name.Length <= 3 ? 1 : 2)).OrderBy(a => Distance(a, name)).FirstOrDefault();
            var vars = variables.Count == 0 ? "none" : string.Join(", ", variables.Names);
            var hint = suggestion is null ? "" : $" (did you mean '{suggestion}'?)";
            return $"unknown name '{name}'{hint}; variables: {vars}; functions: {string.Join(", ", Functions.FunctionNames)}; " +
                   $"constants: {string.Join(", ", Functions.ConstantNames)}";
        }

        private Exception Unexpected(bool topLevel)
        {
            var t = Current;
            return t.Kind switch
            {
                TokenKind.RightParen when topLevel => Error(t.Position, "unmatched ')'"),
                TokenKind.Comma => Error(t.Position, "unexpected ',' (only function calls have an argument list, and functions take one argument)"),
                TokenKind.Number or TokenKind.Identifier or TokenKind.LeftParen =>
                    Error(t.Position, $"expected an operator (+ - * / ^) or the end of the expression but found {t.Describe()}; write 2*x for a product"),
                _ => Error(t.Position, $"expected an operator (+ - * / ^) or the end of the expression but found {t.Describe()}"),
            };
        }

        private void Enter()
        {
            if (++_nesting > MaxDepth) throw Error(Current.Position, $"the expression is nested too deeply (more than {MaxDepth} levels)");
        }

        private Expr Checked(Expr e, Token at)
        {
            if (e.Depth > MaxDepth) throw Error(at.Position, $"the expression is too deep (more than {MaxDepth} levels of operations); split it or simplify it");
            return e;
        }

        private ExpressionSyntaxException Error(int position, string problem) => new(text, position, problem, label);

        private static int Distance(string a, string b)
        {
            var d = new int[a.Length + 1, b.Length + 1];
            for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
            for (int j = 0; j <= b.Length; j++) d[0, j] = j;
            for (int i = 1; i <= a.Length; i++)
                for (int j = 1; j <= b.Length; j++)
                    d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            return d[a.Length, b.Length];
        }
    }
}
