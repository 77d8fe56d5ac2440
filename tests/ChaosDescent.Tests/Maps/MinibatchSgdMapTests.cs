using ChaosDescent.Analyses.ImplicitBias;
using ChaosDescent.Data;
using ChaosDescent.Maps;
using ChaosDescent.Numerics;
using ChaosDescent.Objectives;
using ChaosDescent.Runners;

namespace ChaosDescent.Tests.Maps;

/// <summary>SGD as a map whose noise is the minibatch, and the orbit driver that iterates every single orbit.</summary>
public class MinibatchSgdMapTests
{
    private static LeastSquaresObjective Objective() => new(DataSources.BuiltinRegression("linreg2d"));

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(50)]
    public void MinibatchDirectionHasTheMeanAndCovarianceOfTheMinibatchGradient(int batch)
    {
        // At a fixed w the SGD direction g_B is an average of b sample gradients drawn without replacement:
        // E g_B = ∇V(w) and Cov g_B = c_b Σ_g(w), c_b = (N − b)/(b(N − 1)).
        var f = Objective();
        var map = new MinibatchSgdMap(f, 0.1, batch);
        var w = new[] { 0.3, -1.2 };
        int d = 2, draws = 40_000;
        var mean = new double[d];
        f.Gradient(w, mean);
        var cov = f.SampleGradientCovariance(w);
        double cb = FiniteSumObjective.BatchFactor(f.Count, batch);
        var rng = Xoshiro256.ForStream(9, 0);
        var g = new double[d];
        var sum = new double[d];
        var sum2 = new double[d * d];
        for (int k = 0; k < draws; k++)
        {
            map.Evaluate(w, g, ref rng, false);
            for (int i = 0; i < d; i++)
            {
                sum[i] += g[i] - mean[i];
                for (int j = 0; j < d; j++) sum2[i * d + j] += (g[i] - mean[i]) * (g[j] - mean[j]);
            }
        }
        for (int i = 0; i < d; i++)
        {
            // Mean: 5 standard errors √(c_b Σ_ii / draws) (false alarm ≈ 6e-7 per coordinate for near-Gaussian means).
            double se = Math.Sqrt(cb * cov[i * d + i] / draws);
            Assert.True(Math.Abs(sum[i] / draws) <= 5 * se, $"mean {i}: {sum[i] / draws} vs SE {se}");
            for (int j = 0; j < d; j++)
            {
                // Covariance entries: SE ≈ √((Σ_ii Σ_jj + Σ_ij²)/draws) for Gaussian-like directions; 6 SE leaves room
                // for the heavier tails of single-sample gradients (b = 1).
                double c = cb * cov[i * d + j];
                double seC = Math.Sqrt((cb * cov[i * d + i] * cb * cov[j * d + j] + c * c) / draws);
                Assert.True(Math.Abs(sum2[i * d + j] / draws - c) <= 6 * seC, $"cov {i}{j}: {sum2[i * d + j] / draws} vs {c}");
            }
        }
    }

    [Fact]
    public void FullBatchSgdIsGradientDescentAndBlocksMatchTheSingleOrbit()
    {
        var f = Objective();
        var sgd = new MinibatchSgdMap(f, 0.1, f.Count);
        var gd = new GradientDescentMap(f, 0.1);
        var rng = Xoshiro256.ForStream(1, 0);
        double[] a = [1.0, 2.0], b = [1.0, 2.0];
        MapIteration.Run(sgd, a, 50, ref rng, MapIteration.None);
        MapIteration.Run(gd, b, 50, ref rng, MapIteration.None);
        for (int i = 0; i < 2; i++) Assert.Equal(b[i], a[i], 1e-13); // per-sample sum vs the closed-form gradient

        // The block step of the SGD map (two chains) equals two single orbits on the same stream, to the bit.
        var map = new MinibatchSgdMap(f, 0.05, 5);
        var block = new double[] { 1.0, -1.0, 0.5, 0.2 }; // SoA: x of chains 0,1 then y of chains 0,1
        double[] c0 = [1.0, 0.5], c1 = [-1.0, 0.2];
        var r1 = Xoshiro256.ForStream(3, 0);
        var r2 = Xoshiro256.ForStream(3, 0);
        var scratch = new double[map.ScratchLength(2)];
        var dir = new double[2];
        for (int t = 0; t < 20; t++)
        {
            map.Step(block, 2, ref r1, scratch);
            map.Evaluate(c0, dir, ref r2, false); map.Advance(c0, dir);
            map.Evaluate(c1, dir, ref r2, false); map.Advance(c1, dir);
        }
        Assert.Equal(c0[0], block[0]);
        Assert.Equal(c1[0], block[1]);
        Assert.Equal(c0[1], block[2]);
        Assert.Equal(c1[1], block[3]);
    }

    [Fact]
    public void OrbitDriverMatchesTheBlockStepAndAllocatesNothingPerStep()
    {
        var f = ObjectiveCatalog.Create("matyas-sincos", 0.05);
        foreach (var name in new[] { "gd", "heavyball", "nag" })
        {
            var map = MapFactory.Create(name, f, 0.01, new MapOptions { StrongConvexity = 0.04 });
            int n = map.StateDimension;
            var a = new double[n];
            var b = new double[n];
            a[0] = b[0] = 0.7; a[1] = b[1] = -0.4;
            map.Initialize(a, 1);
            map.Initialize(b, 1);
            var rng = Xoshiro256.ForStream(1, 0);
            var scratch = new double[map.ScratchLength(1)];
            for (int t = 0; t < 200; t++) map.Step(a, 1, ref rng, scratch);
            long steps = MapIteration.Run(map, b, 200, ref rng, MapIteration.None);
            Assert.Equal(200, steps);
            // Point-wise gradient vs block kernel: equal up to rounding (the orbit contracts to the same basin).
            for (int i = 0; i < n; i++) Assert.Equal(a[i], b[i], 1e-9);
        }

        var gdMap = new GradientDescentMap(Objective(), 0.1);
        var state = new double[] { 1.0, 1.0 };
        var r = Xoshiro256.ForStream(1, 0);
        MapIteration.Run(gdMap, state, 10, ref r, MapIteration.None); // JIT warm-up
        long before = GC.GetAllocatedBytesForCurrentThread();
        MapIteration.Run(gdMap, state, 10, ref r, MapIteration.None);
        long few = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        MapIteration.Run(gdMap, state, 10_000, ref r, MapIteration.None);
        long many = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(few, many);
    }

    [Fact]
    public void ObserversSeeEachStateBeforeTheStepAndCanStopTheOrbit()
    {
        var f = Objective();
        var map = new GradientDescentMap(f, 0.1);
        var seen = new List<(long Step, double X, double Value)>();
        var obs = MapIteration.Observer((long t, ReadOnlySpan<double> x, double value, ReadOnlySpan<double> g) =>
        {
            seen.Add((t, x[0], value));
            return t < 4;
        }, t => t % 2 == 0);
        var state = new[] { 1.0, 2.0 };
        var rng = Xoshiro256.ForStream(1, 0);
        long taken = MapIteration.Run(map, state, 100, ref rng, obs);
        Assert.Equal(5, seen.Count);
        Assert.Equal(4, taken);
        Assert.Equal(1.0, seen[0].X);
        Assert.Equal(f.Value([1.0, 2.0]), seen[0].Value, 1e-15);
        Assert.True(double.IsNaN(seen[1].Value)); // odd steps did not ask for the value
        Assert.Equal(state[0], seen[4].X);       // stopped before step 4 moved x_4
    }
}
