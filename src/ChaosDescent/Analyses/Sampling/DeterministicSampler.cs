using System.Diagnostics;
using System.Globalization;
using ChaosDescent.Statistics;
using ChaosDescent.Expressions;
using ChaosDescent.Maps;
using ChaosDescent.Numerics;
using ChaosDescent.Objectives;

namespace ChaosDescent.Analyses.Sampling;

/// <summary>How to draw from π(x) ∝ exp(−V(x)).</summary>
public enum SamplingMethod
{
    /// <summary>Large-learning-rate GD on f = (ησ²/2)V + f1,ε (Kong &amp; Tao 2020, Broader Impact): no random numbers per step.</summary>
    Chaos,

    /// <summary>Unadjusted Langevin: x ← x − h∇V(x) + √(2h) ξ.</summary>
    Ula,

    /// <summary>Metropolis-adjusted Langevin (Roberts &amp; Tweedie 1996): the ULA proposal with a Metropolis–Hastings test.</summary>
    Mala,
}

/// <summary>Settings of a sampler run.</summary>
public sealed record SamplerSettings
{
    /// <summary>The potential V as a formula in x (1-D), x, y (2-D) or x1 … xd (docs/expressions.md).</summary>
    public string V { get; init; } = "x^2/2";

    public SamplingMethod Method { get; init; } = SamplingMethod.Chaos;

    /// <summary>Langevin step h (ULA, MALA). The chaos sampler runs GD with η = 2√h, so that its effective
    /// Langevin step η²σ²/2 equals h with σ² = 1/2 (sin micro-scale). Default 0.01.</summary>
    public double Step { get; init; } = 0.01;

    /// <summary>ε of the chaos sampler's micro-scale ε Σ_k sin(x_k/ε); null = η/1000. The theory needs ε ≪ η; measured on
    /// V = x²/2 at h = 0.01 (10⁴ chains): TV to the target 0.78 at η/ε = 10, 0.043 at 100, 0.022 at 1000.</summary>
    public double? Epsilon { get; init; }

    /// <summary>The chaos sampler's micro profile F(u) (one term per coordinate, u the fast variable); default sin(u),
    /// whose ζ = −cos(phase) has σ² = 1/2.</summary>
    public string? MicroProfile { get; init; }

    /// <summary>Samples kept in total (over all chains). Default 100,000.</summary>
    public int Samples { get; init; } = 100_000;

    /// <summary>Independent chains (an ensemble), run in SIMD blocks across cores. Default 100.</summary>
    public int Chains { get; init; } = 100;

    /// <summary>Steps discarded by every chain first. Default 1,000.</summary>
    public int BurnIn { get; init; } = 1_000;

    /// <summary>Chains start uniformly in [−StartWidth, StartWidth]^d. Default 1.</summary>
    public double StartWidth { get; init; } = 1;

    /// <summary>Histogram bins of the TV distance (1-D). Default 100.</summary>
    public int Bins { get; init; } = 100;

    public ulong Seed { get; init; } = 20201206;

    /// <summary>Worker threads (0 = all cores); results do not depend on it.</summary>
    public int Threads { get; init; }
}

/// <summary>
/// Result of a sampler run: per-coordinate <see cref="Mean"/>, <see cref="Variance"/> and effective sample size
/// <see cref="Ess"/>; for 1-D targets the distances to π normalized by quadrature (null in d ≥ 2).
/// </summary>
public sealed record SampleResult(string Method, string V, int Dimension, double Step, double? LearningRate, double? Epsilon,
    string? MicroScale, int Chains, int StepsPerChain, int BurnIn, double[] Mean, double[] Variance, double[] Ess,
    double[] EssPerSecond, double? TvToTarget, double? W1ToTarget, double[]? TargetMean, double[]? TargetVariance,
    double? AcceptanceRate, string EssEstimator, double Seconds);

/// <summary>
/// Sampling by determinism (Kong &amp; Tao 2020, Broader Impact and Thm. 7): to draw from π ∝ exp(−V), run GD with
/// learning rate η on f = f0 + f1,ε with f0 = (ησ²/2)·V and a micro-scale whose ζ has covariance σ²·I; the rescaled
/// Gibbs law exp(−2f0/(ησ²)) is then π itself, up to the paper's O(η²)-type corrections. The tool picks
/// f1,ε(x) = ε Σ_k sin(x_k/ε) (σ² = 1/2) unless told otherwise, so f0 = (η/4)V and one GD step is
/// x − (η²/4)∇V(x) − η cos(x/ε): the drift of a Langevin step of size h = η²/4 with a chaotic, not random, kick
/// of variance η²/2 = 2h. ULA and MALA run at the same h for an honest comparison.
/// <para>ESS: batch means (Flegal &amp; Jones 2010): per chain and coordinate the batch-means variance of the chain
/// mean (20 batches); ESS = Var(x)/Var(grand mean) pooled over chains.</para>
/// </summary>
public static class DeterministicSampler
{
    private const int BlockSize = 256;
    private const int Batches = 20;

