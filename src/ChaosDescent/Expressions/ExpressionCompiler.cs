using System.Reflection;
using System.Runtime.Intrinsics;
using L = System.Linq.Expressions.Expression;
using LParameter = System.Linq.Expressions.ParameterExpression;

namespace ChaosDescent.Expressions;

/// <summary>
/// A compiled block kernel: for particles i in [0, count) (count a multiple of the lane width), with variable k of
/// particle i at <c>input[k·stride + i]</c> (structure of arrays) and parameter j at <c>parameters[j]</c>, it writes
/// (or adds) output m of particle i to <c>output[m·stride + i]</c>. Returns true when some output was not finite
/// (NaN or ±∞), so the caller can look for a domain error.
/// </summary>
public delegate bool BlockKernel(ref double input, ref double output, ref double parameters, int count, int stride);

/// <summary>The lane type of a compiled kernel.</summary>
public enum LaneWidth
{
    Scalar = 1,
    Vector256 = 4,
    Vector512 = 8,
}

/// <summary>
/// Compiles expression trees to straight-line SIMD loops with System.Linq.Expressions. Variables with index below
/// <c>inputCount</c> are read per particle; the next <c>parameterCount</c> indices are scalars broadcast to every
/// lane (for example 1/ε). The generated loop body evaluates all outputs together: common subexpressions (by
/// structural equality) are computed once into locals, sub-trees that depend only on constants and parameters are
/// hoisted out of the loop, integer powers up to 64 become multiplications (the same left-to-right binary method as
/// <see cref="Functions.Power"/>), and ^0.5 becomes a square root.
/// </summary>
public static class ExpressionCompiler
{
    /// <summary>The widest lane type this machine runs in hardware.</summary>
    public static LaneWidth BestWidth =>
        Vector512.IsHardwareAccelerated ? LaneWidth.Vector512 :
        Vector256.IsHardwareAccelerated ? LaneWidth.Vector256 : LaneWidth.Scalar;

    public static BlockKernel Compile(IReadOnlyList<Expr> outputs, int inputCount, int parameterCount, LaneWidth width, bool accumulate)
    {
        foreach (var o in outputs)
        {
            int n = o.VariableCount();
            if (n > inputCount + parameterCount)
                throw new ArgumentException($"an output uses variable index {n - 1}, beyond {inputCount} inputs and {parameterCount} parameters");
        }
        var ops = width switch
        {
            LaneWidth.Scalar => typeof(ScalarLanes),
            LaneWidth.Vector256 => typeof(Lanes256),
            LaneWidth.Vector512 => typeof(Lanes512),
            _ => throw new ArgumentOutOfRangeException(nameof(width)),
        };
        return new Generator(ops, (int)width, inputCount, parameterCount).Build(outputs, accumulate);
    }

    private sealed class Generator
    {
        private readonly Type _ops;
        private readonly Type _lane;
        private readonly int _width;
        private readonly int _inputCount;
        private readonly int _parameterCount;
        private readonly LParameter _input = L.Parameter(typeof(double).MakeByRefType(), "input");
        private readonly LParameter _output = L.Parameter(typeof(double).MakeByRefType(), "output");
        private readonly LParameter _parameters = L.Parameter(typeof(double).MakeByRefType(), "parameters");
        private readonly LParameter _count = L.Parameter(typeof(int), "count");
        private readonly LParameter _stride = L.Parameter(typeof(int), "stride");
        private readonly LParameter _i = L.Variable(typeof(int), "i");
        private readonly List<LParameter> _locals = [];
        private readonly List<L> _prologue = [];
        private readonly List<L> _body = [];
        private readonly Dictionary<Expr, L> _done = new();
        private readonly Dictionary<Expr, int> _uses = new();
        private readonly Dictionary<Expr, bool> _invariant = new();
        private readonly Dictionary<string, MethodInfo> _methods = new();

        public Generator(Type ops, int width, int inputCount, int parameterCount)
        {
            _ops = ops;
            _width = width;
            _inputCount = inputCount;
            _parameterCount = parameterCount;
            _lane = Method("Broadcast").ReturnType;
        }

        public BlockKernel Build(IReadOnlyList<Expr> outputs, bool accumulate)
        {
            foreach (var o in outputs) CountUses(o);
            var flag = NewLocal("flag");
            _prologue.Add(L.Assign(flag, L.Call(Method("Broadcast"), L.Constant(0.0))));

            for (int m = 0; m < outputs.Count; m++)
            {
                var value = Emit(outputs[m]);
                var offset = L.Add(L.Multiply(L.Constant(m), _stride), _i);
                _body.Add(L.Call(Method(accumulate ? "AddTo" : "Store"), _output, offset, value));
                _body.Add(L.Assign(flag, L.Call(Method("Flag"), flag, value)));
            }

            var brk = L.Label("done");
            _body.Add(L.AddAssign(_i, L.Constant(_width)));
            var loop = L.Loop(L.IfThenElse(L.LessThan(_i, _count), L.Block(_body), L.Break(brk)), brk);
            var all = new List<L>(_prologue) { L.Assign(_i, L.Constant(0)), loop, L.Call(Method("IsFlagged"), flag) };
            var block = L.Block(_locals.Append(_i), all);
            return L.Lambda<BlockKernel>(block, "expression_kernel", [_input, _output, _parameters, _count, _stride]).Compile();
        }

