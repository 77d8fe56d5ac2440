using System.Runtime.Intrinsics;
using ChaosDescent.Numerics;

namespace ChaosDescent.Tests.Numerics;

/// <summary>
/// Accuracy of <see cref="FastTrig"/> against Math.Sin/Math.Cos (glibc's, correctly rounded in practice), per SIMD
/// width. The bound asserted is <see cref="Bound"/> = 2^-51 ≈ 4.4e-16 absolute (two ulps of 1): reduction ≤ 1.1e-16,
/// polynomial fit ≤ 4e-17, Horner rounding ≲ 1.7e-16, reference ≤ 5.6e-17 (docs/accuracy.md). Measured: 2.78e-16 (cos),
/// 2.22e-16 (sin).
/// </summary>
public class FastTrigTests
{
    internal const double Bound = 4.440892098500626e-16; // 2^-51

    /// <summary>Magnitude ranges up to the documented limit, each sampled uniformly in [−R, R].</summary>
    public static TheoryData<double> Ranges => new() { 1e-6, 1.0, Math.PI / 2, 10.0, 1e3, 1e5, 1e7, 1e8 };

    internal static bool HasV512 => FastTrig.UseV512;

    internal static bool HasV256 => FastTrig.UseV256;

    private static double[] RandomArguments(double range, int count, ulong stream)
    {
        var rng = Xoshiro256.ForStream(20260101, stream);
        var a = new double[count];
        for (int i = 0; i < count; i++) a[i] = rng.NextDouble(-range, range);
        return a;
    }

    /// <summary>
    /// Arguments where the reduction cancels most: doubles next to k·π/2 for random k up to 1e8·2/π, and their
    /// neighbours a few ulps away (the remainder r is then tiny and any error in the split of π would show).
    /// </summary>
    private static double[] NearMultiplesOfHalfPi(int count)
    {
        var rng = Xoshiro256.ForStream(20260101, 99);
        var a = new double[count];
        for (int i = 0; i < count; i++)
        {
            long k = (long)(rng.NextDouble() * (FastTrig.MaxArgument * 2 / Math.PI));
            double x = Math.Min(k * (Math.PI / 2), FastTrig.MaxArgument);
            int ulps = rng.NextInt(7) - 3;
            for (int u = 0; u < Math.Abs(ulps); u++) x = ulps > 0 ? Math.BitIncrement(x) : Math.BitDecrement(x);
            a[i] = (i & 1) == 0 ? x : -x;
        }
        return a;
    }

    private static (double Cos, double Sin) MaxErrorV512(double[] a)
    {
        double ec = 0, es = 0;
        for (int i = 0; i + 8 <= a.Length; i += 8)
        {
            var v = Vector512.Create(a.AsSpan(i, 8));
            var c = FastTrig.CosV512(v);
            var s = FastTrig.SinV512(v);
            for (int k = 0; k < 8; k++)
            {
                ec = Math.Max(ec, Math.Abs(c[k] - Math.Cos(a[i + k])));
                es = Math.Max(es, Math.Abs(s[k] - Math.Sin(a[i + k])));
            }
        }
        return (ec, es);
    }

    private static (double Cos, double Sin) MaxErrorV256(double[] a)
    {
        double ec = 0, es = 0;
        for (int i = 0; i + 4 <= a.Length; i += 4)
        {
            var v = Vector256.Create(a.AsSpan(i, 4));
            var c = FastTrig.CosV256(v);
            var s = FastTrig.SinV256(v);
            for (int k = 0; k < 4; k++)
            {
                ec = Math.Max(ec, Math.Abs(c[k] - Math.Cos(a[i + k])));
                es = Math.Max(es, Math.Abs(s[k] - Math.Sin(a[i + k])));
            }
        }
        return (ec, es);
    }

    [Theory]
    [MemberData(nameof(Ranges))]
    public void Vector512KernelMatchesMath(double range)
    {
        if (!HasV512) return; // this machine has no AVX-512: the kernel cannot run here (the dispatch test covers it)
        var (ec, es) = MaxErrorV512(RandomArguments(range, 100_000, 1));
        Assert.True(ec <= Bound, $"cos: max |error| {ec:E3} over |x| ≤ {range:G3}");
        Assert.True(es <= Bound, $"sin: max |error| {es:E3} over |x| ≤ {range:G3}");
    }

    [Theory]
    [MemberData(nameof(Ranges))]
    public void Vector256KernelMatchesMath(double range)
    {
        if (!HasV256) return; // no AVX2+FMA: the kernel cannot run here
        var (ec, es) = MaxErrorV256(RandomArguments(range, 100_000, 2));
        Assert.True(ec <= Bound, $"cos: max |error| {ec:E3} over |x| ≤ {range:G3}");
        Assert.True(es <= Bound, $"sin: max |error| {es:E3} over |x| ≤ {range:G3}");
    }

