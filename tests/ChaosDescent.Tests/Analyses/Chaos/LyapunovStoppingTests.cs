using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Runners;

namespace ChaosDescent.Tests.Analyses.Chaos;

/// <summary>The convergence criterion of the Lyapunov estimate: extend in chunks until the standard error is small enough.</summary>
public class LyapunovStoppingTests
{
    // logistic map at r = 4 (λ = ln 2): ln|f'| has a heavy left tail, so a short run's standard error is large
    private static LyapunovSettings Base => new()
    {
        Steps = 2_000,
        BurnIn = 100,
        Orbits = 16, // two blocks of 8: the thread count matters to the schedule
        Batches = 20,
        Seed = 7,
        Initial = InitialCondition.Uniform(-0.3, 0.95),
    };

    // a target 2.5 times below one chunk's standard error needs about 2.5² ≈ 6 chunks
    private static readonly double Target = LyapunovEstimator.Run(TestMaps.Logistic(4), Base).StdErr / 2.5;

    [Fact]
    public void StopsOnceTheStandardErrorIsBelowTheTarget()
    {
        double target = Target;
        var r = LyapunovEstimator.Run(TestMaps.Logistic(4), Base with { TargetStdErr = target });
        Assert.True(r.Converged);
        Assert.True(r.StdErr <= target, $"{r.StdErr}");
        Assert.True(r.StepsPerOrbit > Base.Steps, "the target needs more than one chunk");
        Assert.Equal(0, r.StepsPerOrbit % Base.Steps);
        // it stopped at the first chunk boundary where the criterion held
        var previous = r.Running.Single(p => p.Steps == r.StepsPerOrbit - Base.Steps);
        Assert.True(previous.StdErr > target);
        Assert.Equal(r.Lambda, r.Running[^1].Lambda);
        Assert.Equal(r.StdErr, r.Running[^1].StdErr);
        Assert.True(Math.Abs(r.Lambda - Math.Log(2)) <= 5 * r.StdErr, $"{r.Lambda} +- {r.StdErr}");
    }

    [Fact]
    public void ExtendingInChunksEqualsOneRunWithAsManyBatches()
    {
        var chunked = LyapunovEstimator.Run(TestMaps.Logistic(4), Base with { TargetStdErr = Target });
        int chunks = (int)(chunked.StepsPerOrbit / Base.Steps);
        var one = LyapunovEstimator.Run(TestMaps.Logistic(4), Base with { Steps = chunked.StepsPerOrbit, Batches = Base.Batches * chunks });
        Assert.Equal(one.Lambda, chunked.Lambda);
        Assert.Equal(one.StdErr, chunked.StdErr);
        Assert.Equal(one.PerOrbit, chunked.PerOrbit);
        Assert.Equal(one.Running, chunked.Running);
    }

    [Fact]
    public void ReportsWhenTheCapIsReachedFirst()
    {
        var r = LyapunovEstimator.Run(TestMaps.Logistic(4), Base with { TargetStdErr = 1e-9, MaxSteps = 3 * Base.Steps });
        Assert.False(r.Converged);
        Assert.Equal(3 * Base.Steps, r.StepsPerOrbit);
        Assert.True(r.StdErr > 1e-9);
    }

    [Fact]
    public void WithoutATargetTheRunIsTheFixedLengthOneWithItsRunningEstimate()
    {
        var r = LyapunovEstimator.Run(TestMaps.Logistic(4), Base);
        Assert.Null(r.Converged);
        Assert.Equal(Base.Steps, r.StepsPerOrbit);
        Assert.Equal(Base.Batches, r.Running.Count);
        Assert.Equal(r.Lambda, r.Running[^1].Lambda);
        Assert.Equal(r.StdErr, r.Running[^1].StdErr);
        // the first chunk of a target run is this run
        var t = LyapunovEstimator.Run(TestMaps.Logistic(4), Base with { TargetStdErr = Target });
        Assert.Equal(r.Running, t.Running.Take(Base.Batches));
    }

    [Fact]
    public void TheStoppedRunIsBitwiseIndependentOfTheThreadCount()
    {
        var one = LyapunovEstimator.Run(TestMaps.Logistic(4), Base with { TargetStdErr = Target, Threads = 1 });
        var two = LyapunovEstimator.Run(TestMaps.Logistic(4), Base with { TargetStdErr = Target, Threads = 2 });
        Assert.Equal(one.StepsPerOrbit, two.StepsPerOrbit);
        Assert.Equal(one.Lambda, two.Lambda);
        Assert.Equal(one.StdErr, two.StdErr);
        Assert.Equal(one.Running, two.Running);
    }

    [Fact]
    public void ANonPositiveTargetIsAUserError()
    {
        Assert.Throws<UserInputException>(() => LyapunovEstimator.Run(TestMaps.Logistic(4), Base with { TargetStdErr = 0 }));
        Assert.Throws<UserInputException>(() => LyapunovEstimator.Run(TestMaps.Logistic(4), Base with { TargetStdErr = 0.01, MaxSteps = 100 }));
    }
}
