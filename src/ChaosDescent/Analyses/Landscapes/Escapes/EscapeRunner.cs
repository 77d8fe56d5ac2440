using ChaosDescent.Maps;
using ChaosDescent.Numerics;
using ChaosDescent.Runners;

namespace ChaosDescent.Analyses.Landscapes.Escapes;

/// <summary>
/// A partition of the line into regions (e.g. the wells of f0) by sorted boundaries, each region with a core
/// [CoreLo, CoreHi] inside it. A particle's committed state changes only when it enters the core of another
/// region ("core sets"/milestoning): quick re-crossings of a barrier top do not count as transitions, so exit
/// times and rates measure commitment to the other well, the quantity Eyring–Kramers theory predicts.
/// </summary>
public sealed record RegionPartition
{
    public RegionPartition(double[] boundaries, (double Lo, double Hi)[] cores)
    {
        if (cores.Length != boundaries.Length + 1) throw new ArgumentException("one core per region is needed");
        for (int i = 1; i < boundaries.Length; i++)
            if (!(boundaries[i] > boundaries[i - 1])) throw new ArgumentException("boundaries must increase");
        for (int r = 0; r < cores.Length; r++)
        {
            double lo = r == 0 ? double.NegativeInfinity : boundaries[r - 1], hi = r == boundaries.Length ? double.PositiveInfinity : boundaries[r];
            if (!(cores[r].Lo >= lo && cores[r].Hi <= hi && cores[r].Lo <= cores[r].Hi)) throw new ArgumentException($"core {r} is not inside its region");
        }
        Boundaries = boundaries.ToArray();
        Cores = cores.ToArray();
    }

    public double[] Boundaries { get; }
    public (double Lo, double Hi)[] Cores { get; }
    public int Count => Boundaries.Length + 1;

    public double RegionLo(int r) => r == 0 ? double.NegativeInfinity : Boundaries[r - 1];
    public double RegionHi(int r) => r == Boundaries.Length ? double.PositiveInfinity : Boundaries[r];

    /// <summary>Region index of x (a point on a boundary belongs to the region on its right).</summary>
    public int RegionOf(double x)
    {
        var b = Boundaries;
        int r = 0;
        while (r < b.Length && x >= b[r]) r++;
        return r;
    }

    /// <summary>Three regions (−∞, lo), [lo, hi], (hi, ∞) with cores equal to the regions: leaving [lo, hi] is the exit.</summary>
    public static RegionPartition Interval(double lo, double hi) =>
        new([lo, hi], [(double.NegativeInfinity, lo), (lo, hi), (hi, double.PositiveInfinity)]);
}

/// <summary>Settings of an escape run.</summary>
public sealed record EscapeSettings
{
    public int Particles { get; init; } = 10_000;
    public int Steps { get; init; } = 10_000;

    /// <summary>Occupation, exposure and transitions are counted for steps &gt; BurnIn; first exits from step 1.</summary>
    public int BurnIn { get; init; }

    public ulong Seed { get; init; } = 1;

    /// <summary>Worker threads; 0 = all cores. Results do not depend on it.</summary>
    public int Threads { get; init; }

    public InitialCondition Initial { get; init; } = InitialCondition.Uniform(-1, 1);

    public int BlockSize { get; init; } = 1024;
    public double DivergenceBound { get; init; } = 1e6;

    /// <summary>Positions of particles 0 … TraceParticles−1 are kept for steps 0 … TraceSteps.</summary>
    public int TraceParticles { get; init; }

    public int TraceSteps { get; init; }

    public void Validate()
    {
        if (Particles < 1) throw new UserInputException($"--particles must be at least 1 (got {Particles})");
        if (Steps < 1) throw new UserInputException($"--steps must be at least 1 (got {Steps})");
        if (BurnIn < 0 || BurnIn >= Steps) throw new UserInputException($"--burn-in must lie in [0, steps) (got {BurnIn})");
        if (BlockSize < 8) throw new UserInputException("block size must be at least 8");
        if (TraceParticles < 0 || TraceSteps < 0 || TraceSteps > Steps) throw new UserInputException("trace sizes must lie in [0, steps]");
        if (TraceParticles > Math.Min(Particles, BlockSize)) throw new UserInputException("traced particles must fit in the first block");
    }
}

/// <summary>What an escape run measured, per particle and per region.</summary>
public sealed class EscapeResult
{
    public required RegionPartition Regions { get; init; }
    public required EscapeSettings Settings { get; init; }

    /// <summary>Committed state of each particle at step 0 (the region of its initial position).</summary>
    public required int[] InitialRegion { get; init; }

    /// <summary>Step at which each particle first entered another region's core; 0 when it did not (censored).</summary>
    public required int[] FirstExitStep { get; init; }

    /// <summary>Censoring step of each particle without an exit: the run's length, or the step at which it diverged.</summary>
    public required int[] CensorStep { get; init; }

    /// <summary>Particle-steps spent in each region (by position) after burn-in.</summary>
    public required long[] Occupation { get; init; }

