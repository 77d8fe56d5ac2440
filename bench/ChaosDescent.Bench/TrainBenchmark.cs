using System.Diagnostics;
using System.Runtime.Intrinsics;
using ChaosDescent.Learning;
using ChaosDescent.Maps;
using ChaosDescent.Numerics;
using ChaosDescent.Runners;
using ChaosDescent.Data;

namespace ChaosDescent.Bench;

/// <summary>What <c>chaosdescent bench train --json</c> prints.</summary>
public sealed record TrainBenchmarkResult
{
    public required string Benchmark { get; init; }
    public required string Workload { get; init; }

    /// <summary>Full-batch epochs per second of the fastest repetition.</summary>
    public required double EpochsPerSecond { get; init; }

    public required int Threads { get; init; }
    public required int Epochs { get; init; }

    /// <summary>Seconds of the fastest repetition.</summary>
    public required double Seconds { get; init; }

    /// <summary>Epochs per second of every repetition, in order.</summary>
    public required double[] RepeatsPerSecond { get; init; }

    /// <summary>L(θ) at the start of the last epoch of a repetition (as the anchor prints it).</summary>
    public required double FinalLoss { get; init; }

    /// <summary>Bytes allocated per epoch on the timing thread during the timed loop (0 on one thread).</summary>
    public required double AllocatedBytesPerEpoch { get; init; }

    public required string Simd { get; init; }
    public required int ProcessorCount { get; init; }
}

/// <summary>
/// Full-batch GD epochs per second on the workload of the numpy anchor <c>bench/anchors/mlp_numpy.py</c>:
/// the whole Airfoil data set (1503 samples, inputs and target standardized with the population std), a 5-16-1
/// leaky-ReLU (slope 0.01) MLP, W ~ N(0, 1/fan-in), b = 0, MSE loss (1/n)Σr², learning rate 0.02, 3000 epochs.
/// One epoch = forward + backward over all samples + the parameter update, as in the anchor. Every repetition
/// restarts from the same initialization; the fastest is reported (shared machines are noisy).
/// </summary>
public static class TrainBenchmark
{
    public const string Workload = "airfoil 5-16-1 leakyrelu(0.01), full batch n=1503, MSE, GD lr=0.02";

    public static TrainBenchmarkResult Run(int threads = 1, int epochs = 3000, int repeats = 3, double lr = 0.02, ulong seed = 0,
        IProgress<double>? progress = null)
    {
        if (threads < 1) throw new UserInputException($"--threads must be at least 1, got {threads}");
        if (epochs < 1) throw new UserInputException($"--epochs must be at least 1, got {epochs}");
        if (repeats < 1) throw new UserInputException($"--repeats must be at least 1, got {repeats}");
        var raw = AirfoilData.Load();
        var data = raw.Standardize(raw.FitStandardization());
        var model = new Mlp([5, 16, 1], Activation.LeakyRelu(0.01));
        var loss = new MlpLoss(model, data, threads);
        var theta0 = model.CreateParameters(seed);
        var theta = new double[model.ParameterCount];
        // The library's training path: the GD map on the network loss, iterated by the orbit driver, with the loss
        // observer that keeps L(θ_t) (computed in the same backpropagation pass as the gradient).
        var map = new GradientDescentMap(loss, lr);
        double last = double.NaN;
        var lossObserver = MapIteration.Observer((long _, ReadOnlySpan<double> _, double value, ReadOnlySpan<double> _) =>
        {
            last = value;
            return true;
        }, _ => true);
        var rng = Xoshiro256.ForStream(seed, 0); // unused: GD is deterministic

        // Warm-up (JIT tiers, caches), then the timed repetitions from the initialization.
        theta0.CopyTo(theta);
        MapIteration.Run(map, theta, Math.Min(epochs, 500), ref rng, lossObserver);

        var rates = new double[repeats];
        var sw = new Stopwatch();
        double best = double.PositiveInfinity, allocPerEpoch = 0;
        for (int r = 0; r < repeats; r++)
        {
            theta0.CopyTo(theta);
            long alloc0 = GC.GetAllocatedBytesForCurrentThread();
            sw.Restart();
            MapIteration.Run(map, theta, epochs, ref rng, lossObserver);
            sw.Stop();
            allocPerEpoch = Math.Max(allocPerEpoch, (double)(GC.GetAllocatedBytesForCurrentThread() - alloc0) / epochs);
            double s = sw.Elapsed.TotalSeconds;
            rates[r] = epochs / s;
            best = Math.Min(best, s);
            progress?.Report((r + 1.0) / repeats);
        }
        return new TrainBenchmarkResult
        {
            Benchmark = "train",
            Workload = Workload,
            EpochsPerSecond = epochs / best,
            Threads = loss.Threads,
            Epochs = epochs,
            Seconds = best,
            RepeatsPerSecond = rates,
            FinalLoss = last,
            AllocatedBytesPerEpoch = allocPerEpoch,
            Simd = SimdName(),
            ProcessorCount = Environment.ProcessorCount,
        };
    }

    /// <summary>Which SIMD path the kernels take on this machine.</summary>
    public static string SimdName() =>
        Vector512.IsHardwareAccelerated ? "Vector512" : Vector256.IsHardwareAccelerated ? "Vector256" : "scalar";
}
