using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ChaosDescent.Numerics;

namespace ChaosDescent.Expressions;

// The operations the expression compiler emits, one static class per lane type. Every method the compiled
// kernels call is here, with the same name and shape in each class, so the code generator only switches the class.
// The small ones are AggressiveInlining: the JIT inlines them into the compiled DynamicMethod (checked with
// DOTNET_JitDisasm: the kernel's loop body is straight-line SIMD code with no calls for + − * / and FastTrig).
// Functions without a SIMD kernel here (tanh, general powers) are evaluated lane by lane with System.Math.
// Offsets are int because System.Linq.Expressions has no arithmetic on nint.

/// <summary>One double per lane: the point evaluation and the fallback without SIMD.</summary>
public static class ScalarLanes
{
    public const int Width = 1;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Load(ref double origin, int offset) => Unsafe.Add(ref origin, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(ref double origin, int offset, double v) => Unsafe.Add(ref origin, offset) = v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void AddTo(ref double origin, int offset, double v) => Unsafe.Add(ref origin, offset) += v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Broadcast(double v) => v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Add(double a, double b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Subtract(double a, double b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Multiply(double a, double b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Divide(double a, double b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Negate(double a) => -a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Sin(double a) => Math.Sin(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Cos(double a) => Math.Cos(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Tan(double a) => Math.Tan(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Exp(double a) => Math.Exp(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Log(double a) => Math.Log(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Sqrt(double a) => Math.Sqrt(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Tanh(double a) => Math.Tanh(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Abs(double a) => Math.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Sign(double a) => Functions.SignOf(a);
    public static double Pow(double a, double b) => Functions.Power(a, b);
    /// <summary>acc + v·0: stays finite while every v is, NaN once one is not (one FMA per output).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Flag(double acc, double v) => acc + v * 0.0;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool IsFlagged(double acc) => double.IsNaN(acc);
}

/// <summary>Four doubles per lane (AVX2); sin/cos through <see cref="FastTrig"/>.</summary>
public static class Lanes256
{
    public const int Width = 4;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Load(ref double origin, int offset) => Vector256.LoadUnsafe(ref origin, (nuint)offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(ref double origin, int offset, Vector256<double> v) => v.StoreUnsafe(ref origin, (nuint)offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddTo(ref double origin, int offset, Vector256<double> v) =>
        (Vector256.LoadUnsafe(ref origin, (nuint)offset) + v).StoreUnsafe(ref origin, (nuint)offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Broadcast(double v) => Vector256.Create(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Add(Vector256<double> a, Vector256<double> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Subtract(Vector256<double> a, Vector256<double> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Multiply(Vector256<double> a, Vector256<double> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Divide(Vector256<double> a, Vector256<double> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Negate(Vector256<double> a) => -a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Sin(Vector256<double> a) => FastTrig.Sin(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Cos(Vector256<double> a) => FastTrig.Cos(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Tan(Vector256<double> a) => FastTrig.Sin(a) / FastTrig.Cos(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Exp(Vector256<double> a) => Vector256.Exp(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Log(Vector256<double> a) => Vector256.Log(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Sqrt(Vector256<double> a) => Vector256.Sqrt(a);
    public static Vector256<double> Tanh(Vector256<double> a) => Vector256.Create(Math.Tanh(a[0]), Math.Tanh(a[1]), Math.Tanh(a[2]), Math.Tanh(a[3]));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Abs(Vector256<double> a) => Vector256.Abs(a);

    /// <summary>sign with sign(0) = 0 and sign(NaN) = NaN (a·0 keeps NaN and zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Sign(Vector256<double> a) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(a, Vector256<double>.Zero), Vector256<double>.One,
            Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256<double>.Zero), -Vector256<double>.One, a * Vector256<double>.Zero));

    public static Vector256<double> Pow(Vector256<double> a, Vector256<double> b) => Vector256.Create(
        Functions.Power(a[0], b[0]), Functions.Power(a[1], b[1]), Functions.Power(a[2], b[2]), Functions.Power(a[3], b[3]));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Flag(Vector256<double> acc, Vector256<double> v) => Vector256.FusedMultiplyAdd(v, Vector256<double>.Zero, acc);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool IsFlagged(Vector256<double> acc) => !Vector256.EqualsAll(acc, acc);
}

/// <summary>Eight doubles per lane (AVX-512); sin/cos through <see cref="FastTrig"/>.</summary>
public static class Lanes512
{
    public const int Width = 8;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Load(ref double origin, int offset) => Vector512.LoadUnsafe(ref origin, (nuint)offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(ref double origin, int offset, Vector512<double> v) => v.StoreUnsafe(ref origin, (nuint)offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddTo(ref double origin, int offset, Vector512<double> v) =>
        (Vector512.LoadUnsafe(ref origin, (nuint)offset) + v).StoreUnsafe(ref origin, (nuint)offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Broadcast(double v) => Vector512.Create(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Add(Vector512<double> a, Vector512<double> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Subtract(Vector512<double> a, Vector512<double> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Multiply(Vector512<double> a, Vector512<double> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Divide(Vector512<double> a, Vector512<double> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Negate(Vector512<double> a) => -a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Sin(Vector512<double> a) => FastTrig.Sin(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Cos(Vector512<double> a) => FastTrig.Cos(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Tan(Vector512<double> a) => FastTrig.Sin(a) / FastTrig.Cos(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Exp(Vector512<double> a) => Vector512.Exp(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Log(Vector512<double> a) => Vector512.Log(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Sqrt(Vector512<double> a) => Vector512.Sqrt(a);
    public static Vector512<double> Tanh(Vector512<double> a) => Vector512.Create(Lanes256.Tanh(a.GetLower()), Lanes256.Tanh(a.GetUpper()));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Abs(Vector512<double> a) => Vector512.Abs(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Sign(Vector512<double> a) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(a, Vector512<double>.Zero), Vector512<double>.One,
            Vector512.ConditionalSelect(Vector512.LessThan(a, Vector512<double>.Zero), -Vector512<double>.One, a * Vector512<double>.Zero));

    public static Vector512<double> Pow(Vector512<double> a, Vector512<double> b) =>
        Vector512.Create(Lanes256.Pow(a.GetLower(), b.GetLower()), Lanes256.Pow(a.GetUpper(), b.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Flag(Vector512<double> acc, Vector512<double> v) => Vector512.FusedMultiplyAdd(v, Vector512<double>.Zero, acc);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool IsFlagged(Vector512<double> acc) => !Vector512.EqualsAll(acc, acc);
}
