using ChaosDescent.Learning;

namespace ChaosDescent.Tests.Learning;

public class TrainerTests
{
    private static (MlpLoss Loss, double[] Theta0) Small(ulong seed)
    {
        var data = MlpLossTests.RandomData(120, 3, 1, 5);
        var model = new Mlp([3, 8, 1], Activation.Tanh());
        return (new MlpLoss(model, data), model.CreateParameters(seed));
    }

    private static TrainingSettings Settings(double eta, int epochs = 600) => new()
    {
        LearningRate = eta,
        Epochs = epochs,
        SharpnessPoints = 5,
        WatchedParameters = [0, 3],
        Seed = 9,
    };

    [Fact]
    public void RunsAreReproducibleWithASeed()
    {
        var (l1, t1) = Small(3);
        var (l2, t2) = Small(3);
        var a = Trainer.Run(l1, t1, Settings(0.05));
        var b = Trainer.Run(l2, t2, Settings(0.05));
        Assert.Equal(a.Losses, b.Losses);
        Assert.Equal(a.FinalParameters, b.FinalParameters);
        Assert.Equal(a.Lyapunov, b.Lyapunov);
        Assert.Equal(a.SharpnessValues, b.SharpnessValues);
        var (l3, t3) = Small(4);
        Assert.NotEqual(a.Losses, Trainer.Run(l3, t3, Settings(0.05)).Losses);
    }

    [Fact]
    public void SmallStepsConvergeBelowTheEdgeOfStability()
    {
        var (loss, theta0) = Small(1);
        var r = Trainer.Run(loss, theta0, Settings(0.02, 1000));
        Assert.False(r.Diverged);
        Assert.True(r.Late.Converged);
        Assert.Equal(0, r.Late.IncreaseFraction);
        Assert.True(r.FinalLoss < r.Losses[0]);
        Assert.True(r.FinalSharpness * 0.02 < 2);
        Assert.True(double.IsFinite(r.Lyapunov) && double.IsFinite(r.LyapunovStandardError));
        Assert.Equal(2, r.WatchedTraces.Length);
        Assert.Equal(r.Late.Length, r.WatchedTraces[0].Length);
        Assert.Equal(theta0.Length, r.FinalParameters.Length);
        // The sharpness schedule uses even epochs only (the phase of a period-2 orbit stays fixed).
        Assert.All(r.SharpnessEpochs, e => Assert.Equal(0, e % 2));
    }

    [Fact]
    public void HugeStepsAreDetectedAsDivergence()
    {
        var (loss, theta0) = Small(1);
        var r = Trainer.Run(loss, theta0, Settings(50, 1000));
        Assert.True(r.Diverged);
        Assert.InRange(r.DivergedAtEpoch, 0, 100);
        Assert.True(double.IsNaN(r.FinalLoss));
        Assert.Equal(TrainingRegime.Diverged, RunSummary.Classify(r));
    }

    [Fact]
    public void LateWindowStatisticsFollowTheirDefinition()
    {
        double[] descending = [5, 4, 3, 2.5, 2.25, 2.25 * (1 + 1e-12)];
        var s = LossWindowStatistics.Compute(descending, 2);
        Assert.True(s.Converged);                  // a rise below the 1e-9 rounding tolerance does not count
        Assert.Equal(4, s.Length);
        Assert.Equal((3 + 2.5 + 2.25 + 2.25 * (1 + 1e-12)) / 4, s.Mean, 1e-15);
        double[] zigzag = [1, 2, 1, 2, 1, 2];
        var z = LossWindowStatistics.Compute(zigzag, 0);
        Assert.False(z.Converged);
        Assert.Equal(0.6, z.IncreaseFraction, 1e-15);  // 3 rises in 5 steps
        Assert.Equal(Math.Sqrt(0.3), z.StandardDeviation, 1e-15);
    }

    [Fact]
    public void TransitionIsTheSmallestNonConvergingRate()
    {
        var (loss, theta0) = Small(1);
        // η = 0.02 and 0.05 converge; 50 diverges.
        var sweep = LearningRateSweep.Run(() => Small(1).Loss, () => null, theta0, Settings(0.02, 400), [50, 0.05, 0.02], threads: 2);
        Assert.Equal([0.02, 0.05, 50], sweep.Runs.Select(r => r.Settings.LearningRate));
        Assert.Equal(50, sweep.TransitionLr);
        Assert.Equal(0.05, sweep.LastConvergedLr);
        // Same runs as one at a time (thread-count independence of the sweep).
        var single = Trainer.Run(loss, theta0, Settings(0.05, 400));
        Assert.Equal(single.Losses, sweep.Runs[1].Losses);
    }
}
