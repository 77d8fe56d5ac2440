using ChaosDescent.Maps;
using ChaosDescent.Objectives;
using ChaosDescent.Numerics.LinearAlgebra;
using ChaosDescent.Numerics.Grids;
using ChaosDescent.Numerics.Roots;

namespace ChaosDescent.Analyses.Chaos;

/// <summary>What GD does at one (η, ε) (Fig. 2 / Rmk. 9 / B.3.2).</summary>
public enum Regime
{
    /// <summary>The attractor is a fixed point: a (linearly stable, hence local) minimizer of f.</summary>
    Converges,

    /// <summary>A stable cycle of period 2…MaxPeriod, or bounded motion with λ ≤ 0 and no resolved cycle.</summary>
    Periodic,

    /// <summary>Aperiodic with λ > 0, the orbit confined to one microscopic well.</summary>
    LocalChaos,

    /// <summary>Aperiodic with λ > 0, the orbit visiting several microscopic wells (it explores f0's landscape).</summary>
    GlobalChaos,

    /// <summary>The orbit left |x| ≤ bound or became non-finite.</summary>
    Diverges,
}

/// <summary>A grid over (η, ε), log-spaced in both.</summary>
public sealed record RegimeSettings
{
    public double EtaMin { get; init; } = 1e-4;
    public double EtaMax { get; init; } = 3;
    public double EpsMin { get; init; } = 1e-4;
    public double EpsMax { get; init; } = 1e-1;
    public int EtaPoints { get; init; } = 40;
    public int EpsPoints { get; init; } = 40;

    /// <summary>Fixed start (d numbers); null = <see cref="RegimeMap.DefaultStart"/>.</summary>
    public double[]? Start { get; init; }

    /// <summary>Attractor search per cell; MaxSteps is raised to 40·ε/η for slow cells (capped at <see cref="MaxStepsCap"/>).</summary>
    public AttractorSettings Attractor { get; init; } = new() { MaxSteps = 20_000, MinTransient = 2_000, Window = 1_024, MaxPeriod = 32 };

    public int MaxStepsCap { get; init; } = 400_000;

    /// <summary>Memory the results may use; null = a quarter of what the runtime reports as available.</summary>
    public long? MemoryBudgetBytes { get; init; }

    public int Threads { get; init; }

    /// <summary>Run the orbits in SIMD lanes (<see cref="LaneAttractorProbe"/>) when the map and objective allow it (GD on
    /// a 1-D polynomial f0 with a sine-sum micro-scale); false = one orbit at a time (the reference path).</summary>
    public bool Lanes { get; init; } = true;

    /// <summary>Forces a lane kernel path (512, 256, 1 = scalar) for tests; 0 = the widest available.</summary>
    internal int LanePath { get; init; }
}

/// <summary>One cell of the map.</summary>
/// <param name="Eta">η.</param>
/// <param name="Eps">ε.</param>
/// <param name="Regime">The class.</param>
/// <param name="Period">Detected least period (0 = none).</param>
/// <param name="Lambda">Maximal Lyapunov exponent measured along the orbit (exact on a cycle).</param>
/// <param name="LambdaStdErr">Its batch-means standard error.</param>
/// <param name="ExtentOverEps">Largest coordinate range of the recorded orbit, in units of ε.</param>
/// <param name="DivergedAtStep">Step of divergence, or null.</param>
public sealed record RegimeCell(double Eta, double Eps, Regime Regime, int Period, double Lambda, double LambdaStdErr,
    double ExtentOverEps, long? DivergedAtStep);

/// <summary>The classified grid with the lines of the phase diagram.</summary>
public sealed class RegimeMapResult
{
    /// <summary>Cells, η-major: cell (i, j) = η_i, ε_j at index i·EpsValues.Length + j.</summary>
    public required RegimeCell[] Cells { get; init; }
    public required double[] EtaValues { get; init; }
    public required double[] EpsValues { get; init; }

    /// <summary>m of Cond. 2 (null without phase): the chaos threshold η = e^(−m) ε of Rmk. 9.</summary>
    public double? M { get; init; }

    /// <summary>2/L0 for GD (2(1 + γ)/L0 for heavy ball, the NAG-SC equivalent for nag), L0 = f0's smoothness bound or
    /// max |f0''| over its typical range when f0 is not globally L-smooth: the map on f0 alone is unstable above it.</summary>
    public required double StabilityEta { get; init; }

