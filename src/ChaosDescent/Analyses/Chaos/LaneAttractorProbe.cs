using ChaosDescent.Statistics;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;

namespace ChaosDescent.Analyses.Chaos;

/// <summary>
/// <see cref="AttractorProbe"/> for many (η, ε) at once: each orbit runs in a lane of a <see cref="LaneOrbitKernel"/>
/// pool, and each lane is handled exactly as the one-orbit probe handles its orbit — λ in batches of Window steps after
/// the transient, the recurrence test |s_k − s_{k−p}| ≤ tol over the window at the end of each batch, the least-period
/// polish by Newton, divergence at the first state outside the bound, and at the step budget Newton's search for a
/// slowly contracting cycle. Those per-orbit decisions reuse the one-orbit probe's code on the lane's history.
/// </summary>
/// <remarks>
/// A lane whose orbit is settled (cycle found, diverged, budget spent) is refilled with the next cell at once, so lanes
/// of one pool follow orbits of very different lengths without idling; each lane has its own step count and its own
/// batch boundaries, and the pool stops for the nearest boundary (or every <see cref="MaxBatch"/> steps, to retire
/// diverged orbits). Lanes never interact and the arithmetic does not depend on the SIMD width, so every cell's result
/// is the same whatever the thread count, pool composition or vector width.
/// Scope: the GD map on a 1-D objective with polynomial f0 and a sine-sum (or no) micro-scale; momentum maps, d ≥ 2
/// and other objectives go through <see cref="AttractorProbe.Run"/> one orbit at a time.
/// </remarks>
internal static class LaneAttractorProbe
{
    /// <summary>Longest stretch of steps between looks at the lanes (bounds the work spent on a diverged orbit).</summary>
    public const int MaxBatch = 128;

    public static bool Supports(OptimizerMap map) =>
        map is GradientDescentMap && map.Dimension == 1 && map.Objective is MultiscaleObjective m && LaneOrbitKernel.Supports(m);

