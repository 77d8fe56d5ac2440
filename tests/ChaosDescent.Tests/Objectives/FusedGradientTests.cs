using System.Numerics.Tensors;
using ChaosDescent.Maps;
using ChaosDescent.Numerics;
using ChaosDescent.Objectives;

namespace ChaosDescent.Tests.Objectives;

/// <summary>
/// The one-pass kernel (FusedGradient) must reproduce the separate block kernels bit for bit: f0' pass, sine-term
/// pass, then x + (−η)·g. Checked on every catalog objective it serves, on block sizes that exercise the unrolled
/// loops and the scalar tail, and on phases x/ε up to 1e8.
/// </summary>
public class FusedGradientTests
{
    public static TheoryData<string> FusableObjectives()
    {
        var data = new TheoryData<string>();
        foreach (var e in ObjectiveCatalog.Entries)
        {
            var f = ObjectiveCatalog.Create(e.Name);
            if (FusedGradient.TryCreate(f.Macro, f.Micro, f.Epsilon) is not null) data.Add(e.Name);
        }
        return data;
    }

    [Fact]
    public void TheSec31ObjectiveAndItsRelativesAreFused()
    {
        foreach (var name in new[] { "quartic-sin", "quartic-quasiperiodic", "quartic-negcos", "doublewell-sin", "quadratic-sin" })
        {
            var f = ObjectiveCatalog.Create(name);
            Assert.True(FusedGradient.TryCreate(f.Macro, f.Micro, f.Epsilon) is not null, name);
        }
        // Not a sine sum: stays on the separate kernels.
        var nested = ObjectiveCatalog.Create("quadratic-nested-cos");
        Assert.Null(FusedGradient.TryCreate(nested.Macro, nested.Micro, nested.Epsilon));
    }

    private static double[] Block(int count, double range, ulong stream)
    {
        var rng = Xoshiro256.ForStream(31, stream);
        var x = new double[count];
        for (int i = 0; i < count; i++) x[i] = rng.NextDouble(-range, range);
        return x;
    }

    [Theory]
    [MemberData(nameof(FusableObjectives))]
    public void GradientStepIsBitIdenticalToTheSeparatePasses(string name)
    {
        foreach (double eps in new[] { 1e-3, 1e-6, 1e-7 })
        {
            var f = ObjectiveCatalog.Create(name, eps);
            var map = (GradientDescentMap)MapFactory.Create("gd", f, 0.1);
            foreach (int count in new[] { 1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 100, 2048 })
            {
                var x0 = Block(count, 10.0, (ulong)count);
                // Reference: the separate kernels, as GradientDescentMap.Step ran them before fusion.
                var expected = (double[])x0.Clone();
                var g = new double[count];
                f.Macro.AccumulateGradient(expected, g, count);
                f.Micro!.AccumulateGradient(expected, eps, g, count);
                TensorPrimitives.MultiplyAdd(g, -0.1, expected, expected);

                var actual = (double[])x0.Clone();
                var rng = Xoshiro256.ForStream(1, 1);
                map.Step(actual, count, ref rng, new double[map.ScratchLength(count)]);
                Assert.Equal(Bits(expected), Bits(actual));
            }
        }
    }

    [Theory]
    [MemberData(nameof(FusableObjectives))]
    public void AccumulateGradientIsBitIdenticalToTheSeparatePasses(string name)
    {
        var f = ObjectiveCatalog.Create(name, 1e-7);
        foreach (int count in new[] { 1, 5, 8, 13, 16, 64, 1000 })
        {
            var x = Block(count, 10.0, 100 + (ulong)count);
            var start = Block(count, 1.0, 200 + (ulong)count); // g is accumulated into, not overwritten
            var expected = (double[])start.Clone();
            f.Macro.AccumulateGradient(x, expected, count);
            f.Micro!.AccumulateGradient(x, f.Epsilon, expected, count);
            var actual = (double[])start.Clone();
            f.AccumulateGradient(x, actual, count);
            Assert.Equal(Bits(expected), Bits(actual));
        }
    }

    [Fact]
    public void GradientStepMatchesTheClosedForm()
    {
        // Independent of the block kernels: x − η(x³ + cos(x·(1/ε))) with Math.Cos, to FastTrig's bound. The phase is
        // the product x·(1/ε), as the block kernels form it (x/ε would differ by an ulp of a phase up to 2e6).
        const double eps = 1e-6, eta = 0.1;
        var f = ObjectiveCatalog.Create("quartic-sin", eps);
        var map = MapFactory.Create("gd", f, eta);
        var x = Block(2048, 2.0, 7);
        var y = (double[])x.Clone();
        var rng = Xoshiro256.ForStream(1, 1);
        map.Step(y, y.Length, ref rng, new double[map.ScratchLength(y.Length)]);
        double scale = 1.0 / eps;
        for (int i = 0; i < x.Length; i++)
        {
            double expected = x[i] - eta * (x[i] * x[i] * x[i] + Math.Cos(x[i] * scale));
            // A few roundings of x, x³ and the sum (ulp ≤ 2.2e-16·(1 + |x| + |x|³)) plus η times FastTrig's 4.4e-16.
            double tol = 4 * 2.2e-16 * (1 + Math.Abs(x[i]) + Math.Pow(Math.Abs(x[i]), 3)) + eta * 4.5e-16;
            Assert.True(Math.Abs(y[i] - expected) <= tol, $"x = {x[i]:R}: {y[i]:R} vs {expected:R}");
        }
    }

    private static long[] Bits(double[] v) => v.Select(BitConverter.DoubleToInt64Bits).ToArray();
}
