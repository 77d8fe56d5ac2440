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
/// Results do not depend on the SIMD width: the Vector512, Vector256 and scalar paths perform the same IEEE operations
/// in the same order (explicit FMAs, sin/cos through <see cref="FastTrig.SinCosPortable"/>'s arithmetic, max/min with
/// x86's maxpd/minpd semantics written out on the scalar path), and lanes never interact. Phases beyond <see cref="FastTrig.MaxArgument"/> go through Math.Sin/Math.Cos
/// on every path. The pool has a fixed number of lanes (<see cref="Lanes"/>), whatever the hardware width.
/// </remarks>
internal sealed class LaneOrbitKernel
{
    /// <summary>Orbits per pool: a multiple of 8 (two AVX-512 vectors interleave per step, four AVX2 vectors).</summary>
    public const int Lanes = 32;

    private const long MantissaMask = 0x000F_FFFF_FFFF_FFFF;
    private const long ExponentOne = 0x3FF0_0000_0000_0000;
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
        if (path == 512 && _d1.Length == 4 && _d2.Length == 3 && _freq.Length == 1)
        {
            Steps512OneTerm(steps, slot);
            return;
        }
        if (path == 256 && _d1.Length == 4 && _d2.Length == 3 && _freq.Length == 1)
        {
            Steps256OneTerm(steps, slot);
            return;
        }
        for (int k = 0; k < steps; k++)
        {
            slot = slot + 1 == Capacity ? 0 : slot + 1;
            if (path == 512) Step512(slot);
            else if (path == 256) Step256(slot);
            else StepScalar(slot);
        }
    }

    /// <summary><see cref="Step512"/> for a cubic f0' and one sine term, several steps per call with the coefficients
    /// in registers (the same operations in the same order, so the same bits).</summary>
    private void Steps512OneTerm(int steps, int slot)
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
        var bound = Vector512.Create(Bound);
        var c0 = Vector512.Create(_d1[0]);
        var c1 = Vector512.Create(_d1[1]);
        var c2 = Vector512.Create(_d1[2]);
        var c3 = Vector512.Create(_d1[3]);
        var e0 = Vector512.Create(_d2[0]);
        var e1 = Vector512.Create(_d2[1]);
        var e2 = Vector512.Create(_d2[2]);
        var amp = Vector512.Create(_amp[0]);
        var off = Vector512.Create(_off[0]);
        var tiny = Vector512.Create(TinyFactor);
        var huge = Vector512.Create(HugeFactor);
        var maxArg = Vector512.Create(FastTrig.MaxArgument);
        var mantMask = Vector512.Create(MantissaMask);
        var one = Vector512.Create(ExponentOne);
        int cap = Capacity;
        for (int k = 0; k < steps; k++)
        {
            slot = slot + 1 == cap ? 0 : slot + 1;
            nuint ringBase = (nuint)(slot * Lanes);
            for (nuint i = 0; i < Lanes; i += (nuint)Vector512<double>.Count)
            {
                var v = Vector512.LoadUnsafe(ref x, i);
                var ne = Vector512.LoadUnsafe(ref negEta, i);
                var g = Vector512.FusedMultiplyAdd(c3, v, c2);
                g = Vector512.FusedMultiplyAdd(g, v, c1);
                g = Vector512.FusedMultiplyAdd(g, v, c0);
                var h = Vector512.FusedMultiplyAdd(e2, v, e1);
                h = Vector512.FusedMultiplyAdd(h, v, e0);
                var q = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref scale, i), off);
                var (sin, cos) = FastTrig.SinCosV512(q);
                if (Vector512.GreaterThanAny(Vector512.Abs(q), maxArg)) (sin, cos) = LargePhases(q, sin, cos);
                g = Vector512.FusedMultiplyAdd(amp, cos, g);
                h = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref negCurv, i), sin, h);
                var factor = Vector512.Abs(Vector512.FusedMultiplyAdd(ne, h, Vector512<double>.One));
                factor = Vector512.MaxNative(factor, tiny);
                factor = Vector512.MinNative(factor, huge);
                var bits = (Vector512.LoadUnsafe(ref mant, i) * factor).AsInt64();
                (Vector512.LoadUnsafe(ref expo, i) + Vector512.ShiftRightLogical(bits, 52)).StoreUnsafe(ref expo, i);
                ((bits & mantMask) | one).AsDouble().StoreUnsafe(ref mant, i);
                var next = Vector512.FusedMultiplyAdd(g, ne, v);
                var a = Vector512.Abs(next);
                (Vector512.LoadUnsafe(ref bad, i) | ~Vector512.LessThanOrEqual(a, bound).AsInt64()).StoreUnsafe(ref bad, i);
                var m = Vector512.LoadUnsafe(ref maxAbs, i);
                Vector512.MaxNative(a, m).StoreUnsafe(ref maxAbs, i);
                next.StoreUnsafe(ref x, i);
                next.StoreUnsafe(ref ring, ringBase + i);
            }
        }
    }

    /// <summary><see cref="Step256"/> for a cubic f0' and one sine term, several steps per call with the coefficients
    /// in registers (the same operations in the same order, so the same bits).</summary>
    private void Steps256OneTerm(int steps, int slot)
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
        var bound = Vector256.Create(Bound);
        var c0 = Vector256.Create(_d1[0]);
        var c1 = Vector256.Create(_d1[1]);
        var c2 = Vector256.Create(_d1[2]);
        var c3 = Vector256.Create(_d1[3]);
        var e0 = Vector256.Create(_d2[0]);
        var e1 = Vector256.Create(_d2[1]);
        var e2 = Vector256.Create(_d2[2]);
        var amp = Vector256.Create(_amp[0]);
        var off = Vector256.Create(_off[0]);
        var tiny = Vector256.Create(TinyFactor);
        var huge = Vector256.Create(HugeFactor);
        var maxArg = Vector256.Create(FastTrig.MaxArgument);
        var mantMask = Vector256.Create(MantissaMask);
        var one = Vector256.Create(ExponentOne);
        int cap = Capacity;
        for (int k = 0; k < steps; k++)
        {
            slot = slot + 1 == cap ? 0 : slot + 1;
            nuint ringBase = (nuint)(slot * Lanes);
            for (nuint i = 0; i < Lanes; i += (nuint)Vector256<double>.Count)
            {
                var v = Vector256.LoadUnsafe(ref x, i);
                var ne = Vector256.LoadUnsafe(ref negEta, i);
                var g = Vector256.FusedMultiplyAdd(c3, v, c2);
                g = Vector256.FusedMultiplyAdd(g, v, c1);
                g = Vector256.FusedMultiplyAdd(g, v, c0);
                var h = Vector256.FusedMultiplyAdd(e2, v, e1);
                h = Vector256.FusedMultiplyAdd(h, v, e0);
                var q = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref scale, i), off);
                var (sin, cos) = FastTrig.SinCosV256(q);
                if (Vector256.GreaterThanAny(Vector256.Abs(q), maxArg)) (sin, cos) = LargePhases(q, sin, cos);
                g = Vector256.FusedMultiplyAdd(amp, cos, g);
                h = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref negCurv, i), sin, h);
                var factor = Vector256.Abs(Vector256.FusedMultiplyAdd(ne, h, Vector256<double>.One));
                factor = Vector256.MaxNative(factor, tiny);
                factor = Vector256.MinNative(factor, huge);
                var bits = (Vector256.LoadUnsafe(ref mant, i) * factor).AsInt64();
                (Vector256.LoadUnsafe(ref expo, i) + Vector256.ShiftRightLogical(bits, 52)).StoreUnsafe(ref expo, i);
                ((bits & mantMask) | one).AsDouble().StoreUnsafe(ref mant, i);
                var next = Vector256.FusedMultiplyAdd(g, ne, v);
                var a = Vector256.Abs(next);
                (Vector256.LoadUnsafe(ref bad, i) | ~Vector256.LessThanOrEqual(a, bound).AsInt64()).StoreUnsafe(ref bad, i);
                var m = Vector256.LoadUnsafe(ref maxAbs, i);
                Vector256.MaxNative(a, m).StoreUnsafe(ref maxAbs, i);
                next.StoreUnsafe(ref x, i);
                next.StoreUnsafe(ref ring, ringBase + i);
            }
        }
    }

    private void Step512(int slot)
    {
        ref double x = ref MemoryMarshal.GetArrayDataReference(X);
        ref double mant = ref MemoryMarshal.GetArrayDataReference(Mantissa);
        ref long expo = ref MemoryMarshal.GetArrayDataReference(Exponent);
        ref double maxAbs = ref MemoryMarshal.GetArrayDataReference(MaxAbs);
        ref long bad = ref MemoryMarshal.GetArrayDataReference(Bad);
        ref double negEta = ref MemoryMarshal.GetArrayDataReference(NegEta);
        ref double ring = ref MemoryMarshal.GetArrayDataReference(Ring);
        nuint ringBase = (nuint)(slot * Lanes);
        var bound = Vector512.Create(Bound);
        for (nuint i = 0; i < Lanes; i += (nuint)Vector512<double>.Count)
        {
            var v = Vector512.LoadUnsafe(ref x, i);
            var ne = Vector512.LoadUnsafe(ref negEta, i);
            var g = Vector512.Create(_d1[^1]);
            for (int k = _d1.Length - 2; k >= 0; k--) g = Vector512.FusedMultiplyAdd(g, v, Vector512.Create(_d1[k]));
            var h = Vector512.Create(_d2[^1]);
            for (int k = _d2.Length - 2; k >= 0; k--) h = Vector512.FusedMultiplyAdd(h, v, Vector512.Create(_d2[k]));
            for (int t = 0; t < _freq.Length; t++)
            {
                var q = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref Scale[t * Lanes], i), Vector512.Create(_off[t]));
                var (sin, cos) = FastTrig.SinCosV512(q);
                if (Vector512.GreaterThanAny(Vector512.Abs(q), Vector512.Create(FastTrig.MaxArgument))) (sin, cos) = LargePhases(q, sin, cos);
                g = Vector512.FusedMultiplyAdd(Vector512.Create(_amp[t]), cos, g);
                h = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref NegCurv[t * Lanes], i), sin, h);
            }
            var factor = Vector512.Abs(Vector512.FusedMultiplyAdd(ne, h, Vector512<double>.One));
            factor = Vector512.MaxNative(factor, Vector512.Create(TinyFactor));
            factor = Vector512.MinNative(factor, Vector512.Create(HugeFactor));
            var bits = (Vector512.LoadUnsafe(ref mant, i) * factor).AsInt64();
            (Vector512.LoadUnsafe(ref expo, i) + Vector512.ShiftRightLogical(bits, 52)).StoreUnsafe(ref expo, i);
            ((bits & Vector512.Create(MantissaMask)) | Vector512.Create(ExponentOne)).AsDouble().StoreUnsafe(ref mant, i);
            var next = Vector512.FusedMultiplyAdd(g, ne, v);
            var a = Vector512.Abs(next);
            (Vector512.LoadUnsafe(ref bad, i) | ~Vector512.LessThanOrEqual(a, bound).AsInt64()).StoreUnsafe(ref bad, i);
            var m = Vector512.LoadUnsafe(ref maxAbs, i);
            Vector512.MaxNative(a, m).StoreUnsafe(ref maxAbs, i);
            next.StoreUnsafe(ref x, i);
            next.StoreUnsafe(ref ring, ringBase + i);
        }
    }

    private void Step256(int slot)
    {
        ref double x = ref MemoryMarshal.GetArrayDataReference(X);
        ref double mant = ref MemoryMarshal.GetArrayDataReference(Mantissa);
        ref long expo = ref MemoryMarshal.GetArrayDataReference(Exponent);
        ref double maxAbs = ref MemoryMarshal.GetArrayDataReference(MaxAbs);
        ref long bad = ref MemoryMarshal.GetArrayDataReference(Bad);
        ref double negEta = ref MemoryMarshal.GetArrayDataReference(NegEta);
        ref double ring = ref MemoryMarshal.GetArrayDataReference(Ring);
        nuint ringBase = (nuint)(slot * Lanes);
        var bound = Vector256.Create(Bound);
        for (nuint i = 0; i < Lanes; i += (nuint)Vector256<double>.Count)
        {
            var v = Vector256.LoadUnsafe(ref x, i);
            var ne = Vector256.LoadUnsafe(ref negEta, i);
            var g = Vector256.Create(_d1[^1]);
            for (int k = _d1.Length - 2; k >= 0; k--) g = Vector256.FusedMultiplyAdd(g, v, Vector256.Create(_d1[k]));
            var h = Vector256.Create(_d2[^1]);
            for (int k = _d2.Length - 2; k >= 0; k--) h = Vector256.FusedMultiplyAdd(h, v, Vector256.Create(_d2[k]));
            for (int t = 0; t < _freq.Length; t++)
            {
                var q = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref Scale[t * Lanes], i), Vector256.Create(_off[t]));
                var (sin, cos) = FastTrig.SinCosV256(q);
                if (Vector256.GreaterThanAny(Vector256.Abs(q), Vector256.Create(FastTrig.MaxArgument))) (sin, cos) = LargePhases(q, sin, cos);
                g = Vector256.FusedMultiplyAdd(Vector256.Create(_amp[t]), cos, g);
                h = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref NegCurv[t * Lanes], i), sin, h);
            }
            var factor = Vector256.Abs(Vector256.FusedMultiplyAdd(ne, h, Vector256<double>.One));
            factor = Vector256.MaxNative(factor, Vector256.Create(TinyFactor));
            factor = Vector256.MinNative(factor, Vector256.Create(HugeFactor));
            var bits = (Vector256.LoadUnsafe(ref mant, i) * factor).AsInt64();
            (Vector256.LoadUnsafe(ref expo, i) + Vector256.ShiftRightLogical(bits, 52)).StoreUnsafe(ref expo, i);
            ((bits & Vector256.Create(MantissaMask)) | Vector256.Create(ExponentOne)).AsDouble().StoreUnsafe(ref mant, i);
            var next = Vector256.FusedMultiplyAdd(g, ne, v);
            var a = Vector256.Abs(next);
            (Vector256.LoadUnsafe(ref bad, i) | ~Vector256.LessThanOrEqual(a, bound).AsInt64()).StoreUnsafe(ref bad, i);
            var m = Vector256.LoadUnsafe(ref maxAbs, i);
            Vector256.MaxNative(a, m).StoreUnsafe(ref maxAbs, i);
            next.StoreUnsafe(ref x, i);
            next.StoreUnsafe(ref ring, ringBase + i);
        }
    }

    /// <summary>The vector steps' arithmetic one lane at a time (the path without SIMD; also the reference in tests).</summary>
    private void StepScalar(int slot)
    {
        for (int i = 0; i < Lanes; i++)
        {
            double v = X[i], ne = NegEta[i];
            double g = _d1[^1];
            for (int k = _d1.Length - 2; k >= 0; k--) g = Math.FusedMultiplyAdd(g, v, _d1[k]);
            double h = _d2[^1];
            for (int k = _d2.Length - 2; k >= 0; k--) h = Math.FusedMultiplyAdd(h, v, _d2[k]);
            for (int t = 0; t < _freq.Length; t++)
            {
                double q = Math.FusedMultiplyAdd(v, Scale[t * Lanes + i], _off[t]);
                var (sin, cos) = Math.Abs(q) > FastTrig.MaxArgument ? (Math.Sin(q), Math.Cos(q)) : FastTrig.SinCosPortable(q);
                g = Math.FusedMultiplyAdd(_amp[t], cos, g);
                h = Math.FusedMultiplyAdd(NegCurv[t * Lanes + i], sin, h);
            }
            double factor = Math.Abs(Math.FusedMultiplyAdd(ne, h, 1.0));
            // x86 maxpd/minpd semantics, as MaxNative/MinNative on the vector paths: the second operand when unordered
            factor = factor > TinyFactor ? factor : TinyFactor;
            factor = factor < HugeFactor ? factor : HugeFactor;
            long bits = BitConverter.DoubleToInt64Bits(Mantissa[i] * factor);
            Exponent[i] += (long)((ulong)bits >> 52);
            Mantissa[i] = BitConverter.Int64BitsToDouble((bits & MantissaMask) | ExponentOne);
            double next = Math.FusedMultiplyAdd(g, ne, v);
            double a = Math.Abs(next);
            if (!(a <= Bound)) Bad[i] = -1;
            MaxAbs[i] = a > MaxAbs[i] ? a : MaxAbs[i];
            X[i] = next;
            Ring[slot * Lanes + i] = next;
        }
    }

    // Rare: some phase beyond the range of the vector reduction; those lanes take the runtime's sin/cos, exact there.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (Vector512<double>, Vector512<double>) LargePhases(Vector512<double> q, Vector512<double> sin, Vector512<double> cos)
    {
        Span<double> s = stackalloc double[Vector512<double>.Count];
        Span<double> c = stackalloc double[Vector512<double>.Count];
        sin.CopyTo(s);
        cos.CopyTo(c);
        for (int k = 0; k < s.Length; k++)
            if (Math.Abs(q[k]) > FastTrig.MaxArgument)
            {
                s[k] = Math.Sin(q[k]);
                c[k] = Math.Cos(q[k]);
            }
        return (Vector512.Create((ReadOnlySpan<double>)s), Vector512.Create((ReadOnlySpan<double>)c));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (Vector256<double>, Vector256<double>) LargePhases(Vector256<double> q, Vector256<double> sin, Vector256<double> cos)
    {
        Span<double> s = stackalloc double[Vector256<double>.Count];
        Span<double> c = stackalloc double[Vector256<double>.Count];
        sin.CopyTo(s);
        cos.CopyTo(c);
        for (int k = 0; k < s.Length; k++)
            if (Math.Abs(q[k]) > FastTrig.MaxArgument)
            {
                s[k] = Math.Sin(q[k]);
                c[k] = Math.Cos(q[k]);
            }
        return (Vector256.Create((ReadOnlySpan<double>)s), Vector256.Create((ReadOnlySpan<double>)c));
    }
}
