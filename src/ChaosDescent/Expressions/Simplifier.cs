namespace ChaosDescent.Expressions;

/// <summary>
/// Simplifying constructors (used by the differentiator) and a bottom-up <see cref="Simplify"/>. The rules are the
/// safe algebraic ones: constant folding (only when the result is finite, so <c>log(-1)</c> or <c>1/0</c> stay and
/// are reported at evaluation), 0 and 1 identities, constants moved to the front of products and merged,
/// <c>(c1·a)/c2 → (c1/c2)·a</c>, sign normalisation (<c>a + -b → a - b</c>, <c>-(a - b) → b - a</c>, minus signs pulled out of products and
/// quotients), <c>a·a → a^2</c>, <c>a^m·a^n → a^(m+n)</c>, <c>a·a^n → a^(n+1)</c>, <c>(a^m)^n → a^(m·n)</c> for an
/// integer n, and <c>|−a| → |a|</c>, <c>||a|| → |a|</c>. Rules such as <c>a·a^(−1) → 1</c> or <c>(a^(1/2))^2 → a</c>
/// drop a point where the original is undefined; this is the usual convention of symbolic differentiation.
/// </summary>
public static class Simplifier
{
    /// <summary>Rebuilds the whole tree with the simplifying constructors (iteratively until it stops changing).</summary>
    public static Expr Simplify(Expr e)
    {
        for (int pass = 0; pass < 8; pass++)
        {
            var memo = new Dictionary<Expr, Expr>();
            var next = Go(e, memo);
            if (next.Equals(e)) return next;
            e = next;
        }
        return e;

        static Expr Go(Expr e, Dictionary<Expr, Expr> memo)
        {
            if (memo.TryGetValue(e, out var r)) return r;
            var ch = e.Children;
            r = ch.Count == 0 ? e : Rebuild(e, ch.Select(c => Go(c, memo)).ToArray());
            memo[e] = r;
            return r;
        }
    }

    /// <summary>The node <paramref name="e"/> with new children, through the simplifying constructors.</summary>
    public static Expr Rebuild(Expr e, IReadOnlyList<Expr> children) => e switch
    {
        NegateExpr => Negate(children[0]),
        CallExpr c => Call(c.Function, children[0]),
        BinaryExpr b => Binary(b.Operator, children[0], children[1]),
        _ => e,
    };

