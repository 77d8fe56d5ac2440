using ChaosDescent.Maps;
using ChaosDescent.Objectives;
using ChaosDescent.Runners;

namespace ChaosDescent.Tests.Runners;

public class EnsembleRunnerTests
{
    private static EnsembleResult Run(string map, int threads, ulong seed = 5, int n = 5000, int k = 50, string init = "uniform:-1,1")
    {
        var f = ObjectiveCatalog.Create("quartic-sin", 1e-6);
        var m = MapFactory.Create(map, f, 0.1);
        return EnsembleRunner.Run(m, new EnsembleSettings
        {
            Particles = n,
            Steps = k,
            Seed = seed,
            Threads = threads,
            SnapshotSteps = [0, k / 2, k],
            Initial = InitialCondition.Parse(init),
            BlockSize = 512,
        });
    }

    [Theory]
    [InlineData("gd")]
    [InlineData("stochastic")]
    [InlineData("gaussian")]
    [InlineData("heavyball")]
    public void ResultsAreBitwiseIndependentOfTheThreadCount(string map)
    {
        var a = Run(map, 1);
        var b = Run(map, 2);
        for (int s = 0; s < a.Snapshots.Count; s++)
            Assert.Equal(a.Snapshots[s].Positions, b.Snapshots[s].Positions);
    }

    [Fact]
    public void SameSeedSameResultOtherSeedOtherResult()
    {
        Assert.Equal(Run("stochastic", 2, 9).Final.Positions, Run("stochastic", 2, 9).Final.Positions);
        Assert.NotEqual(Run("stochastic", 2, 9).Final.Positions, Run("stochastic", 2, 10).Final.Positions);
    }

    [Fact]
    public void SnapshotZeroIsTheInitialEnsemble()
    {
        var r = Run("gd", 2, init: "uniform:0.25,0.75");
        var x0 = r.At(0).Coordinate(0);
        Assert.Equal(5000, x0.Length);
        Assert.All(x0, v => Assert.InRange(v, 0.25, 0.75));
    }

    [Fact]
    public void DivergedParticlesAreCountedWithTheirStepAndExcluded()
    {
        // x⁴/4 with η = 0.1: |x| above ≈ 2.6 is unstable (η f0'' > 2); start some particles out there.
        var r = Run("gd", 2, init: "uniform:-6,6", k: 60);
        Assert.True(r.Divergence.Count > 0);
        Assert.True(r.Divergence.FirstStep is >= 1 and <= 10, $"first divergence at {r.Divergence.FirstStep}");
        var finite = r.Final.Coordinate(0);
        Assert.Equal(5000 - r.Divergence.Count, finite.Length);
        Assert.All(finite, v => Assert.True(Math.Abs(v) < 3));
        // a particle started inside the stable region never diverges
        Assert.True(r.Divergence.Count < 5000 * (6 - 2.3) / 6);
    }

    [Fact]
    public void ImpossibleSizesAreRefusedBeforeAllocating()
    {
        var f = ObjectiveCatalog.Create("quartic-sin");
        var e = Assert.Throws<UserInputException>(() => EnsembleRunner.Run(new GradientDescentMap(f, 0.1),
            new EnsembleSettings { Particles = int.MaxValue, Steps = 10, SnapshotSteps = [0, 5, 10] }));
        Assert.Contains("GB", e.Message);
    }

    [Fact]
    public void ProgressReachesOne()
    {
        var f = ObjectiveCatalog.Create("quartic-sin");
        double last = 0;
        var p = new SyncProgress(v => last = Math.Max(last, v));
        EnsembleRunner.Run(new GradientDescentMap(f, 0.1), new EnsembleSettings { Particles = 3000, Steps = 130, BlockSize = 512 }, p);
        Assert.Equal(1.0, last, 6);
    }

    private sealed class SyncProgress(Action<double> a) : IProgress<double>
    {
        public void Report(double value)
        {
            lock (this) a(value);
        }
    }

