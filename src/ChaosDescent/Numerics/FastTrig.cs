using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ChaosDescent.Numerics.LinearAlgebra;

namespace ChaosDescent.Numerics;

/// <summary>
/// Vectorized sine and cosine for the hot loops. The phase x/ε of the micro-scale reaches 1e7–1e8 (ε down to
/// 1e-7 in the paper's Sec. 3.1), so the argument reduction must stay exact there; docs/accuracy.md gives the
/// method and the measured error against <see cref="Math.Sin"/>/<see cref="Math.Cos"/> (max absolute error
/// 2.8e-16 for cos and 2.2e-16 for sin over |x| ≤ <see cref="MaxArgument"/>; the tests assert ≤ 2^-51 ≈ 4.4e-16).
/// </summary>
/// <remarks>
/// <para>Method (both widths, all lanes branch-free):</para>
/// <list type="number">
/// <item>Quotient: m = rint(x/π) in one rounding, read with the "magic number" trick (fma(x, 1/π, 1.5·2^52) leaves
/// the integer m in the low mantissa bits, so its parity is bit 0 of the sum).</item>
/// <item>Reduction (Cody–Waite with FMA): r = x − m·P1 − m·P2 with P1 the double nearest π and P2 the double nearest
/// π − P1. With FMA the first step is exact (its result is a multiple of 2^-52 below 2 in magnitude, so it fits 53
/// bits), the second adds at most half an ulp of r, and the omitted third part P3 ≈ 3e-33 contributes
/// |m·P3| ≤ 1e-25 for |x| ≤ 1e8: without FMA a third part is needed because the split constants must carry
/// trailing zeros; with FMA it changes nothing measurable and costs 5% of the ensemble's throughput.
/// Result: |r| ≤ π/2 (+1e-8 from the rounded quotient).</item>
/// <item>sin x = (−1)^m sin r and cos x = (−1)^m cos r, with an odd polynomial of degree 17 for sin and an even one of
/// degree 16 for cos on [−π/2, π/2] (near-minimax fits, mpmath), evaluated by Horner with FMA; the sign is flipped
/// by XOR with the parity bit shifted to the sign position.</item>
/// </list>
/// <para>The whole kernel is about 12 multiply/FMA operations per vector, the resource that bounds the ensemble
/// step (a π/2 reduction with the classical pair of polynomials on [−π/4, π/4] and a blend needs about 18). The price
/// of cos 1 + s·P(s) near r = ±π/2 is relative, not absolute, accuracy where cos x is tiny (the absolute error stays
/// ≤ 2.8e-16). Paths: Vector512 (AVX-512F) and Vector256 (AVX2 + FMA); without them every entry point falls back to
/// Math.Sin/Math.Cos.</para>
/// </remarks>
public static class FastTrig
{
    /// <summary>Largest |argument| for which the documented error bound holds (and is tested).</summary>
    public const double MaxArgument = 1e8;

    // 1/π and π ≈ PiA + PiB (each the double nearest to what is left; computed with 80-digit π). The next part,
    // −2.9947698097183397e-33, is left out (see the remarks).
    private const double InvPi = 0.3183098861837907;
    private const double PiA = 3.141592653589793;
    private const double PiB = 1.2246467991473532e-16;
    // Halves are exact in binary, so π/2 ≈ HalfPiA + HalfPiB to the same precision.
    private const double HalfPiA = PiA * 0.5;
    private const double HalfPiB = PiB * 0.5;

    // 1.5·2^52: for |y| < 2^51, y + Magic rounds y to the nearest integer (ties to even) and keeps it in the low
    // mantissa bits; (y + Magic) − Magic is that integer as a double.
    private const double Magic = 6755399441055744.0;

    // sin r ≈ r + r·s·(C1 + s·(C2 + … + s·C8)), s = r²: degree-17 near-minimax fit of (sin r − r)/r³ as a polynomial
    // in s over [0, (1.0001·π/2)²] (mpmath chebyfit at 50 digits, then rounded to double). Truncation error of
    // the fit ≤ 4e-17 absolute on sin for |r| ≤ 1.0001·π/2; the rounding of the Horner steps adds about one ulp.
    private const double C1 = -0.16666666666666666;
    private const double C2 = 0.008333333333333316;
    private const double C3 = -0.00019841269841254966;
    private const double C4 = 2.7557319219160833e-06;
    private const double C5 = -2.505210761669045e-08;
    private const double C6 = 1.6058977292642743e-10;
    private const double C7 = -7.643969663988074e-13;
    private const double C8 = 2.7314368769379893e-15;

