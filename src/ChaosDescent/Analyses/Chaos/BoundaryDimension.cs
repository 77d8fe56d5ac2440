using ChaosDescent.Maps;

namespace ChaosDescent.Analyses.Chaos;

/// <summary>Settings of the boundary-dimension analysis: the regime map to measure and the box sizes of the fit.</summary>
public sealed record BoundaryDimensionSettings
{
    /// <summary>The regime map (a fine grid: the box counting needs several octaves of box sizes below the grid).</summary>
    public RegimeSettings Regime { get; init; } = new() { EtaPoints = 256, EpsPoints = 256 };

    /// <summary>Smallest box side of the fit, in cells (the finest cells are the most affected by the grid's resolution).</summary>
    public int MinBox { get; init; } = 2;

    /// <summary>Largest box side of the fit, in cells; null = an eighth of the shorter grid side (at least 3 sizes).</summary>
    public int? MaxBox { get; init; }

    /// <summary>Bands of ε columns (equal numbers of columns, smallest ε first), each with its own dimension: the
    /// dimension against the micro-scale amplitude (f1,ε = ε f1(x/ε) has amplitude ε). 0 = none.</summary>
    public int EpsBands { get; init; } = 4;
}

/// <summary>A least-squares box-counting fit: log N(s) = D·log(1/s) + c over the box sizes s of the fit interval.</summary>
/// <param name="Dimension">D, the slope.</param>
/// <param name="StdErr">Standard error of the slope from the regression residuals (NaN with fewer than 3 sizes).</param>
/// <param name="Lo">D − t·SE, t the 97.5% Student-t quantile with (sizes − 2) degrees of freedom.</param>
/// <param name="Hi">D + t·SE.</param>
/// <param name="BoxSizes">The box sides s (cells) of the fit.</param>
/// <param name="Counts">N(s): boxes holding a boundary cell.</param>
/// <param name="BoundaryCells">Cells of side +1 with a 4-neighbour of side −1.</param>
public sealed record BoxCountingFit(double Dimension, double StdErr, double Lo, double Hi, int[] BoxSizes, long[] Counts, long BoundaryCells);

/// <summary>Box-counting dimensions of the two boundaries on one regime map, overall and per ε band.</summary>
public sealed class BoundaryDimensionResult
{
    /// <summary>Bounded cells (every class but diverges) against diverging ones.</summary>
    public required BoxCountingFit BoundedVsDiverging { get; init; }

    /// <summary>Converging cells against chaotic ones (local or global chaos); periodic and diverging cells belong to neither side.</summary>
    public required BoxCountingFit ConvergingVsChaotic { get; init; }

    /// <summary>Regular cells (converges or periodic) against chaotic ones: the onset of chaos as one boundary (where a
    /// periodic band separates converging from chaotic cells, the converging/chaotic boundary is only where they touch).</summary>
    public required BoxCountingFit RegularVsChaotic { get; init; }

    /// <summary>Per ε band: (ε range, bounded/diverging fit, converging/chaotic fit).</summary>
    public required IReadOnlyList<BoundaryBand> Bands { get; init; }

    public required int EtaPoints { get; init; }
    public required int EpsPoints { get; init; }
    public required IReadOnlyDictionary<string, int> Counts { get; init; }
    public double Seconds { get; init; }
    public long StepsTotal { get; init; }
}

/// <summary>One band of ε columns.</summary>
public sealed record BoundaryBand(double EpsMin, double EpsMax, BoxCountingFit BoundedVsDiverging, BoxCountingFit ConvergingVsChaotic);

