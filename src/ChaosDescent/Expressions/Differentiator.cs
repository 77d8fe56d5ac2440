namespace ChaosDescent.Expressions;

/// <summary>
/// Symbolic differentiation with simplification (every node is rebuilt through <see cref="Simplifier"/>).
/// Rules, with u′ = ∂u/∂x_k:
/// <list type="bullet">
/// <item>(u ± v)′ = u′ ± v′; (uv)′ = u′v + uv′; (u/v)′ = u′/v when v is constant, else (u′v − uv′)/v²</item>
/// <item>(u^c)′ = c·u^(c−1)·u′; (c^v)′ = c^v·log(c)·v′; (u^v)′ = u^v·(v′·log u + v·u′/u) in general</item>
/// <item>sin′ = cos, cos′ = −sin, tan′ = 1/cos², exp′ = exp, log′(u) = 1/u, sqrt′(u) = 1/(2 sqrt u),
/// tanh′ = 1 − tanh²</item>
/// <item><b>abs</b>: d|u| = sign(u)·u′ with sign(0) = 0. |u| is not differentiable where u = 0; the value 0 is the
/// midpoint of the one-sided derivatives (the minimal-norm element of the subdifferential), so gradient descent on
/// |x| stays at 0 once there. sign′ = 0 (everywhere except at 0, where it does not exist).</item>
/// </list>
/// Results are memoized per node so shared subtrees are differentiated once.
/// </summary>
public static class Differentiator
{
    /// <summary>∂e/∂x_k, simplified.</summary>
    public static Expr Differentiate(Expr e, int variableIndex) => new Run(variableIndex).D(e);

    /// <summary>The gradient (∂e/∂x_0, …, ∂e/∂x_{d−1}).</summary>
    public static Expr[] Gradient(Expr e, int dimension)
    {
        var g = new Expr[dimension];
        for (int k = 0; k < dimension; k++) g[k] = Differentiate(e, k);
        return g;
    }

    /// <summary>The Hessian, row-major d×d, built symmetric (entry (j,i) is the same tree as (i,j)).</summary>
    public static Expr[] Hessian(Expr e, int dimension) => Hessian(Gradient(e, dimension), dimension);

    /// <summary>The Hessian from an already computed gradient.</summary>
    public static Expr[] Hessian(IReadOnlyList<Expr> gradient, int dimension)
    {
        var h = new Expr[dimension * dimension];
        for (int i = 0; i < dimension; i++)
        {
            for (int j = i; j < dimension; j++)
            {
                h[i * dimension + j] = Differentiate(gradient[i], j);
                h[j * dimension + i] = h[i * dimension + j];
            }
        }
        return h;
    }

    private sealed class Run(int k)
    {
        private readonly Dictionary<Expr, Expr> _memo = new();

        public Expr D(Expr e)
        {
            if (_memo.TryGetValue(e, out var done)) return done;
            var r = Compute(e);
            _memo[e] = r;
            return r;
        }

        private Expr Compute(Expr e)
        {
            switch (e)
            {
                case ConstantExpr:
                    return Expr.Zero;
                case VariableExpr v:
                    return v.Index == k ? Expr.One : Expr.Zero;
                case NegateExpr n:
                    return Simplifier.Negate(D(n.Operand));
                case CallExpr c:
                    return Chain(c);
                case BinaryExpr b:
                    return Binary(b);
                default:
                    throw new InvalidOperationException($"unknown node {e.GetType().Name}");
            }
        }

        private Expr Binary(BinaryExpr b)
        {
            Expr u = b.Left, v = b.Right;
            switch (b.Operator)
            {
                case BinaryOperator.Add:
                    return Simplifier.Add(D(u), D(v));
                case BinaryOperator.Subtract:
                    return Simplifier.Subtract(D(u), D(v));
                case BinaryOperator.Multiply:
                    return Simplifier.Add(Simplifier.Multiply(D(u), v), Simplifier.Multiply(u, D(v)));
                case BinaryOperator.Divide:
                    {
                        var du = D(u);
                        var dv = D(v);
                        if (dv is ConstantExpr { Value: 0 }) return Simplifier.Divide(du, v);
                        return Simplifier.Divide(
                            Simplifier.Subtract(Simplifier.Multiply(du, v), Simplifier.Multiply(u, dv)),
                            Simplifier.Power(v, Expr.Constant(2)));
                    }
                case BinaryOperator.Power:
                    {
                        var du = D(u);
                        var dv = D(v);
                        if (dv is ConstantExpr { Value: 0 })
                        {
                            if (du is ConstantExpr { Value: 0 }) return Expr.Zero;
                            // (u^c)′ = c·u^(c−1)·u′ (the exponent is constant in x_k, though it need not be a number).
                            var cMinus1 = Simplifier.Subtract(v, Expr.One);
                            return Simplifier.Multiply(Simplifier.Multiply(v, Simplifier.Power(u, cMinus1)), du);
                        }
                        if (du is ConstantExpr { Value: 0 })
                        {
                            // (c^v)′ = c^v·log(c)·v′
                            return Simplifier.Multiply(Simplifier.Multiply(b, Simplifier.Call(Function.Log, u)), dv);
                        }
                        // (u^v)′ = u^v·(v′·log u + v·u′/u)
                        var inner = Simplifier.Add(
                            Simplifier.Multiply(dv, Simplifier.Call(Function.Log, u)),
                            Simplifier.Divide(Simplifier.Multiply(v, du), u));
                        return Simplifier.Multiply(b, inner);
                    }
                default:
                    throw new InvalidOperationException($"unknown operator {b.Operator}");
            }
        }

        private Expr Chain(CallExpr c)
        {
            var u = c.Argument;
            var du = D(u);
            if (du is ConstantExpr { Value: 0 }) return Expr.Zero;
            Expr outer = c.Function switch
            {
                Function.Sin => Simplifier.Call(Function.Cos, u),
                Function.Cos => Simplifier.Negate(Simplifier.Call(Function.Sin, u)),
                Function.Tan => Simplifier.Divide(Expr.One, Simplifier.Power(Simplifier.Call(Function.Cos, u), Expr.Constant(2))),
                Function.Exp => c,
                Function.Log => Simplifier.Divide(Expr.One, u),
                Function.Sqrt => Simplifier.Divide(Expr.One, Simplifier.Multiply(Expr.Constant(2), c)),
                Function.Tanh => Simplifier.Subtract(Expr.One, Simplifier.Power(c, Expr.Constant(2))),
                Function.Abs => Simplifier.Call(Function.Sign, u),
                Function.Sign => Expr.Zero,
                _ => throw new InvalidOperationException($"unknown function {c.Function}"),
            };
            // 1/u · u′ reads better as u′/u
            if (outer is BinaryExpr { Operator: BinaryOperator.Divide, Left: ConstantExpr { Value: 1 } } q)
                return Simplifier.Divide(du, q.Right);
            return Simplifier.Multiply(outer, du);
        }
    }
}
