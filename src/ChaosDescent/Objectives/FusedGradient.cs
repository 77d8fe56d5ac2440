using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ChaosDescent.Numerics;

namespace ChaosDescent.Objectives;

/// <summary>
/// One-pass SIMD kernels for f = f0 + f1,ε with f0 a 1-D polynomial (<see cref="PolynomialPotential"/>) and f1,ε a
/// sine sum ε Σ a_t sin(ω_t x/ε + φ_t) (<see cref="SineSumMicroScale"/>) — every 1-D catalog objective but the
/// nested cosine, and in particular the Sec. 3.1 quartic-sin ensemble.
/// </summary>
/// <remarks>
/// The separate block kernels make three to four passes over the block per step (clear g, f0' into g, the sine terms
/// into g, x + (−η)·g) and the passes, not the arithmetic, cost a third of the step. Here each lane does exactly
/// the same floating-point operations in the same order — the same Horner FMAs for f0', g = 0 + f0', one
/// FMA g = a_tω_t·cos(x·ω_t/ε + φ_t) + g per term with the same <see cref="FastTrig"/> kernel, then the unfused
/// (g·(−η)) + x of <c>TensorPrimitives.MultiplyAdd</c> — so the results are bit-identical to the separate passes;
/// only the memory traffic between them is gone. The tail (count mod the vector width) repeats the scalar tails of
/// those kernels.
/// </remarks>
internal sealed class FusedGradient
{
    private readonly double[] _d1;    // coefficients of f0', lowest first (as PolynomialPotential derives them)
    private readonly double[] _scale; // ω_t/ε
    private readonly double[] _amp;   // a_t·ω_t
    private readonly double[] _off;   // φ_t

    private FusedGradient(double[] d1, double[] scale, double[] amp, double[] off)
    {
        _d1 = d1;
        _scale = scale;
        _amp = amp;
        _off = off;
    }

    /// <summary>The fused kernel for (f0, f1,ε), or null when the parts are not of the supported kinds.</summary>
    public static FusedGradient? TryCreate(MacroPotential macro, MicroScale? micro, double eps)
    {
        if (macro is not PolynomialPotential poly) return null;
        var c = poly.Coefficients;
        // The same derivative coefficients as PolynomialPotential.Derive: d[k−1] = k·c[k].
        double[] d1 = c.Count <= 1 ? [0.0] : Enumerable.Range(1, c.Count - 1).Select(k => k * c[k]).ToArray();
        switch (micro)
        {
            case null:
                return new FusedGradient(d1, [], [], []);
            case SineSumMicroScale sines:
                {
                    int t = sines.Amplitudes.Count;
                    var scale = new double[t];
                    var amp = new double[t];
                    var off = new double[t];
                    for (int i = 0; i < t; i++)
                    {
                        // The same expressions as SineSumMicroScale.AccumulateGradient.
                        scale[i] = sines.Frequencies[i] / eps;
                        amp[i] = sines.Amplitudes[i] * sines.Frequencies[i];
                        off[i] = sines.Offsets[i];
                    }
                    return new FusedGradient(d1, scale, amp, off);
                }
            default:
                return null;
        }
    }

