using ChaosDescent.Maps;
using ChaosDescent.Numerics;

namespace ChaosDescent.Runners;

/// <summary>Settings of an ensemble run: N particles, K steps, snapshots at chosen steps.</summary>
public sealed record EnsembleSettings
{
    public int Particles { get; init; } = 100_000;
    public int Steps { get; init; } = 1000;

    /// <summary>Steps at which positions are recorded (0 = the initial ensemble). Default: only the last step; empty: none.</summary>
    public IReadOnlyList<int>? SnapshotSteps { get; init; }

    public ulong Seed { get; init; } = 1;

    /// <summary>Worker threads; 0 = all cores. Results do not depend on it.</summary>
    public int Threads { get; init; }

    public InitialCondition Initial { get; init; } = InitialCondition.Uniform(-1, 1);

    /// <summary>A particle with |x_k| &gt; bound (or non-finite) counts as diverged.</summary>
    public double DivergenceBound { get; init; } = 1e6;

    /// <summary>Particles per block: each block has its own random stream, so results do not depend on scheduling.</summary>
    public int BlockSize { get; init; } = 2048;

    /// <summary>Throws a <see cref="UserInputException"/> for impossible sizes (before any memory is taken).</summary>
    public void Validate(int dimension, int stateBlocks)
    {
        if (Particles < 1) throw new UserInputException($"--particles must be at least 1 (got {Particles})");
        if (Steps < 0) throw new UserInputException($"--steps must be non-negative (got {Steps})");
        if (!(DivergenceBound > 0)) throw new UserInputException("divergence bound must be positive");
        if (BlockSize < 8) throw new UserInputException("block size must be at least 8");
        var snaps = SnapshotSteps ?? [Steps];
        if (snaps.Any(s => s < 0 || s > Steps)) throw new UserInputException($"snapshot steps must lie in [0, {Steps}]");
        double bytes = 8.0 * Particles * dimension * (stateBlocks + snaps.Distinct().Count()) + 4.0 * Particles;
        double limit = Math.Min(0.5 * GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, 16e9);
        if (bytes > limit)
            throw new UserInputException($"an ensemble of {Particles:N0} particles with {snaps.Count} snapshots needs {bytes / 1e9:F1} GB; the limit here is {limit / 1e9:F1} GB");
    }
}

/// <summary>Positions of the ensemble at one step (structure-of-arrays, NaN for diverged particles).</summary>
public sealed class EnsembleSnapshot
{
    internal EnsembleSnapshot(int step, int dimension, double[] positions)
    {
        Step = step;
        Dimension = dimension;
        Positions = positions;
    }

    public int Step { get; }
    public int Dimension { get; }

    /// <summary>Coordinate k of particle i at [k·N + i]; NaN for a particle that had diverged by this step.</summary>
    public double[] Positions { get; }

    public int Particles => Positions.Length / Dimension;

    /// <summary>The finite values of coordinate k (diverged particles left out).</summary>
    public double[] Coordinate(int k)
    {
        var span = Positions.AsSpan(k * Particles, Particles);
        var result = new List<double>(Particles);
        foreach (var v in span) if (double.IsFinite(v)) result.Add(v);
        return result.ToArray();
    }

    /// <summary>Rows (x, y, …) of the particles that are finite in every coordinate.</summary>
    public double[][] FinitePoints()
    {
        int n = Particles;
        var rows = new List<double[]>(n);
        for (int i = 0; i < n; i++)
        {
            var p = new double[Dimension];
            bool ok = true;
            for (int k = 0; k < Dimension; k++)
            {
                p[k] = Positions[k * n + i];
                ok &= double.IsFinite(p[k]);
            }
            if (ok) rows.Add(p);
        }
        return rows.ToArray();
    }
}

/// <summary>What diverged: how many particles, and when the first did.</summary>
public sealed record DivergenceReport(int Count, int? FirstStep, double Bound)
{
    public bool Any => Count > 0;
}

public sealed class EnsembleResult
{
    public required IReadOnlyList<EnsembleSnapshot> Snapshots { get; init; }
    public required DivergenceReport Divergence { get; init; }
    public required double Seconds { get; init; }
    public required long ParticleSteps { get; init; }

    /// <summary>Step at which each particle diverged (0 = it did not).</summary>
    public required int[] DivergedAt { get; init; }

    /// <summary>The snapshot at the last recorded step.</summary>
    public EnsembleSnapshot Final => Snapshots[^1];

    public EnsembleSnapshot At(int step) => Snapshots.FirstOrDefault(s => s.Step == step)
        ?? throw new ArgumentException($"no snapshot at step {step}");
}

/// <summary>
/// The one ensemble engine: evolves N particles by a map for K steps and streams every block, at step 0 and after
/// every step, to observers (<see cref="IEnsembleObserver"/>: snapshots, histograms, running moments, traces, region
/// crossings for escapes). Particles are processed in fixed blocks, each with its own random stream
/// (<see cref="Xoshiro256.ForStream"/>(seed, block)); blocks run on all cores, and observers write only their block's
/// slot and reduce in block order, so every result is bitwise the same for any thread count. Nothing is allocated per
/// step, and an observer is called once per block per step (never per particle). Memory: the state (O(N)) plus what
/// the observers keep (one array per snapshot).
/// </summary>
public static class EnsembleRunner
{
    /// <summary>Snapshots at <see cref="EnsembleSettings.SnapshotSteps"/> (default: the last step).</summary>
    public static EnsembleResult Run(OptimizerMap map, EnsembleSettings settings, IProgress<double>? progress = null, CancellationToken cancel = default) =>
        Run(map, settings, [], progress, cancel);