    [Fact]
    public void KernelsAreAccurateNextToMultiplesOfHalfPi()
    {
        var a = NearMultiplesOfHalfPi(40_000);
        if (HasV512)
        {
            var (ec, es) = MaxErrorV512(a);
            Assert.True(ec <= Bound && es <= Bound, $"V512 cos {ec:E3} sin {es:E3}");
        }
        if (HasV256)
        {
            var (ec, es) = MaxErrorV256(a);
            Assert.True(ec <= Bound && es <= Bound, $"V256 cos {ec:E3} sin {es:E3}");
        }
    }

    [Fact]
    public void ScalarFallbackIsMath()
    {
        foreach (double x in RandomArguments(1e8, 1000, 3))
        {
            Assert.Equal(Math.Cos(x), FastTrig.CosScalar(x));
            Assert.Equal(Math.Sin(x), FastTrig.SinScalar(x));
        }
        FastTrigChecks.CheckSpans(FastTrig.CosSpanScalar, FastTrig.SinSpanScalar);
    }

    [Fact]
    public void SpecialValuesInKernels()
    {
        double[] special = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 0.0, -0.0, double.Epsilon, 1e-300];
        if (HasV512)
        {
            var v = Vector512.Create(special);
            FastTrigChecks.CheckSpecial(special, FastTrig.CosV512(v).ToArray(), FastTrig.SinV512(v).ToArray());
        }
        if (HasV256)
        {
            for (int h = 0; h < 2; h++)
            {
                var part = special.AsSpan(4 * h, 4).ToArray();
                var v = Vector256.Create(part);
                FastTrigChecks.CheckSpecial(part, FastTrig.CosV256(v).ToArray(), FastTrig.SinV256(v).ToArray());
            }
        }
    }

    [Fact]
    public void SpanLoopsPerWidth()
    {
        if (HasV512) FastTrigChecks.CheckSpans(FastTrig.CosSpanV512, FastTrig.SinSpanV512);
        if (HasV256) FastTrigChecks.CheckSpans(FastTrig.CosSpanV256, FastTrig.SinSpanV256);
    }

    [Fact]
    public void PublicApiMatchesMathOnActivePath()
    {
        // Run in-process, and again by FastTrigDispatchTests in a child process with narrower ISAs switched off,
        // where CHAOSDESCENT_EXPECT_TRIG_PATH names the path the dispatch must have chosen.
        string? expected = Environment.GetEnvironmentVariable(FastTrigChecks.ExpectPathVariable);
        if (!string.IsNullOrEmpty(expected)) Assert.Equal(expected, FastTrig.ActivePath);
        FastTrigChecks.CheckPublicApi();
    }

    [Fact]
    public void SpanRejectsShortOutput()
    {
        Assert.Throws<ArgumentException>(() => FastTrig.Cos(new double[5], 1.0, new double[4]));
        Assert.Throws<ArgumentException>(() => FastTrig.Sin(new double[5], 1.0, new double[4]));
    }

    [Fact]
    public void ActivePathReflectsHardware()
    {
        string expected = HasV512 ? "vector512" : HasV256 ? "vector256" : "scalar";
        Assert.Equal(expected, FastTrig.ActivePath);
    }
}

/// <summary>Checks shared by the in-process tests and the child-process runs.</summary>
internal static class FastTrigChecks
{
    public const string ExpectPathVariable = "CHAOSDESCENT_EXPECT_TRIG_PATH";

    public delegate void SpanKernel(ReadOnlySpan<double> x, double scale, Span<double> y);

    public static void CheckSpecial(double[] x, double[] c, double[] s)
    {
        for (int k = 0; k < x.Length; k++)
        {
            if (!double.IsFinite(x[k]))
            {
                Assert.True(double.IsNaN(c[k]), $"cos({x[k]}) = {c[k]}, expected NaN");
                Assert.True(double.IsNaN(s[k]), $"sin({x[k]}) = {s[k]}, expected NaN");
                continue;
            }
            // Tiny arguments: cos is 1 within the bound and sin is exactly x (the sign of a zero is not kept:
            // sin(−0) gives +0, which equals −0 as a number).
            Assert.True(Math.Abs(c[k] - 1.0) <= FastTrigTests.Bound, $"cos({x[k]}) = {c[k]}");
            Assert.True(s[k] == x[k], $"sin({x[k]:R}) = {s[k]:R}");
        }
    }

