using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ChaosDescent.Learning;

/// <summary>
/// Row kernels over short blocks of samples (one row = one unit of a layer over the samples of a block).
/// Each kernel dispatches once on the SIMD width: Vector512 (AVX-512), Vector256 (AVX2), scalar. The branches
/// are JIT-time constants, so only one survives. Rows are contiguous and no longer than a block (≤ 128 doubles),
/// so a layer of a block stays in L1/L2.
/// </summary>
internal static class BlockMath
{
    /// <summary>
    /// a·b + c for the scalar tails. Deliberately not <see cref="Math.FusedMultiplyAdd"/>: without FMA hardware
    /// (the scalar path's use case) that call is emulated in software and is tens of times slower.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Mad(double a, double b, double c) => a * b + c;

    /// <summary>y ← y + a·x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        int n = y.Length, i = 0;
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        if (x.Length < n) throw new ArgumentException("length mismatch");
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(a);
            for (; i <= n - 8; i += 8)
            {
                var r = Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref xr, (nuint)i), Vector512.LoadUnsafe(ref yr, (nuint)i));
                r.StoreUnsafe(ref yr, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            for (; i <= n - 4; i += 4)
            {
                var r = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i));
                r.StoreUnsafe(ref yr, (nuint)i);
            }
        }
        for (; i < n; i++) Unsafe.Add(ref yr, i) = Mad(a, Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i));
    }

    /// <summary>y ← y + a·x + b·u (two rows at once: one load/store of y instead of two).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Axpy2(double a, ReadOnlySpan<double> x, double b, ReadOnlySpan<double> u, Span<double> y)
    {
        int n = y.Length, i = 0;
        if (x.Length < n || u.Length < n) throw new ArgumentException("length mismatch");
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double ur = ref MemoryMarshal.GetReference(u);
        ref double yr = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(a);
            var vb = Vector512.Create(b);
            for (; i <= n - 8; i += 8)
            {
                var r = Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref xr, (nuint)i), Vector512.LoadUnsafe(ref yr, (nuint)i));
                r = Vector512.FusedMultiplyAdd(vb, Vector512.LoadUnsafe(ref ur, (nuint)i), r);
                r.StoreUnsafe(ref yr, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            var vb = Vector256.Create(b);
            for (; i <= n - 4; i += 4)
            {
                var r = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i));
                r = Vector256.FusedMultiplyAdd(vb, Vector256.LoadUnsafe(ref ur, (nuint)i), r);
                r.StoreUnsafe(ref yr, (nuint)i);
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref yr, i) = Mad(b, Unsafe.Add(ref ur, i), Mad(a, Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i)));
    }

    /// <summary>Σ x·y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int n = x.Length, i = 0;
        if (y.Length < n) throw new ArgumentException("length mismatch");
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        double s = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var a0 = Vector512<double>.Zero;
            var a1 = Vector512<double>.Zero;
            for (; i <= n - 16; i += 16)
            {
                a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, (nuint)i), Vector512.LoadUnsafe(ref yr, (nuint)i), a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, (nuint)(i + 8)), Vector512.LoadUnsafe(ref yr, (nuint)(i + 8)), a1);
            }
            for (; i <= n - 8; i += 8)
                a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, (nuint)i), Vector512.LoadUnsafe(ref yr, (nuint)i), a0);
            s = Vector512.Sum(a0 + a1);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var a0 = Vector256<double>.Zero;
            var a1 = Vector256<double>.Zero;
            for (; i <= n - 8; i += 8)
            {
                a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i), a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, (nuint)(i + 4)), Vector256.LoadUnsafe(ref yr, (nuint)(i + 4)), a1);
            }
            for (; i <= n - 4; i += 4)
                a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i), a0);
            s = Vector256.Sum(a0 + a1);
        }
        for (; i < n; i++) s = Mad(Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i), s);
        return s;
    }

    /// <summary>Σ x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(ReadOnlySpan<double> x)
    {
        int n = x.Length, i = 0;
        ref double xr = ref MemoryMarshal.GetReference(x);
        double s = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var a = Vector512<double>.Zero;
            for (; i <= n - 8; i += 8) a += Vector512.LoadUnsafe(ref xr, (nuint)i);
            s = Vector512.Sum(a);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var a = Vector256<double>.Zero;
            for (; i <= n - 4; i += 4) a += Vector256.LoadUnsafe(ref xr, (nuint)i);
            s = Vector256.Sum(a);
        }
        for (; i < n; i++) s += Unsafe.Add(ref xr, i);
        return s;
    }

    /// <summary>d ← a ⊙ b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> d)
    {
        int n = d.Length, i = 0;
        if (a.Length < n || b.Length < n) throw new ArgumentException("length mismatch");
        ref double ar = ref MemoryMarshal.GetReference(a);
        ref double br = ref MemoryMarshal.GetReference(b);
        ref double dr = ref MemoryMarshal.GetReference(d);
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
                (Vector512.LoadUnsafe(ref ar, (nuint)i) * Vector512.LoadUnsafe(ref br, (nuint)i)).StoreUnsafe(ref dr, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 4; i += 4)
                (Vector256.LoadUnsafe(ref ar, (nuint)i) * Vector256.LoadUnsafe(ref br, (nuint)i)).StoreUnsafe(ref dr, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref dr, i) = Unsafe.Add(ref ar, i) * Unsafe.Add(ref br, i);
    }

    /// <summary>d ← a ⊙ b ⊙ c + e ⊙ f (the R-operator's δ rule: σ''·Rz·g + σ'·Rg).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyMultiplyAdd(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> c,
        ReadOnlySpan<double> e, ReadOnlySpan<double> f, Span<double> d)
    {
        int n = d.Length, i = 0;
        if (a.Length < n || b.Length < n || c.Length < n || e.Length < n || f.Length < n) throw new ArgumentException("length mismatch");
        ref double ar = ref MemoryMarshal.GetReference(a);
        ref double br = ref MemoryMarshal.GetReference(b);
        ref double cr = ref MemoryMarshal.GetReference(c);
        ref double er = ref MemoryMarshal.GetReference(e);
        ref double fr = ref MemoryMarshal.GetReference(f);
        ref double dr = ref MemoryMarshal.GetReference(d);
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
            {
                var ab = Vector512.LoadUnsafe(ref ar, (nuint)i) * Vector512.LoadUnsafe(ref br, (nuint)i);
                var r = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref er, (nuint)i), Vector512.LoadUnsafe(ref fr, (nuint)i),
                    ab * Vector512.LoadUnsafe(ref cr, (nuint)i));
                r.StoreUnsafe(ref dr, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 4; i += 4)
            {
                var ab = Vector256.LoadUnsafe(ref ar, (nuint)i) * Vector256.LoadUnsafe(ref br, (nuint)i);
                var r = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref er, (nuint)i), Vector256.LoadUnsafe(ref fr, (nuint)i),
                    ab * Vector256.LoadUnsafe(ref cr, (nuint)i));
                r.StoreUnsafe(ref dr, (nuint)i);
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref dr, i) = Mad(Unsafe.Add(ref er, i), Unsafe.Add(ref fr, i),
                Unsafe.Add(ref ar, i) * Unsafe.Add(ref br, i) * Unsafe.Add(ref cr, i));
    }

    /// <summary>
    /// Output layer of the MSE loss over one block: r = z − y, loss partial Σ w r², g = 2 w r (w = per-sample
    /// weight 1/n, 0 on padding). Returns the loss partial.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double SquaredError(ReadOnlySpan<double> z, ReadOnlySpan<double> y, ReadOnlySpan<double> w, Span<double> g)
    {
        int n = g.Length, i = 0;
        if (z.Length < n || y.Length < n || w.Length < n) throw new ArgumentException("length mismatch");
        ref double zr = ref MemoryMarshal.GetReference(z);
        ref double yr = ref MemoryMarshal.GetReference(y);
        ref double wr = ref MemoryMarshal.GetReference(w);
        ref double gr = ref MemoryMarshal.GetReference(g);
        double s = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var acc = Vector512<double>.Zero;
            for (; i <= n - 8; i += 8)
            {
                var r = Vector512.LoadUnsafe(ref zr, (nuint)i) - Vector512.LoadUnsafe(ref yr, (nuint)i);
                var wr8 = Vector512.LoadUnsafe(ref wr, (nuint)i) * r;
                acc = Vector512.FusedMultiplyAdd(wr8, r, acc);
                (wr8 + wr8).StoreUnsafe(ref gr, (nuint)i);
            }
            s = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var acc = Vector256<double>.Zero;
            for (; i <= n - 4; i += 4)
            {
                var r = Vector256.LoadUnsafe(ref zr, (nuint)i) - Vector256.LoadUnsafe(ref yr, (nuint)i);
                var wr4 = Vector256.LoadUnsafe(ref wr, (nuint)i) * r;
                acc = Vector256.FusedMultiplyAdd(wr4, r, acc);
                (wr4 + wr4).StoreUnsafe(ref gr, (nuint)i);
            }
            s = Vector256.Sum(acc);
        }
        for (; i < n; i++)
        {
            double r = Unsafe.Add(ref zr, i) - Unsafe.Add(ref yr, i);
            double wri = Unsafe.Add(ref wr, i) * r;
            s = Mad(wri, r, s);
            Unsafe.Add(ref gr, i) = wri + wri;
        }
        return s;
    }
}

