using ChaosDescent.Numerics;
using ChaosDescent.Numerics.LinearAlgebra;

namespace ChaosDescent.Analyses.ImplicitBias;

/// <summary>How long and how many independent chains to run.</summary>
public sealed class ChainSettings
{
    public int Chains { get; init; } = 2000;
    /// <summary>Steps before the first snapshot (several relaxation times 1/(η λ_min(H))).</summary>
    public int BurnIn { get; init; } = 2000;
    /// <summary>Snapshots per chain after burn-in, <see cref="Thin"/> steps apart.</summary>
    public int Snapshots { get; init; } = 10;
    public int Thin { get; init; } = 100;
    public double LearningRate { get; init; } = 0.1;
    public ulong Seed { get; init; } = 1;
    public int Threads { get; init; }
    /// <summary>Start of every chain; null = the minimizer w*.</summary>
    public double[]? Start { get; init; }

    public long TotalSteps => BurnIn + (long)(Snapshots - 1) * Thin;
}

/// <summary>Snapshots of independent chains: sample (c, s) is at [(c·S + s)·d ..).</summary>
public sealed class ChainSamples
{
    public required int Dimension { get; init; }
    public required int Chains { get; init; }
    public required int Snapshots { get; init; }
    public required double[] Samples { get; init; }
    public int Diverged { get; init; }

    public int Count => Chains * Snapshots;

    public double[] Mean() => Mean(0, Chains);

    public double[] Mean(int c0, int c1)
    {
        int d = Dimension;
        var m = new double[d];
        for (int c = c0; c < c1; c++)
            for (int s = 0; s < Snapshots; s++)
                for (int k = 0; k < d; k++) m[k] += Samples[(c * Snapshots + s) * d + k];
        for (int k = 0; k < d; k++) m[k] /= (c1 - c0) * Snapshots;
        return m;
    }

    public double[] Covariance() => Covariance(0, Chains);

    public double[] Covariance(int c0, int c1)
    {
        int d = Dimension;
        var m = Mean(c0, c1);
        var cov = new double[d * d];
        int n = (c1 - c0) * Snapshots;
        for (int c = c0; c < c1; c++)
            for (int s = 0; s < Snapshots; s++)
            {
                int o = (c * Snapshots + s) * d;
                for (int i = 0; i < d; i++)
                    for (int j = 0; j < d; j++) cov[i * d + j] += (Samples[o + i] - m[i]) * (Samples[o + j] - m[j]);
            }
        for (int i = 0; i < cov.Length; i++) cov[i] /= n - 1;
        return cov;
    }

    /// <summary>
    /// Standard errors of the covariance entries from <paramref name="groups"/> groups of whole chains (chains are
    /// independent, snapshots within a chain need not be): SE = sd(group estimates)/√groups.
    /// </summary>
    public double[] CovarianceStandardError(int groups = 20)
    {
        int d = Dimension;
        groups = Math.Min(groups, Chains);
        var est = new List<double[]>();
        for (int g = 0; g < groups; g++) est.Add(Covariance(g * Chains / groups, (g + 1) * Chains / groups));
        var se = new double[d * d];
        for (int i = 0; i < d * d; i++)
        {
            double mu = est.Average(e => e[i]);
            double v = est.Sum(e => (e[i] - mu) * (e[i] - mu)) / (groups - 1);
            se[i] = Math.Sqrt(v / groups);
        }
        return se;
    }

    /// <summary>
    /// Standard error of any statistic of (mean, covariance), from its spread over <paramref name="groups"/> groups of
    /// whole chains: SE ≈ sd(group values)/√groups (the full-sample statistic is about as precise as the group mean).
    /// </summary>
    public double StatisticStandardError(Func<double[], double[], double> statistic, int groups = 20)
    {
        groups = Math.Min(groups, Chains);
        var v = new double[groups];
        for (int g = 0; g < groups; g++)
        {
            int c0 = g * Chains / groups, c1 = (g + 1) * Chains / groups;
            v[g] = statistic(Mean(c0, c1), Covariance(c0, c1));
        }
        double mu = v.Average();
        return Math.Sqrt(v.Sum(x => (x - mu) * (x - mu)) / (groups - 1) / groups);
    }

    /// <summary>The last snapshot of each chain projected on <paramref name="direction"/> (independent draws).</summary>
    public double[] FinalProjections(IReadOnlyList<double> direction)
    {
        int d = Dimension;
        var p = new double[Chains];
        for (int c = 0; c < Chains; c++)
        {
            int o = (c * Snapshots + Snapshots - 1) * d;
            double s = 0;
            for (int k = 0; k < d; k++) s += Samples[o + k] * direction[k];
            p[c] = s;
        }
        return p;
    }
}

