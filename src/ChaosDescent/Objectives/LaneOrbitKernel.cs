using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ChaosDescent.Numerics;

namespace ChaosDescent.Objectives;

/// <summary>
/// Many GD orbits at once, one per SIMD lane, each with its own learning rate η and micro length ε: the block kernel
/// behind the regime map, bifurcation diagrams and λ sweeps (a sweep over parameter values runs at ensemble speed).
/// f = f0 + f1,ε with f0 a 1-D polynomial and f1,ε = ε Σ a_t sin(ω_t x/ε + φ_t) (or no micro-scale), as in
/// <see cref="FusedGradient"/>; per lane, per step:
/// <list type="bullet">
/// <item>the GD map x ← x − η_lane f'(x) (Sec. 1.1) with f'(x) = f0'(x) + Σ a_tω_t cos(x·(ω_t/ε_lane) + φ_t);</item>
/// <item>the tangent factor of the 1-D map, 1 − η_lane f''(x) at the state before the step, accumulated for the
/// Lyapunov exponent λ = lim (1/n) Σ ln|1 − η f''(x_k)| (eq. 4) as a product: mantissa in [1, 2) and a binary
/// exponent sum, renormalized every step (exact bit manipulation), so that ln is taken once per batch rather than once
/// per step;</item>
/// <item>divergence (|x| &gt; bound or non-finite), the running max |x|, and a ring buffer of the states for the
/// period test.</item>
/// </list>
/// </summary>
/// <remarks>
/// Results do not depend on the SIMD width: one generic step serves the Vector512, Vector256 and scalar paths
/// (<see cref="ILaneWidth{TV}"/>), which perform the same IEEE operations in the same order (explicit FMAs, sin/cos
/// through <see cref="FastTrig.SinCosPortable"/>'s arithmetic, max/min with x86's maxpd/minpd semantics), and lanes
/// never interact. Phases beyond <see cref="FastTrig.MaxArgument"/> go through Math.Sin/Math.Cos on every path. The pool has a fixed number of lanes (<see cref="Lanes"/>), whatever the hardware width.
/// </remarks>
internal sealed class LaneOrbitKernel
{
    /// <summary>Orbits per pool: a multiple of 8 (two AVX-512 vectors interleave per step, four AVX2 vectors).</summary>
    public const int Lanes = 32;

    private const double TinyFactor = 1e-300; // ln|0| is taken as ln 1e-300, as LogSingularQuadrature.LogAbs does
    private const double HugeFactor = 1e300;  // keeps mantissa·factor finite; reached only by orbits that diverge

    private readonly double[] _d1;   // f0' coefficients, lowest first (PolynomialPotential's derivation)
    private readonly double[] _d2;   // f0''
    private readonly double[] _amp;  // a_t ω_t
    private readonly double[] _freq; // ω_t
    private readonly double[] _curv; // a_t ω_t²
    private readonly double[] _off;  // φ_t

    /// <summary>Per lane: −η.</summary>
    public readonly double[] NegEta = new double[Lanes];

    /// <summary>Per term and lane, [t·Lanes + lane]: ω_t/ε.</summary>
    public readonly double[] Scale;

    /// <summary>Per term and lane: −a_t ω_t²/ε (f1,ε'' = Σ of these times sin).</summary>
    public readonly double[] NegCurv;

    /// <summary>Per lane: the current position.</summary>
    public readonly double[] X = new double[Lanes];

    /// <summary>Per lane: Π|1 − ηf''| since the last reset = Mantissa · 2^(Exponent − 1023·steps).</summary>
    public readonly double[] Mantissa = new double[Lanes];

    /// <summary>Per lane: sum of the biased binary exponents taken out of the product.</summary>
    public readonly long[] Exponent = new long[Lanes];

    /// <summary>Per lane: max |x| over the states after each step since the lane was set.</summary>
    public readonly double[] MaxAbs = new double[Lanes];

    /// <summary>Per lane: all ones once some state failed |x| ≤ bound (or was not finite).</summary>
    public readonly long[] Bad = new long[Lanes];

    /// <summary>States: slot k (mod <see cref="Capacity"/>) at [k·Lanes + lane].</summary>
    public readonly double[] Ring;