    /// <summary>g[i] += f'(x[i]) for i &lt; count.</summary>
    public void Accumulate(ReadOnlySpan<double> x, Span<double> g, int count)
    {
        if (x.Length < count || g.Length < count) throw new ArgumentException("block shorter than count");
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double gr = ref MemoryMarshal.GetReference(g);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= count - Vector512<double>.Count; i += Vector512<double>.Count)
            {
                var v = Vector512.LoadUnsafe(ref xr, (nuint)i);
                var gi = Gradient512(v, Vector512.LoadUnsafe(ref gr, (nuint)i));
                gi.StoreUnsafe(ref gr, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= count - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var v = Vector256.LoadUnsafe(ref xr, (nuint)i);
                var gi = Gradient256(v, Vector256.LoadUnsafe(ref gr, (nuint)i));
                gi.StoreUnsafe(ref gr, (nuint)i);
            }
        }
        for (; i < count; i++) g[i] = GradientScalar(x[i], g[i]);
    }

    /// <summary>x[i] ← x[i] − η f'(x[i]) for i &lt; count (the GD map φ of Sec. 1.1), computed as (g·(−η)) + x.</summary>
    public void GradientStep(Span<double> x, int count, double eta)
    {
        if (x.Length < count) throw new ArgumentException("block shorter than count");
        ref double xr = ref MemoryMarshal.GetReference(x);
        double negEta = -eta;
        int i = 0;
        if (Vector512.IsHardwareAccelerated && _d1.Length == 4 && _scale.Length == 1)
        {
            // f0' cubic and one sine term (quartic-sin, quartic-negcos, doublewell-sin): unrolled, coefficients in
            // registers. fma(1, v, c) equals v + c exactly (the product is exact), so a leading coefficient 1 —
            // x⁴/4 — moves one operation from the FMA ports, the bottleneck, to the adders.
            i = _d1[3] == 1.0 ? StepCubic512(ref xr, count, negEta, topIsOne: true) : StepCubic512(ref xr, count, negEta, topIsOne: false);
        }
        else if (Vector512.IsHardwareAccelerated)
        {
            var ne = Vector512.Create(negEta);
            // Two independent vectors per iteration: the kernel is a long dependency chain (≈ 25 FMAs deep), and
            // interleaving two chains keeps both FMA ports busy without relying on the out-of-order window alone.
            for (; i <= count - 2 * Vector512<double>.Count; i += 2 * Vector512<double>.Count)
            {
                var v0 = Vector512.LoadUnsafe(ref xr, (nuint)i);
                var v1 = Vector512.LoadUnsafe(ref xr, (nuint)(i + Vector512<double>.Count));
                var g0 = Gradient512(v0, Vector512<double>.Zero);
                var g1 = Gradient512(v1, Vector512<double>.Zero);
                (g0 * ne + v0).StoreUnsafe(ref xr, (nuint)i);
                (g1 * ne + v1).StoreUnsafe(ref xr, (nuint)(i + Vector512<double>.Count));
            }
            for (; i <= count - Vector512<double>.Count; i += Vector512<double>.Count)
            {
                var v = Vector512.LoadUnsafe(ref xr, (nuint)i);
                (Gradient512(v, Vector512<double>.Zero) * ne + v).StoreUnsafe(ref xr, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated && _d1.Length == 4 && _scale.Length == 1)
        {
            i = _d1[3] == 1.0 ? StepCubic256(ref xr, count, negEta, topIsOne: true) : StepCubic256(ref xr, count, negEta, topIsOne: false);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var ne = Vector256.Create(negEta);
            for (; i <= count - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var v = Vector256.LoadUnsafe(ref xr, (nuint)i);
                (Gradient256(v, Vector256<double>.Zero) * ne + v).StoreUnsafe(ref xr, (nuint)i);
            }
        }
        for (; i < count; i++) x[i] = GradientScalar(x[i], 0.0) * negEta + x[i];
    }

    /// <summary>The GD step for a cubic f0' and one sine term over the whole vectors of the block; returns the
    /// index where the scalar tail starts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int StepCubic512(ref double xr, int count, double negEta, bool topIsOne)
    {
        var c0 = Vector512.Create(_d1[0]);
        var c1 = Vector512.Create(_d1[1]);
        var c2 = Vector512.Create(_d1[2]);
        var c3 = Vector512.Create(_d1[3]);
        var sc = Vector512.Create(_scale[0]);
        var am = Vector512.Create(_amp[0]);
        var of = Vector512.Create(_off[0]);
        var ne = Vector512.Create(negEta);
        int i = 0;
        for (; i <= count - Vector512<double>.Count; i += Vector512<double>.Count)
        {
            var v = Vector512.LoadUnsafe(ref xr, (nuint)i);
            var s = topIsOne ? v + c2 : Vector512.FusedMultiplyAdd(c3, v, c2);
            s = Vector512.FusedMultiplyAdd(s, v, c1);
            s = Vector512.FusedMultiplyAdd(s, v, c0);
            var g = Vector512<double>.Zero + s;
            g = Vector512.FusedMultiplyAdd(am, FastTrig.Cos(Vector512.FusedMultiplyAdd(v, sc, of)), g);
            (g * ne + v).StoreUnsafe(ref xr, (nuint)i);
        }
        return i;
    }

    /// <summary>The 256-bit twin of <see cref="StepCubic512"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int StepCubic256(ref double xr, int count, double negEta, bool topIsOne)
    {
        var c0 = Vector256.Create(_d1[0]);
        var c1 = Vector256.Create(_d1[1]);
        var c2 = Vector256.Create(_d1[2]);
        var c3 = Vector256.Create(_d1[3]);
        var sc = Vector256.Create(_scale[0]);
        var am = Vector256.Create(_amp[0]);
        var of = Vector256.Create(_off[0]);
        var ne = Vector256.Create(negEta);
        int i = 0;
        for (; i <= count - Vector256<double>.Count; i += Vector256<double>.Count)
        {
            var v = Vector256.LoadUnsafe(ref xr, (nuint)i);
            var s = topIsOne ? v + c2 : Vector256.FusedMultiplyAdd(c3, v, c2);
            s = Vector256.FusedMultiplyAdd(s, v, c1);
            s = Vector256.FusedMultiplyAdd(s, v, c0);
            var g = Vector256<double>.Zero + s;
            g = Vector256.FusedMultiplyAdd(am, FastTrig.Cos(Vector256.FusedMultiplyAdd(v, sc, of)), g);
            (g * ne + v).StoreUnsafe(ref xr, (nuint)i);
        }
        return i;
    }

    // g + f0'(v) + Σ_t a_tω_t cos(v·ω_t/ε + φ_t), in the order of the separate kernels.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector512<double> Gradient512(Vector512<double> v, Vector512<double> g)
    {
        var d = _d1;
        var s = Vector512.Create(d[^1]);
        for (int k = d.Length - 2; k >= 0; k--) s = Vector512.FusedMultiplyAdd(s, v, Vector512.Create(d[k]));
        g += s;
        var scale = _scale;
        var amp = _amp;
        var off = _off;
        for (int t = 0; t < scale.Length && t < amp.Length && t < off.Length; t++)
        {
            var q = Vector512.FusedMultiplyAdd(v, Vector512.Create(scale[t]), Vector512.Create(off[t]));
            g = Vector512.FusedMultiplyAdd(Vector512.Create(amp[t]), FastTrig.Cos(q), g);
        }
        return g;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector256<double> Gradient256(Vector256<double> v, Vector256<double> g)
    {
        var d = _d1;
        var s = Vector256.Create(d[^1]);
        for (int k = d.Length - 2; k >= 0; k--) s = Vector256.FusedMultiplyAdd(s, v, Vector256.Create(d[k]));
        g += s;
        var scale = _scale;
        var amp = _amp;
        var off = _off;
        for (int t = 0; t < scale.Length && t < amp.Length && t < off.Length; t++)
        {
            var q = Vector256.FusedMultiplyAdd(v, Vector256.Create(scale[t]), Vector256.Create(off[t]));
            g = Vector256.FusedMultiplyAdd(Vector256.Create(amp[t]), FastTrig.Cos(q), g);
        }
        return g;
    }

    // The scalar tails of PolynomialPotential and SineSumMicroScale: Horner with Math.FusedMultiplyAdd, then
    // g += amp·Math.Cos(fma(x, scale, off)) per term.
    private double GradientScalar(double x, double g)
    {
        var d = _d1;
        double s = d[^1];
        for (int k = d.Length - 2; k >= 0; k--) s = Math.FusedMultiplyAdd(s, x, d[k]);
        g += s;
        for (int t = 0; t < _scale.Length; t++) g += _amp[t] * Math.Cos(Math.FusedMultiplyAdd(x, _scale[t], _off[t]));
        return g;
    }
}