    public static Expr Binary(BinaryOperator op, Expr a, Expr b) => op switch
    {
        BinaryOperator.Add => Add(a, b),
        BinaryOperator.Subtract => Subtract(a, b),
        BinaryOperator.Multiply => Multiply(a, b),
        BinaryOperator.Divide => Divide(a, b),
        BinaryOperator.Power => Power(a, b),
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    private static bool IsConst(Expr e, double v) => e is ConstantExpr c && c.Value == v;
    private static bool IsConst(Expr e, out double v)
    {
        if (e is ConstantExpr c)
        {
            v = c.Value;
            return true;
        }
        v = 0;
        return false;
    }

    private static bool TryFold(double value, out Expr folded)
    {
        folded = double.IsFinite(value) ? Expr.Constant(value) : null!;
        return double.IsFinite(value);
    }

    public static Expr Negate(Expr a) => a switch
    {
        ConstantExpr c => Expr.Constant(-c.Value),
        NegateExpr n => n.Operand,
        BinaryExpr { Operator: BinaryOperator.Subtract } s => Expr.Subtract(s.Right, s.Left),
        BinaryExpr { Operator: BinaryOperator.Multiply, Left: ConstantExpr c } m => Multiply(Expr.Constant(-c.Value), m.Right),
        BinaryExpr { Operator: BinaryOperator.Divide, Left: ConstantExpr c } d => Divide(Expr.Constant(-c.Value), d.Right),
        _ => Expr.Negate(a),
    };

    public static Expr Add(Expr a, Expr b)
    {
        if (IsConst(a, out var x) && IsConst(b, out var y) && TryFold(x + y, out var f)) return f;
        if (IsConst(a, 0)) return b;
        if (IsConst(b, 0)) return a;
        if (b is ConstantExpr cb && cb.Value < 0) return Subtract(a, Expr.Constant(-cb.Value));
        if (b is NegateExpr nb) return Subtract(a, nb.Operand);
        if (a is NegateExpr na) return Subtract(b, na.Operand);
        if (a.Equals(b)) return Multiply(Expr.Constant(2), a);
        return Expr.Add(a, b);
    }

    public static Expr Subtract(Expr a, Expr b)
    {
        if (IsConst(a, out var x) && IsConst(b, out var y) && TryFold(x - y, out var f)) return f;
        if (IsConst(b, 0)) return a;
        if (IsConst(a, 0)) return Negate(b);
        if (a.Equals(b)) return Expr.Zero;
        if (b is ConstantExpr cb && cb.Value < 0) return Add(a, Expr.Constant(-cb.Value));
        if (b is NegateExpr nb) return Add(a, nb.Operand);
        return Expr.Subtract(a, b);
    }

    public static Expr Multiply(Expr a, Expr b)
    {
        if (IsConst(a, out var x) && IsConst(b, out var y) && TryFold(x * y, out var f)) return f;
        if (IsConst(a, 0) || IsConst(b, 0)) return Expr.Zero;
        if (IsConst(a, 1)) return b;
        if (IsConst(b, 1)) return a;
        if (IsConst(a, -1)) return Negate(b);
        if (IsConst(b, -1)) return Negate(a);
        if (b is ConstantExpr && a is not ConstantExpr) return Multiply(b, a);
        if (a is ConstantExpr c1 && b is BinaryExpr { Operator: BinaryOperator.Multiply, Left: ConstantExpr c2 } m
            && TryFold(c1.Value * c2.Value, out var merged))
            return Multiply(merged, m.Right);
        if (a is NegateExpr na) return Negate(Multiply(na.Operand, b));
        if (b is NegateExpr nb) return Negate(Multiply(a, nb.Operand));
        if (a.Equals(b)) return Power(a, Expr.Constant(2));
        if (a is BinaryExpr { Operator: BinaryOperator.Power, Right: ConstantExpr m1 } pa)
        {
            if (pa.Left.Equals(b)) return Power(b, Expr.Constant(m1.Value + 1));
            if (b is BinaryExpr { Operator: BinaryOperator.Power, Right: ConstantExpr m2 } pb && pa.Left.Equals(pb.Left))
                return Power(pa.Left, Expr.Constant(m1.Value + m2.Value));
        }
        if (b is BinaryExpr { Operator: BinaryOperator.Power, Right: ConstantExpr n1 } pb2 && pb2.Left.Equals(a))
            return Power(a, Expr.Constant(n1.Value + 1));
        return Expr.Multiply(a, b);
    }

    public static Expr Divide(Expr a, Expr b)
    {
        if (IsConst(a, out var x) && IsConst(b, out var y) && y != 0 && TryFold(x / y, out var f)) return f;
        if (IsConst(b, 1)) return a;
        if (IsConst(b, -1)) return Negate(a);
        if (IsConst(a, 0) && !IsConst(b, 0)) return Expr.Zero;
        if (a.Equals(b) && !IsConst(b, 0)) return Expr.One;
        // (c1·r)/c2 → (c1/c2)·r (e.g. the derivative of x^4/4 is x^3, not (4·x^3)/4)
        if (b is ConstantExpr c2 && c2.Value != 0 && a is BinaryExpr { Operator: BinaryOperator.Multiply, Left: ConstantExpr c1 } ma
            && TryFold(c1.Value / c2.Value, out var ratio))
            return Multiply(ratio, ma.Right);
        if (a is NegateExpr na) return Negate(Divide(na.Operand, b));
        if (b is NegateExpr nb) return Negate(Divide(a, nb.Operand));
        return Expr.Divide(a, b);
    }

    public static Expr Power(Expr a, Expr b)
    {
        if (IsConst(a, out var x) && IsConst(b, out var y) && TryFold(Functions.Power(x, y), out var f)) return f;
        if (IsConst(b, 0)) return Expr.One;
        if (IsConst(b, 1)) return a;
        if (IsConst(a, 1)) return Expr.One;
        if (IsConst(a, 0) && IsConst(b, out var e) && e > 0) return Expr.Zero;
        if (a is BinaryExpr { Operator: BinaryOperator.Power, Right: ConstantExpr inner } p
            && b is ConstantExpr outer && Functions.IsSmallInteger(outer.Value, out _))
            return Power(p.Left, Expr.Constant(inner.Value * outer.Value));
        return Expr.Power(a, b);
    }

    public static Expr Call(Function function, Expr a)
    {
        if (a is ConstantExpr c && TryFold(Functions.Apply(function, c.Value), out var f)) return f;
        switch (function)
        {
            case Function.Abs when a is NegateExpr n:
                return Call(Function.Abs, n.Operand);
            case Function.Abs when a is CallExpr { Function: Function.Abs }:
                return a;
        }
        return Expr.Call(function, a);
    }
}
