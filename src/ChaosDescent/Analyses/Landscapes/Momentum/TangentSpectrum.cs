using ChaosDescent.Maps;
using ChaosDescent.Numerics;

namespace ChaosDescent.Analyses.Landscapes.Momentum;

/// <summary>Lyapunov spectrum of one orbit.</summary>
/// <param name="Exponents">λ1 ≥ λ2 ≥ … (per step), one per state coordinate (2d for a momentum map).</param>
/// <param name="Steps">Steps averaged (after burn-in).</param>
/// <param name="RunningLargest">(step, running estimate of λ1) at checkpoints, to show convergence.</param>
/// <param name="LargestStandardError">Standard error of λ1 from batch means (20 batches).</param>
public sealed record LyapunovSpectrum(double[] Exponents, long Steps, IReadOnlyList<(long Step, double Value)> RunningLargest, double LargestStandardError)
{
    public double Largest => Exponents[0];
    public double Sum => Exponents.Sum();
}

/// <summary>
/// Lyapunov exponents of a deterministic map from its Jacobian (eq. 4 generalized to the whole spectrum): tangent
/// vectors are pushed by J(s_n), re-orthonormalized every step by modified Gram–Schmidt (a QR step), and the logs of
/// the diagonal of R averaged. For a momentum map the state is 2d-dimensional (x and v, or x and y) and the Jacobian
/// 2d×2d; the sum of the exponents is the mean of ln|det J| (heavy ball: ln γ exactly).
/// </summary>
public static class TangentSpectrum
{
    public static LyapunovSpectrum Estimate(OptimizerMap map, double[] start, long steps, long burnIn = 1000, ulong seed = 1, int checkpoints = 100)
    {
        if (map.IsStochastic) throw new UserInputException($"the '{map.Name}' map is random: its Lyapunov exponents are not defined");
        if (steps < 20) throw new UserInputException("a Lyapunov estimate needs at least 20 steps");
        int d = map.Dimension, n = map.StateBlocks * d;
        if (start.Length != d) throw new UserInputException($"start has {start.Length} coordinates, the objective has {d}");
        var state = new double[n];
        start.CopyTo(state, 0);
        map.Initialize(state, 1);
        var scratch = new double[map.ScratchLength(1)];
        var rng = Xoshiro256.ForStream(seed, 0);
        for (long t = 0; t < burnIn; t++)
        {
            map.Step(state, 1, ref rng, scratch);
            if (!Finite(state)) throw new UserInputException($"the orbit diverged during burn-in (step {t + 1}): η = {map.LearningRate} is too large");
        }
        var jac = new double[n * n];
        var q = new double[n * n];     // column k = tangent vector k, stored q[i*n + k]
        var tmp = new double[n * n];
        for (int k = 0; k < n; k++) q[k * n + k] = 1;
        var sums = new double[n];
        const int batches = 20;
        long batchLen = Math.Max(1, steps / batches);
        var batchMeans = new List<double>();
        double batchSum = 0;
        long inBatch = 0;
        var running = new List<(long, double)>();
        long every = Math.Max(1, steps / Math.Max(1, checkpoints));
        for (long t = 1; t <= steps; t++)
        {
            map.Jacobian(state, jac);
            // tmp = J · Q
            for (int i = 0; i < n; i++)
                for (int k = 0; k < n; k++)
                {
                    double s = 0;
                    for (int j = 0; j < n; j++) s += jac[i * n + j] * q[j * n + k];
                    tmp[i * n + k] = s;
                }
            // modified Gram–Schmidt on the columns of tmp → q, logs of the norms
            for (int k = 0; k < n; k++)
            {
                for (int p = 0; p < k; p++)
                {
                    double dot = 0;
                    for (int i = 0; i < n; i++) dot += q[i * n + p] * tmp[i * n + k];
                    for (int i = 0; i < n; i++) tmp[i * n + k] -= dot * q[i * n + p];
                }
                double norm = 0;
                for (int i = 0; i < n; i++) norm += tmp[i * n + k] * tmp[i * n + k];
                norm = Math.Sqrt(norm);
                if (!(norm > 0)) norm = double.Epsilon;
                double l = Math.Log(norm);
                sums[k] += l;
                if (k == 0)
                {
                    batchSum += l;
                    if (++inBatch == batchLen)
                    {
                        batchMeans.Add(batchSum / batchLen);
                        batchSum = 0;
                        inBatch = 0;
                    }
                }
                for (int i = 0; i < n; i++) q[i * n + k] = tmp[i * n + k] / norm;
            }
            map.Step(state, 1, ref rng, scratch);
            if (!Finite(state)) throw new UserInputException($"the orbit diverged at step {burnIn + t}: η = {map.LearningRate} is too large");
            if (t % every == 0) running.Add((t, sums[0] / t));
        }
        var exps = sums.Select(s => s / steps).ToArray();
        // Gram–Schmidt keeps the exponents ordered in the limit; sort to report λ1 ≥ λ2 ≥ … regardless.
        Array.Sort(exps, (a, b) => b.CompareTo(a));
        double se = double.NaN;
        if (batchMeans.Count >= 2)
        {
            double m = batchMeans.Average();
            se = Math.Sqrt(batchMeans.Sum(v => (v - m) * (v - m)) / (batchMeans.Count - 1) / batchMeans.Count);
        }
        return new LyapunovSpectrum(exps, steps, running, se);
    }

    private static bool Finite(double[] s)
    {
        foreach (var v in s) if (!double.IsFinite(v) || Math.Abs(v) > 1e6) return false;
        return true;
    }
}