    /// <summary>An objective with internal buffers: counts how many threads are inside it at once.</summary>
    private sealed class SingleThreadedObjective(IScalarField inner, bool declareThreadSafe) : IScalarField
    {
        private int inside;

        public int MostThreadsInside { get; private set; }
        public int Dimension => inner.Dimension;
        public bool IsThreadSafe => declareThreadSafe;
        public double Value(ReadOnlySpan<double> x) => inner.Value(x);
        public void Gradient(ReadOnlySpan<double> x, Span<double> gradient) => inner.Gradient(x, gradient);
        public void Hessian(ReadOnlySpan<double> x, Span<double> hessian) => inner.Hessian(x, hessian);

        public void AccumulateGradient(ReadOnlySpan<double> x, Span<double> gradient, int count)
        {
            int now = Interlocked.Increment(ref inside);
            lock (this) MostThreadsInside = Math.Max(MostThreadsInside, now);
            // Long enough per call that two threads handed blocks at once overlap here.
            Thread.SpinWait(20_000);
            inner.AccumulateGradient(x, gradient, count);
            Interlocked.Decrement(ref inside);
        }
    }

    [Fact]
    public void AnObjectiveThatIsNotThreadSafeIsCalledByOneThreadAtATimeWithTheSameResult()
    {
        var inner = ObjectiveCatalog.Create("quartic-sin", 1e-6);
        EnsembleResult RunWith(SingleThreadedObjective f) => EnsembleRunner.Run(MapFactory.Create("gd", f, 0.1), new EnsembleSettings
        {
            Particles = 64 * 8,
            Steps = 20,
            Seed = 3,
            Threads = 4,
            SnapshotSteps = [20],
            Initial = InitialCondition.Parse("uniform:-1,1"),
            BlockSize = 8,
        });
        var serial = new SingleThreadedObjective(inner, declareThreadSafe: false);
        var shared = new SingleThreadedObjective(inner, declareThreadSafe: true);
        var a = RunWith(serial);
        var b = RunWith(shared);
        Assert.Equal(1, serial.MostThreadsInside);
        Assert.Equal(a.Final.Positions, b.Final.Positions);
    }
}

public class OrbitRunnerTests
{
    [Fact]
    public void OrbitTimeAverageMatchesTheGibbsVariance()
    {
        // Sec. 3.1 / Fig. 3(b): one orbit's histogram converges to rescaled Gibbs. E x² under exp(−x⁴/η) (σ² = 1/2, η = 0.1)
        // is √η·Γ(3/4)/Γ(1/4) = 0.10688. The orbit is correlated, so the tolerance is generous (3 %) for 4e5 steps.
        var f = ObjectiveCatalog.Create("quartic-sin", 1e-6);
        var r = OrbitRunner.Run(new GradientDescentMap(f, 0.1), new OrbitSettings
        {
            Start = [0.3],
            Steps = 400_000,
            BurnIn = 1000,
            Ranges = [(-1.5, 1.5)],
            Bins = 60,
            TraceLength = 10,
        });
        Assert.Null(r.DivergedAtStep);
        Assert.Equal(10, r.Trace.Length);
        Assert.Equal(0.3, r.Trace[0][0]);
        double expected = Math.Sqrt(0.1) * 1.2254167024651776 / 3.6256099082219083;
        Assert.InRange(r.Moments[0].SecondMoment, 0.97 * expected, 1.03 * expected);
    }

    [Fact]
    public void DivergenceStopsTheOrbitWithItsStep()
    {
        var f = ObjectiveCatalog.Create("quartic-sin", 1e-6);
        var r = OrbitRunner.Run(new GradientDescentMap(f, 0.1), new OrbitSettings { Start = [5.0], Steps = 1000, Ranges = [(-2, 2)] });
        Assert.NotNull(r.DivergedAtStep);
        Assert.True(r.DivergedAtStep < 10);
    }
}