    /// <summary>
    /// A span kernel against Math on lengths that exercise the vector body and the tail, with a scale factor (the
    /// 1/ε of the objectives), in place (x and y the same array), and beyond MaxArgument (exact fallback to Math).
    /// </summary>
    public static void CheckSpans(SpanKernel cos, SpanKernel sin)
    {
        var rng = Xoshiro256.ForStream(7, 7);
        foreach (int n in new[] { 0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 1000 })
        {
            var x = new double[n];
            for (int i = 0; i < n; i++) x[i] = rng.NextDouble(-1.0, 1.0);
            const double scale = 1e8; // ε = 1e-8: phases up to the documented limit
            var yc = new double[n];
            var ys = new double[n];
            cos(x, scale, yc);
            sin(x, scale, ys);
            for (int i = 0; i < n; i++)
            {
                Assert.True(Math.Abs(yc[i] - Math.Cos(scale * x[i])) <= FastTrigTests.Bound, $"cos n={n} i={i}");
                Assert.True(Math.Abs(ys[i] - Math.Sin(scale * x[i])) <= FastTrigTests.Bound, $"sin n={n} i={i}");
            }
            var inPlace = (double[])x.Clone();
            cos(inPlace, scale, inPlace);
            Assert.Equal(yc, inPlace);
        }

        // Lanes beyond MaxArgument, ±∞ and NaN mixed with ordinary ones: the large lanes must equal Math exactly
        // (they go through it), the ordinary ones stay within the bound, non-finite ones give NaN.
        double[] mixed =
        [
            0.5, 1.5e8, -3.0, 1e15, double.MaxValue, 2.0, -1e300, 1e8,
            double.PositiveInfinity, 7.0, double.NaN, -1.00000001e8, 12345.678, double.NegativeInfinity, 1e-3, 9e7, 4e9,
        ];
        var mc = new double[mixed.Length];
        var ms = new double[mixed.Length];
        cos(mixed, 1.0, mc);
        sin(mixed, 1.0, ms);
        for (int i = 0; i < mixed.Length; i++)
        {
            double a = mixed[i];
            if (!double.IsFinite(a))
            {
                Assert.True(double.IsNaN(mc[i]) && double.IsNaN(ms[i]), $"non-finite lane {i}");
            }
            else if (Math.Abs(a) > FastTrig.MaxArgument)
            {
                Assert.Equal(Math.Cos(a), mc[i]);
                Assert.Equal(Math.Sin(a), ms[i]);
            }
            else
            {
                Assert.True(Math.Abs(mc[i] - Math.Cos(a)) <= FastTrigTests.Bound, $"cos lane {i}");
                Assert.True(Math.Abs(ms[i] - Math.Sin(a)) <= FastTrigTests.Bound, $"sin lane {i}");
            }
        }
    }

    /// <summary>The public vector and span entry points, whatever path the dispatch picked.</summary>
    public static void CheckPublicApi()
    {
        var rng = Xoshiro256.ForStream(11, 0);
        double e512c = 0, e512s = 0, e256c = 0, e256s = 0;
        var buf = new double[8];
        for (int n = 0; n < 20_000; n++)
        {
            double range = n % 4 == 0 ? 1.0 : n % 4 == 1 ? 1e4 : n % 4 == 2 ? 1e7 : FastTrig.MaxArgument;
            for (int k = 0; k < 8; k++) buf[k] = rng.NextDouble(-range, range);
            var v = Vector512.Create(buf);
            var c = FastTrig.Cos(v);
            var s = FastTrig.Sin(v);
            var c4 = FastTrig.Cos(v.GetLower());
            var s4 = FastTrig.Sin(v.GetLower());
            for (int k = 0; k < 8; k++)
            {
                e512c = Math.Max(e512c, Math.Abs(c[k] - Math.Cos(buf[k])));
                e512s = Math.Max(e512s, Math.Abs(s[k] - Math.Sin(buf[k])));
            }
            for (int k = 0; k < 4; k++)
            {
                e256c = Math.Max(e256c, Math.Abs(c4[k] - Math.Cos(buf[k])));
                e256s = Math.Max(e256s, Math.Abs(s4[k] - Math.Sin(buf[k])));
            }
        }
        Assert.True(e512c <= FastTrigTests.Bound && e512s <= FastTrigTests.Bound, $"Vector512 API: cos {e512c:E3} sin {e512s:E3}");
        Assert.True(e256c <= FastTrigTests.Bound && e256s <= FastTrigTests.Bound, $"Vector256 API: cos {e256c:E3} sin {e256s:E3}");

        double[] special = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 0.0, -0.0, double.Epsilon, 1e-300];
        var sv = Vector512.Create(special);
        CheckSpecial(special, FastTrig.Cos(sv).ToArray(), FastTrig.Sin(sv).ToArray());
        CheckSpans(FastTrig.Cos, FastTrig.Sin);
    }

    public static double[] ToArray(this Vector512<double> v)
    {
        var a = new double[8];
        v.CopyTo(a);
        return a;
    }

    public static double[] ToArray(this Vector256<double> v)
    {
        var a = new double[4];
        v.CopyTo(a);
        return a;
    }
}