/// <summary>
/// The fractal trainability boundary (Liu 2024, "The boundary of neural network trainability is fractal",
/// arXiv:2406.13971): in hyperparameter space the set of learning rates where GD converges and the set where it diverges
/// meet along a boundary with non-integer box-counting dimension. Here the hyperparameter plane is the regime map's
/// (log η, log ε) grid, and two boundaries are measured — bounded vs diverging (Liu's trainability boundary) and
/// converging vs chaotic (the onset of the chaos of Kong &amp; Tao 2020, Rmk. 9) — by box counting: the boundary cells
/// are the cells of the first side with a 4-neighbour on the second, N(s) = number of s×s boxes of cells (aligned on
/// the grid, partial boxes at the edges included) that hold a boundary cell, and
/// D = slope of log N(s) against log(1/s) by least squares over s = MinBox, 2·MinBox, 4·MinBox … MaxBox.
/// </summary>
/// <remarks>
/// The interval is the regression's: D ± t·SE from the scatter of the log N(s) points about the line. It measures how
/// straight the log-log plot is over the fit interval, not the uncertainty from the finite grid (the points are not
/// independent), so it is a lower bound on the uncertainty; moving the fit interval by an octave is the check to make.
/// A smooth boundary gives D = 1, a boundary that fills the plane D → 2. Counting is in grid-index coordinates: the
/// log-spacing of both axes is a smooth change of coordinates and leaves the dimension unchanged.
/// </remarks>
public static class BoundaryDimension
{
    public static readonly IAnalysis Entry = new Analysis<BoundaryDimensionSettings, BoundaryDimensionResult>(
        "boundary-dimension",
        "Box-counting dimension of the bounded/diverging and converging/chaotic boundaries on a fine regime map, per ε band (Liu 2024)",
        (system, settings, progress) => Run(MapFactory.Create(system.Map, system.RequireMultiscale("boundary-dimension"),
            system.LearningRate ?? settings.Regime.EtaMin, system.MapOptions), settings, progress));

    public static BoundaryDimensionResult Run(OptimizerMap map, BoundaryDimensionSettings s, IProgress<double>? progress = null)
    {
        if (s.MinBox < 1) throw new UserInputException($"the smallest box must be at least 1 cell (got {s.MinBox})");
        if (s.EpsBands < 0) throw new UserInputException($"eps bands must be 0 or more (got {s.EpsBands})");
        var r = RegimeMap.Run(map, s.Regime, progress);
        return FromMap(r, s);
    }

    /// <summary>The dimensions of a regime map already computed.</summary>
    public static BoundaryDimensionResult FromMap(RegimeMapResult r, BoundaryDimensionSettings s)
    {
        int rows = r.EtaValues.Length, cols = r.EpsValues.Length;
        sbyte Bounded(int i, int j) => r.Cells[i * cols + j].Regime == Regime.Diverges ? (sbyte)-1 : (sbyte)1;
        sbyte Chaos(int i, int j) => r.Cells[i * cols + j].Regime switch
        {
            Regime.Converges => 1,
            Regime.LocalChaos or Regime.GlobalChaos => -1,
            _ => 0,
        };
        sbyte Regular(int i, int j) => r.Cells[i * cols + j].Regime switch
        {
            Regime.Converges or Regime.Periodic => 1,
            Regime.LocalChaos or Regime.GlobalChaos => -1,
            _ => 0,
        };
        var bands = new List<BoundaryBand>();
        int nb = Math.Min(s.EpsBands, cols / (4 * s.MinBox));
        for (int b = 0; b < nb; b++)
        {
            int c0 = b * cols / nb, c1 = (b + 1) * cols / nb;
            bands.Add(new BoundaryBand(r.EpsValues[c0], r.EpsValues[c1 - 1],
                Fit(rows, c1 - c0, (i, j) => Bounded(i, c0 + j), s.MinBox, s.MaxBox),
                Fit(rows, c1 - c0, (i, j) => Chaos(i, c0 + j), s.MinBox, s.MaxBox)));
        }
        return new BoundaryDimensionResult
        {
            BoundedVsDiverging = Fit(rows, cols, Bounded, s.MinBox, s.MaxBox),
            ConvergingVsChaotic = Fit(rows, cols, Chaos, s.MinBox, s.MaxBox),
            RegularVsChaotic = Fit(rows, cols, Regular, s.MinBox, s.MaxBox),
            Bands = bands,
            EtaPoints = rows,
            EpsPoints = cols,
            Counts = r.Counts.ToDictionary(kv => RegimeMap.Key(kv.Key), kv => kv.Value),
            Seconds = r.Seconds,
            StepsTotal = r.StepsTotal,
        };
    }

