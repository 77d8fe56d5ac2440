using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ChaosDescent.Numerics;

/// <summary>
/// One SIMD width as a type: the few lane-wise operations a width-generic kernel needs, so that one generic body
/// serves Vector512, Vector256 and plain doubles (<see cref="Width512"/>, <see cref="Width256"/>, <see cref="Width1"/>).
/// The JIT specializes a generic method per struct width and inlines these members, so the generated code is that of
/// a hand-written copy per width; and since every width performs the same IEEE operations in the same order (explicit
/// FMAs, <see cref="FastTrig.SinCosPortable"/>'s arithmetic, max/min with x86's maxpd/minpd semantics), results do not
/// depend on the width.
/// </summary>
internal interface ILaneWidth<TV> where TV : struct
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }

    static abstract TV Create(double value);

    static abstract TV Load(ref double source, nuint index);

    static abstract void Store(TV value, ref double destination, nuint index);

    /// <summary>a·b + c, rounded once.</summary>
    static abstract TV FusedMultiplyAdd(TV a, TV b, TV c);

    static abstract TV Multiply(TV a, TV b);

    static abstract TV Add(TV a, TV b);

    static abstract TV Abs(TV x);

    /// <summary>x86 maxpd: a &gt; b ? a : b (b when unordered).</summary>
    static abstract TV Max(TV a, TV b);

    /// <summary>x86 minpd: a &lt; b ? a : b (b when unordered).</summary>
    static abstract TV Min(TV a, TV b);

    /// <summary>sin and cos per lane by <see cref="FastTrig.SinCosPortable"/>'s arithmetic; lanes whose argument
    /// exceeds <see cref="FastTrig.MaxArgument"/> take the runtime's Math.Sin/Math.Cos.</summary>
    static abstract (TV Sin, TV Cos) SinCos(TV x);

    /// <summary>cos per lane by <see cref="FastTrig"/>'s vector kernel (its error bound for |x| ≤
    /// <see cref="FastTrig.MaxArgument"/>; no fix-up of larger lanes — callers whose phases can be larger use
    /// <see cref="SinCos"/>).</summary>
    static abstract TV Cos(TV x);

    /// <summary>mantissa·factor split exactly into a mantissa in [1, 2) (stored) and its binary exponent (added to
    /// <paramref name="exponent"/>): a running product without overflow.</summary>
    static abstract void MultiplyMantissa(ref double mantissa, ref long exponent, nuint index, TV factor);

    /// <summary>Sets the lanes of <paramref name="flags"/> to −1 where <paramref name="magnitude"/> is not ≤
    /// <paramref name="bound"/> (NaN included); the others keep their value.</summary>
    static abstract void FlagOutside(ref long flags, nuint index, TV magnitude, TV bound);
}

