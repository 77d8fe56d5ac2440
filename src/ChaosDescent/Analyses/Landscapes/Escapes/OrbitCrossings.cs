using ChaosDescent.Maps;
using ChaosDescent.Numerics;
using ChaosDescent.Statistics;

namespace ChaosDescent.Analyses.Landscapes.Escapes;

/// <summary>One orbit's visits to the regions (wells) of a partition: histogram, time fractions, transitions, trace.</summary>
public sealed class OrbitCrossings
{
    public required Histogram1D Histogram { get; init; }

    /// <summary>Steps (after burn-in) spent in each region by position.</summary>
    public required long[] Occupation { get; init; }

    /// <summary>Committed-state changes i → j (core-set rule of <see cref="RegionPartition"/>) after burn-in.</summary>
    public required long[,] Transitions { get; init; }

    /// <summary>Positions x_0 … x_(TraceLength−1).</summary>
    public required double[] Trace { get; init; }

    /// <summary>Step at which the orbit left the divergence bound, or null.</summary>
    public long? DivergedAtStep { get; init; }

    public long TotalTransitions
    {
        get
        {
            long s = 0;
            for (int i = 0; i < Transitions.GetLength(0); i++)
                for (int j = 0; j < Transitions.GetLength(1); j++) if (i != j) s += Transitions[i, j];
            return s;
        }
    }

    public double[] OccupationFractions()
    {
        double t = Occupation.Sum();
        return Occupation.Select(o => t > 0 ? o / t : double.NaN).ToArray();
    }

    /// <summary>Iterates one orbit of a 1-D map from <paramref name="start"/>, streaming it into a histogram and region counts.</summary>
    public static OrbitCrossings Run(OptimizerMap map, double start, long steps, long burnIn, RegionPartition regions,
        (double Lo, double Hi) range, int bins, int traceLength = 0, ulong seed = 1, double divergenceBound = 1e6)
    {
        if (map.Dimension != 1) throw new UserInputException("orbit crossings are 1-D");
        if (steps < 1 || burnIn < 0 || burnIn >= steps) throw new UserInputException("need steps ≥ 1 and 0 ≤ burn-in < steps");
        int nr = regions.Count;
        var hist = new Histogram1D(range.Lo, range.Hi, bins);
        var occ = new long[nr];
        var trans = new long[nr, nr];
        var trace = new double[Math.Max(0, (int)Math.Min(traceLength, steps + 1))];
        var state = new double[map.StateBlocks];
        state[0] = start;
        map.Initialize(state, 1);
        var scratch = new double[map.ScratchLength(1)];
        var rng = Xoshiro256.ForStream(seed, 0);
        int committed = regions.RegionOf(start);
        if (trace.Length > 0) trace[0] = start;
        long? diverged = null;
        for (long t = 1; t <= steps; t++)
        {
            map.Step(state, 1, ref rng, scratch);
            double x = state[0];
            if (!(Math.Abs(x) <= divergenceBound))
            {
                diverged = t;
                break;
            }
            if (t < trace.Length) trace[t] = x;
            int r = regions.RegionOf(x);
            bool counting = t > burnIn;
            if (counting)
            {
                hist.Add(x);
                occ[r]++;
            }
            if (r != committed && x >= regions.Cores[r].Lo && x <= regions.Cores[r].Hi)
            {
                if (counting) trans[committed, r]++;
                committed = r;
            }
        }
        return new OrbitCrossings { Histogram = hist, Occupation = occ, Transitions = trans, Trace = trace, DivergedAtStep = diverged };
    }
}