    // cos r ≈ 1 + s·(K1 + s·(K2 + … + s·K8)), s = r²: degree-16 near-minimax fit of (cos r − 1)/r² in s over
    // [0, (1.0001·π/2)²], obtained the same way; truncation error ≤ 2e-17 absolute.
    private const double K1 = -0.5;
    private const double K2 = 0.04166666666666634;
    private const double K3 = -0.0013888888888860676;
    private const double K4 = 2.4801587292437113e-05;
    private const double K5 = -2.755731776616188e-07;
    private const double K6 = 2.0876630792310255e-09;
    private const double K7 = -1.1464687487845909e-11;
    private const double K8 = 4.627646089543635e-14;

    /// <summary>The widest kernel the public entry points use on this machine (JIT-time constants).</summary>
    internal static bool UseV512 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Fma.IsSupported;

    internal static bool UseV256 => Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported;

    /// <summary>Which kernel runs here: "vector512", "vector256" or "scalar" (for benchmarks and reports).</summary>
    public static string ActivePath => UseV512 ? "vector512" : UseV256 ? "vector256" : "scalar";

    // ---------------------------------------------------------------- public vector API

    /// <summary>cos of each lane; error bound of docs/accuracy.md for |x| ≤ <see cref="MaxArgument"/>, NaN for NaN/±∞.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Cos(Vector512<double> x)
    {
        if (UseV512) return CosV512(x);
        return Vector512.Create(Cos(x.GetLower()), Cos(x.GetUpper()));
    }

    /// <summary>sin of each lane; error bound of docs/accuracy.md for |x| ≤ <see cref="MaxArgument"/>, NaN for NaN/±∞.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Sin(Vector512<double> x)
    {
        if (UseV512) return SinV512(x);
        return Vector512.Create(Sin(x.GetLower()), Sin(x.GetUpper()));
    }

    /// <summary>cos of each lane; error bound of docs/accuracy.md for |x| ≤ <see cref="MaxArgument"/>, NaN for NaN/±∞.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Cos(Vector256<double> x)
    {
        if (UseV256) return CosV256(x);
        return Vector256.Create(Math.Cos(x[0]), Math.Cos(x[1]), Math.Cos(x[2]), Math.Cos(x[3]));
    }

    /// <summary>sin of each lane; error bound of docs/accuracy.md for |x| ≤ <see cref="MaxArgument"/>, NaN for NaN/±∞.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Sin(Vector256<double> x)
    {
        if (UseV256) return SinV256(x);
        return Vector256.Create(Math.Sin(x[0]), Math.Sin(x[1]), Math.Sin(x[2]), Math.Sin(x[3]));
    }

    // ---------------------------------------------------------------- public span API

    /// <summary>
    /// y[i] = cos(scale·x[i]) for i &lt; x.Length (the product rounded first, as in the scalar expression). Correct
    /// for every argument: lanes with |scale·x[i]| &gt; <see cref="MaxArgument"/> go through Math.Cos; NaN/±∞ give NaN.
    /// <paramref name="x"/> and <paramref name="y"/> may be the same memory.
    /// </summary>
    public static void Cos(ReadOnlySpan<double> x, double scale, Span<double> y)
    {
        if (y.Length < x.Length) throw new ArgumentException("Output span is shorter than the input.", nameof(y));
        if (UseV512) CosSpanV512(x, scale, y);
        else if (UseV256) CosSpanV256(x, scale, y);
        else CosSpanScalar(x, scale, y);
    }

    /// <summary>
    /// y[i] = sin(scale·x[i]) for i &lt; x.Length (the product rounded first, as in the scalar expression). Correct
    /// for every argument: lanes with |scale·x[i]| &gt; <see cref="MaxArgument"/> go through Math.Sin; NaN/±∞ give NaN.
    /// <paramref name="x"/> and <paramref name="y"/> may be the same memory.
    /// </summary>
    public static void Sin(ReadOnlySpan<double> x, double scale, Span<double> y)
    {
        if (y.Length < x.Length) throw new ArgumentException("Output span is shorter than the input.", nameof(y));
        if (UseV512) SinSpanV512(x, scale, y);
        else if (UseV256) SinSpanV256(x, scale, y);
        else SinSpanScalar(x, scale, y);
    }

