using System.Globalization;

namespace ChaosDescent.Expressions;

/// <summary>The binary operators of the expression language.</summary>
public enum BinaryOperator
{
    Add,
    Subtract,
    Multiply,
    Divide,
    /// <summary>Right-associative: <c>a^b^c = a^(b^c)</c>.</summary>
    Power,
}

/// <summary>
/// The one-argument functions. <see cref="Sign"/> is not in the issue's list but must be part of the language:
/// it is what the derivative of <c>abs</c> produces (d|u| = sign(u)·u′ with sign(0) = 0), and printed derivatives
/// must parse back.
/// </summary>
public enum Function
{
    Sin,
    Cos,
    Tan,
    Exp,
    Log,
    Sqrt,
    Tanh,
    Abs,
    Sign,
}

/// <summary>
/// An immutable expression tree node. Equality is structural (constants compare by value, variables by index and
/// name); the hash code and depth are computed once at construction, so trees can key dictionaries (common
/// subexpression elimination) without quadratic cost. The only ways to build nodes are the factories below, which
/// keep one canonical form: a negated constant is always a negative <see cref="ConstantExpr"/>, never a
/// <see cref="NegateExpr"/> of a constant (this is what the parser produces for <c>-3</c>, so printing and parsing
/// again gives back an equal tree), and every constant is finite.
/// </summary>
public abstract class Expr : IEquatable<Expr>
{
    private readonly int _hash;

    private protected Expr(int hash, int depth, int size)
    {
        _hash = hash;
        Depth = depth;
        Size = size;
    }

    /// <summary>Longest path from this node to a leaf, counting nodes (a leaf has depth 1).</summary>
    public int Depth { get; }

    /// <summary>Number of nodes in the tree (shared subtrees counted once per occurrence).</summary>
    public int Size { get; }

    public static ConstantExpr Zero { get; } = new(0.0);
    public static ConstantExpr One { get; } = new(1.0);

    /// <summary>A finite constant.</summary>
    public static ConstantExpr Constant(double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentOutOfRangeException(nameof(value), "constants must be finite");
        return value == 0 ? (double.IsNegative(value) ? new ConstantExpr(value) : Zero) : value == 1 ? One : new ConstantExpr(value);
    }

    public static VariableExpr Variable(int index, string name) => new(index, name);

    /// <summary>−a, folding a constant operand (canonical form).</summary>
    public static Expr Negate(Expr operand) =>
        operand is ConstantExpr c ? Constant(-c.Value) : new NegateExpr(operand);

    public static Expr Binary(BinaryOperator op, Expr left, Expr right) => new BinaryExpr(op, left, right);
    public static Expr Add(Expr left, Expr right) => new BinaryExpr(BinaryOperator.Add, left, right);
    public static Expr Subtract(Expr left, Expr right) => new BinaryExpr(BinaryOperator.Subtract, left, right);
    public static Expr Multiply(Expr left, Expr right) => new BinaryExpr(BinaryOperator.Multiply, left, right);
    public static Expr Divide(Expr left, Expr right) => new BinaryExpr(BinaryOperator.Divide, left, right);
    public static Expr Power(Expr left, Expr right) => new BinaryExpr(BinaryOperator.Power, left, right);
    public static Expr Call(Function function, Expr argument) => new CallExpr(function, argument);

    /// <summary>Children in evaluation order (empty for leaves).</summary>
    public abstract IReadOnlyList<Expr> Children { get; }

    /// <summary>Rebuilds this node with new children through the raw factories (no simplification).</summary>
    public abstract Expr WithChildren(IReadOnlyList<Expr> children);

    /// <summary>Largest variable index used plus one (0 when no variable occurs).</summary>
    public int VariableCount()
    {
        int n = 0;
        foreach (var node in Nodes()) if (node is VariableExpr v) n = Math.Max(n, v.Index + 1);
        return n;
    }

    /// <summary>True when the variable with this index occurs in the tree.</summary>
    public bool DependsOn(int index)
    {
        foreach (var node in Nodes()) if (node is VariableExpr v && v.Index == index) return true;
        return false;
    }

