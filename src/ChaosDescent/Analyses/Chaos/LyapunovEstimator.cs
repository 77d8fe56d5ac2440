using ChaosDescent.Maps;
using ChaosDescent.Numerics;
using ChaosDescent.Objectives;
using ChaosDescent.Runners;
using ChaosDescent.Numerics.LinearAlgebra;
using ChaosDescent.Numerics.Quadrature;
using ChaosDescent.Statistics;

namespace ChaosDescent.Analyses.Chaos;

/// <summary>Settings of a Lyapunov estimate.</summary>
public sealed record LyapunovSettings
{
    /// <summary>Steps per orbit that enter the averages (after <see cref="BurnIn"/>); rounded down to a multiple of <see cref="Batches"/>.</summary>
    public long Steps { get; init; } = 100_000;

    /// <summary>Steps discarded first (the orbit settles on its attractor and the tangent vector aligns).</summary>
    public long BurnIn { get; init; } = 1_000;

    /// <summary>Independent orbits (random starts); they run in parallel.</summary>
    public int Orbits { get; init; } = 8;

    /// <summary>Batches per orbit for the batch-means standard error.</summary>
    public int Batches { get; init; } = 20;

    /// <summary>Also compute the full spectrum (QR / Benettin).</summary>
    public bool Spectrum { get; init; }

    /// <summary>Where orbits start; null = uniform on the middle half of f0's typical range.</summary>
    public InitialCondition? Initial { get; init; }

    public ulong Seed { get; init; } = 1;

    /// <summary>Worker threads (0 = all cores); results do not depend on it.</summary>
    public int Threads { get; init; }

    /// <summary>An orbit with |x_k| above this (or non-finite) has diverged and is left out.</summary>
    public double DivergenceBound { get; init; } = 1e6;

    /// <summary>
    /// Convergence criterion (null = off: exactly <see cref="Steps"/> steps). When set, the run is extended in chunks
    /// of <see cref="Steps"/> steps (each of <see cref="Batches"/> more batches of the same length) until the
    /// batch-means standard error of λ falls to or below this value, or <see cref="MaxSteps"/> is reached.
    /// </summary>
    public double? TargetStdErr { get; init; }

    /// <summary>With <see cref="TargetStdErr"/>: at most this many counted steps per orbit (rounded down to whole chunks).</summary>
    public long MaxSteps { get; init; } = 10_000_000;
}

/// <summary>The running estimate after <paramref name="Steps"/> counted steps per orbit: λ and its batch-means standard error.</summary>
public sealed record LyapunovRunningPoint(long Steps, double Lambda, double StdErr);

/// <summary>A Lyapunov estimate over several orbits of one map.</summary>
public sealed class LyapunovResult
{
    /// <summary>Maximal exponent: growth rate of a tangent vector renormalized every step (eq. 4 in 1-D). NaN if every orbit diverged.</summary>
    public required double Lambda { get; init; }

    /// <summary>Standard error of <see cref="Lambda"/> from batch means pooled over orbits.</summary>
    public required double StdErr { get; init; }

    /// <summary>Eq. 4 taken literally: the time average of ln‖∇φ(x_i)‖₂. Equal to λ in 1-D; in d ≥ 2 an upper bound
    /// of the maximal exponent (‖J_n⋯J_1‖ ≤ Π‖J_i‖), and the quantity that Thm. 9's m + ln(η/ε) approximates.</summary>
    public required double NormAverage { get; init; }

    public required double NormAverageStdErr { get; init; }

    /// <summary>All S·d exponents in decreasing order (Benettin QR), or null when not asked for.</summary>
    public double[]? Spectrum { get; init; }

    public double[]? SpectrumStdErr { get; init; }

    /// <summary>λ of each orbit that did not diverge.</summary>
    public required double[] PerOrbit { get; init; }