    public required double[] Start { get; init; }
    public double Seconds { get; init; }

    /// <summary>Map steps of all cells' orbits together (the attractor search; Newton polishing not counted).</summary>
    public long StepsTotal { get; init; }

    /// <summary><see cref="StepsTotal"/> / <see cref="Seconds"/>: the figure compared with the ensemble's particle-steps/s.</summary>
    public double CellStepsPerSecond => Seconds > 0 ? StepsTotal / Seconds : double.NaN;

    /// <summary>Whether the orbits ran in SIMD lanes (<see cref="LaneAttractorProbe"/>) or one at a time.</summary>
    public bool Lanes { get; init; }

    public IReadOnlyDictionary<Regime, int> Counts =>
        Enum.GetValues<Regime>().ToDictionary(r => r, r => Cells.Count(c => c.Regime == r));
}

/// <summary>
/// The regime map (Fig. 2 made quantitative). Each cell follows one orbit of the map from a fixed start with
/// <see cref="AttractorProbe"/> and classifies it:
/// <list type="number">
/// <item><b>diverges</b>: the orbit leaves |x| ≤ bound or becomes non-finite;</item>
/// <item><b>converges</b>: a fixed point is detected (directly or by Newton from a contracting orbit) — stable, so a
/// local minimizer of f;</item>
/// <item><b>periodic</b>: a stable cycle of least period 2…P, or no cycle resolved but λ ≤ 3 SE (not chaotic);</item>
/// <item><b>local chaos</b>: no cycle, λ − 3 SE > 0, and the recorded orbit lies in one microscopic well
/// (<see cref="WellGeometry.InOneWell"/>);</item>
/// <item><b>global chaos</b>: no cycle, λ − 3 SE > 0, and the orbit visits several wells.</item>
/// </list>
/// </summary>
public static class RegimeMap
{
    /// <summary>Bytes of results and output per cell (record + JSON/CSV text), used to refuse grids that cannot fit.</summary>
    public const long BytesPerCell = 256;

    public static RegimeMapResult Run(OptimizerMap map, RegimeSettings s, IProgress<double>? progress = null)
    {
        Validate(s, map);
        var f = map.Multiscale;
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var etas = Grid.LogSpace(s.EtaMin, s.EtaMax, s.EtaPoints);
        var epss = Grid.LogSpace(s.EpsMin, s.EpsMax, s.EpsPoints);
        var start = s.Start ?? DefaultStart(f);
        if (start.Length != f.Dimension) throw new UserInputException($"start has {start.Length} coordinates, the objective has {f.Dimension}");
        int total = etas.Length * epss.Length;
        var cells = new RegimeCell[total];
        long done = 0;
        // one objective per ε (shared by the η row), built once
        var objectives = epss.Select(e => f.WithEpsilon(e)).ToArray();
        long steps = 0;
        bool lanes = s.Lanes && LaneAttractorProbe.Supports(map);
        if (lanes)
        {
            var rows = objectives.Select(o => map.WithObjective(o)).ToArray();
            OptimizerMap CellMap(int k) => rows[k % epss.Length].WithLearningRate(etas[k / epss.Length]);
            steps = LaneAttractorProbe.Run(map, start[0], total, CellMap, k => MaxSteps(etas[k / epss.Length], epss[k % epss.Length], s),
                s.Attractor, (k, r) => cells[k] = FromReport(etas[k / epss.Length], epss[k % epss.Length], objectives[k % epss.Length], r),
                s.Threads, progress, path: s.LanePath);
        }
        else
            Parallel.For(0, total, new ParallelOptions { MaxDegreeOfParallelism = s.Threads > 0 ? s.Threads : Environment.ProcessorCount }, k =>
            {
                int i = k / epss.Length, j = k % epss.Length;
                var cellMap = map.WithObjective(objectives[j]).WithLearningRate(etas[i]);
                var r = AttractorProbe.Run(cellMap, start, s.Attractor with { MaxSteps = MaxSteps(etas[i], epss[j], s) });
                Interlocked.Add(ref steps, r.Steps);
                cells[k] = FromReport(etas[i], epss[j], objectives[j], r);
                progress?.Report((double)Interlocked.Increment(ref done) / total);
            });
        double? m = null;
        if (f.Micro is { Kind: not MicroScaleKind.General }) m = MConstant.Compute(f, MConstantOptions.Quick).M;
        return new RegimeMapResult
        {
            Cells = cells,
            EtaValues = etas,
            EpsValues = epss,
            M = m,
            StabilityEta = StabilityEta(map),
            Start = start,
            Seconds = sw.Elapsed.TotalSeconds,
            StepsTotal = steps,
            Lanes = lanes,
        };
    }