internal readonly struct Width512 : ILaneWidth<Vector512<double>>
{
    private const long MantissaMask = 0x000F_FFFF_FFFF_FFFF;
    private const long ExponentOne = 0x3FF0_0000_0000_0000;

    public static int Count => Vector512<double>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Create(double value) => Vector512.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Load(ref double source, nuint index) => Vector512.LoadUnsafe(ref source, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector512<double> value, ref double destination, nuint index) => value.StoreUnsafe(ref destination, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> FusedMultiplyAdd(Vector512<double> a, Vector512<double> b, Vector512<double> c) => Vector512.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Multiply(Vector512<double> a, Vector512<double> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Add(Vector512<double> a, Vector512<double> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Abs(Vector512<double> x) => Vector512.Abs(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Max(Vector512<double> a, Vector512<double> b) => Vector512.MaxNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Min(Vector512<double> a, Vector512<double> b) => Vector512.MinNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Cos(Vector512<double> x) => FastTrig.Cos(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector512<double> Sin, Vector512<double> Cos) SinCos(Vector512<double> x)
    {
        var (sin, cos) = FastTrig.SinCosV512(x);
        if (Vector512.GreaterThanAny(Vector512.Abs(x), Vector512.Create(FastTrig.MaxArgument))) (sin, cos) = LargePhases(x, sin, cos);
        return (sin, cos);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyMantissa(ref double mantissa, ref long exponent, nuint index, Vector512<double> factor)
    {
        var bits = (Vector512.LoadUnsafe(ref mantissa, index) * factor).AsInt64();
        (Vector512.LoadUnsafe(ref exponent, index) + Vector512.ShiftRightLogical(bits, 52)).StoreUnsafe(ref exponent, index);
        ((bits & Vector512.Create(MantissaMask)) | Vector512.Create(ExponentOne)).AsDouble().StoreUnsafe(ref mantissa, index);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void FlagOutside(ref long flags, nuint index, Vector512<double> magnitude, Vector512<double> bound) =>
        (Vector512.LoadUnsafe(ref flags, index) | ~Vector512.LessThanOrEqual(magnitude, bound).AsInt64()).StoreUnsafe(ref flags, index);

    // Rare: some phase beyond the range of the vector reduction; those lanes take the runtime's sin/cos, exact there.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (Vector512<double>, Vector512<double>) LargePhases(Vector512<double> q, Vector512<double> sin, Vector512<double> cos)
    {
        Span<double> p = stackalloc double[Vector512<double>.Count];
        Span<double> s = stackalloc double[Vector512<double>.Count];
        Span<double> c = stackalloc double[Vector512<double>.Count];
        q.CopyTo(p);
        sin.CopyTo(s);
        cos.CopyTo(c);
        Width1.ReplaceLargePhases(p, s, c);
        return (Vector512.Create((ReadOnlySpan<double>)s), Vector512.Create((ReadOnlySpan<double>)c));
    }
}

internal readonly struct Width256 : ILaneWidth<Vector256<double>>
{
    private const long MantissaMask = 0x000F_FFFF_FFFF_FFFF;
    private const long ExponentOne = 0x3FF0_0000_0000_0000;

    public static int Count => Vector256<double>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Create(double value) => Vector256.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Load(ref double source, nuint index) => Vector256.LoadUnsafe(ref source, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<double> value, ref double destination, nuint index) => value.StoreUnsafe(ref destination, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> FusedMultiplyAdd(Vector256<double> a, Vector256<double> b, Vector256<double> c) => Vector256.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Multiply(Vector256<double> a, Vector256<double> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Add(Vector256<double> a, Vector256<double> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Abs(Vector256<double> x) => Vector256.Abs(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Max(Vector256<double> a, Vector256<double> b) => Vector256.MaxNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Min(Vector256<double> a, Vector256<double> b) => Vector256.MinNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Cos(Vector256<double> x) => FastTrig.Cos(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<double> Sin, Vector256<double> Cos) SinCos(Vector256<double> x)
    {
        var (sin, cos) = FastTrig.SinCosV256(x);
        if (Vector256.GreaterThanAny(Vector256.Abs(x), Vector256.Create(FastTrig.MaxArgument))) (sin, cos) = LargePhases(x, sin, cos);
        return (sin, cos);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyMantissa(ref double mantissa, ref long exponent, nuint index, Vector256<double> factor)
    {
        var bits = (Vector256.LoadUnsafe(ref mantissa, index) * factor).AsInt64();
        (Vector256.LoadUnsafe(ref exponent, index) + Vector256.ShiftRightLogical(bits, 52)).StoreUnsafe(ref exponent, index);
        ((bits & Vector256.Create(MantissaMask)) | Vector256.Create(ExponentOne)).AsDouble().StoreUnsafe(ref mantissa, index);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void FlagOutside(ref long flags, nuint index, Vector256<double> magnitude, Vector256<double> bound) =>
        (Vector256.LoadUnsafe(ref flags, index) | ~Vector256.LessThanOrEqual(magnitude, bound).AsInt64()).StoreUnsafe(ref flags, index);

    // Rare: some phase beyond the range of the vector reduction; those lanes take the runtime's sin/cos, exact there.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (Vector256<double>, Vector256<double>) LargePhases(Vector256<double> q, Vector256<double> sin, Vector256<double> cos)
    {
        Span<double> p = stackalloc double[Vector256<double>.Count];
        Span<double> s = stackalloc double[Vector256<double>.Count];
        Span<double> c = stackalloc double[Vector256<double>.Count];
        q.CopyTo(p);
        sin.CopyTo(s);
        cos.CopyTo(c);
        Width1.ReplaceLargePhases(p, s, c);
        return (Vector256.Create((ReadOnlySpan<double>)s), Vector256.Create((ReadOnlySpan<double>)c));
    }
}

/// <summary>The width of one double: the path without SIMD (DOTNET_EnableHWIntrinsic=0), lane for lane the vector
/// widths' arithmetic.</summary>
internal readonly struct Width1 : ILaneWidth<double>
{
    private const long MantissaMask = 0x000F_FFFF_FFFF_FFFF;
    private const long ExponentOne = 0x3FF0_0000_0000_0000;

    public static int Count => 1;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Create(double value) => value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Load(ref double source, nuint index) => Unsafe.Add(ref source, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(double value, ref double destination, nuint index) => Unsafe.Add(ref destination, index) = value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double FusedMultiplyAdd(double a, double b, double c) => Math.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Multiply(double a, double b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Add(double a, double b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Abs(double x) => Math.Abs(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Max(double a, double b) => a > b ? a : b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Min(double a, double b) => a < b ? a : b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Cos(double x) => FastTrig.SinCosPortable(x).Cos;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (double Sin, double Cos) SinCos(double x) =>
        Math.Abs(x) > FastTrig.MaxArgument ? (Math.Sin(x), Math.Cos(x)) : FastTrig.SinCosPortable(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyMantissa(ref double mantissa, ref long exponent, nuint index, double factor)
    {
        ref double mant = ref Unsafe.Add(ref mantissa, index);
        long bits = BitConverter.DoubleToInt64Bits(mant * factor);
        Unsafe.Add(ref exponent, index) += (long)((ulong)bits >> 52);
        mant = BitConverter.Int64BitsToDouble((bits & MantissaMask) | ExponentOne);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void FlagOutside(ref long flags, nuint index, double magnitude, double bound)
    {
        if (!(magnitude <= bound)) Unsafe.Add(ref flags, index) = -1;
    }

    /// <summary>The lanes of a vector whose phase <paramref name="q"/> is beyond <see cref="FastTrig.MaxArgument"/>
    /// get the runtime's sin and cos.</summary>
    internal static void ReplaceLargePhases(ReadOnlySpan<double> q, Span<double> sin, Span<double> cos)
    {
        for (int k = 0; k < q.Length; k++)
            if (Math.Abs(q[k]) > FastTrig.MaxArgument)
            {
                sin[k] = Math.Sin(q[k]);
                cos[k] = Math.Cos(q[k]);
            }
    }
}