/// <summary>
/// The two stochastic iterations of 002/003 on a finite sum V = (1/N) Σ v_n:
/// SGD w ← w − η (1/b) Σ_{n∈B} ∇v_n(w) with a fresh batch B of b distinct indices each step, and GD with
/// Gaussian noise w ← w − η ∇V(w) + L ξ, ξ ~ N(0, I), L Lᵀ = Q. With Q = 2ηT I this is the Euler–Maruyama
/// discretization of the Langevin equation dw = −∇V dt + √(2T) dB (GDL); with Q = η² C it is GD with the
/// minibatch-noise covariance C put in by hand. Chains run in blocks of 32, each block with its own random stream
/// (<see cref="Xoshiro256.ForStream"/>), so results do not depend on the thread count.
/// </summary>
public static class ChainSampler
{
    private const int Block = 32;

    public static ChainSamples Sgd(FiniteSumObjective f, int batch, ChainSettings s, IProgress<double>? progress = null)
    {
        if (batch < 1 || batch > f.Count) throw new UserInputException($"--batch must be in 1..{f.Count}, got {batch}");
        double eta = s.LearningRate;
        return Run(f, s, progress, (ref Xoshiro256 rng, double[] w, double[] g, int[] idx) =>
        {
            Array.Clear(g);
            DrawBatch(ref rng, f.Count, batch, idx);
            for (int i = 0; i < batch; i++) f.AddSampleGradient(idx[i], w, g, 1.0 / batch);
            for (int k = 0; k < w.Length; k++) w[k] -= eta * g[k];
        }, batch);
    }

    public static ChainSamples GaussianNoise(FiniteSumObjective f, double[] stepCovariance, ChainSettings s, IProgress<double>? progress = null)
    {
        int d = f.Dimension;
        var l = GaussianTools.ToMatrix(stepCovariance, d);
        // Cholesky needs positive definiteness; the symmetric square root also works for a singular Q.
        var root = GaussianTools.Sqrt(l);
        var r = GaussianTools.ToArray(root);
        double eta = s.LearningRate;
        return Run(f, s, progress, (ref Xoshiro256 rng, double[] w, double[] g, int[] unused) =>
        {
            f.Gradient(w, g);
            Span<double> z = stackalloc double[d];
            for (int k = 0; k < d; k++) z[k] = rng.NextGaussian();
            for (int k = 0; k < d; k++)
            {
                double noise = 0;
                for (int j = 0; j < d; j++) noise += r[k * d + j] * z[j];
                w[k] += -eta * g[k] + noise;
            }
        }, 1);
    }

    private delegate void StepFn(ref Xoshiro256 rng, double[] w, double[] g, int[] scratch);

    private static ChainSamples Run(FiniteSumObjective f, ChainSettings s, IProgress<double>? progress, StepFn step, int scratch)
    {
        if (s.Chains < 2 || s.Snapshots < 1 || s.Thin < 1 || s.BurnIn < 0) throw new UserInputException("chains ≥ 2, snapshots ≥ 1, thin ≥ 1 and burn-in ≥ 0 are required");
        if (!(s.LearningRate > 0)) throw new UserInputException($"--lr must be positive, got {s.LearningRate}");
        int d = f.Dimension;
        var start = s.Start ?? f.Minimize();
        var samples = new double[s.Chains * s.Snapshots * d];
        int blocks = (s.Chains + Block - 1) / Block;
        int done = 0, diverged = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = s.Threads > 0 ? s.Threads : Environment.ProcessorCount };
        Parallel.For(0, blocks, options, b =>
        {
            var rng = Xoshiro256.ForStream(s.Seed, (ulong)b);
            var w = new double[d];
            var g = new double[d];
            var idx = new int[scratch];
            int c1 = Math.Min(s.Chains, (b + 1) * Block);
            for (int c = b * Block; c < c1; c++)
            {
                Array.Copy(start, w, d);
                int snap = 0;
                for (long t = 1; t <= s.TotalSteps; t++)
                {
                    step(ref rng, w, g, idx);
                    if (t >= s.BurnIn && (t - s.BurnIn) % s.Thin == 0 && snap < s.Snapshots)
                    {
                        Array.Copy(w, 0, samples, (c * s.Snapshots + snap) * d, d);
                        snap++;
                    }
                }
                if (!double.IsFinite(w[0])) Interlocked.Increment(ref diverged);
            }
            int n = Interlocked.Increment(ref done);
            progress?.Report((double)n / blocks);
        });
        if (diverged > 0)
            throw new UserInputException($"{diverged} of {s.Chains} chains diverged: reduce --lr");
        return new ChainSamples { Dimension = d, Chains = s.Chains, Snapshots = s.Snapshots, Samples = samples };
    }

    /// <summary>b distinct indices from 0..N−1, uniformly (Floyd's algorithm).</summary>
    public static void DrawBatch(ref Xoshiro256 rng, int n, int b, int[] idx)
    {
        if (b == n)
        {
            for (int i = 0; i < n; i++) idx[i] = i;
            return;
        }
        int k = 0;
        for (int j = n - b; j < n; j++)
        {
            int t = rng.NextInt(j + 1);
            bool seen = false;
            for (int i = 0; i < k; i++) if (idx[i] == t) { seen = true; break; }
            idx[k++] = seen ? j : t;
        }
    }
}