    /// <summary>Classifies one (η, ε): the map already carries both.</summary>
    public static RegimeCell Classify(OptimizerMap map, double[] start, RegimeSettings s)
    {
        double eta = map.LearningRate, eps = map.Multiscale.Epsilon;
        var r = AttractorProbe.Run(map, start, s.Attractor with { MaxSteps = MaxSteps(eta, eps, s) });
        return FromReport(eta, eps, map.Multiscale, r);
    }

    /// <summary>The step budget of a cell: the attractor budget, raised to 40·ε/η for slow cells (at most the cap).</summary>
    public static int MaxSteps(double eta, double eps, RegimeSettings s) =>
        (int)Math.Clamp(40 * eps / eta, s.Attractor.MaxSteps, Math.Max(s.Attractor.MaxSteps, s.MaxStepsCap));

    /// <summary>The class of a cell from its attractor report (the rules in the summary of <see cref="RegimeMap"/>).</summary>
    public static RegimeCell FromReport(double eta, double eps, MultiscaleObjective objective, AttractorReport r)
    {
        if (r.Diverged) return new RegimeCell(eta, eps, Regime.Diverges, 0, double.NaN, double.NaN, double.NaN, r.DivergedAtStep);
        int d = r.Dimension, count = r.Window.Length / d;
        double extent = 0;
        for (int c = 0; c < d; c++)
        {
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            for (int k = 0; k < count; k++)
            {
                lo = Math.Min(lo, r.Window[k * d + c]);
                hi = Math.Max(hi, r.Window[k * d + c]);
            }
            extent = Math.Max(extent, hi - lo);
        }
        extent /= eps;
        Regime regime;
        if (r.Period == 1) regime = Regime.Converges;
        else if (r.Period > 1) regime = Regime.Periodic;
        else if (!(r.Lambda - 3 * (double.IsFinite(r.LambdaStdErr) ? r.LambdaStdErr : 0) > 0)) regime = Regime.Periodic;
        else regime = WellGeometry.InOneWell(objective, r.Window, count) ? Regime.LocalChaos : Regime.GlobalChaos;
        return new RegimeCell(eta, eps, regime, r.Period, r.Lambda, r.LambdaStdErr, extent, null);
    }

    /// <summary>Near the bottom of f0, the same for every ε: the minimizer of f0 over its typical range (grid search in
    /// 1-D, the centre of the range in d ≥ 2) plus 2% of the range's width in every coordinate. Starting inside the
    /// set where |∇f0| ≤ max|ζ| (Rmk. 12) matters: an orbit that has to slide in from outside meets the shallow
    /// minima at its edge first and is often caught there.</summary>
    public static double[] DefaultStart(MultiscaleObjective f)
    {
        var (lo, hi) = f.Macro.TypicalRange;
        var x = Bifurcation.DefaultStart(f);
        double offset = 0.37 * WellGeometry.Scale(f);
        return x.Select(v => v - offset + 0.02 * (hi - lo)).ToArray();
    }

