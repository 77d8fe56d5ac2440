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

    /// <summary>Occupation, exposure and transitions are counted for steps &gt; BurnIn; first exits from step 1.
    /// The counts are also kept per window of steps, so a later burn-in can be chosen from the run itself
    /// (<see cref="EscapeResult.WithBurnIn"/>).</summary>
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

    /// <summary>Windows of steps over which the counts are kept apart (the burn-in is always a window boundary).</summary>
    public int Windows { get; init; } = 200;

    public void Validate()
    {
        if (Particles < 1) throw new UserInputException($"--particles must be at least 1 (got {Particles})");
        if (Steps < 1) throw new UserInputException($"--steps must be at least 1 (got {Steps})");
        if (BurnIn < 0 || BurnIn >= Steps) throw new UserInputException($"--burn-in must lie in [0, steps) (got {BurnIn})");
        if (BlockSize < 8) throw new UserInputException("block size must be at least 8");
        if (Windows < 1) throw new UserInputException("at least one window of steps is needed");
        if (TraceParticles < 0 || TraceSteps < 0 || TraceSteps > Steps) throw new UserInputException("trace sizes must lie in [0, steps]");
        if (TraceParticles > Math.Min(Particles, BlockSize)) throw new UserInputException("traced particles must fit in the first block");
    }

    /// <summary>Window ends: about <see cref="Windows"/> equal windows of (0, Steps], with <see cref="BurnIn"/> added as a boundary.</summary>
    public int[] WindowEnds()
    {
        int w = Math.Min(Windows, Steps);
        var ends = Enumerable.Range(1, w).Select(i => (int)((long)i * Steps / w)).ToList();
        if (BurnIn > 0) ends.Add(BurnIn);
        return ends.Distinct().Order().ToArray();
    }
}

/// <summary>
/// The escape observer on the ensemble engine: tracks, per particle, which region (well) it is in and which it is
/// committed to (core sets, see <see cref="RegionPartition"/>), its first exit from its starting region and its
/// censoring step (the run's length, or the step at which it diverged); and counts, per block and per window of
/// steps, the particle-steps in each region (occupation), in each committed state (exposure) and the committed-state
/// changes (transitions). Per-block counters are summed in block order; nothing is allocated per step.
/// </summary>
public sealed class RegionCrossingObserver : IEnsembleObserver
{
    private readonly double[] _boundaries, _coreLo, _coreHi;
    private readonly int _regions;
    private int[] _committed = [], _initial = [], _firstExit = [], _censor = [], _cursor = [];
    private long[][] _occ = [], _exp = [], _trans = [];
    private int _steps;

    /// <param name="regions">The partition into regions with cores.</param>
    /// <param name="windowEnds">Ascending steps that end the windows of the counts; the last must be the run's length.</param>
    public RegionCrossingObserver(RegionPartition regions, int[] windowEnds)
    {
        Regions = regions;
        _boundaries = regions.Boundaries;
        _coreLo = regions.Cores.Select(c => c.Lo).ToArray();
        _coreHi = regions.Cores.Select(c => c.Hi).ToArray();
        _regions = regions.Count;
        WindowEnds = windowEnds;
    }

    public RegionPartition Regions { get; }

    /// <summary>Window w counts steps in (WindowEnds[w−1], WindowEnds[w]] (the first from step 1).</summary>
    public int[] WindowEnds { get; }

    public int Blocks => _occ.Length;

    /// <summary>Committed state of each particle at step 0 (the region of its initial position).</summary>
    public int[] InitialRegion => _initial;

    /// <summary>Step at which each particle first entered another region's core; 0 when it did not (censored).</summary>
    public int[] FirstExitStep => _firstExit;

    /// <summary>Censoring step of each particle without an exit: the run's length, or the step at which it diverged.</summary>
    public int[] CensorStep => _censor;

    public void Begin(EnsembleLayout layout)
    {
        if (layout.Dimension != 1) throw new UserInputException($"escape statistics are 1-D (this objective has d = {layout.Dimension})");
        if (WindowEnds.Length == 0 || WindowEnds[^1] != layout.Steps) throw new ArgumentException("the last window must end at the last step");
        int n = layout.Particles, w = WindowEnds.Length, nr = _regions;
        _steps = layout.Steps;
        _committed = new int[n];
        _initial = new int[n];
        _firstExit = new int[n];
        _censor = new int[n];
        _cursor = new int[layout.Blocks];
        _occ = Enumerable.Range(0, layout.Blocks).Select(_ => new long[w * nr]).ToArray();
        _exp = Enumerable.Range(0, layout.Blocks).Select(_ => new long[w * nr]).ToArray();
        _trans = Enumerable.Range(0, layout.Blocks).Select(_ => new long[w * nr * nr]).ToArray();
    }

