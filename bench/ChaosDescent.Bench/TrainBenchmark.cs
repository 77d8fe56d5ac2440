using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using ChaosDescent.Learning;

namespace ChaosDescent.Bench;

/// <summary>What <c>chaosdescent bench train --json</c> prints.</summary>
public sealed record TrainBenchmarkResult(
    string Workload,
    int Threads,
    int Epochs,
    double Seconds,
    double EpochsPerSecond,
    double FinalLoss,
    string Simd,
    long AllocatedBytesPerEpoch);

/// <summary>
/// Full-batch GD epochs per second on the workload of the numpy anchor <c>shared/anchors/mlp_numpy.py</c>:
/// the whole Airfoil data set (1503 samples, inputs and target standardized with population std), a 5-16-1
/// leaky-ReLU (slope 0.01) MLP, W ~ N(0, 1/fan-in), b = 0, MSE loss (1/n)Σr², learning rate 0.02, 3000 epochs.
/// One epoch = forward + backward over all samples + the parameter update, as in the anchor.
/// </summary>
public static class TrainBenchmark
{
    public const string Workload = "airfoil 5-16-1 leakyrelu(0.01), full batch n=1503, MSE, GD lr=0.02";

    public static TrainBenchmarkResult Run(int threads = 1, int epochs = 3000, double lr = 0.02, ulong seed = 0)
    {
        if (epochs < 1) throw new UserInputException($"--epochs must be at least 1, got {epochs}");
        var raw = AirfoilData.Load();
        var data = raw.Standardize(raw.FitStandardization());
        var model = new Mlp([5, 16, 1], Activation.LeakyRelu(0.01));
        var loss = new MlpLoss(model, data, threads);
        var theta = model.CreateParameters(seed);
        var grad = new double[model.ParameterCount];

        // Warm-up (JIT tiers, caches) on a copy, then the timed run from the initialization.
        var warm = (double[])theta.Clone();
        for (int e = 0; e < Math.Min(epochs, 300); e++)
        {
            loss.Gradient(warm, grad);
            TensorPrimitives.MultiplyAdd(grad, -lr, warm, warm);
        }

        long alloc0 = GC.GetAllocatedBytesForCurrentThread();
        double last = 0;
        var sw = Stopwatch.StartNew();
        for (int e = 0; e < epochs; e++)
        {
            last = loss.Gradient(theta, grad);
            TensorPrimitives.MultiplyAdd(grad, -lr, theta, theta);
        }
        sw.Stop();
        long alloc = GC.GetAllocatedBytesForCurrentThread() - alloc0;
        double seconds = sw.Elapsed.TotalSeconds;
        return new TrainBenchmarkResult(Workload, loss.Threads, epochs, seconds, epochs / seconds, last, SimdName(),
            threads == 1 ? alloc / epochs : -1);
    }

    /// <summary>Which SIMD path the kernels take on this machine.</summary>
    public static string SimdName() =>
        Vector512.IsHardwareAccelerated ? "Vector512" : Vector256.IsHardwareAccelerated ? "Vector256" : "scalar";
}