        private MethodInfo Method(string name)
        {
            if (!_methods.TryGetValue(name, out var m))
            {
                m = _ops.GetMethod(name, BindingFlags.Public | BindingFlags.Static)
                    ?? throw new InvalidOperationException($"{_ops.Name}.{name} is missing");
                _methods[name] = m;
            }
            return m;
        }

        private LParameter NewLocal(string name)
        {
            var v = L.Variable(_lane, $"{name}{_locals.Count}");
            _locals.Add(v);
            return v;
        }

        private void CountUses(Expr e)
        {
            if (_uses.TryGetValue(e, out int n))
            {
                _uses[e] = n + 1;
                return;
            }
            _uses[e] = 1;
            foreach (var c in e.Children) CountUses(c);
        }

        private bool IsInvariant(Expr e)
        {
            if (_invariant.TryGetValue(e, out bool r)) return r;
            r = e switch
            {
                ConstantExpr => true,
                VariableExpr v => v.Index >= _inputCount,
                _ => e.Children.All(IsInvariant),
            };
            _invariant[e] = r;
            return r;
        }

        /// <summary>The LINQ expression for node <paramref name="e"/>; shared and invariant nodes go to locals.</summary>
        private L Emit(Expr e)
        {
            if (_done.TryGetValue(e, out var known)) return known;
            bool invariant = IsInvariant(e);
            L value = e switch
            {
                ConstantExpr c => L.Call(Method("Broadcast"), L.Constant(c.Value)),
                VariableExpr v when v.Index < _inputCount =>
                    L.Call(Method("Load"), _input, L.Add(L.Multiply(L.Constant(v.Index), _stride), _i)),
                VariableExpr v => L.Call(Method("Broadcast"),
                    L.Call(typeof(ScalarLanes).GetMethod(nameof(ScalarLanes.Load))!, _parameters, L.Constant(v.Index - _inputCount))),
                NegateExpr n => L.Call(Method("Negate"), Emit(n.Operand)),
                CallExpr call => L.Call(Method(call.Function.ToString()), Emit(call.Argument)),
                BinaryExpr b => EmitBinary(b),
                _ => throw new InvalidOperationException($"unknown node {e.GetType().Name}"),
            };
            // Leaves and shared nodes become locals: variables are loaded once per iteration, constants and
            // parameter expressions once per call.
            bool local = invariant || e is VariableExpr || _uses[e] > 1;
            if (local)
            {
                value = Assign(invariant ? "c" : "t", value, invariant ? _prologue : _body);
            }
            _done[e] = value;
            return value;
        }

        private L EmitBinary(BinaryExpr b)
        {
            if (b.Operator == BinaryOperator.Power && b.Right is ConstantExpr exponent)
            {
                if (Functions.IsSmallInteger(exponent.Value, out int n)) return IntegerPower(b.Left, n);
                if (exponent.Value == 0.5) return L.Call(Method("Sqrt"), Emit(b.Left));
                if (exponent.Value == -0.5)
                    return L.Call(Method("Divide"), L.Call(Method("Broadcast"), L.Constant(1.0)), L.Call(Method("Sqrt"), Emit(b.Left)));
            }
            var left = Emit(b.Left);
            var right = Emit(b.Right);
            string name = b.Operator switch
            {
                BinaryOperator.Add => "Add",
                BinaryOperator.Subtract => "Subtract",
                BinaryOperator.Multiply => "Multiply",
                BinaryOperator.Divide => "Divide",
                BinaryOperator.Power => "Pow",
                _ => throw new InvalidOperationException($"unknown operator {b.Operator}"),
            };
            return L.Call(Method(name), left, right);
        }

        /// <summary>u^n by the left-to-right binary method (as <see cref="Functions.IntegerPower"/>).</summary>
        private L IntegerPower(Expr baseExpr, int n)
        {
            if (n == 0) return L.Call(Method("Broadcast"), L.Constant(1.0));
            var target = IsInvariant(baseExpr) ? _prologue : _body;
            var u = Emit(baseExpr);
            if (u is not LParameter) u = Assign("p", u, target);
            int m = Math.Abs(n);
            L result = u;
            for (int bit = 30 - int.LeadingZeroCount(m); bit >= 0; bit--)
            {
                // Each intermediate power goes to a local: the tree would otherwise evaluate it twice.
                if (result is not LParameter) result = Assign("p", result, target);
                result = L.Call(Method("Multiply"), result, result);
                if (((m >> bit) & 1) != 0) result = L.Call(Method("Multiply"), Assign("p", result, target), u);
            }
            return n < 0 ? L.Call(Method("Divide"), L.Call(Method("Broadcast"), L.Constant(1.0)), result) : result;
        }

        private LParameter Assign(string name, L value, List<L> target)
        {
            var v = NewLocal(name);
            target.Add(L.Assign(v, value));
            return v;
        }
    }
}