/// <summary>
/// Register-blocked kernels for a layer over one block of samples: several SIMD accumulators stay in registers
/// while the inner loop runs over the units that feed them, so each multiply-add costs one load.
/// Rows are <c>len</c> doubles apart; <c>len</c> is a multiple of 8. Vector accumulators (<see cref="Lanes"/>
/// doubles per parameter) collect dot products across blocks; they are reduced once per chunk.
/// </summary>
internal static class LayerKernels
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Mad(double a, double b, double c) => a * b + c;

    /// <summary>Doubles per vector accumulator slot (the widest SIMD width; narrower paths use a prefix).</summary>
    public const int Lanes = 8;

    /// <summary>
    /// dst[c] = (bias + Σ_{i&lt;count} w[i·ws]·x_i[c] + Σ_{i&lt;count2} u[i·us]·y_i[c]) · (mul[c] if given), c &lt; len,
    /// where x_i = x[i·len …], y_i = y[i·len …].
    /// </summary>
    public static void Affine(ReadOnlySpan<double> w, int ws, int count, double bias, ReadOnlySpan<double> x,
        ReadOnlySpan<double> u, int us, int count2, ReadOnlySpan<double> y, ReadOnlySpan<double> mul, Span<double> dst, int len)
    {
        if (dst.Length < len || (count > 0 && (x.Length < count * len || w.Length < (count - 1) * ws + 1))
            || (count2 > 0 && (y.Length < count2 * len || u.Length < (count2 - 1) * us + 1)) || (!mul.IsEmpty && mul.Length < len))
            throw new ArgumentException("length mismatch");
        ref double wr = ref MemoryMarshal.GetReference(w);
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double ur = ref MemoryMarshal.GetReference(u);
        ref double yr = ref MemoryMarshal.GetReference(y);
        ref double mr = ref MemoryMarshal.GetReference(mul);
        ref double dr = ref MemoryMarshal.GetReference(dst);
        bool scale = !mul.IsEmpty;
        int c = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var vb = Vector512.Create(bias);
            for (; c <= len - 32; c += 32)
            {
                Vector512<double> a0 = vb, a1 = vb, a2 = vb, a3 = vb;
                for (int i = 0; i < count; i++)
                {
                    var wi = Vector512.Create(Unsafe.Add(ref wr, i * ws));
                    ref double row = ref Unsafe.Add(ref xr, i * len + c);
                    a0 = Vector512.FusedMultiplyAdd(wi, Vector512.LoadUnsafe(ref row, 0), a0);
                    a1 = Vector512.FusedMultiplyAdd(wi, Vector512.LoadUnsafe(ref row, 8), a1);
                    a2 = Vector512.FusedMultiplyAdd(wi, Vector512.LoadUnsafe(ref row, 16), a2);
                    a3 = Vector512.FusedMultiplyAdd(wi, Vector512.LoadUnsafe(ref row, 24), a3);
                }
                for (int i = 0; i < count2; i++)
                {
                    var ui = Vector512.Create(Unsafe.Add(ref ur, i * us));
                    ref double row = ref Unsafe.Add(ref yr, i * len + c);
                    a0 = Vector512.FusedMultiplyAdd(ui, Vector512.LoadUnsafe(ref row, 0), a0);
                    a1 = Vector512.FusedMultiplyAdd(ui, Vector512.LoadUnsafe(ref row, 8), a1);
                    a2 = Vector512.FusedMultiplyAdd(ui, Vector512.LoadUnsafe(ref row, 16), a2);
                    a3 = Vector512.FusedMultiplyAdd(ui, Vector512.LoadUnsafe(ref row, 24), a3);
                }
                if (scale)
                {
                    ref double m = ref Unsafe.Add(ref mr, c);
                    a0 *= Vector512.LoadUnsafe(ref m, 0); a1 *= Vector512.LoadUnsafe(ref m, 8);
                    a2 *= Vector512.LoadUnsafe(ref m, 16); a3 *= Vector512.LoadUnsafe(ref m, 24);
                }
                ref double d = ref Unsafe.Add(ref dr, c);
                a0.StoreUnsafe(ref d, 0); a1.StoreUnsafe(ref d, 8); a2.StoreUnsafe(ref d, 16); a3.StoreUnsafe(ref d, 24);
            }
            for (; c <= len - 8; c += 8)
            {
                var a0 = vb;
                for (int i = 0; i < count; i++)
                    a0 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref wr, i * ws)), Vector512.LoadUnsafe(ref Unsafe.Add(ref xr, i * len + c)), a0);
                for (int i = 0; i < count2; i++)
                    a0 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref ur, i * us)), Vector512.LoadUnsafe(ref Unsafe.Add(ref yr, i * len + c)), a0);
                if (scale) a0 *= Vector512.LoadUnsafe(ref Unsafe.Add(ref mr, c));
                a0.StoreUnsafe(ref Unsafe.Add(ref dr, c));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var vb = Vector256.Create(bias);
            for (; c <= len - 16; c += 16)
            {
                Vector256<double> a0 = vb, a1 = vb, a2 = vb, a3 = vb;
                for (int i = 0; i < count; i++)
                {
                    var wi = Vector256.Create(Unsafe.Add(ref wr, i * ws));
                    ref double row = ref Unsafe.Add(ref xr, i * len + c);
                    a0 = Vector256.FusedMultiplyAdd(wi, Vector256.LoadUnsafe(ref row, 0), a0);
                    a1 = Vector256.FusedMultiplyAdd(wi, Vector256.LoadUnsafe(ref row, 4), a1);
                    a2 = Vector256.FusedMultiplyAdd(wi, Vector256.LoadUnsafe(ref row, 8), a2);
                    a3 = Vector256.FusedMultiplyAdd(wi, Vector256.LoadUnsafe(ref row, 12), a3);
                }
                for (int i = 0; i < count2; i++)
                {
                    var ui = Vector256.Create(Unsafe.Add(ref ur, i * us));
                    ref double row = ref Unsafe.Add(ref yr, i * len + c);
                    a0 = Vector256.FusedMultiplyAdd(ui, Vector256.LoadUnsafe(ref row, 0), a0);
                    a1 = Vector256.FusedMultiplyAdd(ui, Vector256.LoadUnsafe(ref row, 4), a1);
                    a2 = Vector256.FusedMultiplyAdd(ui, Vector256.LoadUnsafe(ref row, 8), a2);
                    a3 = Vector256.FusedMultiplyAdd(ui, Vector256.LoadUnsafe(ref row, 12), a3);
                }
                if (scale)
                {
                    ref double m = ref Unsafe.Add(ref mr, c);
                    a0 *= Vector256.LoadUnsafe(ref m, 0); a1 *= Vector256.LoadUnsafe(ref m, 4);
                    a2 *= Vector256.LoadUnsafe(ref m, 8); a3 *= Vector256.LoadUnsafe(ref m, 12);
                }
                ref double d = ref Unsafe.Add(ref dr, c);
                a0.StoreUnsafe(ref d, 0); a1.StoreUnsafe(ref d, 4); a2.StoreUnsafe(ref d, 8); a3.StoreUnsafe(ref d, 12);
            }
        }
        for (; c < len; c++)
        {
            double a = bias;
            for (int i = 0; i < count; i++) a = Mad(Unsafe.Add(ref wr, i * ws), Unsafe.Add(ref xr, i * len + c), a);
            for (int i = 0; i < count2; i++) a = Mad(Unsafe.Add(ref ur, i * us), Unsafe.Add(ref yr, i * len + c), a);
            if (scale) a *= Unsafe.Add(ref mr, c);
            Unsafe.Add(ref dr, c) = a;
        }
    }

    /// <summary>
    /// acc_i += Σ_c g[c]·x_i[c] for i &lt; count (x_i = x[i·len …]) and, when <paramref name="biasSlot"/> is not
    /// empty, biasSlot += Σ_c g[c]; every acc_i is a vector slot of <see cref="Lanes"/> doubles in
    /// <paramref name="acc"/> (lane-wise partial sums, reduced later).
    /// </summary>
    public static void AccumulateDots(ReadOnlySpan<double> g, ReadOnlySpan<double> x, int count, int len, Span<double> acc, Span<double> biasSlot)
    {
        if (g.Length < len || x.Length < count * len || acc.Length < count * Lanes || (!biasSlot.IsEmpty && biasSlot.Length < Lanes))
            throw new ArgumentException("length mismatch");
        ref double gr = ref MemoryMarshal.GetReference(g);
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double ar = ref MemoryMarshal.GetReference(acc);
        if (Vector512.IsHardwareAccelerated)
        {
            int i = 0;
            for (; i <= count - 4; i += 4)
            {
                Vector512<double> s0 = default, s1 = default, s2 = default, s3 = default;
                ref double r0 = ref Unsafe.Add(ref xr, i * len);
                for (int c = 0; c < len; c += 8)
                {
                    var gv = Vector512.LoadUnsafe(ref gr, (nuint)c);
                    s0 = Vector512.FusedMultiplyAdd(gv, Vector512.LoadUnsafe(ref r0, (nuint)c), s0);
                    s1 = Vector512.FusedMultiplyAdd(gv, Vector512.LoadUnsafe(ref r0, (nuint)(c + len)), s1);
                    s2 = Vector512.FusedMultiplyAdd(gv, Vector512.LoadUnsafe(ref r0, (nuint)(c + 2 * len)), s2);
                    s3 = Vector512.FusedMultiplyAdd(gv, Vector512.LoadUnsafe(ref r0, (nuint)(c + 3 * len)), s3);
                }
                ref double a = ref Unsafe.Add(ref ar, i * Lanes);
                (Vector512.LoadUnsafe(ref a, 0) + s0).StoreUnsafe(ref a, 0);
                (Vector512.LoadUnsafe(ref a, 8) + s1).StoreUnsafe(ref a, 8);
                (Vector512.LoadUnsafe(ref a, 16) + s2).StoreUnsafe(ref a, 16);
                (Vector512.LoadUnsafe(ref a, 24) + s3).StoreUnsafe(ref a, 24);
            }
            for (; i < count; i++)
            {
                Vector512<double> s0 = default;
                ref double r0 = ref Unsafe.Add(ref xr, i * len);
                for (int c = 0; c < len; c += 8)
                    s0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref gr, (nuint)c), Vector512.LoadUnsafe(ref r0, (nuint)c), s0);
                ref double a = ref Unsafe.Add(ref ar, i * Lanes);
                (Vector512.LoadUnsafe(ref a) + s0).StoreUnsafe(ref a);
            }
            if (!biasSlot.IsEmpty)
            {
                Vector512<double> s = default;
                for (int c = 0; c < len; c += 8) s += Vector512.LoadUnsafe(ref gr, (nuint)c);
                ref double b = ref MemoryMarshal.GetReference(biasSlot);
                (Vector512.LoadUnsafe(ref b) + s).StoreUnsafe(ref b);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (int i = 0; i < count; i++)
            {
                Vector256<double> s0 = default;
                ref double r0 = ref Unsafe.Add(ref xr, i * len);
                for (int c = 0; c < len; c += 4)
                    s0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref gr, (nuint)c), Vector256.LoadUnsafe(ref r0, (nuint)c), s0);
                ref double a = ref Unsafe.Add(ref ar, i * Lanes);
                (Vector256.LoadUnsafe(ref a) + s0).StoreUnsafe(ref a);
            }
            if (!biasSlot.IsEmpty)
            {
                Vector256<double> s = default;
                for (int c = 0; c < len; c += 4) s += Vector256.LoadUnsafe(ref gr, (nuint)c);
                ref double b = ref MemoryMarshal.GetReference(biasSlot);
                (Vector256.LoadUnsafe(ref b) + s).StoreUnsafe(ref b);
            }
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                double s = 0;
                for (int c = 0; c < len; c++) s = Mad(Unsafe.Add(ref gr, c), Unsafe.Add(ref xr, i * len + c), s);
                Unsafe.Add(ref ar, i * Lanes) += s;
            }
            if (!biasSlot.IsEmpty)
            {
                double s = 0;
                for (int c = 0; c < len; c++) s += Unsafe.Add(ref gr, c);
                biasSlot[0] += s;
            }
        }
    }

    /// <summary>target[i] = Σ_lanes acc[i·Lanes …] (fixed lane order), i &lt; target.Length.</summary>
    public static void ReduceLanes(ReadOnlySpan<double> acc, Span<double> target)
    {
        for (int i = 0; i < target.Length; i++)
        {
            var s = acc.Slice(i * Lanes, Lanes);
            target[i] = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
        }
    }
}
