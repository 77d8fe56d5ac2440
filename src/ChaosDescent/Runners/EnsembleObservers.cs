using ChaosDescent.Statistics;

namespace ChaosDescent.Runners;

/// <summary>The shape of an ensemble run, handed to every observer before the first step.</summary>
/// <param name="Particles">N, the ensemble size.</param>
/// <param name="Dimension">d, coordinates per particle.</param>
/// <param name="StateBlocks">State variables per coordinate (1, or 2 for momentum maps).</param>
/// <param name="Steps">K, the number of steps.</param>
/// <param name="BlockSize">Particles per block (the last block may be smaller).</param>
/// <param name="Blocks">Number of blocks, ⌈N / BlockSize⌉.</param>
public sealed record EnsembleLayout(int Particles, int Dimension, int StateBlocks, int Steps, int BlockSize, int Blocks)
{
    /// <summary>Particles in block b.</summary>
    public int CountOf(int block) => Math.Min(BlockSize, Particles - block * BlockSize);
}

/// <summary>
/// One block of particles at one step, as an observer sees it: the whole block as spans (structure-of-arrays,
/// coordinate k of particle i at <c>[k·Count + i]</c>), after the step and after blow-up marking (a diverged
/// particle is NaN in every state variable and has <see cref="DivergedAt"/> ≠ 0).
/// </summary>
public readonly ref struct EnsembleBlockView(int block, int start, int count, int dimension, int step, ReadOnlySpan<double> state,
    ReadOnlySpan<int> divergedAt)
{
    /// <summary>Block index (blocks are fixed: particle i is in block i / BlockSize).</summary>
    public int Block { get; } = block;

    /// <summary>Index of the block's first particle in the ensemble.</summary>
    public int Start { get; } = start;

    public int Count { get; } = count;
    public int Dimension { get; } = dimension;

    /// <summary>Steps taken so far (0 = the initial ensemble).</summary>
    public int Step { get; } = step;

    /// <summary>The whole state of the block (positions first, then momenta for two-block maps).</summary>
    public ReadOnlySpan<double> State { get; } = state;

    /// <summary>Positions only: d·Count values.</summary>
    public ReadOnlySpan<double> Positions => State[..(Dimension * Count)];

    /// <summary>Coordinate k of the block's particles.</summary>
    public ReadOnlySpan<double> Coordinate(int k) => State.Slice(k * Count, Count);

    /// <summary>Step at which each particle of the block diverged; 0 while it has not.</summary>
    public ReadOnlySpan<int> DivergedAt { get; } = divergedAt;
}

/// <summary>
/// Something that watches an ensemble while <see cref="EnsembleRunner"/> evolves it: called once per block per
/// step with the whole block (a span, never one call per particle), from whichever thread runs that block. The
/// rules that keep results independent of the thread count: <see cref="Begin"/> allocates one slot per block,
/// <see cref="Observe"/> writes only the slot of its block (and allocates nothing), and <see cref="End"/> reduces
/// the slots in block order.
/// </summary>
public interface IEnsembleObserver
{
    /// <summary>Called once, before any block starts.</summary>
    void Begin(EnsembleLayout layout);

    /// <summary>Called for every block at step 0 and after every step (concurrently for different blocks).</summary>
    void Observe(in EnsembleBlockView block);

    /// <summary>Called once, after every block has finished: reduce per-block results in block order.</summary>
    void End();
}

/// <summary>Positions of the whole ensemble at chosen steps (what <see cref="EnsembleResult.Snapshots"/> holds).</summary>
public sealed class SnapshotObserver(IReadOnlyList<int> steps) : IEnsembleObserver
{
    private readonly int[] _steps = steps.Distinct().OrderBy(s => s).ToArray();
    private double[][] _positions = [];
    private int[] _next = []; // per block: index of the next snapshot step (blocks see steps in order)
    private int _n, _d;

    /// <summary>The steps recorded, ascending.</summary>
    public IReadOnlyList<int> Steps => _steps;

    public void Begin(EnsembleLayout layout)
    {
        _n = layout.Particles;
        _d = layout.Dimension;
        _positions = _steps.Select(_ => new double[(long)_n * _d]).ToArray();
        _next = new int[layout.Blocks];
    }

    public void Observe(in EnsembleBlockView block)
    {
        ref int next = ref _next[block.Block];
        if (next >= _steps.Length || _steps[next] != block.Step) return;
        int index = next++;
        for (int c = 0; c < _d; c++)
            block.Coordinate(c).CopyTo(_positions[index].AsSpan(c * _n + block.Start, block.Count));
    }

    public void End() { }