    /// <summary>
    /// The smallest η at which the map becomes linearly unstable on f0's stiffest direction: its own Jacobian at the
    /// minimum of L0·x²/2 (L0 as in <see cref="StabilityEta(MacroPotential)"/>) reaches spectral radius 1. GD gives
    /// 2/L0, heavy ball 2(1 + γ)/L0, NAG-SC the root of its implicit condition (c depends on η). Found by a geometric
    /// scan and bisection, so every map is treated alike.
    /// </summary>
    public static double StabilityEta(OptimizerMap map)
    {
        double gd = StabilityEta(map.Multiscale.Macro);
        if (!double.IsFinite(gd)) return gd;
        double L = 2 / gd;
        var quad = new MultiscaleObjective("stiffest-direction", new PolynomialPotential("L0 x^2/2", (-1, 1), 0, 0, 0.5 * L), null, 1.0);
        var probe = map.WithObjective(quad);
        int n = probe.StateBlocks;
        var state = new double[n];
        var jac = new double[n * n];
        double Rho(double eta)
        {
            Array.Clear(state);
            probe.WithLearningRate(eta).Jacobian(state, jac);
            return SmallMatrix.SpectralRadius(jac, n);
        }
        double lo = 1e-3 / L;
        if (Rho(lo) >= 1) return lo;
        for (double hi = lo * 1.05; hi < 1e3 / L; lo = hi, hi *= 1.05)
        {
            if (Rho(hi) < 1) continue;
            return Bisection.Boundary(eta => Rho(eta) < 1, lo, hi);
        }
        return double.PositiveInfinity;
    }

    /// <summary>2/L0 (see <see cref="RegimeMapResult.StabilityEta"/>).</summary>
    public static double StabilityEta(MacroPotential f0)
    {
        double L = f0.SmoothnessBound ?? 0;
        if (f0.SmoothnessBound is null)
        {
            var (lo, hi) = f0.TypicalRange;
            int d = f0.Dimension;
            var h = new double[d * d];
            var x = new double[d];
            for (int i = 0; i <= 400; i++)
            {
                Array.Fill(x, lo + (hi - lo) * i / 400);
                f0.Hessian(x, h);
                L = Math.Max(L, SmallMatrix.SymmetricSpectralNorm(h, d));
            }
        }
        return L > 0 ? 2 / L : double.PositiveInfinity;
    }

    /// <summary>Bytes the results of a grid need (for the refusal message).</summary>
    public static long RequiredBytes(long etaPoints, long epsPoints) =>
        etaPoints > 0 && epsPoints > 0 && etaPoints <= long.MaxValue / epsPoints / BytesPerCell
            ? etaPoints * epsPoints * BytesPerCell
            : long.MaxValue;

    private static void Validate(RegimeSettings s, OptimizerMap map)
    {
        if (map.Multiscale.Micro is null)
            throw new UserInputException($"objective '{map.Multiscale.Name}' has no micro-scale: the regime map is over ε, the micro length");
        if (!(s.EtaMin > 0) || !(s.EtaMax > s.EtaMin) || !double.IsFinite(s.EtaMax))
            throw new UserInputException($"need 0 < eta-min < eta-max (got {s.EtaMin}, {s.EtaMax})");
        if (!(s.EpsMin > 0) || !(s.EpsMax > s.EpsMin) || !double.IsFinite(s.EpsMax))
            throw new UserInputException($"need 0 < eps-min < eps-max (got {s.EpsMin}, {s.EpsMax})");
        if (s.EtaPoints < 2 || s.EpsPoints < 2) throw new UserInputException("the grid needs at least 2 points per axis");
        long need = RequiredBytes(s.EtaPoints, s.EpsPoints);
        long budget = s.MemoryBudgetBytes ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4;
        if (need > budget || (long)s.EtaPoints * s.EpsPoints > int.MaxValue / 2)
            throw new UserInputException(
                $"a {s.EtaPoints}x{s.EpsPoints} grid needs about {FormatBytes(need)} for its results ({BytesPerCell} bytes per cell) but {FormatBytes(budget)} may be used: reduce --grid");
        if (map.IsStochastic) throw new UserInputException($"the '{map.Name}' map is random: regimes are defined for gd, heavyball or nag");
    }

    /// <summary>snake_case name of a regime (as in JSON): converges, periodic, local_chaos, global_chaos, diverges.</summary>
    public static string Key(Regime r) => r switch
    {
        Regime.LocalChaos => "local_chaos",
        Regime.GlobalChaos => "global_chaos",
        _ => r.ToString().ToLowerInvariant(),
    };

    public static string FormatBytes(long b) => b == long.MaxValue ? "more than 8 EiB"
        : b >= 1L << 40 ? $"{b / (double)(1L << 40):F1} TiB"
        : b >= 1L << 30 ? $"{b / (double)(1L << 30):F1} GiB"
        : b >= 1L << 20 ? $"{b / (double)(1L << 20):F1} MiB"
        : $"{b / 1024.0:F1} KiB";

}
