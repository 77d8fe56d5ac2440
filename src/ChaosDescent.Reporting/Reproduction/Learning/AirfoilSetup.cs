using ChaosDescent.Learning;
using ChaosDescent.Data;

namespace ChaosDescent.Reporting.Reproduction.Learning;

/// <summary>
/// The set-up of Sec. 3.3: UCI Airfoil (all 1503 samples, no split: the paper trains on the data set and shows the
/// training loss), a 5-16-1 MLP with leaky ReLU (slope 0.01), MSE loss, full-batch GD, one initialization shared by
/// every learning rate. The paper does not state its preprocessing; <see cref="Preprocessing"/> selects ours.
/// </summary>
internal sealed class AirfoilSetup
{
    public AirfoilSetup(Preprocessing preprocessing, ulong seed)
    {
        Data = DataPreparation.Prepare(AirfoilData.Load(), preprocessing, 0, seed).Train;
        Model = new Mlp([5, 16, 1], Activation.LeakyRelu(0.01));
        Theta0 = Model.CreateParameters(seed);
        Preprocessing = preprocessing;
    }

    public RegressionData Data { get; }
    public Mlp Model { get; }
    public double[] Theta0 { get; }
    public Preprocessing Preprocessing { get; }

    public MlpLoss NewLoss() => new(Model, Data);

    public TrainingSettings Settings(double lr, int epochs, ulong seed) => new()
    {
        LearningRate = lr,
        Epochs = epochs,
        LateFraction = 0.25,
        SharpnessPoints = 40,
        WatchedParameters = Model.DefaultWatchedParameters(),
        Seed = seed,
    };

    /// <summary>Runs several learning rates from <see cref="Theta0"/>, in parallel on up to <paramref name="threads"/> threads.</summary>
    public TrainingResult[] RunAll(IReadOnlyList<double> lrs, int epochs, ulong seed, int threads, IProgress<double>? progress)
    {
        var results = new TrainingResult[lrs.Count];
        var done = new double[lrs.Count];
        var gate = new object();
        Parallel.For(0, lrs.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, i =>
        {
            var p = new Relay(f =>
            {
                double s;
                lock (gate) { done[i] = f; s = done.Sum() / done.Length; }
                progress?.Report(s);
            });
            results[i] = Trainer.Run(NewLoss(), Theta0, Settings(lrs[i], epochs, seed), p);
        });
        return results;
    }

    public static int Threads(ReproductionContext c) => c.Threads > 0 ? c.Threads : Environment.ProcessorCount;

    private sealed class Relay(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