    /// <summary>All nodes, pre-order, iteratively (deep trees must not overflow the stack).</summary>
    public IEnumerable<Expr> Nodes()
    {
        var stack = new Stack<Expr>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            var e = stack.Pop();
            yield return e;
            var ch = e.Children;
            for (int i = ch.Count - 1; i >= 0; i--) stack.Push(ch[i]);
        }
    }

    /// <summary>Replaces variables (e.g. a fast variable u by ω·x/ε) and re-simplifies the result.</summary>
    public Expr Substitute(Func<VariableExpr, Expr> replacement)
    {
        var memo = new Dictionary<Expr, Expr>();
        return Go(this);

        Expr Go(Expr e)
        {
            if (memo.TryGetValue(e, out var done)) return done;
            Expr r = e switch
            {
                VariableExpr v => replacement(v),
                ConstantExpr => e,
                _ => Simplifier.Rebuild(e, e.Children.Select(Go).ToArray()),
            };
            memo[e] = r;
            return r;
        }
    }

    public bool Equals(Expr? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || other._hash != _hash || other.GetType() != GetType() || other.Size != Size) return false;
        return EqualsCore(other);
    }

    private protected abstract bool EqualsCore(Expr other);

    public override bool Equals(object? obj) => obj is Expr e && Equals(e);
    public override int GetHashCode() => _hash;

    /// <summary>The canonical text (see <see cref="ExpressionPrinter"/>); it parses back to an equal tree.</summary>
    public override string ToString() => ExpressionPrinter.Print(this);
}

public sealed class ConstantExpr : Expr
{
    internal ConstantExpr(double value) : base(HashCode.Combine(1, value == 0 ? 0.0 : value), 1, 1) => Value = value;
    public double Value { get; }
    public override IReadOnlyList<Expr> Children => [];
    public override Expr WithChildren(IReadOnlyList<Expr> children) => this;
    private protected override bool EqualsCore(Expr other) => ((ConstantExpr)other).Value == Value;
    internal string Text => Value.ToString("R", CultureInfo.InvariantCulture);
}

public sealed class VariableExpr : Expr
{
    internal VariableExpr(int index, string name) : base(HashCode.Combine(2, index, name), 1, 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        Index = index;
        Name = name;
    }

    public int Index { get; }
    public string Name { get; }
    public override IReadOnlyList<Expr> Children => [];
    public override Expr WithChildren(IReadOnlyList<Expr> children) => this;
    private protected override bool EqualsCore(Expr other) =>
        ((VariableExpr)other).Index == Index && ((VariableExpr)other).Name == Name;
}

public sealed class NegateExpr : Expr
{
    internal NegateExpr(Expr operand) : base(HashCode.Combine(3, operand), operand.Depth + 1, operand.Size + 1) =>
        Operand = operand;

    public Expr Operand { get; }
    public override IReadOnlyList<Expr> Children => [Operand];
    public override Expr WithChildren(IReadOnlyList<Expr> children) => Negate(children[0]);
    private protected override bool EqualsCore(Expr other) => ((NegateExpr)other).Operand.Equals(Operand);
}

public sealed class BinaryExpr : Expr
{
    internal BinaryExpr(BinaryOperator op, Expr left, Expr right)
        : base(HashCode.Combine(4, op, left, right), Math.Max(left.Depth, right.Depth) + 1, left.Size + right.Size + 1)
    {
        Operator = op;
        Left = left;
        Right = right;
    }

    public BinaryOperator Operator { get; }
    public Expr Left { get; }
    public Expr Right { get; }
    public override IReadOnlyList<Expr> Children => [Left, Right];
    public override Expr WithChildren(IReadOnlyList<Expr> children) => Binary(Operator, children[0], children[1]);

    private protected override bool EqualsCore(Expr other)
    {
        var b = (BinaryExpr)other;
        return b.Operator == Operator && b.Left.Equals(Left) && b.Right.Equals(Right);
    }
}

public sealed class CallExpr : Expr
{
    internal CallExpr(Function function, Expr argument)
        : base(HashCode.Combine(5, function, argument), argument.Depth + 1, argument.Size + 1)
    {
        Function = function;
        Argument = argument;
    }