    public int Capacity { get; }

    public double Bound { get; }

    public int Terms => _freq.Length;

    private LaneOrbitKernel(double[] d1, double[] d2, double[] amp, double[] freq, double[] curv, double[] off, int capacity, double bound)
    {
        _d1 = d1;
        _d2 = d2;
        _amp = amp;
        _freq = freq;
        _curv = curv;
        _off = off;
        Capacity = capacity;
        Bound = bound;
        Scale = new double[freq.Length * Lanes];
        NegCurv = new double[freq.Length * Lanes];
        Ring = new double[capacity * Lanes];
    }

    /// <summary>Whether f has this kernel's form (1-D polynomial f0, sine-sum or no micro-scale).</summary>
    public static bool Supports(MultiscaleObjective f) =>
        f.Macro is PolynomialPotential && f.Micro is null or SineSumMicroScale;

    /// <summary>A pool for the shape of f (its ε is set per lane); null when f is not of the supported form.</summary>
    public static LaneOrbitKernel? TryCreate(MultiscaleObjective f, int capacity, double bound)
    {
        if (!Supports(f)) return null;
        var c = ((PolynomialPotential)f.Macro).Coefficients.ToArray();
        // Padded with leading zeros to a cubic f0' and quadratic f0'' (every 1-D catalog f0 is at most quartic), so
        // the common kernel keeps its coefficients in registers: Horner's fma(0, x, c) = c exactly for finite x, and
        // every path uses the same padded arrays.
        var d1 = Pad(Derive(c), 4);
        var d2 = Pad(Derive(d1), 3);
        if (f.Micro is SineSumMicroScale s)
        {
            int t = s.Amplitudes.Count;
            var amp = new double[t];
            var freq = new double[t];
            var curv = new double[t];
            var off = new double[t];
            for (int i = 0; i < t; i++)
            {
                amp[i] = s.Amplitudes[i] * s.Frequencies[i];
                freq[i] = s.Frequencies[i];
                curv[i] = s.Amplitudes[i] * s.Frequencies[i] * s.Frequencies[i];
                off[i] = s.Offsets[i];
            }
            return new LaneOrbitKernel(d1, d2, amp, freq, curv, off, capacity, bound);
        }
        return new LaneOrbitKernel(d1, d2, [], [], [], [], capacity, bound);
    }

    private static double[] Pad(double[] c, int length) => c.Length >= length ? c : [.. c, .. new double[length - c.Length]];

    private static double[] Derive(double[] c)
    {
        if (c.Length <= 1) return [0.0];
        var d = new double[c.Length - 1];
        for (int k = 1; k < c.Length; k++) d[k - 1] = k * c[k];
        return d;
    }

    /// <summary>Starts lane <paramref name="lane"/> at x0 with (η, ε); its state goes to ring slot <paramref name="slot"/>.</summary>
    public void SetLane(int lane, double x0, double eta, double eps, int slot)
    {
        NegEta[lane] = -eta;
        for (int t = 0; t < _freq.Length; t++)
        {
            Scale[t * Lanes + lane] = _freq[t] / eps;
            NegCurv[t * Lanes + lane] = -(_curv[t] / eps);
        }
        X[lane] = x0;
        MaxAbs[lane] = 0;
        Bad[lane] = 0;
        ResetProduct(lane);
        Ring[slot * Lanes + lane] = x0;
    }

    /// <summary>An idle lane: harmless values (it is stepped with the others, its results are not read).</summary>
    public void Park(int lane, int slot) => SetLane(lane, 0, 1e-3, 1, slot);

    public void ResetProduct(int lane)
    {
        Mantissa[lane] = 1;
        Exponent[lane] = 0;
    }

    /// <summary>Σ ln|1 − ηf''(x_k)| over the <paramref name="steps"/> steps since the last reset of the lane.</summary>
    public double LogProduct(int lane, int steps) => Math.Log(Mantissa[lane]) + (Exponent[lane] - 1023L * steps) * Math.Log(2);