    // ---------------------------------------------------------------- kernels (internal: tested per width)

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<double> CosV512(Vector512<double> x)
    {
        // m = rint(x/π) in one rounding (FMA with the magic constant); x = m·π + r; cos x = (−1)^m cos r.
        var t = Vector512.FusedMultiplyAdd(x, Vector512.Create(InvPi), Vector512.Create(Magic));
        var m = t - Vector512.Create(Magic);
        var r = Vector512.FusedMultiplyAdd(m, Vector512.Create(-PiA), x);
        r = Vector512.FusedMultiplyAdd(m, Vector512.Create(-PiB), r);
        return CosPolyV512(r) ^ Vector512.ShiftLeft(t.AsInt64(), 63).AsDouble();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<double> SinV512(Vector512<double> x)
    {
        // m = rint(x/π) in one rounding (FMA with the magic constant); x = m·π + r; sin x = (−1)^m sin r.
        var t = Vector512.FusedMultiplyAdd(x, Vector512.Create(InvPi), Vector512.Create(Magic));
        var m = t - Vector512.Create(Magic);
        var r = Vector512.FusedMultiplyAdd(m, Vector512.Create(-PiA), x);
        r = Vector512.FusedMultiplyAdd(m, Vector512.Create(-PiB), r);
        return SinPolyV512(r) ^ Vector512.ShiftLeft(t.AsInt64(), 63).AsDouble();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> SinPolyV512(Vector512<double> r)
    {
        var s = r * r;
        var u = Vector512.FusedMultiplyAdd(Vector512.Create(C8), s, Vector512.Create(C7));
        u = Vector512.FusedMultiplyAdd(u, s, Vector512.Create(C6));
        u = Vector512.FusedMultiplyAdd(u, s, Vector512.Create(C5));
        u = Vector512.FusedMultiplyAdd(u, s, Vector512.Create(C4));
        u = Vector512.FusedMultiplyAdd(u, s, Vector512.Create(C3));
        u = Vector512.FusedMultiplyAdd(u, s, Vector512.Create(C2));
        u = Vector512.FusedMultiplyAdd(u, s, Vector512.Create(C1));
        return Vector512.FusedMultiplyAdd(s, u * r, r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> CosPolyV512(Vector512<double> r)
    {
        var s = r * r;
        var u = Vector512.FusedMultiplyAdd(Vector512.Create(K8), s, Vector512.Create(K7));
        u = Vector512.FusedMultiplyAdd(u, s, Vector512.Create(K6));
        u = Vector512.FusedMultiplyAdd(u, s, Vector512.Create(K5));
        u = Vector512.FusedMultiplyAdd(u, s, Vector512.Create(K4));
        u = Vector512.FusedMultiplyAdd(u, s, Vector512.Create(K3));
        u = Vector512.FusedMultiplyAdd(u, s, Vector512.Create(K2));
        u = Vector512.FusedMultiplyAdd(u, s, Vector512.Create(K1));
        return Vector512.FusedMultiplyAdd(s, u, Vector512<double>.One);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> CosV256(Vector256<double> x)
    {
        // m = rint(x/π) in one rounding (FMA with the magic constant); x = m·π + r; cos x = (−1)^m cos r.
        var t = Vector256.FusedMultiplyAdd(x, Vector256.Create(InvPi), Vector256.Create(Magic));
        var m = t - Vector256.Create(Magic);
        var r = Vector256.FusedMultiplyAdd(m, Vector256.Create(-PiA), x);
        r = Vector256.FusedMultiplyAdd(m, Vector256.Create(-PiB), r);
        return CosPolyV256(r) ^ Vector256.ShiftLeft(t.AsInt64(), 63).AsDouble();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> SinV256(Vector256<double> x)
    {
        var t = Vector256.FusedMultiplyAdd(x, Vector256.Create(InvPi), Vector256.Create(Magic));
        var m = t - Vector256.Create(Magic);
        var r = Vector256.FusedMultiplyAdd(m, Vector256.Create(-PiA), x);
        r = Vector256.FusedMultiplyAdd(m, Vector256.Create(-PiB), r);
        return SinPolyV256(r) ^ Vector256.ShiftLeft(t.AsInt64(), 63).AsDouble();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> SinPolyV256(Vector256<double> r)
    {
        var s = r * r;
        var u = Vector256.FusedMultiplyAdd(Vector256.Create(C8), s, Vector256.Create(C7));
        u = Vector256.FusedMultiplyAdd(u, s, Vector256.Create(C6));
        u = Vector256.FusedMultiplyAdd(u, s, Vector256.Create(C5));
        u = Vector256.FusedMultiplyAdd(u, s, Vector256.Create(C4));
        u = Vector256.FusedMultiplyAdd(u, s, Vector256.Create(C3));
        u = Vector256.FusedMultiplyAdd(u, s, Vector256.Create(C2));
        u = Vector256.FusedMultiplyAdd(u, s, Vector256.Create(C1));
        return Vector256.FusedMultiplyAdd(s, u * r, r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> CosPolyV256(Vector256<double> r)
    {
        var s = r * r;
        var u = Vector256.FusedMultiplyAdd(Vector256.Create(K8), s, Vector256.Create(K7));
        u = Vector256.FusedMultiplyAdd(u, s, Vector256.Create(K6));
        u = Vector256.FusedMultiplyAdd(u, s, Vector256.Create(K5));
        u = Vector256.FusedMultiplyAdd(u, s, Vector256.Create(K4));
        u = Vector256.FusedMultiplyAdd(u, s, Vector256.Create(K3));
        u = Vector256.FusedMultiplyAdd(u, s, Vector256.Create(K2));
        u = Vector256.FusedMultiplyAdd(u, s, Vector256.Create(K1));
        return Vector256.FusedMultiplyAdd(s, u, Vector256<double>.One);
    }

    // ---------------------------------------------------------------- sin and cos of one argument, per width

    /// <summary>sin and cos of each lane with one shared reduction: the same operations as <see cref="SinV512"/> and
    /// <see cref="CosV512"/>, so each result is bit-identical to theirs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (Vector512<double> Sin, Vector512<double> Cos) SinCosV512(Vector512<double> x)
    {
        var t = Vector512.FusedMultiplyAdd(x, Vector512.Create(InvPi), Vector512.Create(Magic));
        var m = t - Vector512.Create(Magic);
        var r = Vector512.FusedMultiplyAdd(m, Vector512.Create(-PiA), x);
        r = Vector512.FusedMultiplyAdd(m, Vector512.Create(-PiB), r);
        var sign = Vector512.ShiftLeft(t.AsInt64(), 63).AsDouble();
        return (SinPolyV512(r) ^ sign, CosPolyV512(r) ^ sign);
    }

    /// <summary>The 256-bit twin of <see cref="SinCosV512"/> (bit-identical per lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (Vector256<double> Sin, Vector256<double> Cos) SinCosV256(Vector256<double> x)
    {
        var t = Vector256.FusedMultiplyAdd(x, Vector256.Create(InvPi), Vector256.Create(Magic));
        var m = t - Vector256.Create(Magic);
        var r = Vector256.FusedMultiplyAdd(m, Vector256.Create(-PiA), x);
        r = Vector256.FusedMultiplyAdd(m, Vector256.Create(-PiB), r);
        var sign = Vector256.ShiftLeft(t.AsInt64(), 63).AsDouble();
        return (SinPolyV256(r) ^ sign, CosPolyV256(r) ^ sign);
    }

    /// <summary>
    /// The vector kernels' arithmetic on one double, operation for operation (<see cref="Math.FusedMultiplyAdd"/> is
    /// the same correctly rounded fused operation as the vector FMA; the parity and sign are the same bit
    /// manipulations), so it returns the same bits as any lane of <see cref="SinCosV512"/>/<see cref="SinCosV256"/> on
    /// every machine — the scalar path of kernels whose results must not depend on the SIMD width. It is not
    /// <see cref="SinScalar"/>/<see cref="CosScalar"/> (those are the runtime's functions).
    /// </summary>
    internal static (double Sin, double Cos) SinCosPortable(double x)
    {
        double t = Math.FusedMultiplyAdd(x, InvPi, Magic);
        double m = t - Magic;
        double r = Math.FusedMultiplyAdd(m, -PiA, x);
        r = Math.FusedMultiplyAdd(m, -PiB, r);
        long sign = BitConverter.DoubleToInt64Bits(t) << 63;
        double s = r * r;
        double u = Math.FusedMultiplyAdd(C8, s, C7);
        u = Math.FusedMultiplyAdd(u, s, C6);
        u = Math.FusedMultiplyAdd(u, s, C5);
        u = Math.FusedMultiplyAdd(u, s, C4);
        u = Math.FusedMultiplyAdd(u, s, C3);
        u = Math.FusedMultiplyAdd(u, s, C2);
        u = Math.FusedMultiplyAdd(u, s, C1);
        double sin = Math.FusedMultiplyAdd(s, u * r, r);
        double k = Math.FusedMultiplyAdd(K8, s, K7);
        k = Math.FusedMultiplyAdd(k, s, K6);
        k = Math.FusedMultiplyAdd(k, s, K5);
        k = Math.FusedMultiplyAdd(k, s, K4);
        k = Math.FusedMultiplyAdd(k, s, K3);
        k = Math.FusedMultiplyAdd(k, s, K2);
        k = Math.FusedMultiplyAdd(k, s, K1);
        double cos = Math.FusedMultiplyAdd(s, k, 1.0);
        return (BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(sin) ^ sign),
            BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(cos) ^ sign));
    }

    /// <summary>The scalar fallback: the runtime's correctly rounded-in-practice cos.</summary>
    internal static double CosScalar(double x) => Math.Cos(x);

    /// <summary>The scalar fallback: the runtime's correctly rounded-in-practice sin.</summary>
    internal static double SinScalar(double x) => Math.Sin(x);

    // ---------------------------------------------------------------- span loops per width (internal: tested)

    internal static void CosSpanV512(ReadOnlySpan<double> x, double scale, Span<double> y)
    {
        var vs = Vector512.Create(scale);
        var max = Vector512.Create(MaxArgument);
        int n = x.Length, i = 0;
        ref double xr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref double yr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        for (; i <= n - Vector512<double>.Count; i += Vector512<double>.Count)
        {
            var a = Vector512.LoadUnsafe(ref xr, (nuint)i) * vs;
            var c = CosV512(a);
            if (Vector512.GreaterThanAny(Vector512.Abs(a), max)) c = FixLargeLanes(a, c, cos: true);
            c.StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++) y[i] = Math.Cos(scale * x[i]);
    }

    internal static void SinSpanV512(ReadOnlySpan<double> x, double scale, Span<double> y)
    {
        var vs = Vector512.Create(scale);
        var max = Vector512.Create(MaxArgument);
        int n = x.Length, i = 0;
        ref double xr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref double yr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        for (; i <= n - Vector512<double>.Count; i += Vector512<double>.Count)
        {
            var a = Vector512.LoadUnsafe(ref xr, (nuint)i) * vs;
            var c = SinV512(a);
            if (Vector512.GreaterThanAny(Vector512.Abs(a), max)) c = FixLargeLanes(a, c, cos: false);
            c.StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++) y[i] = Math.Sin(scale * x[i]);
    }

    internal static void CosSpanV256(ReadOnlySpan<double> x, double scale, Span<double> y)
    {
        var vs = Vector256.Create(scale);
        var max = Vector256.Create(MaxArgument);
        int n = x.Length, i = 0;
        ref double xr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref double yr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        for (; i <= n - Vector256<double>.Count; i += Vector256<double>.Count)
        {
            var a = Vector256.LoadUnsafe(ref xr, (nuint)i) * vs;
            var c = CosV256(a);
            if (Vector256.GreaterThanAny(Vector256.Abs(a), max)) c = FixLargeLanes(a, c, cos: true);
            c.StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++) y[i] = Math.Cos(scale * x[i]);
    }

    internal static void SinSpanV256(ReadOnlySpan<double> x, double scale, Span<double> y)
    {
        var vs = Vector256.Create(scale);
        var max = Vector256.Create(MaxArgument);
        int n = x.Length, i = 0;
        ref double xr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref double yr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        for (; i <= n - Vector256<double>.Count; i += Vector256<double>.Count)
        {
            var a = Vector256.LoadUnsafe(ref xr, (nuint)i) * vs;
            var c = SinV256(a);
            if (Vector256.GreaterThanAny(Vector256.Abs(a), max)) c = FixLargeLanes(a, c, cos: false);
            c.StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++) y[i] = Math.Sin(scale * x[i]);
    }

    internal static void CosSpanScalar(ReadOnlySpan<double> x, double scale, Span<double> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = Math.Cos(scale * x[i]);
    }

    internal static void SinSpanScalar(ReadOnlySpan<double> x, double scale, Span<double> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = Math.Sin(scale * x[i]);
    }

    // Rare path (only when some lane is beyond MaxArgument or ±∞): redo those lanes with the runtime's sin/cos,
    // whose Payne–Hanek reduction is exact for every double. Kept out of line so the hot loop stays small.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector512<double> FixLargeLanes(Vector512<double> a, Vector512<double> c, bool cos)
    {
        Span<double> buf = stackalloc double[Vector512<double>.Count];
        c.CopyTo(buf);
        for (int k = 0; k < buf.Length; k++)
            if (Math.Abs(a[k]) > MaxArgument) buf[k] = cos ? Math.Cos(a[k]) : Math.Sin(a[k]);
        return Vector512.Create((ReadOnlySpan<double>)buf);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector256<double> FixLargeLanes(Vector256<double> a, Vector256<double> c, bool cos)
    {
        Span<double> buf = stackalloc double[Vector256<double>.Count];
        c.CopyTo(buf);
        for (int k = 0; k < buf.Length; k++)
            if (Math.Abs(a[k]) > MaxArgument) buf[k] = cos ? Math.Cos(a[k]) : Math.Sin(a[k]);
        return Vector256.Create((ReadOnlySpan<double>)buf);
    }
}