    /// <summary>
    /// Box-counting fit of the boundary between the cells with side +1 and those with side −1 (0 = neither) on a
    /// rows×cols grid, over box sides MinBox·2^k ≤ MaxBox (default: an eighth of the shorter side).
    /// </summary>
    public static BoxCountingFit Fit(int rows, int cols, Func<int, int, sbyte> side, int minBox = 2, int? maxBox = null)
    {
        int hi = maxBox ?? Math.Max(4 * minBox, Math.Min(rows, cols) / 8);
        var sizes = new List<int>();
        for (long b = minBox; b <= hi; b *= 2) sizes.Add((int)b);
        return Fit(rows, cols, side, sizes);
    }

    /// <summary>Box-counting fit over the given box sides (e.g. powers of 3 for a Cantor construction).</summary>
    public static BoxCountingFit Fit(int rows, int cols, Func<int, int, sbyte> side, IReadOnlyList<int> sizes)
    {
        if (rows < 1 || cols < 1) throw new UserInputException("box counting needs a non-empty grid");
        if (sizes.Count < 2 || sizes.Any(b => b < 1)) throw new UserInputException("box counting needs at least two box sizes ≥ 1");
        var grid = new sbyte[rows * cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) grid[i * cols + j] = side(i, j);
        // boundary cells: side +1 with a 4-neighbour of side −1 (the edge of the +1 set facing the −1 set; one-sided, so a
        // straight boundary is one cell thick wherever it falls relative to the boxes)
        var edge = new bool[rows * cols];
        long boundary = 0;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
            {
                if (grid[i * cols + j] <= 0) continue;
                if ((i > 0 && grid[(i - 1) * cols + j] < 0) || (i + 1 < rows && grid[(i + 1) * cols + j] < 0)
                    || (j > 0 && grid[i * cols + j - 1] < 0) || (j + 1 < cols && grid[i * cols + j + 1] < 0))
                {
                    edge[i * cols + j] = true;
                    boundary++;
                }
            }
        var counts = new long[sizes.Count];
        for (int k = 0; k < sizes.Count; k++)
        {
            int b = sizes[k];
            for (int bi = 0; bi < rows; bi += b)
                for (int bj = 0; bj < cols; bj += b)
                {
                    bool hit = false;
                    for (int i = bi; i < Math.Min(rows, bi + b) && !hit; i++)
                        for (int j = bj; j < Math.Min(cols, bj + b) && !hit; j++) hit = edge[i * cols + j];
                    if (hit) counts[k]++;
                }
        }
        // least squares of y = log N on x = log(1/s), over the sizes with N > 0
        var xs = new List<double>();
        var ys = new List<double>();
        for (int k = 0; k < sizes.Count; k++)
            if (counts[k] > 0)
            {
                xs.Add(-Math.Log(sizes[k]));
                ys.Add(Math.Log(counts[k]));
            }
        double slope = double.NaN, se = double.NaN, lo = double.NaN, hiD = double.NaN;
        int n = xs.Count;
        if (n >= 2)
        {
            double mx = xs.Average(), my = ys.Average(), sxx = 0, sxy = 0;
            for (int k = 0; k < n; k++)
            {
                sxx += (xs[k] - mx) * (xs[k] - mx);
                sxy += (xs[k] - mx) * (ys[k] - my);
            }
            slope = sxy / sxx;
            if (n >= 3)
            {
                double rss = 0;
                for (int k = 0; k < n; k++)
                {
                    double e = ys[k] - my - slope * (xs[k] - mx);
                    rss += e * e;
                }
                se = Math.Sqrt(rss / (n - 2) / sxx);
                double t = MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, n - 2, 0.975);
                lo = slope - t * se;
                hiD = slope + t * se;
            }
        }
        return new BoxCountingFit(slope, se, lo, hiD, sizes.ToArray(), counts, boundary);
    }
}
