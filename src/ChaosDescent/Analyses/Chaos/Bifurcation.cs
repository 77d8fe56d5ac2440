using ChaosDescent.Maps;
using ChaosDescent.Numerics;
using ChaosDescent.Objectives;

namespace ChaosDescent.Analyses.Chaos;

/// <summary>Settings of a bifurcation diagram over η.</summary>
public sealed record BifurcationSettings
{
    public required double EtaMin { get; init; }
    public required double EtaMax { get; init; }

    /// <summary>η values, evenly spaced from EtaMin to EtaMax.</summary>
    public int Points { get; init; } = 400;

    /// <summary>Fixed initial condition (D.1); null = <see cref="Bifurcation.DefaultStart"/>.</summary>
    public double[]? Start { get; init; }

    public AttractorSettings Attractor { get; init; } = new();

    /// <summary>Positions kept per η for the diagram.</summary>
    public int PlotPoints { get; init; } = 256;

    /// <summary>Locate each doubling by continuing the p-cycle and solving multiplier = −1 (1-D state only).</summary>
    public bool RefineDoublings { get; init; } = true;

    public int Threads { get; init; }

    /// <summary>Run the η grid in SIMD lanes (<see cref="LaneAttractorProbe"/>) when the map and objective allow it;
    /// false = one orbit at a time.</summary>
    public bool Lanes { get; init; } = true;
}

/// <summary>One η of the diagram.</summary>
/// <param name="Eta">η.</param>
/// <param name="Period">Least period of the attractor, 0 = none found (aperiodic or longer than the maximum).</param>
/// <param name="Lambda">Maximal Lyapunov exponent (exact on a cycle, a time average otherwise); NaN when diverged.</param>
/// <param name="LambdaStdErr">Batch-means standard error of λ (0 on a cycle).</param>
/// <param name="Diverged">The orbit left the bound.</param>
/// <param name="CycleByNewton">The cycle was located by Newton's method from a slowly contracting orbit.</param>
/// <param name="Orbit">Last positions of the first coordinate (the dots of the diagram).</param>
public sealed record BifurcationPoint(double Eta, int Period, double Lambda, double LambdaStdErr, bool Diverged, bool CycleByNewton, double[] Orbit);

/// <summary>A period doubling p → 2p between two η values; <see cref="Eta"/> is where the p-cycle's multiplier
/// crosses −1 when <see cref="Refined"/>, else the bracket's midpoint.</summary>
public sealed record PeriodDoubling(double Eta, int FromPeriod, int ToPeriod, double BracketLo, double BracketHi, bool Refined);

/// <summary>The diagram and what was detected on it.</summary>
public sealed class BifurcationDiagram
{
    public required IReadOnlyList<BifurcationPoint> Points { get; init; }
    public required IReadOnlyList<PeriodDoubling> Doublings { get; init; }

    /// <summary>δ_k = (η_k − η_{k−1})/(η_{k+1} − η_k) along the longest cascade (a chain of doublings p → 2p → 4p …);
    /// Feigenbaum: → 4.6692 for a unimodal-like map.</summary>
    public required IReadOnlyList<double> FeigenbaumRatios { get; init; }

    /// <summary>Smallest η of the grid from which on the orbit is aperiodic with λ > 3 standard errors above 0 (null if none).</summary>
    public double? OnsetEta { get; init; }

    /// <summary>Accumulation point of the cascade extrapolated from its last two doublings with Feigenbaum's δ = 4.6692.</summary>
    public double? AccumulationEta { get; init; }

    /// <summary>The microscopic well (1-D) around the minimizer the start descends to: nearest local maxima of f.</summary>
    public (double Lo, double Hi)? Well { get; init; }

    public required double[] Start { get; init; }
    public double Seconds { get; init; }
}

/// <summary>
/// Bifurcation (orbit) diagram of a map over η (D.1, Fig. 9): for each η a fixed start is iterated until its
/// attractor is identified (<see cref="AttractorProbe"/>), giving the period and λ. Period doublings are where the
/// detected period goes p → 2p between neighbouring η (gaps p → 4p… are subdivided until the single doublings are
/// bracketed), located by continuing the p-cycle by Newton's method and bisecting on multiplier = −1 (the
/// flip-bifurcation condition). The onset of chaos is the first η where no cycle is found and λ > 0.
/// </summary>
public static class Bifurcation
{
    public const double FeigenbaumDelta = 4.669201609102990;