    public Function Function { get; }
    public Expr Argument { get; }
    public override IReadOnlyList<Expr> Children => [Argument];
    public override Expr WithChildren(IReadOnlyList<Expr> children) => Call(Function, children[0]);

    private protected override bool EqualsCore(Expr other)
    {
        var c = (CallExpr)other;
        return c.Function == Function && c.Argument.Equals(Argument);
    }
}

/// <summary>Names of the functions and constants of the language.</summary>
public static class Functions
{
    private static readonly (string Name, Function Function)[] Table =
    [
        ("sin", Function.Sin), ("cos", Function.Cos), ("tan", Function.Tan), ("exp", Function.Exp),
        ("log", Function.Log), ("sqrt", Function.Sqrt), ("tanh", Function.Tanh), ("abs", Function.Abs),
        ("sign", Function.Sign),
    ];

    /// <summary>The named constants: <c>pi</c> and <c>e</c>.</summary>
    public static IReadOnlyList<(string Name, double Value)> Constants { get; } = [("pi", Math.PI), ("e", Math.E)];

    public static IEnumerable<string> FunctionNames => Table.Select(t => t.Name);
    public static IEnumerable<string> ConstantNames => Constants.Select(c => c.Name);

    public static bool TryGetFunction(string name, out Function function)
    {
        foreach (var (n, f) in Table)
        {
            if (n == name)
            {
                function = f;
                return true;
            }
        }
        function = default;
        return false;
    }

    public static bool TryGetConstant(string name, out double value)
    {
        foreach (var (n, v) in Constants)
        {
            if (n == name)
            {
                value = v;
                return true;
            }
        }
        value = 0;
        return false;
    }

    public static string NameOf(Function function) => Table.First(t => t.Function == function).Name;

    /// <summary>The scalar value of a function (the reference semantics every compiled form must match).</summary>
    public static double Apply(Function function, double u) => function switch
    {
        Function.Sin => Math.Sin(u),
        Function.Cos => Math.Cos(u),
        Function.Tan => Math.Tan(u),
        Function.Exp => Math.Exp(u),
        Function.Log => Math.Log(u),
        Function.Sqrt => Math.Sqrt(u),
        Function.Tanh => Math.Tanh(u),
        Function.Abs => Math.Abs(u),
        Function.Sign => SignOf(u),
        _ => throw new ArgumentOutOfRangeException(nameof(function)),
    };

    /// <summary>sign(u) with sign(0) = 0 and sign(NaN) = NaN.</summary>
    public static double SignOf(double u) => u > 0 ? 1.0 : u < 0 ? -1.0 : u == 0 ? 0.0 : double.NaN;

    /// <summary>
    /// a^b as every evaluator computes it: integer exponents up to 64 in magnitude by repeated squaring (exact
    /// products, identical in the compiled kernels), ±0.5 by square root, otherwise <see cref="Math.Pow"/>.
    /// </summary>
    public static double Power(double a, double b)
    {
        if (IsSmallInteger(b, out int n)) return IntegerPower(a, n);
        if (b == 0.5) return Math.Sqrt(a);
        if (b == -0.5) return 1.0 / Math.Sqrt(a);
        return Math.Pow(a, b);
    }

    internal const int MaxUnrolledPower = 64;

    internal static bool IsSmallInteger(double b, out int n)
    {
        if (b == Math.Round(b) && Math.Abs(b) <= MaxUnrolledPower)
        {
            n = (int)b;
            return true;
        }
        n = 0;
        return false;
    }

    internal static double IntegerPower(double a, int n)
    {
        if (n == 0) return 1.0;
        double r = PositivePower(a, Math.Abs(n));
        return n < 0 ? 1.0 / r : r;
    }

    /// <summary>a^n for n ≥ 1, by the same left-to-right binary method the compiler emits.</summary>
    private static double PositivePower(double a, int n)
    {
        double result = a;
        for (int bit = 30 - int.LeadingZeroCount(n); bit >= 0; bit--)
        {
            result *= result;
            if (((n >> bit) & 1) != 0) result *= a;
        }
        return result;
    }
}