    /// <summary>The batch means of λ (the estimate over each batch of <see cref="StepsPerOrbit"/>/<see cref="BatchesPerOrbit"/>
    /// steps), in time order, for each orbit that did not diverge (same order as <see cref="PerOrbit"/>): the cumulative
    /// mean of one row is the running estimate of λ along that orbit.</summary>
    public required double[][] BatchMeansPerOrbit { get; init; }

    public required int Orbits { get; init; }
    public required int DivergedOrbits { get; init; }

    /// <summary>Earliest step (counting the burn-in) at which an orbit diverged, or null.</summary>
    public long? FirstDivergenceStep { get; init; }

    /// <summary>Steps per orbit that entered the averages.</summary>
    public required long StepsPerOrbit { get; init; }

    public required int BatchesPerOrbit { get; init; }

    /// <summary>S·d, the dimension of the tangent space.</summary>
    public required int StateDimension { get; init; }

    public double Seconds { get; init; }

    /// <summary>
    /// The running estimate at every batch boundary: λ and its standard error over the first j batches of every
    /// orbit that did not diverge (the last point is <see cref="Lambda"/>, <see cref="StdErr"/>).
    /// </summary>
    public IReadOnlyList<LyapunovRunningPoint> Running { get; init; } = [];

    /// <summary>The tolerance the run stopped on (null when there was none).</summary>
    public double? TargetStdErr { get; init; }

    /// <summary>Whether <see cref="StdErr"/> reached <see cref="TargetStdErr"/> before the step cap (null without a target).</summary>
    public bool? Converged { get; init; }

    public bool AllDiverged => DivergedOrbits == Orbits;
}

/// <summary>
/// Lyapunov exponents of the deterministic maps of the library (GD, heavy ball, NAG-SC) on any objective — a
/// multiscale f0 + f1,ε or a network loss — from their tangent action (<see cref="OptimizerMap.ApplyTangent"/>, and
/// the <see cref="OptimizerMap.Jacobian"/> assembled from it when the state has at most
/// <see cref="DenseTangentLimit"/> numbers), the tangent vector carried by the same <see cref="TangentPropagator"/>
/// that the training loop uses:
/// <list type="bullet">
/// <item>maximal exponent: v ← J(x_n) v / ‖J(x_n) v‖, λ = mean ln ‖J(x_n) v‖ (in 1-D this is eq. 4, mean ln|φ'(x_n)|);</item>
/// <item>eq. 4 literally, mean ln‖J(x_n)‖₂ (Thm. 9's quantity; an upper bound of λ in d ≥ 2);</item>
/// <item>full spectrum (Benettin et al. 1980): Q ← qr(J(x_n) Q), λ_k = mean ln|R_kk|.</item>
/// </list>
/// Orbits run in blocks of 8 through the vectorized <see cref="OptimizerMap.Step"/>; blocks (and, in
/// <see cref="RunMany"/>, maps) run in parallel, each with its own random stream, so results do not depend on the
/// thread count. The standard error pools the batch means of all orbits (batches long against the correlation time
/// of a chaotic orbit are nearly independent). A diverged orbit is dropped from every average and counted.
/// </summary>
public static class LyapunovEstimator
{
    private const int BlockSize = 8;

    /// <summary>Tangent spaces up to this dimension use the dense Jacobian (norm average and spectrum available);
    /// larger ones (network training) propagate the tangent by Hessian-vector products only.</summary>
    public const int DenseTangentLimit = 16;

    /// <summary>Catalog entry: the maximal Lyapunov exponent of a deterministic map (eq. 4; Thm. 9).</summary>
    public static readonly IAnalysis Entry = new Analysis<LyapunovSettings, LyapunovResult>(
        "lyapunov", "maximal Lyapunov exponent (and spectrum) of a deterministic map, against Thm. 9's m + ln(eta/eps)",
        (system, settings, progress) => Run(system.CreateMap("lyapunov"), settings, progress));

