using ChaosDescent.Expressions;

namespace ChaosDescent.Tests.Expressions;

/// <summary>Seeded random expression trees for the property tests.</summary>
internal sealed class RandomExpressions(int seed, VariableSet variables)
{
    private readonly Random _rng = new(seed);
    private static readonly double[] Constants = [0, 1, 2, 0.5, 3, 0.25, 1.5, 1e-3, 7.25, Math.PI, Math.E, 1e20, 123.456];

    /// <summary>
    /// Any tree the factories can build (raw, unsimplified): negative constants, negations, every operator and
    /// function, nested powers. Used for print/parse round trips, not evaluated.
    /// </summary>
    public Expr Raw(int depth)
    {
        if (depth <= 0 || _rng.NextDouble() < 0.2) return Leaf(allowNegative: true);
        switch (_rng.Next(4))
        {
            case 0:
                return Expr.Negate(Raw(depth - 1));
            case 1:
                return Expr.Call((Function)_rng.Next(Enum.GetValues<Function>().Length), Raw(depth - 1));
            default:
                var op = (BinaryOperator)_rng.Next(5);
                return Expr.Binary(op, Raw(depth - 1), Raw(depth - 1));
        }
    }

    /// <summary>
    /// A smooth tree that is finite with moderate values for every variable in [−1.5, 1.5]: denominators and
    /// log/sqrt arguments are kept positive, tan stays away from its poles, exponents are small.
    /// </summary>
    public Expr Smooth(int depth)
    {
        if (depth <= 0 || _rng.NextDouble() < 0.15) return Leaf(allowNegative: true, small: true);
        var a = Smooth(depth - 1);
        switch (_rng.Next(14))
        {
            case 0: return Expr.Add(a, Smooth(depth - 1));
            case 1: return Expr.Subtract(a, Smooth(depth - 1));
            case 2:
            case 3: return Expr.Multiply(a, Smooth(depth - 1));
            case 4: return Expr.Divide(a, Positive(Smooth(depth - 1)));
            case 5: return Expr.Power(a, Expr.Constant(_rng.Next(0, 4)));
            case 6: return Expr.Power(Positive(a), Expr.Constant(Math.Round(_rng.NextDouble() * 3 - 1.5, 2)));
            case 7: return Expr.Negate(a);
            case 8: return Expr.Call(_rng.Next(2) == 0 ? Function.Sin : Function.Cos, a);
            case 9: return Expr.Call(Function.Exp, Expr.Call(Function.Sin, a));
            case 10: return Expr.Call(_rng.Next(2) == 0 ? Function.Log : Function.Sqrt, Positive(a));
            case 11: return Expr.Call(Function.Tanh, a);
            case 12: return Expr.Call(Function.Tan, Expr.Multiply(Expr.Constant(0.5), Expr.Call(Function.Sin, a)));
            default: return Expr.Call(Function.Abs, a);
        }
    }

    /// <summary>Only + − * and integer powers (exactly reproducible arithmetic).</summary>
    public Expr Polynomial(int depth)
    {
        if (depth <= 0 || _rng.NextDouble() < 0.2) return Leaf(allowNegative: true, small: true);
        return _rng.Next(5) switch
        {
            0 => Expr.Add(Polynomial(depth - 1), Polynomial(depth - 1)),
            1 => Expr.Subtract(Polynomial(depth - 1), Polynomial(depth - 1)),
            2 => Expr.Multiply(Polynomial(depth - 1), Polynomial(depth - 1)),
            3 => Expr.Power(Polynomial(depth - 1), Expr.Constant(_rng.Next(-3, 6))),
            _ => Expr.Negate(Polynomial(depth - 1)),
        };
    }

    /// <summary>1.5 + a² (positive, smooth).</summary>
    private static Expr Positive(Expr a) => Expr.Add(Expr.Constant(1.5), Expr.Power(a, Expr.Constant(2)));

    private Expr Leaf(bool allowNegative, bool small = false)
    {
        if (_rng.Next(2) == 0) return variables[_rng.Next(variables.Count)];
        double c = small ? Math.Round(_rng.NextDouble() * 4 - 2, 3) : Constants[_rng.Next(Constants.Length)];
        if (allowNegative && _rng.Next(3) == 0) c = -c;
        if (!small && _rng.Next(4) == 0) c = _rng.NextDouble() * Math.Pow(10, _rng.Next(-12, 12));
        return Expr.Constant(c);
    }

    public double[] Point(double range = 1.5)
    {
        var p = new double[variables.Count];
        for (int i = 0; i < p.Length; i++) p[i] = (2 * _rng.NextDouble() - 1) * range;
        return p;
    }
}