    public void Observe(in EnsembleBlockView block)
    {
        int start = block.Start, count = block.Count, nr = _regions;
        var x = block.Coordinate(0);
        var committed = _committed.AsSpan(start, count);
        var first = _firstExit.AsSpan(start, count);
        if (block.Step == 0)
        {
            for (int i = 0; i < count; i++)
            {
                committed[i] = RegionOf(_boundaries, x[i]);
                _initial[start + i] = committed[i];
            }
            return;
        }
        ref int cursor = ref _cursor[block.Block];
        while (block.Step > WindowEnds[cursor]) cursor++;
        var occ = _occ[block.Block].AsSpan(cursor * nr, nr);
        var exp = _exp[block.Block].AsSpan(cursor * nr, nr);
        var trans = _trans[block.Block].AsSpan(cursor * nr * nr, nr * nr);
        var div = block.DivergedAt;
        for (int i = 0; i < count; i++)
        {
            if (div[i] != 0) continue;
            double xi = x[i];
            int r = RegionOf(_boundaries, xi);
            int s = committed[i];
            occ[r]++;
            exp[s]++;
            if (r != s && xi >= _coreLo[r] && xi <= _coreHi[r])
            {
                trans[s * nr + r]++;
                committed[i] = r;
                if (first[i] == 0) first[i] = block.Step;
            }
        }
        if (block.Step == _steps)
            for (int i = 0; i < count; i++)
                _censor[start + i] = div[i] != 0 && first[i] == 0 ? div[i] : _steps;
    }

    public void End() { }

    /// <summary>Index of the first window that starts after <paramref name="burnIn"/> (which must be 0 or a window end).</summary>
    public int FirstWindowAfter(int burnIn)
    {
        if (burnIn == 0) return 0;
        int w = Array.IndexOf(WindowEnds, burnIn);
        if (w < 0) throw new ArgumentException($"burn-in {burnIn} is not a window boundary");
        return w + 1;
    }

    /// <summary>Occupation, exposure and transitions over the steps after <paramref name="burnIn"/>, summed over blocks in block order.</summary>
    public (long[] Occupation, long[] Exposure, long[,] Transitions) Totals(int burnIn)
    {
        int nr = _regions, w0 = FirstWindowAfter(burnIn);
        var occupation = new long[nr];
        var exposure = new long[nr];
        var transitions = new long[nr, nr];
        for (int b = 0; b < Blocks; b++)
            for (int w = w0; w < WindowEnds.Length; w++)
                for (int r = 0; r < nr; r++)
                {
                    occupation[r] += _occ[b][w * nr + r];
                    exposure[r] += _exp[b][w * nr + r];
                    for (int s = 0; s < nr; s++) transitions[r, s] += _trans[b][(w * nr + r) * nr + s];
                }
        return (occupation, exposure, transitions);
    }

    /// <summary>
    /// Standard error of each region's occupation fraction after <paramref name="burnIn"/>. Blocks are independent
    /// replicas of the ensemble (own particles, own random stream), so the ratio estimator's spread over blocks gives
    /// the error without modelling the correlation along each orbit: SE² = B/(B−1)·Σ_b w_b²(f_b − f)², w_b the
    /// block's share of particle-steps. NaN with fewer than two blocks.
    /// </summary>
    public double[] OccupationStandardErrors(int burnIn)
    {
        int nr = _regions, w0 = FirstWindowAfter(burnIn), blocks = Blocks;
        var se = new double[nr];
        if (blocks < 2)
        {
            Array.Fill(se, double.NaN);
            return se;
        }
        var counts = new double[blocks, nr];
        var totals = new double[blocks];
        double all = 0;
        for (int b = 0; b < blocks; b++)
        {
            for (int w = w0; w < WindowEnds.Length; w++)
                for (int r = 0; r < nr; r++) counts[b, r] += _occ[b][w * nr + r];
            for (int r = 0; r < nr; r++) totals[b] += counts[b, r];
            all += totals[b];
        }
        for (int r = 0; r < nr; r++)
        {
            double f = 0;
            for (int b = 0; b < blocks; b++) f += counts[b, r];
            f /= all;
            double ss = 0;
            for (int b = 0; b < blocks; b++)
            {
                double wb = totals[b] / all, fb = totals[b] > 0 ? counts[b, r] / totals[b] : f;
                ss += wb * wb * (fb - f) * (fb - f);
            }
            se[r] = all > 0 ? Math.Sqrt(ss * blocks / (blocks - 1)) : double.NaN;
        }
        return se;
    }