    public static BifurcationDiagram Run(OptimizerMap map, BifurcationSettings s, IProgress<double>? progress = null)
    {
        if (!(s.EtaMin > 0) || !(s.EtaMax > s.EtaMin) || !double.IsFinite(s.EtaMax))
            throw new UserInputException($"need 0 < eta-min < eta-max (got {s.EtaMin}, {s.EtaMax})");
        if (s.Points < 2) throw new UserInputException($"--points must be at least 2 (got {s.Points})");
        if (map.IsStochastic) throw new UserInputException($"the '{map.Name}' map is random: a bifurcation diagram needs gd, heavyball or nag");
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var start = s.Start ?? DefaultStart(map.Multiscale);
        if (start.Length != map.Dimension) throw new UserInputException($"start has {start.Length} coordinates, the objective has {map.Dimension}");
        var etas = Enumerable.Range(0, s.Points).Select(i => s.EtaMin + (s.EtaMax - s.EtaMin) * i / (s.Points - 1)).ToArray();
        var reports = new AttractorReport[etas.Length];
        long done = 0;
        if (s.Lanes && LaneAttractorProbe.Supports(map))
            // the η grid in SIMD lanes (same per-orbit decisions as the one-orbit probe; see LaneAttractorProbe)
            LaneAttractorProbe.Run(map, start[0], etas.Length, i => map.WithLearningRate(etas[i]), _ => s.Attractor.MaxSteps, s.Attractor,
                (i, r) => reports[i] = r, s.Threads, progress, 0.9);
        else
            Parallel.For(0, etas.Length, new ParallelOptions { MaxDegreeOfParallelism = s.Threads > 0 ? s.Threads : Environment.ProcessorCount }, i =>
            {
                reports[i] = AttractorProbe.Run(map.WithLearningRate(etas[i]), start, s.Attractor);
                progress?.Report(0.9 * Interlocked.Increment(ref done) / etas.Length);
            });
        var points = etas.Select((eta, i) => ToPoint(eta, reports[i], map.Dimension, s.PlotPoints)).ToArray();

        // doublings between consecutive detected periods; after the last period before an aperiodic stretch, the
        // cascade may continue inside one grid cell (δ ≈ 4.67 shrinks the gaps fast): bisect toward the aperiodic side
        var doublings = new List<PeriodDoubling>();
        int prev = -1;
        for (int i = 0; i < points.Length; i++)
        {
            if (points[i].Period <= 0)
            {
                if (prev == i - 1 && prev >= 0 && !points[i].Diverged && 2 * points[prev].Period <= s.Attractor.MaxPeriod)
                    ChaseCascade(map, start, s, etas[prev], reports[prev], etas[i], doublings);
                continue;
            }
            if (prev >= 0 && points[i].Period > points[prev].Period && IsPowerOfTwoMultiple(points[i].Period, points[prev].Period))
                FindDoublings(map, start, s, etas[prev], reports[prev], etas[i], reports[i], doublings, 0);
            prev = i;
        }
        doublings.Sort((a, b) => a.Eta.CompareTo(b.Eta));
        // cascades: chains of located doublings each starting from the period the previous one produced
        var chains = new List<List<PeriodDoubling>>();
        foreach (var dbl in doublings.Where(x => x.Refined))
        {
            var chain = chains.FirstOrDefault(c => c[^1].ToPeriod == dbl.FromPeriod && c[^1].Eta < dbl.Eta);
            if (chain is null) chains.Add([dbl]);
            else chain.Add(dbl);
        }
        var main = chains.OrderByDescending(c => c.Count).ThenBy(c => c[0].Eta).FirstOrDefault() ?? [];
        var ratios = new List<double>();
        for (int k = 1; k + 1 < main.Count; k++)
        {
            double num = main[k].Eta - main[k - 1].Eta, den = main[k + 1].Eta - main[k].Eta;
            if (den > 0) ratios.Add(num / den);
        }
        double? onset = null;
        foreach (var p in points)
            if (!p.Diverged && p.Period == 0 && p.Lambda - 3 * (double.IsFinite(p.LambdaStdErr) ? p.LambdaStdErr : 0) > 0)
            {
                onset = p.Eta;
                break;
            }
        double? accumulation = main.Count >= 2 ? main[^1].Eta + (main[^1].Eta - main[^2].Eta) / (FeigenbaumDelta - 1) : null;
        (double, double)? well = null;
        if (map.Dimension == 1)
        {
            var xm = WellGeometry.DescendToMinimum(map.Multiscale, start);
            well = WellGeometry.WellAround(map.Multiscale, xm[0]);
        }
        progress?.Report(1);
        return new BifurcationDiagram
        {
            Points = points,
            Doublings = doublings,
            FeigenbaumRatios = ratios,
            OnsetEta = onset,
            AccumulationEta = accumulation,
            Well = well,
            Start = start,
            Seconds = sw.Elapsed.TotalSeconds,
        };
    }