    /// <summary>One map; a user error when the map is random or every orbit diverges.</summary>
    public static LyapunovResult Run(OptimizerMap map, LyapunovSettings settings, IProgress<double>? progress = null)
    {
        var r = RunMany([map], settings, progress)[0];
        if (r.AllDiverged)
            throw new UserInputException(
                $"all {r.Orbits} orbits diverged (first at step {r.FirstDivergenceStep}; bound |x| ≤ {settings.DivergenceBound:G3}): no Lyapunov exponent to estimate at eta = {map.LearningRate:G6}");
        return r;
    }

    /// <summary>Several maps (e.g. a sweep over η or ε) in parallel; a map whose orbits all diverged gets NaN, not an exception.</summary>
    public static LyapunovResult[] RunMany(IReadOnlyList<OptimizerMap> maps, LyapunovSettings settings, IProgress<double>? progress = null)
    {
        Validate(settings);
        foreach (var m in maps)
            if (m.IsStochastic)
                throw new UserInputException($"the '{m.Name}' map is random: its tangent map (and Lyapunov exponent) is not defined; use gd, heavyball or nag");
        if (settings.Initial is null)
            foreach (var m in maps) DefaultInitial(m); // the user error for objectives without a default, before any thread starts
        foreach (var m in maps)
            if (settings.Spectrum && m.StateDimension > DenseTangentLimit)
                throw new UserInputException($"the Lyapunov spectrum needs the dense Jacobian, limited to {DenseTangentLimit} state dimensions (the map has {m.StateDimension}); the maximal exponent works at any size");
        int batches = settings.Batches;
        long batchLen = settings.Steps / batches;
        int blocks = (settings.Orbits + BlockSize - 1) / BlockSize;
        // Chunks of Steps steps: one without a target; with one, as many as the cap allows, stopping per map once
        // its standard error is small enough. Every block keeps its own orbit state and random stream across chunks
        // and the stopping decision is taken on the block-order reduction, so the result is the same for any thread count.
        long chunkSteps = batchLen * batches;
        int maxChunks = settings.TargetStdErr is null ? 1 : (int)Math.Clamp(settings.MaxSteps / chunkSteps, 1, int.MaxValue);
        var runs = new IEnumerator<BlockResult>[maps.Count, blocks];
        for (int mi = 0; mi < maps.Count; mi++)
            for (int b = 0; b < blocks; b++)
                runs[mi, b] = RunBlock(maps[mi], settings, b, Math.Min(BlockSize, settings.Orbits - b * BlockSize), batchLen).GetEnumerator();
        var chunks = Enumerable.Range(0, maps.Count).Select(_ => new List<BlockResult[]>()).ToArray();
        var results = new LyapunovResult?[maps.Count];
        long done = 0, total = (long)maps.Count * blocks * maxChunks;
        var sw = System.Diagnostics.Stopwatch.StartNew();
        // Objectives with internal buffers (network losses) cannot be shared by threads; their blocks run in order
        // (results are the same either way, blocks have their own streams).
        bool shareable = maps.All(m => m.Objective.IsThreadSafe);
        var options = new ParallelOptions { MaxDegreeOfParallelism = !shareable ? 1 : settings.Threads > 0 ? settings.Threads : Environment.ProcessorCount };
        for (int chunk = 0; chunk < maxChunks && results.Any(r => r is null); chunk++)
        {
            var active = Enumerable.Range(0, maps.Count).Where(mi => results[mi] is null).ToArray();
            foreach (var mi in active) chunks[mi].Add(new BlockResult[blocks]);
            Parallel.For(0, active.Length * blocks, options, item =>
            {
                int mi = active[item / blocks], b = item % blocks;
                runs[mi, b].MoveNext();
                chunks[mi][chunk][b] = runs[mi, b].Current;
                long now = Interlocked.Increment(ref done);
                progress?.Report((double)now / total);
            });
            foreach (var mi in active)
            {
                int stateDimension = maps[mi].StateBlocks * maps[mi].Dimension;
                var r = Combine(chunks[mi], settings, batchLen, stateDimension, sw.Elapsed.TotalSeconds, withRunning: false);
                bool converged = settings.TargetStdErr is { } target && r.StdErr <= target;
                bool last = chunk == maxChunks - 1 || r.AllDiverged;
                if (converged || last || settings.TargetStdErr is null)
                {
                    r = Combine(chunks[mi], settings, batchLen, stateDimension, sw.Elapsed.TotalSeconds, withRunning: true);
                    results[mi] = settings.TargetStdErr is null ? r : new LyapunovResult
                    {
                        Lambda = r.Lambda,
                        StdErr = r.StdErr,
                        NormAverage = r.NormAverage,
                        NormAverageStdErr = r.NormAverageStdErr,
                        Spectrum = r.Spectrum,
                        SpectrumStdErr = r.SpectrumStdErr,
                        PerOrbit = r.PerOrbit,
                        BatchMeansPerOrbit = r.BatchMeansPerOrbit,
                        Orbits = r.Orbits,
                        DivergedOrbits = r.DivergedOrbits,
                        FirstDivergenceStep = r.FirstDivergenceStep,
                        StepsPerOrbit = r.StepsPerOrbit,
                        BatchesPerOrbit = r.BatchesPerOrbit,
                        StateDimension = r.StateDimension,
                        Seconds = r.Seconds,
                        Running = r.Running,
                        TargetStdErr = settings.TargetStdErr,
                        Converged = converged,
                    };
                }
            }
        }
        progress?.Report(1);
        return results.Select(r => r!).ToArray();
    }