    internal static int RegionOf(double[] boundaries, double x)
    {
        int r = 0;
        while (r < boundaries.Length && x >= boundaries[r]) r++;
        return r;
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

    /// <summary>Steps before the occupation, exposure and transition counts (a window boundary of <see cref="Crossings"/>).</summary>
    public required int BurnIn { get; init; }

    /// <summary>The raw per-block, per-window counts (to choose another burn-in after the run).</summary>
    public required RegionCrossingObserver Crossings { get; init; }

    public int RegionCount => Regions.Count;

    /// <summary>Steps at which a burn-in can end: 0 and every window end before the last step.</summary>
    public IReadOnlyList<int> BurnInCandidates => [0, .. Crossings.WindowEnds[..^1]];

    /// <summary>The same run with the counts taken after another burn-in (a value of <see cref="BurnInCandidates"/>).</summary>
    public EscapeResult WithBurnIn(int burnIn)
    {
        var (occ, exp, trans) = Crossings.Totals(burnIn);
        return new EscapeResult
        {
            Regions = Regions,
            Settings = Settings with { BurnIn = burnIn },
            InitialRegion = InitialRegion,
            FirstExitStep = FirstExitStep,
            CensorStep = CensorStep,
            Occupation = occ,
            Exposure = exp,
            Transitions = trans,
            FinalPositions = FinalPositions,
            Diverged = Diverged,
            DivergedFirstStep = DivergedFirstStep,
            Trace = Trace,
            Seconds = Seconds,
            BurnIn = burnIn,
            Crossings = Crossings,
        };
    }

    /// <summary>Standard errors of <see cref="OccupationFractions"/> from the spread over blocks (independent replicas).</summary>
    public double[] OccupationStandardErrors() => Crossings.OccupationStandardErrors(BurnIn);

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
/// Runs an ensemble of a 1-D map on the ensemble engine (<see cref="EnsembleRunner"/>) with a
/// <see cref="RegionCrossingObserver"/> (occupations, commitments, first exits with censoring, transitions) and a
/// trace of the first particles: the engine's fixed blocks, each with its own random stream
/// <see cref="Xoshiro256.ForStream"/>(seed, block), make the results the same for any thread count.
/// </summary>
public static class EscapeRunner
{
    public static EscapeResult Run(OptimizerMap map, RegionPartition regions, EscapeSettings settings,
        IProgress<double>? progress = null, CancellationToken cancel = default)
    {
        if (map.Dimension != 1) throw new UserInputException($"escape statistics are 1-D (this objective has d = {map.Dimension})");
        settings.Validate();
        var crossings = new RegionCrossingObserver(regions, settings.WindowEnds());
        var trace = new TraceObserver(settings.TraceParticles, settings.TraceSteps);
        var ensemble = EnsembleRunner.Run(map, new EnsembleSettings
        {
            Particles = settings.Particles,
            Steps = settings.Steps,
            SnapshotSteps = [settings.Steps],
            Seed = settings.Seed,
            Threads = settings.Threads,
            Initial = settings.Initial,
            DivergenceBound = settings.DivergenceBound,
            BlockSize = settings.BlockSize,
        }, [crossings, trace], progress, cancel);
        var (occupation, exposure, transitions) = crossings.Totals(settings.BurnIn);
        progress?.Report(1);
        return new EscapeResult
        {
            Regions = regions,
            Settings = settings,
            InitialRegion = crossings.InitialRegion,
            FirstExitStep = crossings.FirstExitStep,
            CensorStep = crossings.CensorStep,
            Occupation = occupation,
            Exposure = exposure,
            Transitions = transitions,
            FinalPositions = ensemble.Final.Positions,
            Diverged = ensemble.Divergence.Count,
            DivergedFirstStep = ensemble.Divergence.FirstStep,
            Trace = trace.Trace.Length > 0 ? trace.Trace[0] : [],
            Seconds = ensemble.Seconds,
            BurnIn = settings.BurnIn,
            Crossings = crossings,
        };
    }
}