    /// <summary>Catalog entry (the system is not used: the target is the settings' V).</summary>
    public static readonly IAnalysis Entry = new Analysis<SamplerSettings, SampleResult>(
        "sample", "draw from exp(-V) by chaotic GD (Kong & Tao 2020), ULA or MALA, with distances to the target and ESS",
        (_, settings, progress) => Run(settings, progress));

    public static SampleResult Run(SamplerSettings s, IProgress<double>? progress = null)
    {
        Validate(s);
        var v = ExpressionObjective.Create(new ExpressionObjectiveSpec { F = s.V });
        int d = v.Dimension;
        var target = d == 1 ? TargetLaw.Normalize(v) : null;
        int perChain = Math.Max(2 * Batches, s.Samples / s.Chains);
        double eta = 2 * Math.Sqrt(s.Step);
        double? eps = null;
        string? micro = null;
        OptimizerMap? gd = null;
        if (s.Method == SamplingMethod.Chaos)
        {
            eps = s.Epsilon ?? eta / 1000;
            var profile = s.MicroProfile ?? "sin(u)";
            var objective = ChaosObjective(s.V, d, eta, eps.Value, profile, out micro);
            gd = new GradientDescentMap(objective, eta);
        }
        var samples = new double[d][];
        for (int k = 0; k < d; k++) samples[k] = new double[s.Chains * perChain];
        int blocks = (s.Chains + BlockSize - 1) / BlockSize;
        long accepted = 0;
        int done = 0;
        var clock = Stopwatch.StartNew();
        var options = new ParallelOptions { MaxDegreeOfParallelism = s.Threads > 0 ? s.Threads : Environment.ProcessorCount };
        var acceptedPerBlock = new long[blocks];
        Parallel.For(0, blocks, options, b =>
        {
            int first = b * BlockSize, count = Math.Min(BlockSize, s.Chains - first);
            acceptedPerBlock[b] = RunBlock(s, v, gd, d, first, count, perChain, samples, b);
            int now = Interlocked.Increment(ref done);
            progress?.Report((double)now / blocks);
        });
        double seconds = clock.Elapsed.TotalSeconds;
        foreach (var a in acceptedPerBlock) accepted += a;
        var mean = new double[d];
        var variance = new double[d];
        var ess = new double[d];
        for (int k = 0; k < d; k++) (mean[k], variance[k], ess[k]) = Summarize(samples[k], s.Chains, perChain);
        double? tv = null, w1 = null;
        if (target is not null)
        {
            var (lo, hi) = target.Support;
            tv = Distances.TotalVariation(Histogram1D.Of(samples[0], lo, hi, s.Bins), target.Law);
            w1 = Distances.Wasserstein1(samples[0], target.Law);
        }
        double? acceptance = s.Method == SamplingMethod.Mala ? (double)accepted / ((long)s.Chains * (perChain + s.BurnIn)) : null;
        return new SampleResult(s.Method.ToString().ToLowerInvariant(), s.V, d, s.Step, gd is null ? null : eta, eps, micro,
            s.Chains, perChain, s.BurnIn, mean, variance, ess, ess.Select(e => e / Math.Max(seconds, 1e-9)).ToArray(),
            tv, w1, target is null ? null : [target.Law.Mean], target is null ? null : [target.Law.Variance], acceptance,
            s.Chains >= 2 ? "Var(x)/Var(grand mean), Var(grand mean) from the spread of the chain means" : "batch means (20 batches)", seconds);
    }

    /// <summary>f = (ησ²/2)·V + ε Σ_k F(x_k/ε), with σ² the ζ variance of the profile F (1/2 for sin).</summary>
    public static MultiscaleObjective ChaosObjective(string v, int d, double eta, double eps, string profile, out string description)
    {
        string[] fast = d switch { 1 => ["u"], 2 => ["u", "v"], _ => Enumerable.Range(1, d).Select(k => $"u{k}").ToArray() };
        string f1 = string.Join(" + ", fast.Select(u => Substitute(profile, u)));
        // σ² from the definition: build once with a unit f0 to read ζ's covariance, then scale f0 by ησ²/2.
        var probe = ExpressionObjective.Create(new ExpressionObjectiveSpec { F0 = v, F1 = f1, Epsilon = eps });
        var stats = probe.Micro?.NoiseStatistics
            ?? throw new UserInputException("the micro profile must be periodic with a position-independent zeta covariance");
        double sigma2 = stats.Sigma2 ?? throw new UserInputException($"the micro profile '{profile}' gives an anisotropic zeta covariance; the chaos sampler needs sigma^2 * I");
        double scale = eta * sigma2 / 2;
        description = $"eps*({f1}) with u = x/eps, eps = {eps.ToString("G6", CultureInfo.InvariantCulture)}, sigma^2 = {sigma2.ToString("G6", CultureInfo.InvariantCulture)}";
        return ExpressionObjective.Create(new ExpressionObjectiveSpec
        {
            F0 = $"{scale.ToString("R", CultureInfo.InvariantCulture)}*({v})",
            F1 = f1,
            Epsilon = eps,
        });
    }