    /// <summary>
    /// Thm. 9's prediction for the maximal exponent: m + ln(η/ε) for GD. For the momentum maps, to leading order in
    /// a = η f'' ~ η/ε ≫ 1 (1-D): heavy ball J = [[1−a, γ], [−a, γ]] has trace 1+γ−a and determinant γ, so its large
    /// eigenvalue is ≈ −a and the prediction is the same m + ln(η/ε); NAG-SC J = [[(1+c)(1−a), −c], [1−a, 0]] has
    /// large eigenvalue ≈ (1+c)(1−a), giving m + ln(η/ε) + ln(1+c).
    /// </summary>
    public static (double Value, string Note) Theory(OptimizerMap map, double m)
    {
        double eps = map.Multiscale.Epsilon, eta = map.LearningRate;
        return map switch
        {
            NesterovMap nag => (m + Math.Log(eta / eps) + Math.Log(1 + nag.Coefficient),
                "NAG-SC: m + ln(eta/eps) + ln(1+c) to leading order in eta/eps (extension of Thm. 9)"),
            HeavyBallMap => (m + Math.Log(eta / eps), "heavy ball: m + ln(eta/eps) to leading order in eta/eps (extension of Thm. 9)"),
            _ => (m + Math.Log(eta / eps), "Thm. 9: m + ln(eta/eps) + O(eps + eta)"),
        };
    }

    private static void Validate(LyapunovSettings s)
    {
        if (s.Orbits < 1) throw new UserInputException($"at least one orbit is needed (got {s.Orbits})");
        if (s.Batches < 2) throw new UserInputException($"at least 2 batches are needed for a standard error (got {s.Batches})");
        if (s.Steps < 10L * s.Batches) throw new UserInputException($"steps must be at least {10L * s.Batches} ({s.Batches} batches of 10) (got {s.Steps})");
        if (s.BurnIn < 0) throw new UserInputException($"burn-in must be non-negative (got {s.BurnIn})");
        if (!(s.DivergenceBound > 0)) throw new UserInputException("divergence bound must be positive");
        if (s.TargetStdErr is { } t && !(t > 0 && double.IsFinite(t))) throw new UserInputException($"the target standard error must be a positive number (got {t})");
        if (s.TargetStdErr is not null && s.MaxSteps < s.Steps) throw new UserInputException($"max steps ({s.MaxSteps}) must be at least the steps of one chunk ({s.Steps})");
    }

