using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ChaosDescent.Numerics;

/// <summary>
/// Vectorized sine and cosine for the hot loops. The phase x/ε reaches 1e7–1e8, so the argument reduction
/// must be exact enough there (see docs/accuracy.md for the measured error bound).
/// PLACEHOLDER: lane-wise Math.Sin/Math.Cos until the SIMD kernel lands; the API is final.
/// </summary>
public static class FastTrig
{
    /// <summary>Largest |argument| for which the documented error bound holds.</summary>
    public const double MaxArgument = 1e8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Cos(Vector512<double> x) => Vector512.Create(Cos(x.GetLower()), Cos(x.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Sin(Vector512<double> x) => Vector512.Create(Sin(x.GetLower()), Sin(x.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Cos(Vector256<double> x) =>
        Vector256.Create(Math.Cos(x[0]), Math.Cos(x[1]), Math.Cos(x[2]), Math.Cos(x[3]));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Sin(Vector256<double> x) =>
        Vector256.Create(Math.Sin(x[0]), Math.Sin(x[1]), Math.Sin(x[2]), Math.Sin(x[3]));

    /// <summary>y[i] = cos(scale·x[i]).</summary>
    public static void Cos(ReadOnlySpan<double> x, double scale, Span<double> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = Math.Cos(scale * x[i]);
    }

    /// <summary>y[i] = sin(scale·x[i]).</summary>
    public static void Sin(ReadOnlySpan<double> x, double scale, Span<double> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = Math.Sin(scale * x[i]);
    }
}