    /// <summary>
    /// Runs cells 0…count−1: cell i is the GD map <paramref name="mapOf"/>(i) (same f0 and micro profile as
    /// <paramref name="shape"/>, its own η and ε) from <paramref name="start"/> with a step budget
    /// <paramref name="maxStepsOf"/>(i); <paramref name="onDone"/>(i, report) is called once per cell from a worker
    /// thread. Returns the number of map steps of all orbits (Σ of the reports' Steps).
    /// </summary>
    public static long Run(OptimizerMap shape, double start, int count, Func<int, OptimizerMap> mapOf, Func<int, int> maxStepsOf,
        AttractorSettings s, Action<int, AttractorReport> onDone, int threads, IProgress<double>? progress = null, double progressScale = 1,
        int path = 0)
    {
        if (!Supports(shape)) throw new ArgumentException("the lane probe needs GD on a supported 1-D objective", nameof(shape));
        AttractorProbe.Validate(s);
        int workers = Math.Max(1, Math.Min(threads > 0 ? threads : Environment.ProcessorCount, (count + LaneOrbitKernel.Lanes - 1) / LaneOrbitKernel.Lanes));
        int next = -1, done = 0;
        long steps = 0;
        int reportEvery = Math.Max(1, count / 1000);
        var tasks = new Task[workers];
        for (int w = 0; w < workers; w++)
            tasks[w] = Task.Factory.StartNew(() =>
            {
                long mine = new Worker(shape, start, s, path).Run(
                    () =>
                    {
                        int i = Interlocked.Increment(ref next);
                        return i < count ? i : -1;
                    },
                    mapOf, maxStepsOf,
                    (i, r) =>
                    {
                        onDone(i, r);
                        int k = Interlocked.Increment(ref done);
                        if (progress is not null && (k % reportEvery == 0 || k == count)) progress.Report(progressScale * k / count);
                    });
                Interlocked.Add(ref steps, mine);
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            Task.WaitAll(tasks);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        return steps;
    }

    /// <summary>One pool of lanes and the bookkeeping of the orbits in it.</summary>
    private sealed class Worker
    {
        private const int P = LaneOrbitKernel.Lanes;
        private readonly LaneOrbitKernel _k;
        private readonly AttractorSettings _s;
        private readonly double _start;
        private readonly int _path;
        private readonly int _cap;
        private readonly int[] _cell = new int[P];
        private readonly long[] _t = new long[P];
        private readonly long[] _maxSteps = new long[P];
        private readonly long[] _nextEvent = new long[P];
        private readonly OptimizerMap?[] _map = new OptimizerMap?[P];
        private readonly List<double>[] _chunks = Enumerable.Range(0, P).Select(_ => new List<double>()).ToArray();
        private readonly double[] _history;
        private int _slot;

        public Worker(OptimizerMap shape, double start, AttractorSettings s, int path)
        {
            _s = s;
            _start = start;
            _path = path;
            _cap = s.Window + s.MaxPeriod + 1; // as the one-orbit probe's ring
            _k = LaneOrbitKernel.TryCreate(shape.Multiscale, _cap, s.DivergenceBound)!;
            _history = new double[_cap];
        }

        public long Run(Func<int> take, Func<int, OptimizerMap> mapOf, Func<int, int> maxStepsOf, Action<int, AttractorReport> onDone)
        {
            long steps = 0;
            int active = 0;
            for (int lane = 0; lane < P; lane++)
                if (Fill(lane, take(), mapOf, maxStepsOf)) active++;
            while (active > 0)
            {
                long batch = MaxBatch;
                for (int lane = 0; lane < P; lane++)
                    if (_cell[lane] >= 0) batch = Math.Min(batch, _nextEvent[lane] - _t[lane]);
                _k.Advance((int)batch, _slot, _path);
                _slot = (int)((_slot + batch) % _cap);
                for (int lane = 0; lane < P; lane++)
                {
                    if (_cell[lane] < 0) continue;
                    _t[lane] += batch;
                    var report = Look(lane, (int)batch);
                    if (report is null) continue;
                    steps += report.Steps;
                    onDone(_cell[lane], report);
                    if (!Fill(lane, take(), mapOf, maxStepsOf)) active--;
                }
            }
            return steps;
        }

        private bool Fill(int lane, int cell, Func<int, OptimizerMap> mapOf, Func<int, int> maxStepsOf)
        {
            _cell[lane] = cell;
            _chunks[lane].Clear();
            _t[lane] = 0;
            if (cell < 0)
            {
                _map[lane] = null;
                _k.Park(lane, _slot);
                return false;
            }
            var map = mapOf(cell);
            _map[lane] = map;
            _maxSteps[lane] = maxStepsOf(cell);
            if (_maxSteps[lane] < _s.MinTransient + _s.Window)
                throw new UserInputException("attractor settings: need max steps ≥ transient + window");
            _k.SetLane(lane, _start, map.LearningRate, map.Multiscale.Micro is null ? 1 : map.Multiscale.Epsilon, _slot);
            _nextEvent[lane] = NextEvent(0, _maxSteps[lane]);
            return true;
        }

        /// <summary>The next step count at which the lane needs a decision: end of the transient, end of a λ batch, or
        /// the budget.</summary>
        private long NextEvent(long t, long maxSteps)
        {
            long e = t < _s.MinTransient ? _s.MinTransient : _s.MinTransient + _s.Window * ((t - _s.MinTransient) / _s.Window + 1);
            return Math.Min(e, maxSteps);
        }

        private double Back(int lane, int k) => _k.Ring[(((_slot - k) % _cap + _cap) % _cap) * P + lane];

        /// <summary>After a batch: the lane's report when its orbit is settled, else null (and its next event set).</summary>
        private AttractorReport? Look(int lane, int batch)
        {
            long t = _t[lane];
            var map = _map[lane]!;
            if (_k.Bad[lane] != 0)
            {
                // the first state of the batch outside the bound (or not finite), as the one-orbit probe stops there
                for (int j = batch - 1; j >= 0; j--)
                    if (!(Math.Abs(Back(lane, j)) <= _s.DivergenceBound))
                        return new AttractorReport
                        {
                            DivergedAtStep = t - j,
                            Window = [],
                            Cycle = [],
                            Steps = t - j,
                            Dimension = 1,
                            StateDimension = 1,
                        };
            }
            if (t != _nextEvent[lane]) return null;
            double scale = map.Multiscale.Micro is null ? 1.0 : map.Multiscale.Epsilon;
            if (t == _s.MinTransient && t < _maxSteps[lane]) _k.ResetProduct(lane);
            else if (t > _s.MinTransient && (t - _s.MinTransient) % _s.Window == 0)
            {
                _chunks[lane].Add(_k.LogProduct(lane, _s.Window) / _s.Window);
                _k.ResetProduct(lane);
                double tol = _s.Tolerance ?? 1e-9 * scale + 1e-12 * (1 + _k.MaxAbs[lane]);
                int p = Recurrence(lane, tol);
                if (p > 0)
                {
                    var ring = History(lane, t);
                    int least = AttractorProbe.LeastPeriod(map, AttractorProbe.At(ring, t, _cap, 1).ToArray(), p, tol, out var polished);
                    return least > 0 && least < p
                        ? AttractorProbe.Cycle(map, ring, t, _cap, 1, least, false, _s, t, polished)
                        : AttractorProbe.Cycle(map, ring, t, _cap, 1, p, false, _s, t);
                }
            }
            if (t >= _maxSteps[lane])
            {
                var ring = History(lane, t);
                var (lam, se) = BatchMeans.MeanAndStandardError(_chunks[lane]);
                if (lam < 0)
                {
                    double tol = _s.Tolerance ?? 1e-9 * scale + 1e-12 * (1 + _k.MaxAbs[lane]);
                    for (int p = 1; p <= _s.MaxPeriod; p++)
                        if (AttractorProbe.NewtonCycle(map, ring, t, _cap, 1, p, tol, out var cyc))
                            return AttractorProbe.Cycle(map, ring, t, _cap, 1, p, true, _s, t, cyc);
                }
                return new AttractorReport
                {
                    Period = 0,
                    Lambda = lam,
                    LambdaStdErr = se,
                    Window = AttractorProbe.Positions(ring, t, _cap, 1, 1, _s.Window),
                    Cycle = [],
                    Steps = t,
                    Dimension = 1,
                    StateDimension = 1,
                };
            }
            _nextEvent[lane] = NextEvent(t, _maxSteps[lane]);
            return null;
        }

        /// <summary>The one-orbit probe's recurrence test on the lane's history. The pairs are taken oldest first: a
        /// converging orbit fails there at once (the verdict, all pairs within tol, does not depend on the order).</summary>
        private int Recurrence(int lane, double tol)
        {
            var ring = _k.Ring;
            int cap = _cap;
            for (int p = 1; p <= _s.MaxPeriod; p++)
            {
                bool ok = true;
                for (int k = _s.Window - _s.MaxPeriod - 1; k >= 0 && ok; k--)
                {
                    int a = _slot - k, b = _slot - k - p;
                    if (a < 0) a += cap;
                    if (b < 0) b += cap;
                    if (!(Math.Abs(ring[a * P + lane] - ring[b * P + lane]) <= tol)) ok = false;
                }
                if (ok) return p;
            }
            return 0;
        }

        /// <summary>The lane's last states in the one-orbit probe's ring layout (slot t mod cap).</summary>
        private double[] History(int lane, long t)
        {
            long from = Math.Max(0, t - _cap + 1);
            int slot = _slot, dest = (int)(t % _cap);
            var ring = _k.Ring;
            for (long u = t; u >= from; u--)
            {
                _history[dest] = ring[slot * P + lane];
                slot = slot == 0 ? _cap - 1 : slot - 1;
                dest = dest == 0 ? _cap - 1 : dest - 1;
            }
            return _history;
        }
    }
}