    /// <summary>A fixed start inside the central well: the minimizer of f0 over its typical range (grid search, 1-D;
    /// the centre of the range in d ≥ 2) moved by 0.37·ε in each coordinate, so that it does not sit on a symmetric
    /// fixed point that never leaves (e.g. x = 0 for x⁴/4 − ε cos(x/ε)).</summary>
    public static double[] DefaultStart(MultiscaleObjective f)
    {
        var (lo, hi) = f.Macro.TypicalRange;
        double offset = 0.37 * WellGeometry.Scale(f);
        if (f.Dimension == 1)
        {
            double best = lo, bestV = double.PositiveInfinity;
            for (int i = 0; i <= 4000; i++)
            {
                double x = lo + (hi - lo) * i / 4000, v = f.Macro.Value([x]);
                if (v < bestV)
                {
                    bestV = v;
                    best = x;
                }
            }
            return [best + offset];
        }
        return Enumerable.Repeat(0.5 * (lo + hi) + offset, f.Dimension).ToArray();
    }

    private static BifurcationPoint ToPoint(double eta, AttractorReport r, int d, int plotPoints)
    {
        int count = r.Window.Length / Math.Max(1, d);
        int take = Math.Min(plotPoints, count);
        var orbit = new double[take];
        for (int k = 0; k < take; k++) orbit[k] = r.Window[(count - take + k) * d];
        return new BifurcationPoint(eta, r.Period, r.Lambda, r.LambdaStdErr, r.Diverged, r.CycleByNewton, orbit);
    }

    private static bool IsPowerOfTwoMultiple(int big, int small)
    {
        if (big % small != 0) return false;
        int q = big / small;
        return q >= 2 && (q & (q - 1)) == 0;
    }

    /// <summary>From a p-cycle at etaLo toward an aperiodic point at etaHi: bisect for the η where the period first
    /// exceeds p, record the doublings found, and continue from the new period (until MaxPeriod or 40 bisections).</summary>
    private static void ChaseCascade(OptimizerMap map, double[] start, BifurcationSettings s, double etaLo, AttractorReport lo,
        double etaHi, List<PeriodDoubling> output)
    {
        for (int it = 0; it < 40 && etaHi - etaLo > 1e-13 * etaHi; it++)
        {
            double mid = 0.5 * (etaLo + etaHi);
            var startMid = lo.Cycle.Length >= map.Dimension ? lo.Cycle.AsSpan(0, map.Dimension).ToArray() : start;
            var r = AttractorProbe.Run(map.WithLearningRate(mid), startMid, s.Attractor);
            if (r.Diverged) return;
            if (r.Period == lo.Period)
            {
                etaLo = mid;
                lo = r;
            }
            else if (r.Period > lo.Period && IsPowerOfTwoMultiple(r.Period, lo.Period))
            {
                FindDoublings(map, start, s, etaLo, lo, mid, r, output, 0);
                if (2 * r.Period > s.Attractor.MaxPeriod) return;
                etaLo = mid;
                lo = r;
            }
            else etaHi = mid; // aperiodic (or another branch): the next doubling is below mid
        }
    }

    private static void FindDoublings(OptimizerMap map, double[] start, BifurcationSettings s, double etaLo, AttractorReport lo,
        double etaHi, AttractorReport hi, List<PeriodDoubling> output, int depth)
    {
        if (hi.Period == 2 * lo.Period)
        {
            output.Add(Refine(map, s, etaLo, lo, etaHi, hi));
            return;
        }
        if (depth >= 12)
        {
            output.Add(new PeriodDoubling(0.5 * (etaLo + etaHi), lo.Period, hi.Period, etaLo, etaHi, false));
            return;
        }
        // several doublings inside one grid cell: probe the middle with the cycle of the lower end as start
        double mid = 0.5 * (etaLo + etaHi);
        var startMid = lo.Cycle.Length >= map.Dimension ? lo.Cycle.AsSpan(0, map.Dimension).ToArray() : start;
        var r = AttractorProbe.Run(map.WithLearningRate(mid), startMid, s.Attractor);
        if (r.Period <= 0 || r.Diverged)
        {
            output.Add(new PeriodDoubling(mid, lo.Period, hi.Period, etaLo, etaHi, false));
            return;
        }
        if (r.Period == lo.Period) FindDoublings(map, start, s, mid, r, etaHi, hi, output, depth + 1);
        else if (r.Period == hi.Period) FindDoublings(map, start, s, etaLo, lo, mid, r, output, depth + 1);
        else if (r.Period > lo.Period && r.Period < hi.Period && IsPowerOfTwoMultiple(r.Period, lo.Period) && IsPowerOfTwoMultiple(hi.Period, r.Period))
        {
            FindDoublings(map, start, s, etaLo, lo, mid, r, output, depth + 1);
            FindDoublings(map, start, s, mid, r, etaHi, hi, output, depth + 1);
        }
        else output.Add(new PeriodDoubling(mid, lo.Period, hi.Period, etaLo, etaHi, false));
    }