    private sealed class BlockResult
    {
        public required int Count;
        public required long[] DivergedAt;        // 0 = alive
        public required double[] Batch;           // [orbit * batches + b] sums of ln-stretch
        public required double[] NormBatch;       // eq. 4 sums
        public double[]? SpectrumBatch;           // [(orbit * n + k) * batches + b]
    }

    /// <summary>
    /// One block of orbits, advanced chunk by chunk: the first chunk is the burn-in plus <c>batches</c> batches, every
    /// further one <c>batches</c> more batches of the same length, continuing the same orbits, tangent vectors and
    /// random stream. Each chunk yields its own batch sums; <see cref="BlockResult.DivergedAt"/> is shared.
    /// </summary>
    private static IEnumerable<BlockResult> RunBlock(OptimizerMap map, LyapunovSettings s, int blockIndex, int count, long batchLen)
    {
        int d = map.Dimension, n = map.StateBlocks * d, batches = s.Batches;
        var rng = Xoshiro256.ForStream(s.Seed, (ulong)blockIndex);
        var state = new double[n * count];
        var initial = s.Initial ?? DefaultInitial(map);
        initial.Sample(ref rng, state, count, d);
        map.Initialize(state, count);
        var scratch = new double[map.ScratchLength(count)];
        var divergedAt = new long[count];
        // tangent vectors (maximal) and frames (spectrum), random so that no orbit starts orthogonal to the unstable direction
        var tangents = new TangentPropagator[count];
        var unit = new double[n];
        for (int i = 0; i < count; i++)
        {
            tangents[i] = new TangentPropagator(n, s.Seed, ((ulong)blockIndex << 8) + (ulong)i);
            RandomUnit(ref rng, unit);
            tangents[i].Start(unit);
        }
        double[]? q = null;
        if (s.Spectrum)
        {
            q = new double[count * n * n];
            for (int i = 0; i < count; i++)
            {
                var qi = q.AsSpan(i * n * n, n * n);
                for (int c = 0; c < n * n; c++) qi[c] = rng.NextGaussian();
                SmallMatrix.QrInPlace(qi, n, new double[n]);
            }
        }
        var x = new double[n];
        bool dense = n <= DenseTangentLimit;
        var jac = new double[dense ? n * n : 0];
        var z = new double[dense ? n * n : 0];
        var rdiag = new double[n];
        bool symmetric = map.StateBlocks == 1; // GD: J = I − η∇²f is symmetric
        for (long chunkStart = s.BurnIn; ; chunkStart += batchLen * batches)
        {
            var res = new BlockResult
            {
                Count = count,
                DivergedAt = divergedAt,
                Batch = new double[count * batches],
                NormBatch = new double[count * batches],
                SpectrumBatch = s.Spectrum ? new double[count * n * batches] : null,
            };
            long totalSteps = chunkStart + batchLen * batches;
            for (long step = chunkStart == s.BurnIn ? 0 : chunkStart; step < totalSteps; step++)
            {
                long counted = step - chunkStart;
                int batch = counted >= 0 ? (int)(counted / batchLen) : -1;
                for (int i = 0; i < count; i++)
                {
                    if (res.DivergedAt[i] != 0) continue;
                    for (int c = 0; c < n; c++) x[c] = state[c * count + i];
                    if (!dense)
                    {
                        // Large tangent spaces (a network's parameters): the tangent action alone, one Hessian-vector
                        // product per step; no dense Jacobian, so no norm average (NaN) and no spectrum.
                        double stretch = tangents[i].Propagate(map, x, step);
                        if (batch >= 0)
                        {
                            res.Batch[i * batches + batch] += LogSingularQuadrature.LogAbs(stretch);
                            res.NormBatch[i * batches + batch] = double.NaN;
                        }
                        continue;
                    }
                    map.Jacobian(x, jac);
                    if (n == 1)
                    {
                        double l = LogSingularQuadrature.LogAbs(jac[0]);
                        if (batch >= 0)
                        {
                            res.Batch[i * batches + batch] += l;
                            res.NormBatch[i * batches + batch] += l;
                            if (res.SpectrumBatch is { } sb1) sb1[i * batches + batch] += l;
                        }
                        continue;
                    }
                    // The shared tangent engine: Dφ·u (here J·u, J assembled from the map's tangent action because the
                    // norm average and the spectrum need it anyway), renormalized; J u = 0 exactly (superstable hit)
                    // restarts u and contributes ln 0, floored below.
                    var tangent = tangents[i];
                    SmallMatrix.Apply(jac, tangent.Vector, tangent.Image, n);
                    double nrm = tangent.Renormalize(step);
                    if (batch >= 0)
                    {
                        res.Batch[i * batches + batch] += LogSingularQuadrature.LogAbs(nrm);
                        double jn = symmetric ? SmallMatrix.SymmetricSpectralNorm(jac, n) : SmallMatrix.SpectralNorm(jac, n);
                        res.NormBatch[i * batches + batch] += LogSingularQuadrature.LogAbs(jn);
                    }
                    if (q is not null)
                    {
                        var qi = q.AsSpan(i * n * n, n * n);
                        SmallMatrix.Multiply(jac, qi, z, n);
                        SmallMatrix.QrInPlace(z, n, rdiag);
                        z.AsSpan(0, n * n).CopyTo(qi);
                        if (batch >= 0)
                            for (int k = 0; k < n; k++) res.SpectrumBatch![(i * n + k) * batches + batch] += LogSingularQuadrature.LogAbs(rdiag[k]);
                    }
                }
                map.Step(state, count, ref rng, scratch);
                for (int i = 0; i < count; i++)
                {
                    if (res.DivergedAt[i] != 0) continue;
                    bool ok = true;
                    for (int c = 0; c < n; c++)
                    {
                        double val = state[c * count + i];
                        ok &= double.IsFinite(val) && (c >= d || Math.Abs(val) <= s.DivergenceBound);
                    }
                    if (!ok)
                    {
                        res.DivergedAt[i] = step + 1;
                        for (int c = 0; c < n; c++) state[c * count + i] = 0; // park it: a NaN lane must not reach any statistic
                    }
                }
            }
            yield return res;
        }
    }