    /// <summary>Particle-steps spent in each committed state after burn-in (the exposure of the rate estimates).</summary>
    public required long[] Exposure { get; init; }

    /// <summary>Transitions[i, j]: committed-state changes i → j after burn-in.</summary>
    public required long[,] Transitions { get; init; }

    /// <summary>Positions at the last step (NaN for diverged particles).</summary>
    public required double[] FinalPositions { get; init; }

    public required int Diverged { get; init; }
    public required int? DivergedFirstStep { get; init; }

    /// <summary>Trace[p][t]: position of traced particle p at step t.</summary>
    public required double[][] Trace { get; init; }

    public required double Seconds { get; init; }

    public int RegionCount => Regions.Count;

    /// <summary>Fractions of particle-steps after burn-in in each region.</summary>
    public double[] OccupationFractions()
    {
        double total = Occupation.Sum();
        return Occupation.Select(o => total > 0 ? o / total : double.NaN).ToArray();
    }

    /// <summary>First-exit times of the particles that started in <paramref name="region"/>.</summary>
    public ExitTimeStatistics FirstExitTimes(int region)
    {
        var times = new List<int>();
        var observed = new List<bool>();
        for (int i = 0; i < InitialRegion.Length; i++)
        {
            if (InitialRegion[i] != region) continue;
            bool hit = FirstExitStep[i] > 0;
            times.Add(hit ? FirstExitStep[i] : CensorStep[i]);
            observed.Add(hit);
        }
        return new ExitTimeStatistics(times, observed);
    }

    /// <summary>Transitions out of region i per step spent in it: the geometric MLE of the escape rate (all sojourns, censored ones included).</summary>
    public double EscapeRate(int i)
    {
        long d = 0;
        for (int j = 0; j < RegionCount; j++) if (j != i) d += Transitions[i, j];
        return Exposure[i] > 0 ? d / (double)Exposure[i] : double.NaN;
    }

    public long ExitsFrom(int i)
    {
        long d = 0;
        for (int j = 0; j < RegionCount; j++) if (j != i) d += Transitions[i, j];
        return d;
    }

    /// <summary>Rate i → j per step.</summary>
    public double Rate(int i, int j) => Exposure[i] > 0 ? Transitions[i, j] / (double)Exposure[i] : double.NaN;

    /// <summary>
    /// The stationary law of the jump process between regions with the measured rates (π Q = 0, Σπ = 1): the
    /// occupation the rates imply, independent of where the ensemble started. NaN when a region was never left or
    /// never entered (the rates do not determine it).
    /// </summary>
    public double[] OccupationFromRates()
    {
        int n = RegionCount;
        var used = Enumerable.Range(0, n).Where(i => Exposure[i] > 0).ToArray();
        var nan = Enumerable.Repeat(double.NaN, n).ToArray();
        if (used.Length == 0) return nan;
        if (used.Length == 1)
        {
            var one = new double[n];
            one[used[0]] = 1;
            return one;
        }
        int m = used.Length;
        var q = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(m + 1, m);
        for (int a = 0; a < m; a++)
        {
            double out_ = 0;
            for (int b = 0; b < m; b++)
            {
                if (a == b) continue;
                double r = Rate(used[a], used[b]);
                q[b, a] += r;   // (Qᵀ π) row b gets inflow from a
                out_ += r;
            }
            q[a, a] -= out_;
            q[m, a] = 1;        // normalization row
        }
        if (used.Any(i => ExitsFrom(i) == 0)) return nan;
        var rhs = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(m + 1);
        rhs[m] = 1;
        var pi = q.QR().Solve(rhs); // least squares; the system is consistent
        var result = new double[n];
        for (int a = 0; a < m; a++) result[used[a]] = pi[a];
        return result;
    }
}

/// <summary>
/// Runs an ensemble of a 1-D map and tracks, per particle, which region (well) it is in and which it is committed
/// to. Its own block kernel (the core runners only keep snapshots): fixed blocks of particles, each with its own
/// random stream <see cref="Xoshiro256.ForStream"/>(seed, block) and its own counters, run with Parallel.For and
/// reduced in block order, so results are the same for any thread count; nothing is allocated per step.
/// </summary>
public static class EscapeRunner
{
    public static EscapeResult Run(OptimizerMap map, RegionPartition regions, EscapeSettings settings,
        IProgress<double>? progress = null, CancellationToken cancel = default)
    {
        if (map.Dimension != 1) throw new UserInputException($"escape statistics are 1-D (this objective has d = {map.Dimension})");
        settings.Validate();
        int n = settings.Particles, k = settings.Steps, bs = settings.BlockSize, sb = map.StateBlocks, nr = regions.Count;
        int blocks = (n + bs - 1) / bs;
        var initialRegion = new int[n];
        var firstExit = new int[n];
        var censor = new int[n];
        var final = new double[n];
        var blockOcc = new long[blocks][];
        var blockExp = new long[blocks][];
        var blockTrans = new long[blocks][];
        var divergedAt = new int[n];
        var trace = Enumerable.Range(0, settings.TraceParticles).Select(_ => new double[settings.TraceSteps + 1]).ToArray();
        var boundaries = regions.Boundaries;
        var coreLo = regions.Cores.Select(c => c.Lo).ToArray();
        var coreHi = regions.Cores.Select(c => c.Hi).ToArray();
        long done = 0, total = Math.Max(1L, (long)n * k);
        int lastReported = -1;
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = settings.Threads > 0 ? settings.Threads : Environment.ProcessorCount,
            CancellationToken = cancel,
        };