    /// <summary>
    /// Advances every lane by <paramref name="steps"/> steps; the current states are in ring slot
    /// <paramref name="slot"/>, the new ones go to the slots after it (mod <see cref="Capacity"/>).
    /// <paramref name="path"/>: 0 = the widest this machine has, 512, 256, or 1 (scalar) to force one (tests).
    /// </summary>
    public void Advance(int steps, int slot, int path = 0)
    {
        if (path == 0) path = FastTrig.UseV512 ? 512 : FastTrig.UseV256 ? 256 : 1;
        if (path == 512 && !FastTrig.UseV512 || path == 256 && !FastTrig.UseV256) throw new ArgumentException($"path {path} is not available here");
        bool oneTerm = _d1.Length == 4 && _d2.Length == 3 && _freq.Length == 1;
        if (path == 512) Advance<Width512, Vector512<double>>(steps, slot, oneTerm);
        else if (path == 256) Advance<Width256, Vector256<double>>(steps, slot, oneTerm);
        else Advance<Width1, double>(steps, slot, oneTerm: false);
    }

    private void Advance<TWidth, TVector>(int steps, int slot, bool oneTerm)
        where TWidth : struct, ILaneWidth<TVector> where TVector : struct
    {
        if (oneTerm)
        {
            StepsOneTerm<TWidth, TVector>(steps, slot);
            return;
        }
        for (int k = 0; k < steps; k++)
        {
            slot = slot + 1 == Capacity ? 0 : slot + 1;
            Step<TWidth, TVector>(slot);
        }
    }

    /// <summary><see cref="Step{TWidth, TVector}"/> for a cubic f0' and one sine term, several steps per call with the
    /// coefficients in registers (the same operations in the same order, so the same bits).</summary>
    private void StepsOneTerm<TWidth, TVector>(int steps, int slot)
        where TWidth : struct, ILaneWidth<TVector> where TVector : struct
    {
        ref double x = ref MemoryMarshal.GetArrayDataReference(X);
        ref double mant = ref MemoryMarshal.GetArrayDataReference(Mantissa);
        ref long expo = ref MemoryMarshal.GetArrayDataReference(Exponent);
        ref double maxAbs = ref MemoryMarshal.GetArrayDataReference(MaxAbs);
        ref long bad = ref MemoryMarshal.GetArrayDataReference(Bad);
        ref double negEta = ref MemoryMarshal.GetArrayDataReference(NegEta);
        ref double scale = ref MemoryMarshal.GetArrayDataReference(Scale);
        ref double negCurv = ref MemoryMarshal.GetArrayDataReference(NegCurv);
        ref double ring = ref MemoryMarshal.GetArrayDataReference(Ring);
        var bound = TWidth.Create(Bound);
        var c0 = TWidth.Create(_d1[0]);
        var c1 = TWidth.Create(_d1[1]);
        var c2 = TWidth.Create(_d1[2]);
        var c3 = TWidth.Create(_d1[3]);
        var e0 = TWidth.Create(_d2[0]);
        var e1 = TWidth.Create(_d2[1]);
        var e2 = TWidth.Create(_d2[2]);
        var amp = TWidth.Create(_amp[0]);
        var off = TWidth.Create(_off[0]);
        var one = TWidth.Create(1.0);
        var tiny = TWidth.Create(TinyFactor);
        var huge = TWidth.Create(HugeFactor);
        int cap = Capacity;
        for (int k = 0; k < steps; k++)
        {
            slot = slot + 1 == cap ? 0 : slot + 1;
            nuint ringBase = (nuint)(slot * Lanes);
            for (nuint i = 0; i < Lanes; i += (nuint)TWidth.Count)
            {
                var v = TWidth.Load(ref x, i);
                var ne = TWidth.Load(ref negEta, i);
                var g = TWidth.FusedMultiplyAdd(c3, v, c2);
                g = TWidth.FusedMultiplyAdd(g, v, c1);
                g = TWidth.FusedMultiplyAdd(g, v, c0);
                var h = TWidth.FusedMultiplyAdd(e2, v, e1);
                h = TWidth.FusedMultiplyAdd(h, v, e0);
                var (sin, cos) = TWidth.SinCos(TWidth.FusedMultiplyAdd(v, TWidth.Load(ref scale, i), off));
                g = TWidth.FusedMultiplyAdd(amp, cos, g);
                h = TWidth.FusedMultiplyAdd(TWidth.Load(ref negCurv, i), sin, h);
                Finish<TWidth, TVector>(ref x, ref mant, ref expo, ref maxAbs, ref bad, ref ring, i, ringBase, v, ne, g, h, one, tiny, huge, bound);
            }
        }
    }