    /// <summary>
    /// Bisection on η for μ_p(η) = −1, μ_p the multiplier of the p-cycle continued from the lower end by Newton's
    /// method on φ_η^p(x) = x. Scalar state only (the multiplier is then a real number crossing −1).
    /// </summary>
    private static PeriodDoubling Refine(OptimizerMap map, BifurcationSettings s, double etaLo, AttractorReport lo, double etaHi, AttractorReport hi)
    {
        var fallback = new PeriodDoubling(0.5 * (etaLo + etaHi), lo.Period, hi.Period, etaLo, etaHi, false);
        if (!s.RefineDoublings || lo.StateDimension != 1 || lo.Cycle.Length == 0) return fallback;
        int p = lo.Period;
        double x = lo.Cycle[0];
        if (Multiplier(map.WithLearningRate(etaLo), p, ref x) is not { } ml || !(ml > -1)) return fallback;
        // Bisection with continuation: each midpoint starts Newton from the cycle at the current lower end, so the
        // cycle is followed in ever smaller steps. A midpoint where Newton fails is treated as lying beyond the
        // crossing; the result is accepted only if the multiplier there is −1 to 1e-6.
        double a = etaLo, b = etaHi, muA = ml;
        for (int it = 0; it < 100 && b - a > 1e-15 * b; it++)
        {
            double mid = 0.5 * (a + b), xm = x;
            double? mu = Continue(map, p, ref xm, a, mid, 0);
            if (mu is { } v && v > -1)
            {
                a = mid;
                x = xm;
                muA = v;
            }
            else b = mid;
        }
        return Math.Abs(muA + 1) <= 1e-6
            ? new PeriodDoubling(0.5 * (a + b), lo.Period, hi.Period, etaLo, etaHi, true)
            : fallback;
    }

    /// <summary>Follows the p-cycle through x from η = <paramref name="from"/> to <paramref name="to"/>, halving the step
    /// where Newton would jump (at most 2^12 sub-steps); returns the multiplier at <paramref name="to"/> or null.</summary>
    private static double? Continue(OptimizerMap map, int p, ref double x, double from, double to, int depth)
    {
        double xt = x;
        if (Multiplier(map.WithLearningRate(to), p, ref xt) is { } mu)
        {
            x = xt;
            return mu;
        }
        if (depth >= 12) return null;
        double mid = 0.5 * (from + to), xm = x;
        if (Continue(map, p, ref xm, from, mid, depth + 1) is null) return null;
        double? r = Continue(map, p, ref xm, mid, to, depth + 1);
        if (r is not null) x = xm;
        return r;
    }

    /// <summary>Newton on φ^p(x) = x from x (scalar state); returns (φ^p)'(x*) and moves x to x*, or null on failure.</summary>
    private static double? Multiplier(OptimizerMap map, int p, ref double x)
    {
        var rng = Xoshiro256.ForStream(0, 0);
        var scratch = new double[map.ScratchLength(1)];
        var st = new double[1];
        var jac = new double[1];
        double x0 = x;
        for (int it = 0; it < 60; it++)
        {
            st[0] = x;
            double der = 1;
            for (int k = 0; k < p; k++)
            {
                map.Jacobian(st, jac);
                der *= jac[0];
                map.Step(st, 1, ref rng, scratch);
            }
            double f = st[0] - x;
            if (!double.IsFinite(f) || der == 1) return null;
            double dx = -f / (der - 1);
            x += dx;
            if (Math.Abs(dx) <= 1e-15 * Math.Abs(x) + 1e-13 * WellGeometry.Scale(map.Multiscale) || f == 0)
            {
                double scale = WellGeometry.Scale(map.Multiscale);
                // the continued cycle must stay near where it started: a move of more than 2% of a well is a jump
                // to another periodic orbit (the caller then takes smaller continuation steps)
                if (Math.Abs(x - x0) > 0.02 * scale) return null;
                st[0] = x;
                double mu = 1, half = double.NaN;
                for (int k = 0; k < p; k++)
                {
                    if (k == p / 2) half = st[0];
                    map.Jacobian(st, jac);
                    mu *= jac[0];
                    map.Step(st, 1, ref rng, scratch);
                }
                // just past a doubling the p-cycle's points sit next to the parent (p/2)-cycle, which is also a root
                // of φ^p(x) = x (multiplier μ_{p/2}² > 1): reject it
                if (p % 2 == 0 && Math.Abs(half - x) <= 1e-10 * scale) return null;
                return mu;
            }
        }
        return null;
    }
}