    private static string Substitute(string profile, string variable) =>
        System.Text.RegularExpressions.Regex.Replace(profile, @"\bu\b", variable);

    private static long RunBlock(SamplerSettings s, MultiscaleObjective v, OptimizerMap? gd, int d, int first, int count,
        int perChain, double[][] samples, int block)
    {
        var rng = Xoshiro256.ForStream(s.Seed, (ulong)block);
        var x = new double[d * count];
        for (int i = 0; i < x.Length; i++) x[i] = s.StartWidth * (2 * rng.NextDouble() - 1);
        var scratch = new double[Math.Max(gd?.ScratchLength(count) ?? 0, 2 * d * count)];
        var g = new double[d * count];
        var y = new double[d * count];
        var gy = new double[d * count];
        var point = new double[d];
        long accepted = 0;
        double h = s.Step, kick = Math.Sqrt(2 * h);
        int total = s.BurnIn + perChain;
        for (int t = 0; t < total; t++)
        {
            switch (s.Method)
            {
                case SamplingMethod.Chaos:
                    gd!.Step(x, count, ref rng, scratch);
                    break;
                case SamplingMethod.Ula:
                    Array.Clear(g);
                    v.AccumulateGradient(x, g, count);
                    for (int i = 0; i < x.Length; i++) x[i] += -h * g[i] + kick * rng.NextGaussian();
                    break;
                case SamplingMethod.Mala:
                    Array.Clear(g);
                    v.AccumulateGradient(x, g, count);
                    for (int i = 0; i < x.Length; i++) y[i] = x[i] - h * g[i] + kick * rng.NextGaussian();
                    Array.Clear(gy);
                    v.AccumulateGradient(y, gy, count);
                    for (int c = 0; c < count; c++)
                    {
                        // log π(y) q(x|y) − log π(x) q(y|x), q(b|a) ∝ exp(−|b − a + h∇V(a)|²/(4h))
                        double vx = Value(v, x, c, count, d, point), vy = Value(v, y, c, count, d, point);
                        double forward = 0, backward = 0;
                        for (int k = 0; k < d; k++)
                        {
                            int i = k * count + c;
                            double f = y[i] - x[i] + h * g[i], bw = x[i] - y[i] + h * gy[i];
                            forward += f * f;
                            backward += bw * bw;
                        }
                        double logRatio = -vy + vx - (backward - forward) / (4 * h);
                        if (Math.Log(rng.NextDouble()) < logRatio)
                        {
                            for (int k = 0; k < d; k++) x[k * count + c] = y[k * count + c];
                            accepted++;
                        }
                    }
                    break;
            }
            if (t == 0 || (t & 255) == 0) CheckFinite(x, t, s);
            if (t < s.BurnIn) continue;
            int step = t - s.BurnIn;
            for (int k = 0; k < d; k++)
            {
                var dest = samples[k];
                for (int c = 0; c < count; c++) dest[(first + c) * perChain + step] = x[k * count + c];
            }
        }
        CheckFinite(x, total, s);
        return accepted;
    }

    private static double Value(MultiscaleObjective v, double[] soa, int c, int count, int d, double[] point)
    {
        for (int k = 0; k < d; k++) point[k] = soa[k * count + c];
        return v.Value(point);
    }

    private static void CheckFinite(double[] x, int step, SamplerSettings s)
    {
        foreach (var value in x)
            if (!double.IsFinite(value) || Math.Abs(value) > 1e100)
                throw new UserInputException($"the {s.Method.ToString().ToLowerInvariant()} sampler diverged by step {step} at --step {s.Step.ToString("G6", CultureInfo.InvariantCulture)}: lower the step");
    }