    /// <summary>
    /// Snapshots at <see cref="EnsembleSettings.SnapshotSteps"/> (an empty list keeps none) and, in the same pass, every
    /// observer in <paramref name="observers"/> (called in list order for each block and step).
    /// </summary>
    public static EnsembleResult Run(OptimizerMap map, EnsembleSettings settings, IReadOnlyList<IEnsembleObserver> observers,
        IProgress<double>? progress = null, CancellationToken cancel = default)
    {
        int d = map.Dimension, sb = map.StateBlocks, n = settings.Particles, k = settings.Steps, bs = settings.BlockSize;
        settings.Validate(d, sb);
        var snapshotObserver = new SnapshotObserver(settings.SnapshotSteps ?? [k]);
        IEnsembleObserver[] all = snapshotObserver.Steps.Count > 0 ? [snapshotObserver, .. observers] : [.. observers];
        // With snapshots only, blocks are handed over at the snapshot steps alone (the hot loop stays as bare as the map).
        bool everyStep = observers.Count > 0;
        var snapSteps = snapshotObserver.Steps.ToArray();
        var divergedAt = new int[n];
        int blocks = (n + bs - 1) / bs;
        var layout = new EnsembleLayout(n, d, sb, k, bs, blocks);
        foreach (var o in all) o.Begin(layout);
        long done = 0, total = Math.Max(1L, (long)n * Math.Max(k, 1));
        int lastReported = -1;
        var sw = System.Diagnostics.Stopwatch.StartNew();

        // An objective with internal buffers (a network loss: IScalarField.IsThreadSafe false) cannot be shared by
        // threads, so its blocks run one after another; results are the same either way (each block has its own
        // stream and blocks are reduced in block order).
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = !map.Objective.IsThreadSafe ? 1 : settings.Threads > 0 ? settings.Threads : Environment.ProcessorCount,
            CancellationToken = cancel,
        };
        Parallel.For(0, blocks, options,
            () => (State: new double[sb * d * bs], Scratch: new double[map.ScratchLength(bs)]),
            (b, _, buffers) =>
            {
                int start = b * bs, count = Math.Min(bs, n - start);
                var state = buffers.State.AsSpan(0, sb * d * count);
                var scratch = buffers.Scratch.AsSpan(0, map.ScratchLength(count));
                var rng = Xoshiro256.ForStream(settings.Seed, (ulong)b);
                settings.Initial.Sample(ref rng, state, count, d);
                map.Initialize(state, count);
                var div = divergedAt.AsSpan(start, count);
                int knownFails = 0, nextSnapshot = 0;
                if (everyStep || (snapSteps.Length > 0 && snapSteps[0] == 0))
                {
                    Notify(all, new EnsembleBlockView(b, start, count, d, 0, state, div));
                    if (snapSteps.Length > 0 && snapSteps[0] == 0) nextSnapshot++;
                }
                const int reportEvery = 64;
                for (int step = 1; step <= k; step++)
                {
                    map.Step(state, count, ref rng, scratch);
                    int fails = DivergenceGuard.CountFailing(state[..(d * count)], settings.DivergenceBound);
                    if (fails > knownFails)
                    {
                        DivergenceGuard.Mark(state, count, d, sb, settings.DivergenceBound, step, div);
                        knownFails = DivergenceGuard.CountFailing(state[..(d * count)], settings.DivergenceBound);
                    }
                    bool snapshotStep = nextSnapshot < snapSteps.Length && snapSteps[nextSnapshot] == step;
                    if (snapshotStep) nextSnapshot++;
                    if (everyStep || snapshotStep) Notify(all, new EnsembleBlockView(b, start, count, d, step, state, div));
                    if (step % reportEvery == 0 || step == k) Report((long)count * (step % reportEvery == 0 ? reportEvery : step % reportEvery));
                }
                if (k == 0) Report(count);
                return buffers;
            },
            _ => { });
        foreach (var o in all) o.End();

        static void Notify(IEnsembleObserver[] observers, in EnsembleBlockView view)
        {
            foreach (var o in observers) o.Observe(in view);
        }

        void Report(long units)
        {
            long now = Interlocked.Add(ref done, units);
            if (progress is null) return;
            int permille = (int)(1000 * now / total);
            int prev = Volatile.Read(ref lastReported);
            if (permille > prev && Interlocked.CompareExchange(ref lastReported, permille, prev) == prev)
                progress.Report(Math.Min(1.0, now / (double)total));
        }

        int divergedCount = 0, first = int.MaxValue;
        foreach (var s in divergedAt)
            if (s != 0)
            {
                divergedCount++;
                first = Math.Min(first, s);
            }
        return new EnsembleResult
        {
            Snapshots = snapshotObserver.Snapshots(),
            Divergence = new DivergenceReport(divergedCount, divergedCount > 0 ? first : null, settings.DivergenceBound),
            DivergedAt = divergedAt,
            Seconds = sw.Elapsed.TotalSeconds,
            ParticleSteps = (long)n * k,
        };
    }
}