        Parallel.For(0, blocks, options,
            () => (State: new double[sb * bs], Scratch: new double[map.ScratchLength(bs)], Committed: new int[bs]),
            (b, _, buf) =>
            {
                int start = b * bs, count = Math.Min(bs, n - start);
                var state = buf.State.AsSpan(0, sb * count);
                var scratch = buf.Scratch.AsSpan(0, map.ScratchLength(count));
                var committed = buf.Committed.AsSpan(0, count);
                var occ = new long[nr];
                var exp = new long[nr];
                var trans = new long[nr * nr];
                var rng = Xoshiro256.ForStream(settings.Seed, (ulong)b);
                settings.Initial.Sample(ref rng, state, count, 1);
                map.Initialize(state, count);
                var first = firstExit.AsSpan(start, count);
                var cens = censor.AsSpan(start, count);
                var div = divergedAt.AsSpan(start, count);
                for (int i = 0; i < count; i++)
                {
                    committed[i] = RegionOf(boundaries, state[i]);
                    initialRegion[start + i] = committed[i];
                    cens[i] = k;
                }
                if (b == 0) RecordTrace(state, 0);
                const int reportEvery = 64;
                for (int step = 1; step <= k; step++)
                {
                    map.Step(state, count, ref rng, scratch);
                    bool counting = step > settings.BurnIn;
                    for (int i = 0; i < count; i++)
                    {
                        double x = state[i];
                        if (div[i] != 0) continue;
                        if (!(Math.Abs(x) <= settings.DivergenceBound))
                        {
                            div[i] = step;
                            if (first[i] == 0) cens[i] = step;
                            for (int c = 0; c < sb; c++) state[c * count + i] = double.NaN;
                            continue;
                        }
                        int r = RegionOf(boundaries, x);
                        int s = committed[i];
                        if (counting)
                        {
                            occ[r]++;
                            exp[s]++;
                        }
                        if (r != s && x >= coreLo[r] && x <= coreHi[r])
                        {
                            if (counting) trans[s * nr + r]++;
                            committed[i] = r;
                            if (first[i] == 0) first[i] = step;
                        }
                    }
                    if (b == 0) RecordTrace(state, step);
                    if (step % reportEvery == 0 || step == k) Report((long)count * (step % reportEvery == 0 ? reportEvery : step % reportEvery));
                }
                state[..count].CopyTo(final.AsSpan(start, count));
                blockOcc[b] = occ;
                blockExp[b] = exp;
                blockTrans[b] = trans;
                return buf;

                void RecordTrace(ReadOnlySpan<double> st, int step)
                {
                    if (step > settings.TraceSteps) return;
                    for (int p = 0; p < trace.Length; p++) trace[p][step] = st[p];
                }
            },
            _ => { });

        var occupation = new long[nr];
        var exposure = new long[nr];
        var transitions = new long[nr, nr];
        for (int b = 0; b < blocks; b++)
        {
            for (int r = 0; r < nr; r++)
            {
                occupation[r] += blockOcc[b][r];
                exposure[r] += blockExp[b][r];
                for (int s = 0; s < nr; s++) transitions[r, s] += blockTrans[b][r * nr + s];
            }
        }
        int diverged = divergedAt.Count(s => s != 0);
        progress?.Report(1);
        return new EscapeResult
        {
            Regions = regions,
            Settings = settings,
            InitialRegion = initialRegion,
            FirstExitStep = firstExit,
            CensorStep = censor,
            Occupation = occupation,
            Exposure = exposure,
            Transitions = transitions,
            FinalPositions = final,
            Diverged = diverged,
            DivergedFirstStep = diverged > 0 ? divergedAt.Where(s => s != 0).Min() : null,
            Trace = trace,
            Seconds = sw.Elapsed.TotalSeconds,
        };

        void Report(long units)
        {
            long now = Interlocked.Add(ref done, units);
            if (progress is null) return;
            int permille = (int)(1000 * now / total);
            int prev = Volatile.Read(ref lastReported);
            if (permille > prev && Interlocked.CompareExchange(ref lastReported, permille, prev) == prev)
                progress.Report(Math.Min(1.0, now / (double)total));
        }
    }

    private static int RegionOf(double[] boundaries, double x)
    {
        int r = 0;
        while (r < boundaries.Length && x >= boundaries[r]) r++;
        return r;
    }
}
