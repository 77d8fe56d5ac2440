using ChaosDescent.Statistics;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;
using ChaosDescent.Runners;

namespace ChaosDescent.Tests.Runners;

public class EnsembleObserverTests
{
    private static readonly MultiscaleObjective QuarticSin = ObjectiveCatalog.Create("quartic-sin", 1e-6);

    private static EnsembleSettings Settings(int threads, int k = 40) => new()
    {
        Particles = 3000,
        Steps = k,
        Seed = 9,
        Threads = threads,
        SnapshotSteps = [0, k],
        Initial = InitialCondition.Uniform(-1, 1),
        BlockSize = 256,
    };

    /// <summary>Counts calls per block and step, and checks that every block is seen at every step exactly once, in step order.</summary>
    private sealed class CallCounter : IEnsembleObserver
    {
        public int[][] Seen = [];
        public int[] LastStep = [];
        public bool OutOfOrder;

        public void Begin(EnsembleLayout layout)
        {
            Seen = Enumerable.Range(0, layout.Blocks).Select(_ => new int[layout.Steps + 1]).ToArray();
            LastStep = Enumerable.Repeat(-1, layout.Blocks).ToArray();
        }

        public void Observe(in EnsembleBlockView block)
        {
            Seen[block.Block][block.Step]++;
            if (block.Step != LastStep[block.Block] + 1) OutOfOrder = true;
            LastStep[block.Block] = block.Step;
        }

        public void End() { }
    }

    [Fact]
    public void EveryBlockIsSeenOnceAtEveryStep()
    {
        var counter = new CallCounter();
        EnsembleRunner.Run(new StochasticMap(QuarticSin, 0.1), Settings(2), [counter]);
        Assert.Equal((3000 + 255) / 256, counter.Seen.Length);
        Assert.All(counter.Seen, row => Assert.All(row, c => Assert.Equal(1, c)));
        Assert.False(counter.OutOfOrder);
    }

    [Fact]
    public void AHistogramOfTheLastStepIsTheHistogramOfTheFinalSnapshot()
    {
        const int k = 40;
        var hist = new HistogramObserver([(-1.5, 1.5)], 60, fromStep: k, toStep: k);
        var r = EnsembleRunner.Run(new GradientDescentMap(QuarticSin, 0.1), Settings(2, k), [hist]);
        var direct = new Histogram1D(-1.5, 1.5, 60);
        direct.AddRange(r.Final.Positions);
        Assert.Equal(direct.Counts.ToArray(), hist.Histograms[0].Counts.ToArray());
        Assert.Equal(direct.Underflow + direct.Overflow, hist.Histograms[0].Underflow + hist.Histograms[0].Overflow);
    }

    [Fact]
    public void RunningMomentsOverBlocksAgreeWithOnePassOverAllParticleSteps()
    {
        const int k = 20;
        var moments = new MomentsObserver(fromStep: 1);
        var snaps = Settings(1, k) with { SnapshotSteps = Enumerable.Range(1, k).ToArray() };
        var r = EnsembleRunner.Run(new StochasticMap(QuarticSin, 0.1), snaps, [moments]);
        var one = new RunningMoments();
        foreach (var s in r.Snapshots) one.AddRange(s.Positions);
        var m = moments.Moments[0];
        var o = one.Snapshot();
        Assert.Equal(o.Count, m.Count);
        // the pairwise (Chan–Pébay) combination differs from one pass only by rounding
        Assert.Equal(o.Mean, m.Mean, 1e-12);
        Assert.Equal(o.Variance, m.Variance, 1e-12);
        Assert.Equal(o.Skewness, m.Skewness, 1e-9);
        Assert.Equal(o.ExcessKurtosis, m.ExcessKurtosis, 1e-9);
        Assert.Equal(o.Min, m.Min);
        Assert.Equal(o.Max, m.Max);
    }

    [Fact]
    public void MergingMomentsEqualsAddingTheSamples()
    {
        var rng = ChaosDescent.Numerics.Xoshiro256.ForStream(3, 0);
        var xs = Enumerable.Range(0, 1001).Select(_ => Math.Exp(rng.NextGaussian())).ToArray();
        var a = new RunningMoments();
        var b = new RunningMoments();
        a.AddRange(xs.AsSpan(0, 300));
        b.AddRange(xs.AsSpan(300));
        a.Merge(b);
        var all = RunningMoments.Of(xs);
        var m = a.Snapshot();
        Assert.Equal(all.Count, m.Count);
        Assert.Equal(all.Mean, m.Mean, 1e-12);
        Assert.Equal(all.Variance, m.Variance, 1e-12);
        Assert.Equal(all.Skewness, m.Skewness, 1e-10);
        Assert.Equal(all.ExcessKurtosis, m.ExcessKurtosis, 1e-9);
        var empty = new RunningMoments();
        empty.Merge(a);
        Assert.Equal(m, empty.Snapshot());
    }

    [Theory]
    [InlineData("gd")]
    [InlineData("stochastic")]
    [InlineData("heavyball")]
    public void EveryObserverIsBitwiseIndependentOfTheThreadCount(string mapName)
    {
        var map = MapFactory.Create(mapName, QuarticSin, 0.1);
        (Histogram1D[] H, Moments[] M, double[][][] T, EnsembleResult R) Run(int threads)
        {
            var h = new HistogramObserver([(-1.5, 1.5)], 50, fromStep: 10);
            var m = new MomentsObserver(fromStep: 10);
            var t = new TraceObserver(3, 25);
            var r = EnsembleRunner.Run(map, Settings(threads), [h, m, t]);
            return (h.Histograms, m.Moments, t.Trace, r);
        }
        var one = Run(1);
        var two = Run(2);
        Assert.Equal(one.H[0].Counts.ToArray(), two.H[0].Counts.ToArray());
        Assert.Equal(one.M[0], two.M[0]); // record equality: every double bitwise
        Assert.Equal(one.T[0], two.T[0]);
        Assert.Equal(one.R.Final.Positions, two.R.Final.Positions);
        Assert.Equal(one.R.DivergedAt, two.R.DivergedAt);
    }

    [Fact]
    public void NoSnapshotsKeepsNone()
    {
        var r = EnsembleRunner.Run(new GradientDescentMap(QuarticSin, 0.1), Settings(1) with { SnapshotSteps = [] }, [new MomentsObserver()]);
        Assert.Empty(r.Snapshots);
    }
}
