using ChaosDescent.Maps;
using ChaosDescent.Numerics;
using ChaosDescent.Statistics;

namespace ChaosDescent.Runners;

/// <summary>Settings of a single-orbit run: time averages along x₀, x₁, … (ergodicity, Fig. 3(b)).</summary>
public sealed record OrbitSettings
{
    /// <summary>Starting point (length d).</summary>
    public required double[] Start { get; init; }

    public long Steps { get; init; } = 1_000_000;

    /// <summary>Steps discarded before statistics are collected.</summary>
    public long BurnIn { get; init; }

    /// <summary>Histogram range per coordinate (lo, hi) and bin count. Values outside are counted as under/overflow.</summary>
    public required (double Lo, double Hi)[] Ranges { get; init; }

    public int Bins { get; init; } = 200;

    /// <summary>Also collect a 2-D histogram of (x, y) with this many bins per axis (d = 2 only; 0 = off).</summary>
    public int Bins2D { get; init; }

    /// <summary>Number of leading positions kept verbatim (for trace plots).</summary>
    public int TraceLength { get; init; }

    /// <summary>Also record histograms after these step counts (for convergence of time averages); must be ≤ Steps.</summary>
    public IReadOnlyList<long>? Checkpoints { get; init; }

    public ulong Seed { get; init; } = 1;

    public double DivergenceBound { get; init; } = 1e6;
}

/// <summary>Histograms of the orbit after a number of steps.</summary>
public sealed record OrbitCheckpoint(long Step, Histogram1D[] Histograms);

public sealed class OrbitResult
{
    /// <summary>Per-coordinate histograms of the visited positions after burn-in.</summary>
    public required Histogram1D[] Histograms { get; init; }

    public Histogram2D? Histogram2D { get; init; }

    /// <summary>Per-coordinate time averages.</summary>
    public required Moments[] Moments { get; init; }

    /// <summary>The first TraceLength positions (row per step, d columns; starting with x₀).</summary>
    public required double[][] Trace { get; init; }

    public required IReadOnlyList<OrbitCheckpoint> Checkpoints { get; init; }

    /// <summary>Step at which the orbit left the bound or became non-finite; null if it did not.</summary>
    public long? DivergedAtStep { get; init; }

    public required long StepsTaken { get; init; }
    public required double[] FinalState { get; init; }
    public required double Seconds { get; init; }
}

/// <summary>
/// Iterates one orbit and streams it into histograms and running moments (O(bins) memory, any length).
/// A diverged orbit stops at once and is reported with its step; statistics up to then are kept but flagged.
/// It calls the map's block step <see cref="OptimizerMap.Step"/> with a block of one rather than
/// <see cref="MapIteration"/>: the histograms need positions only (no value, no step direction), and the block step keeps
/// the objective's fused gradient-and-update kernel (one pass, the arithmetic of the ensembles).
/// </summary>
public static class OrbitRunner
{
    public static OrbitResult Run(OptimizerMap map, OrbitSettings settings, IProgress<double>? progress = null, CancellationToken cancel = default)
    {
        int d = map.Dimension, sb = map.StateBlocks;
        if (settings.Start.Length != d) throw new UserInputException($"orbit start has {settings.Start.Length} coordinates, the objective has {d}");
        if (settings.Steps < 1) throw new UserInputException("an orbit needs at least one step");
        if (settings.BurnIn < 0 || settings.BurnIn >= settings.Steps) throw new UserInputException("burn-in must be in [0, steps)");
        if (settings.Ranges.Length != d) throw new UserInputException("one histogram range per coordinate is needed");
        var hist = settings.Ranges.Select(r => new Histogram1D(r.Lo, r.Hi, settings.Bins)).ToArray();
        var h2 = d == 2 && settings.Bins2D > 0
            ? new Histogram2D(settings.Ranges[0].Lo, settings.Ranges[0].Hi, settings.Bins2D, settings.Ranges[1].Lo, settings.Ranges[1].Hi, settings.Bins2D)
            : null;
        var moments = Enumerable.Range(0, d).Select(_ => new RunningMoments()).ToArray();
        var checkpoints = (settings.Checkpoints ?? []).Where(c => c > settings.BurnIn && c <= settings.Steps).Distinct().OrderBy(c => c).ToArray();
        var recorded = new List<OrbitCheckpoint>();
        var trace = new List<double[]>(Math.Max(0, settings.TraceLength));
        var state = new double[sb * d];
        settings.Start.CopyTo(state, 0);
        map.Initialize(state, 1);
        var scratch = new double[map.ScratchLength(1)];
        var rng = Xoshiro256.ForStream(settings.Seed, 0);
        if (settings.TraceLength > 0) trace.Add(state[..d]);
        long? diverged = null;
        long step = 0, reportEvery = Math.Max(1, settings.Steps / 200);
        int next = 0;
        var sw = System.Diagnostics.Stopwatch.StartNew();
        for (step = 1; step <= settings.Steps; step++)
        {
            map.Step(state, 1, ref rng, scratch);
            bool ok = true;
            for (int k = 0; k < d; k++) ok &= Math.Abs(state[k]) <= settings.DivergenceBound;
            if (!ok)
            {
                diverged = step;
                break;
            }
            if (trace.Count < settings.TraceLength) trace.Add(state[..d]);
            if (step > settings.BurnIn)
            {
                for (int k = 0; k < d; k++)
                {
                    hist[k].Add(state[k]);
                    moments[k].Add(state[k]);
                }
                h2?.Add(state[0], state[1]);
            }
            if (next < checkpoints.Length && checkpoints[next] == step)
            {
                recorded.Add(new OrbitCheckpoint(step, hist.Select(Copy).ToArray()));
                next++;
            }
            if (step % reportEvery == 0)
            {
                progress?.Report((double)step / settings.Steps);
                cancel.ThrowIfCancellationRequested();
            }
        }
        progress?.Report(1);
        return new OrbitResult
        {
            Histograms = hist,
            Histogram2D = h2,
            Moments = moments.Select(m => m.Snapshot()).ToArray(),
            Trace = trace.ToArray(),
            Checkpoints = recorded,
            DivergedAtStep = diverged,
            StepsTaken = Math.Min(step, settings.Steps),
            FinalState = state[..d],
            Seconds = sw.Elapsed.TotalSeconds,
        };
    }

    private static Histogram1D Copy(Histogram1D h)
    {
        var c = new Histogram1D(h.Lo, h.Hi, h.Bins);
        c.Merge(h);
        return c;
    }
}