    /// <summary>The snapshots, in step order.</summary>
    public EnsembleSnapshot[] Snapshots() => _steps.Select((s, i) => new EnsembleSnapshot(s, _d, _positions[i])).ToArray();
}

/// <summary>Positions of the first particles of block 0 at steps 0 … <paramref name="steps"/> (for trajectory plots).</summary>
public sealed class TraceObserver(int particles, int steps) : IEnsembleObserver
{
    private double[][][] _trace = [];

    /// <summary>Trace[c][p][t]: coordinate c of traced particle p at step t.</summary>
    public double[][][] Trace => _trace;

    public void Begin(EnsembleLayout layout)
    {
        if (particles > layout.CountOf(0)) throw new UserInputException("traced particles must fit in the first block");
        _trace = Enumerable.Range(0, layout.Dimension)
            .Select(_ => Enumerable.Range(0, particles).Select(_ => new double[Math.Min(steps, layout.Steps) + 1]).ToArray()).ToArray();
    }

    public void Observe(in EnsembleBlockView block)
    {
        if (block.Block != 0 || block.Step > steps) return;
        for (int c = 0; c < _trace.Length; c++)
        {
            var x = block.Coordinate(c);
            for (int p = 0; p < particles; p++) _trace[c][p][block.Step] = x[p];
        }
    }

    public void End() { }
}

/// <summary>
/// Histograms of each coordinate over every particle and every step in [<paramref name="fromStep"/>,
/// <paramref name="toStep"/>] (the ensemble-and-time average of Fig. 3(a) style laws), without storing positions.
/// Diverged particles are counted as non-finite, never binned. One histogram per block, merged in block order.
/// </summary>
public sealed class HistogramObserver(IReadOnlyList<(double Lo, double Hi)> ranges, int bins, int fromStep = 0, int toStep = int.MaxValue) : IEnsembleObserver
{
    private Histogram1D[][] _perBlock = [];

    /// <summary>The merged histograms, one per coordinate (after the run).</summary>
    public Histogram1D[] Histograms { get; private set; } = [];

    public void Begin(EnsembleLayout layout)
    {
        if (ranges.Count != layout.Dimension) throw new UserInputException("one histogram range per coordinate is needed");
        _perBlock = Enumerable.Range(0, layout.Blocks).Select(_ => ranges.Select(r => new Histogram1D(r.Lo, r.Hi, bins)).ToArray()).ToArray();
    }

    public void Observe(in EnsembleBlockView block)
    {
        if (block.Step < fromStep || block.Step > toStep) return;
        var h = _perBlock[block.Block];
        for (int c = 0; c < h.Length; c++)
            foreach (var x in block.Coordinate(c)) h[c].Add(x);
    }

    public void End()
    {
        Histograms = ranges.Select(r => new Histogram1D(r.Lo, r.Hi, bins)).ToArray();
        foreach (var h in _perBlock)
            for (int c = 0; c < h.Length; c++) Histograms[c].Merge(h[c]);
        _perBlock = [];
    }
}

/// <summary>
/// Running moments (mean, variance, skewness, kurtosis) of each coordinate over every particle and every step in
/// [<paramref name="fromStep"/>, <paramref name="toStep"/>]; diverged particles are skipped and counted. One
/// accumulator per block, combined in block order (Chan et al. 1979 pairwise update), so the result is bitwise the
/// same for any thread count.
/// </summary>
public sealed class MomentsObserver(int fromStep = 0, int toStep = int.MaxValue) : IEnsembleObserver
{
    private RunningMoments[][] _perBlock = [];

    /// <summary>The combined moments, one per coordinate (after the run).</summary>
    public Moments[] Moments { get; private set; } = [];

    public void Begin(EnsembleLayout layout) =>
        _perBlock = Enumerable.Range(0, layout.Blocks).Select(_ => Enumerable.Range(0, layout.Dimension).Select(_ => new RunningMoments()).ToArray()).ToArray();

    public void Observe(in EnsembleBlockView block)
    {
        if (block.Step < fromStep || block.Step > toStep) return;
        var m = _perBlock[block.Block];
        for (int c = 0; c < m.Length; c++) m[c].AddRange(block.Coordinate(c));
    }

    public void End()
    {
        if (_perBlock.Length == 0) return;
        var total = Enumerable.Range(0, _perBlock[0].Length).Select(_ => new RunningMoments()).ToArray();
        foreach (var m in _perBlock)
            for (int c = 0; c < m.Length; c++) total[c].Merge(m[c]);
        Moments = total.Select(t => t.Snapshot()).ToArray();
        _perBlock = [];
    }
}
