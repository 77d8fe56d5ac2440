using ChaosDescent.Objectives;

namespace ChaosDescent.Learning;

/// <summary>How a run behaved, from its loss statistics and Lyapunov exponent.</summary>
public enum TrainingRegime
{
    /// <summary>The loss never rose over the late window: GD is descending towards a minimum (Fig. 7).</summary>
    Converging,

    /// <summary>The loss rose and fell (e.g. at the edge of stability, sharpness ≈ 2/η) but λ is not significantly positive.</summary>
    Oscillating,

    /// <summary>Non-converging with λ − 2·SE &gt; 0: sensitive dependence on the initial condition (Fig. 6).</summary>
    Chaotic,

    /// <summary>The loss blew up (non-finite, or above the divergence threshold).</summary>
    Diverged,
}

/// <summary>The numbers of one run, as printed by <c>train --json</c> (snake_case via <c>Json.Serialize</c>).</summary>
public sealed record RunSummary(
    double Lr,
    double Momentum,
    int Epochs,
    double FinalLoss,
    double LossMeanLate,
    double LossStdLate,
    double IncreaseFractionLate,
    bool Converged,
    bool Diverged,
    int DivergedAtEpoch,
    double Lyapunov,
    double LyapunovSe,
    double Sharpness,
    double TwoOverLr,
    double StabilityThreshold,
    string Regime,
    double TestLoss,
    double Seconds)
{
    public static RunSummary From(TrainingResult r)
    {
        var regime = Classify(r);
        return new RunSummary(r.Settings.LearningRate, r.Settings.Momentum, r.Settings.Epochs, r.FinalLoss, r.Late.Mean,
            r.Late.StandardDeviation, r.Late.IncreaseFraction, r.Late.Converged, r.Diverged, r.DivergedAtEpoch, r.Lyapunov,
            r.LyapunovStandardError, r.FinalSharpness, 2 / r.Settings.LearningRate, r.StabilityThreshold, regime.ToString().ToLowerInvariant(),
            r.TestLosses.Length > 0 && !r.Diverged ? r.TestLosses[^1] : double.NaN, r.Seconds);
    }

    /// <summary>
    /// Diverged if the run blew up; Converging if the late loss never rose (<see cref="LossWindowStatistics"/>);
    /// otherwise Chaotic when the Lyapunov exponent exceeds twice its standard error, else Oscillating.
    /// </summary>
    public static TrainingRegime Classify(TrainingResult r) =>
        r.Diverged ? TrainingRegime.Diverged
        : r.Late.Converged ? TrainingRegime.Converging
        : double.IsFinite(r.Lyapunov) && double.IsFinite(r.LyapunovStandardError) && r.Lyapunov - 2 * r.LyapunovStandardError > 0
            ? TrainingRegime.Chaotic
            : TrainingRegime.Oscillating;
}

/// <summary>The runs of a learning-rate sweep (ascending η) and where training stops converging.</summary>
public sealed class SweepResult
{
    public required IReadOnlyList<TrainingResult> Runs { get; init; }

    /// <summary>
    /// The transition learning rate: the smallest swept η whose run did <b>not</b> converge (its late-window loss
    /// rose at least once, or it diverged; see <see cref="LossWindowStatistics.Converged"/>). The transition lies
    /// in (<see cref="LastConvergedLr"/>, TransitionLr]. Null when every run converged. It depends on the epoch
    /// budget: progressive sharpening raises λ_max over training, so longer runs reach 2/η at smaller η.
    /// </summary>
    public double? TransitionLr { get; init; }

    /// <summary>The largest swept η below <see cref="TransitionLr"/> (all runs up to it converged); null if none.</summary>
    public double? LastConvergedLr { get; init; }

    /// <summary>Transition as defined at <see cref="TransitionLr"/>, from runs sorted by η.</summary>
    public static (double? Transition, double? LastConverged) Locate(IReadOnlyList<TrainingResult> runsAscending)
    {
        double? last = null;
        foreach (var r in runsAscending)
        {
            if (!r.Late.Converged || r.Diverged) return (r.Settings.LearningRate, last);
            last = r.Settings.LearningRate;
        }
        return (null, last);
    }
}

/// <summary>Runs the same initialization at several learning rates.</summary>
public static class LearningRateSweep
{
    /// <summary>
    /// Trains from <paramref name="initial"/> at every η in <paramref name="learningRates"/> (sorted ascending,
    /// duplicates removed) with otherwise identical <paramref name="settings"/>. Runs execute in parallel on up to
    /// <paramref name="threads"/> threads, each with its own loss from <paramref name="lossFactory"/>; the
    /// results do not depend on the thread count.
    /// </summary>
    public static SweepResult Run(Func<IScalarField> lossFactory, Func<IScalarField?> testFactory, ReadOnlySpan<double> initial,
        TrainingSettings settings, IReadOnlyList<double> learningRates, int threads = 1, IProgress<double>? progress = null)
    {
        var lrs = learningRates.Distinct().Order().ToArray();
        if (lrs.Length == 0) throw new UserInputException("the sweep needs at least one learning rate");
        foreach (var lr in lrs)
            if (!(lr > 0) || !double.IsFinite(lr)) throw new UserInputException($"learning rates must be positive and finite, got {lr}");
        var theta0 = initial.ToArray();
        var results = new TrainingResult[lrs.Length];
        var fractions = new double[lrs.Length];
        var gate = new object();
        void Report()
        {
            if (progress is null) return;
            double s;
            lock (gate) s = fractions.Sum() / fractions.Length;
            progress.Report(s);
        }
        Parallel.For(0, lrs.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, i =>
        {
            var p = new Progress(f => { lock (gate) fractions[i] = f; Report(); });
            results[i] = Trainer.Run(lossFactory(), theta0, settings with { LearningRate = lrs[i] }, p, testFactory());
        });
        var (transition, last) = SweepResult.Locate(results);
        return new SweepResult { Runs = results, TransitionLr = transition, LastConvergedLr = last };
    }

    private sealed class Progress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
