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
        if (Vector512.IsHardwareAccelerated) i = Accumulate<Width512, Vector512<double>>(ref xr, ref gr, count);
        else if (Vector256.IsHardwareAccelerated) i = Accumulate<Width256, Vector256<double>>(ref xr, ref gr, count);
        for (; i < count; i++) g[i] = GradientScalar(x[i], g[i]);
    }

    public void GradientStep(Span<double> x, int count, double eta)
    {
        if (x.Length < count) throw new ArgumentException("block shorter than count");
        ref double xr = ref MemoryMarshal.GetReference(x);
        double negEta = -eta;
        int i = 0;
        if (Vector512.IsHardwareAccelerated) i = GradientStep<Width512, Vector512<double>>(ref xr, count, negEta);
        else if (Vector256.IsHardwareAccelerated) i = GradientStep<Width256, Vector256<double>>(ref xr, count, negEta);
        for (; i < count; i++) x[i] = GradientScalar(x[i], 0.0) * negEta + x[i];
    }

    // The kernels below are written once for every SIMD width (ILaneWidth: the JIT specializes them per width
    // struct and inlines its members, so the machine code is that of a hand-written copy per width). Each returns
    // the index where the scalar tail starts.

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Accumulate<TWidth, TVector>(ref double xr, ref double gr, int count)
        where TWidth : struct, ILaneWidth<TVector> where TVector : struct
    {
        int i = 0;
        for (; i <= count - TWidth.Count; i += TWidth.Count)
            TWidth.Store(Gradient<TWidth, TVector>(TWidth.Load(ref xr, (nuint)i), TWidth.Load(ref gr, (nuint)i)), ref gr, (nuint)i);
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int GradientStep<TWidth, TVector>(ref double xr, int count, double negEta)
        where TWidth : struct, ILaneWidth<TVector> where TVector : struct
    {
        // f0' cubic and one sine term (quartic-sin, quartic-negcos, doublewell-sin): unrolled, coefficients in
        // registers. fma(1, v, c) equals v + c exactly (the product is exact), so a leading coefficient 1 —
        // x⁴/4 — moves one operation from the FMA ports, the bottleneck, to the adders.
        if (_d1.Length == 4 && _scale.Length == 1)
            return _d1[3] == 1.0
                ? StepCubic<TWidth, TVector>(ref xr, count, negEta, topIsOne: true)
                : StepCubic<TWidth, TVector>(ref xr, count, negEta, topIsOne: false);
        var ne = TWidth.Create(negEta);
        var zero = TWidth.Create(0.0);
        int i = 0, w = TWidth.Count;
        // Two independent vectors per iteration: the kernel is a long dependency chain (≈ 25 FMAs deep), and
        // interleaving two chains keeps both FMA ports busy without relying on the out-of-order window alone.
        for (; i <= count - 2 * w; i += 2 * w)
        {
            var v0 = TWidth.Load(ref xr, (nuint)i);
            var v1 = TWidth.Load(ref xr, (nuint)(i + w));
            var g0 = Gradient<TWidth, TVector>(v0, zero);
            var g1 = Gradient<TWidth, TVector>(v1, zero);
            TWidth.Store(TWidth.Add(TWidth.Multiply(g0, ne), v0), ref xr, (nuint)i);
            TWidth.Store(TWidth.Add(TWidth.Multiply(g1, ne), v1), ref xr, (nuint)(i + w));
        }
        for (; i <= count - w; i += w)
        {
            var v = TWidth.Load(ref xr, (nuint)i);
            TWidth.Store(TWidth.Add(TWidth.Multiply(Gradient<TWidth, TVector>(v, zero), ne), v), ref xr, (nuint)i);
        }
        return i;
    }

    /// <summary>The GD step for a cubic f0' and one sine term over the whole vectors of the block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int StepCubic<TWidth, TVector>(ref double xr, int count, double negEta, bool topIsOne)
        where TWidth : struct, ILaneWidth<TVector> where TVector : struct
    {
        var c0 = TWidth.Create(_d1[0]);
        var c1 = TWidth.Create(_d1[1]);
        var c2 = TWidth.Create(_d1[2]);
        var c3 = TWidth.Create(_d1[3]);
        var sc = TWidth.Create(_scale[0]);
        var am = TWidth.Create(_amp[0]);
        var of = TWidth.Create(_off[0]);
        var ne = TWidth.Create(negEta);
        var zero = TWidth.Create(0.0);
        int i = 0;
        for (; i <= count - TWidth.Count; i += TWidth.Count)
        {
            var v = TWidth.Load(ref xr, (nuint)i);
            var s = topIsOne ? TWidth.Add(v, c2) : TWidth.FusedMultiplyAdd(c3, v, c2);
            s = TWidth.FusedMultiplyAdd(s, v, c1);
            s = TWidth.FusedMultiplyAdd(s, v, c0);
            var g = TWidth.Add(zero, s);
            g = TWidth.FusedMultiplyAdd(am, TWidth.Cos(TWidth.FusedMultiplyAdd(v, sc, of)), g);
            TWidth.Store(TWidth.Add(TWidth.Multiply(g, ne), v), ref xr, (nuint)i);
        }
        return i;
    }

    // g + f0'(v) + Σ_t a_tω_t cos(v·ω_t/ε + φ_t), in the order of the separate kernels.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TVector Gradient<TWidth, TVector>(TVector v, TVector g)
        where TWidth : struct, ILaneWidth<TVector> where TVector : struct
    {
        var d = _d1;
        var s = TWidth.Create(d[^1]);
        for (int k = d.Length - 2; k >= 0; k--) s = TWidth.FusedMultiplyAdd(s, v, TWidth.Create(d[k]));
        g = TWidth.Add(g, s);
        var scale = _scale;
        var amp = _amp;
        var off = _off;
        for (int t = 0; t < scale.Length && t < amp.Length && t < off.Length; t++)
        {
            var q = TWidth.FusedMultiplyAdd(v, TWidth.Create(scale[t]), TWidth.Create(off[t]));
            g = TWidth.FusedMultiplyAdd(TWidth.Create(amp[t]), TWidth.Cos(q), g);
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