    /// <summary>Pools the chunks of every block (in block order, each orbit's batches in time order).</summary>
    private static LyapunovResult Combine(IReadOnlyList<BlockResult[]> chunks, LyapunovSettings s, long batchLen, int n, double seconds, bool withRunning)
    {
        int batches = s.Batches * chunks.Count;
        var parts = Enumerable.Range(0, chunks[0].Length).Select(b => Concatenate(chunks.Select(c => c[b]).ToArray(), s.Batches, n)).ToArray();
        var batchMeans = new List<double>();
        var normMeans = new List<double>();
        var specMeans = Enumerable.Range(0, n).Select(_ => new List<double>()).ToArray();
        var perOrbit = new List<double>();
        var perOrbitBatches = new List<double[]>();
        int diverged = 0;
        long? first = null;
        foreach (var p in parts)
            for (int i = 0; i < p.Count; i++)
            {
                if (p.DivergedAt[i] != 0)
                {
                    diverged++;
                    first = first is null ? p.DivergedAt[i] : Math.Min(first.Value, p.DivergedAt[i]);
                    continue;
                }
                double sum = 0;
                var own = new double[batches];
                for (int b = 0; b < batches; b++)
                {
                    own[b] = p.Batch[i * batches + b] / batchLen;
                    batchMeans.Add(own[b]);
                    normMeans.Add(p.NormBatch[i * batches + b] / batchLen);
                    sum += p.Batch[i * batches + b];
                    if (p.SpectrumBatch is { } sb)
                        for (int k = 0; k < n; k++) specMeans[k].Add(sb[(i * n + k) * batches + b] / batchLen);
                }
                perOrbit.Add(sum / (batchLen * batches));
                perOrbitBatches.Add(own);
            }
        var (lam, se) = BatchMeans.MeanAndStandardError(batchMeans);
        var running = new LyapunovRunningPoint[withRunning ? batches : 0];
        for (int j = 1; j <= running.Length; j++)
        {
            var prefix = perOrbitBatches.SelectMany(row => row.Take(j)).ToArray();
            var (lj, sj) = BatchMeans.MeanAndStandardError(prefix);
            running[j - 1] = new LyapunovRunningPoint(j * batchLen, lj, sj);
        }
        var (nl, nse) = BatchMeans.MeanAndStandardError(normMeans);
        double[]? spec = null, specSe = null;
        if (s.Spectrum)
        {
            spec = new double[n];
            specSe = new double[n];
            for (int k = 0; k < n; k++)
                (spec[k], specSe[k]) = BatchMeans.MeanAndStandardError(specMeans[k]);
        }
        return new LyapunovResult
        {
            Lambda = lam,
            StdErr = se,
            NormAverage = nl,
            NormAverageStdErr = nse,
            Spectrum = spec,
            SpectrumStdErr = specSe,
            PerOrbit = perOrbit.ToArray(),
            BatchMeansPerOrbit = perOrbitBatches.ToArray(),
            Orbits = s.Orbits,
            DivergedOrbits = diverged,
            FirstDivergenceStep = first,
            StepsPerOrbit = batchLen * batches,
            BatchesPerOrbit = batches,
            StateDimension = n,
            Seconds = seconds,
            Running = running,
        };
    }