    /// <summary>One GD step of every lane: f', f'' by Horner and the sine terms, then <see cref="Finish"/>.</summary>
    private void Step<TWidth, TVector>(int slot)
        where TWidth : struct, ILaneWidth<TVector> where TVector : struct
    {
        ref double x = ref MemoryMarshal.GetArrayDataReference(X);
        ref double mant = ref MemoryMarshal.GetArrayDataReference(Mantissa);
        ref long expo = ref MemoryMarshal.GetArrayDataReference(Exponent);
        ref double maxAbs = ref MemoryMarshal.GetArrayDataReference(MaxAbs);
        ref long bad = ref MemoryMarshal.GetArrayDataReference(Bad);
        ref double negEta = ref MemoryMarshal.GetArrayDataReference(NegEta);
        ref double ring = ref MemoryMarshal.GetArrayDataReference(Ring);
        nuint ringBase = (nuint)(slot * Lanes);
        var bound = TWidth.Create(Bound);
        var one = TWidth.Create(1.0);
        var tiny = TWidth.Create(TinyFactor);
        var huge = TWidth.Create(HugeFactor);
        for (nuint i = 0; i < Lanes; i += (nuint)TWidth.Count)
        {
            var v = TWidth.Load(ref x, i);
            var ne = TWidth.Load(ref negEta, i);
            var g = TWidth.Create(_d1[^1]);
            for (int k = _d1.Length - 2; k >= 0; k--) g = TWidth.FusedMultiplyAdd(g, v, TWidth.Create(_d1[k]));
            var h = TWidth.Create(_d2[^1]);
            for (int k = _d2.Length - 2; k >= 0; k--) h = TWidth.FusedMultiplyAdd(h, v, TWidth.Create(_d2[k]));
            for (int t = 0; t < _freq.Length; t++)
            {
                var (sin, cos) = TWidth.SinCos(TWidth.FusedMultiplyAdd(v, TWidth.Load(ref Scale[t * Lanes], i), TWidth.Create(_off[t])));
                g = TWidth.FusedMultiplyAdd(TWidth.Create(_amp[t]), cos, g);
                h = TWidth.FusedMultiplyAdd(TWidth.Load(ref NegCurv[t * Lanes], i), sin, h);
            }
            Finish<TWidth, TVector>(ref x, ref mant, ref expo, ref maxAbs, ref bad, ref ring, i, ringBase, v, ne, g, h, one, tiny, huge, bound);
        }
    }

    /// <summary>The common tail of a step at lanes i..: the tangent factor |1 − η f''| (clamped to [10⁻³⁰⁰, 10³⁰⁰])
    /// into the mantissa/exponent product, x ← x − η f', the divergence flag, the running max |x| and the ring.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish<TWidth, TVector>(ref double x, ref double mant, ref long expo, ref double maxAbs, ref long bad, ref double ring,
        nuint i, nuint ringBase, TVector v, TVector ne, TVector g, TVector h, TVector one, TVector tiny, TVector huge, TVector bound)
        where TWidth : struct, ILaneWidth<TVector> where TVector : struct
    {
        var factor = TWidth.Abs(TWidth.FusedMultiplyAdd(ne, h, one));
        factor = TWidth.Max(factor, tiny);
        factor = TWidth.Min(factor, huge);
        TWidth.MultiplyMantissa(ref mant, ref expo, i, factor);
        var next = TWidth.FusedMultiplyAdd(g, ne, v);
        var a = TWidth.Abs(next);
        TWidth.FlagOutside(ref bad, i, a, bound);
        TWidth.Store(TWidth.Max(a, TWidth.Load(ref maxAbs, i)), ref maxAbs, i);
        TWidth.Store(next, ref x, i);
        TWidth.Store(next, ref ring, ringBase + i);
    }
}
