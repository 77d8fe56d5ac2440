using ChaosDescent.Maps;
using ChaosDescent.Numerics;
using ChaosDescent.Objectives;
using ChaosDescent.Runners;
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
/// The two stochastic iterations on a finite sum V = (1/N) Σ v_n, both maps iterated by <see cref="MapIteration"/>:
/// SGD w ← w − η (1/b) Σ_{n∈B} ∇v_n(w) with a fresh batch B of b distinct indices each step
/// (<see cref="MinibatchSgdMap"/>), and GD with Gaussian noise w ← w − η ∇V(w) + L ξ, ξ ~ N(0, I), L Lᵀ = Q
/// (<see cref="AdditiveGaussianNoiseMap"/>). With Q = 2ηT I this is the Euler–Maruyama discretization of the
/// Langevin equation dw = −∇V dt + √(2T) dB (GDL); with Q = η² C it is GD with the minibatch-noise covariance C
/// put in by hand. Chains run in blocks of 32, each block with its own random stream
/// (<see cref="Xoshiro256.ForStream"/>), so results do not depend on the thread count.
/// </summary>
public static class ChainSampler
{
    private const int Block = 32;

    public static ChainSamples Sgd(FiniteSumObjective f, int batch, ChainSettings s, IProgress<double>? progress = null)
    {
        if (batch < 1 || batch > f.Count) throw new UserInputException($"--batch must be in 1..{f.Count}, got {batch}");
        Validate(s);
        return Run(new MinibatchSgdMap(f, s.LearningRate, batch), f, s, progress);
    }

    public static ChainSamples GaussianNoise(FiniteSumObjective f, double[] stepCovariance, ChainSettings s, IProgress<double>? progress = null)
    {
        Validate(s);
        int d = f.Dimension;
        // Cholesky needs positive definiteness; the symmetric square root also works for a singular Q.
        var root = GaussianTools.ToArray(GaussianTools.Sqrt(GaussianTools.ToMatrix(stepCovariance, d)));
        return Run(new AdditiveGaussianNoiseMap(f, s.LearningRate, root), f, s, progress);
    }

    private static void Validate(ChainSettings s)
    {
        if (s.Chains < 2 || s.Snapshots < 1 || s.Thin < 1 || s.BurnIn < 0) throw new UserInputException("chains ≥ 2, snapshots ≥ 1, thin ≥ 1 and burn-in ≥ 0 are required");
        if (!(s.LearningRate > 0)) throw new UserInputException($"--lr must be positive, got {s.LearningRate}");
    }

    private static ChainSamples Run(OptimizerMap map, FiniteSumObjective f, ChainSettings s, IProgress<double>? progress)
    {
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
            var snapshots = new SnapshotObserver(s, samples, d);
            int c1 = Math.Min(s.Chains, (b + 1) * Block);
            for (int c = b * Block; c < c1; c++)
            {
                Array.Copy(start, w, d);
                snapshots.StartChain(c);
                long taken = MapIteration.Run(map, w, s.TotalSteps, ref rng, snapshots);
                snapshots.Observe(taken, w, double.NaN, default);
                if (!double.IsFinite(w[0])) Interlocked.Increment(ref diverged);
            }
            int n = Interlocked.Increment(ref done);
            progress?.Report((double)n / blocks);
        });
        if (diverged > 0)
            throw new UserInputException($"{diverged} of {s.Chains} chains diverged: reduce --lr");
        return new ChainSamples { Dimension = d, Chains = s.Chains, Snapshots = s.Snapshots, Samples = samples };
    }

    /// <summary>Keeps w_t for t = BurnIn, BurnIn + Thin, … (t counts the steps taken).</summary>
    private sealed class SnapshotObserver(ChainSettings s, double[] samples, int d) : IOrbitObserver
    {
        private int _chain, _snap;

        public void StartChain(int chain) => (_chain, _snap) = (chain, 0);

        public bool NeedsValue(long step) => false;

        public bool Observe(long t, ReadOnlySpan<double> w, double value, ReadOnlySpan<double> direction)
        {
            if (t >= 1 && t >= s.BurnIn && (t - s.BurnIn) % s.Thin == 0 && _snap < s.Snapshots)
            {
                w[..d].CopyTo(samples.AsSpan((_chain * s.Snapshots + _snap) * d, d));
                _snap++;
            }
            return true;
        }
    }
}