    /// <summary>
    /// Mean, variance and ESS of chains stored one after another. With C ≥ 2 independent chains, Var(grand mean) is
    /// estimated by the between-chain variance of the chain means over C, which needs no assumption on the
    /// autocorrelation time τ (batch means within a chain need batches ≫ τ, which short chains at small steps do not
    /// have: with h = 0.01, τ ≈ 2/h = 200 steps); a single chain falls back to batch means (20 batches).
    /// </summary>
    private static (double Mean, double Variance, double Ess) Summarize(double[] all, int chains, int perChain)
    {
        double mean = all.Average();
        double variance = 0;
        foreach (var x in all) variance += (x - mean) * (x - mean);
        variance /= all.Length - 1;
        double varGrand;
        if (chains >= 2)
        {
            double between = 0;
            for (int c = 0; c < chains; c++)
            {
                double m = 0;
                for (int t = 0; t < perChain; t++) m += all[c * perChain + t];
                m /= perChain;
                between += (m - mean) * (m - mean);
            }
            varGrand = between / (chains - 1) / chains;
        }
        else
        {
            var (_, se) = BatchMeans.OfSeries(all, Batches);
            varGrand = se * se;
        }
        double ess = varGrand > 0 ? Math.Min(all.Length, variance / varGrand) : all.Length;
        return (mean, variance, ess);
    }

    private static void Validate(SamplerSettings s)
    {
        if (string.IsNullOrWhiteSpace(s.V)) throw new UserInputException("--V is required: the potential of the target exp(-V)");
        if (!(s.Step > 0) || !double.IsFinite(s.Step)) throw new UserInputException($"--step must be a positive number (got {s.Step.ToString("G6", CultureInfo.InvariantCulture)})");
        if (s.Epsilon is { } e && (!(e > 0) || !double.IsFinite(e))) throw new UserInputException($"--eps must be a positive number (got {e.ToString("G6", CultureInfo.InvariantCulture)})");
        if (s.Chains < 1) throw new UserInputException($"--chains must be at least 1 (got {s.Chains})");
        if (s.Samples < s.Chains) throw new UserInputException($"--samples ({s.Samples}) must be at least --chains ({s.Chains})");
        if (s.BurnIn < 0) throw new UserInputException($"--burn-in must be >= 0 (got {s.BurnIn})");
        if (s.Bins < 2) throw new UserInputException($"--bins must be at least 2 (got {s.Bins})");
        if (!(s.StartWidth >= 0) || !double.IsFinite(s.StartWidth)) throw new UserInputException("the start width must be >= 0");
    }
}

/// <summary>The 1-D target π ∝ exp(−V) tabulated by quadrature on the region where V − min V ≤ 46 (π below 1e-20 of its
/// peak outside), with a check that π normalizes.</summary>
public sealed class TargetLaw
{
    private TargetLaw(TabulatedDistribution law, (double Lo, double Hi) support)
    {
        Law = law;
        Support = support;
    }

    public TabulatedDistribution Law { get; }

    public (double Lo, double Hi) Support { get; }

    /// <summary>A user error when exp(−V) is not integrable (V does not grow to +∞ on both sides within |x| ≤ 1e6).</summary>
    public static TargetLaw Normalize(IScalarField v)
    {
        const double cut = 46;
        // Coarse scan for the minimum on a growing window, then the support where V − min ≤ cut.
        double vmin = double.PositiveInfinity, xmin = 0;
        for (int i = -4000; i <= 4000; i++)
        {
            double x = i / 400.0, value = v.Value(x);
            if (double.IsFinite(value) && value < vmin)
            {
                vmin = value;
                xmin = x;
            }
        }
        if (!double.IsFinite(vmin)) throw new UserInputException("V is not finite anywhere on [-10, 10]");
        double lo = Edge(v, xmin, vmin, cut, -1), hi = Edge(v, xmin, vmin, cut, +1);
        // refine the minimum on the support and re-derive the edges
        const int nodes = 20_001;
        var values = new double[nodes];
        double m = double.PositiveInfinity;
        for (int i = 0; i < nodes; i++)
        {
            double value = v.Value(lo + (hi - lo) * i / (nodes - 1));
            if (!double.IsFinite(value)) throw new UserInputException($"V is not finite at x = {lo + (hi - lo) * i / (nodes - 1):G6}: the target must have a finite potential on its support");
            values[i] = value;
            m = Math.Min(m, value);
        }
        var density = values.Select(value => Math.Exp(-(value - m))).ToArray();
        return new TargetLaw(new TabulatedDistribution(lo, hi, density), (lo, hi));
    }

    private static double Edge(IScalarField v, double x0, double vmin, double cut, int direction)
    {
        double step = 0.01;
        double x = x0;
        while (Math.Abs(x - x0) < 1e6)
        {
            x += direction * step;
            double value = v.Value(x);
            if (!double.IsNaN(value) && value - vmin > cut) return x;
            if (value < vmin) vmin = value;
            step *= 1.05;
        }
        throw new UserInputException($"exp(-V) is not normalizable here: it does not fall below e^-46 of its peak as x -> {(direction < 0 ? "-" : "+")}infinity within |x| <= 1e6");
    }
}