    /// <summary>One block's chunks as one result with all batches of each orbit in time order.</summary>
    private static BlockResult Concatenate(BlockResult[] chunks, int batchesPerChunk, int n)
    {
        if (chunks.Length == 1) return chunks[0];
        int count = chunks[0].Count, c = chunks.Length, batches = batchesPerChunk * c;
        var res = new BlockResult
        {
            Count = count,
            DivergedAt = chunks[^1].DivergedAt,
            Batch = new double[count * batches],
            NormBatch = new double[count * batches],
            SpectrumBatch = chunks[0].SpectrumBatch is null ? null : new double[count * n * batches],
        };
        for (int k = 0; k < c; k++)
            for (int i = 0; i < count; i++)
            {
                Array.Copy(chunks[k].Batch, i * batchesPerChunk, res.Batch, i * batches + k * batchesPerChunk, batchesPerChunk);
                Array.Copy(chunks[k].NormBatch, i * batchesPerChunk, res.NormBatch, i * batches + k * batchesPerChunk, batchesPerChunk);
                if (res.SpectrumBatch is { } sb)
                    for (int e = 0; e < n; e++)
                        Array.Copy(chunks[k].SpectrumBatch!, (i * n + e) * batchesPerChunk, sb, (i * n + e) * batches + k * batchesPerChunk, batchesPerChunk);
            }
        return res;
    }

    /// <summary>Uniform on the middle half of f0's typical range in every coordinate.</summary>
    public static InitialCondition DefaultInitial(OptimizerMap map)
    {
        if (map.Objective is not MultiscaleObjective f)
            throw new UserInputException("orbits of an objective that is not of the form f0 + f1,eps need explicit starting points (settings: initial)");
        var (lo, hi) = f.Macro.TypicalRange;
        double c = 0.5 * (lo + hi), w = 0.25 * (hi - lo);
        return InitialCondition.Uniform(c - w, c + w);
    }

    private static void RandomUnit(ref Xoshiro256 rng, Span<double> v)
    {
        double nrm;
        do
        {
            for (int c = 0; c < v.Length; c++) v[c] = rng.NextGaussian();
            nrm = SmallMatrix.Norm(v);
        } while (!(nrm > 0));
        for (int c = 0; c < v.Length; c++) v[c] /= nrm;
    }
}
