namespace ChaosDescent.Statistics;

/// <summary>
/// A fixed-range histogram with under/overflow counts. Streaming (O(bins) memory), mergeable; NaN values are
/// counted apart and never binned.
/// </summary>
public sealed class Histogram1D
{
    private readonly long[] _counts;
    private readonly double _scale;

    public Histogram1D(double lo, double hi, int bins)
    {
        if (!(hi > lo) || !double.IsFinite(lo) || !double.IsFinite(hi)) throw new UserInputException($"histogram range [{lo}, {hi}] is empty");
        if (bins < 1 || bins > 100_000_000) throw new UserInputException($"histogram bins must be in [1, 1e8] (got {bins})");
        Lo = lo;
        Hi = hi;
        _counts = new long[bins];
        _scale = bins / (hi - lo);
    }

    public double Lo { get; }
    public double Hi { get; }
    public int Bins => _counts.Length;
    public double Width => (Hi - Lo) / Bins;
    public ReadOnlySpan<long> Counts => _counts;
    public long Underflow { get; private set; }
    public long Overflow { get; private set; }
    public long NonFinite { get; private set; }

    /// <summary>Values inside [Lo, Hi].</summary>
    public long InRange { get; private set; }

    /// <summary>All finite values added (in range or not).</summary>
    public long Total => InRange + Underflow + Overflow;

    public void Add(double x)
    {
        if (!double.IsFinite(x)) { NonFinite++; return; }
        if (x < Lo) { Underflow++; return; }
        if (x > Hi) { Overflow++; return; }
        int b = (int)((x - Lo) * _scale);
        if (b >= _counts.Length) b = _counts.Length - 1;
        _counts[b]++;
        InRange++;
    }

    public void AddRange(ReadOnlySpan<double> xs)
    {
        foreach (var x in xs) Add(x);
    }

    public void Merge(Histogram1D other)
    {
        if (other.Bins != Bins || other.Lo != Lo || other.Hi != Hi) throw new ArgumentException("histograms differ in binning");
        for (int i = 0; i < _counts.Length; i++) _counts[i] += other._counts[i];
        Underflow += other.Underflow;
        Overflow += other.Overflow;
        NonFinite += other.NonFinite;
        InRange += other.InRange;
    }

    public double[] Edges() => Enumerable.Range(0, Bins + 1).Select(i => Lo + i * Width).ToArray();
    public double[] Centers() => Enumerable.Range(0, Bins).Select(i => Lo + (i + 0.5) * Width).ToArray();

    /// <summary>Bin probabilities: count / Total (mass outside the range is not renormalized away).</summary>
    public double[] Probabilities()
    {
        double t = Math.Max(1, Total);
        return _counts.Select(c => c / t).ToArray();
    }

    /// <summary>Density estimate: count / (Total · width).</summary>
    public double[] Density()
    {
        double t = Math.Max(1, Total) * Width;
        return _counts.Select(c => c / t).ToArray();
    }

    public static Histogram1D Of(ReadOnlySpan<double> xs, double lo, double hi, int bins)
    {
        var h = new Histogram1D(lo, hi, bins);
        h.AddRange(xs);
        return h;
    }
}

/// <summary>A fixed-range 2-D histogram (x bins × y bins), streaming and mergeable.</summary>
public sealed class Histogram2D
{
    private readonly long[] _counts; // [ix * BinsY + iy]

    public Histogram2D(double xLo, double xHi, int binsX, double yLo, double yHi, int binsY)
    {
        if (!(xHi > xLo) || !(yHi > yLo)) throw new UserInputException("2-D histogram range is empty");
        if (binsX < 1 || binsY < 1 || (long)binsX * binsY > 100_000_000) throw new UserInputException("2-D histogram has too many bins");
        XLo = xLo; XHi = xHi; YLo = yLo; YHi = yHi; BinsX = binsX; BinsY = binsY;
        _counts = new long[binsX * binsY];
    }

    public double XLo { get; }
    public double XHi { get; }
    public double YLo { get; }
    public double YHi { get; }
    public int BinsX { get; }
    public int BinsY { get; }
    public long Total { get; private set; }
    public long Outside { get; private set; }
    public double WidthX => (XHi - XLo) / BinsX;
    public double WidthY => (YHi - YLo) / BinsY;

    public long this[int ix, int iy] => _counts[ix * BinsY + iy];

    public void Add(double x, double y)
    {
        if (!double.IsFinite(x) || !double.IsFinite(y)) return;
        Total++;
        if (x < XLo || x > XHi || y < YLo || y > YHi) { Outside++; return; }
        int ix = Math.Min(BinsX - 1, (int)((x - XLo) / WidthX));
        int iy = Math.Min(BinsY - 1, (int)((y - YLo) / WidthY));
        _counts[ix * BinsY + iy]++;
    }

    public void Merge(Histogram2D o)
    {
        if (o.BinsX != BinsX || o.BinsY != BinsY || o.XLo != XLo || o.XHi != XHi || o.YLo != YLo || o.YHi != YHi)
            throw new ArgumentException("histograms differ in binning");
        for (int i = 0; i < _counts.Length; i++) _counts[i] += o._counts[i];
        Total += o.Total;
        Outside += o.Outside;
    }

    /// <summary>Bin probabilities count/Total as [ix, iy].</summary>
    public double[,] Probabilities()
    {
        var p = new double[BinsX, BinsY];
        double t = Math.Max(1, Total);
        for (int i = 0; i < BinsX; i++)
            for (int j = 0; j < BinsY; j++) p[i, j] = _counts[i * BinsY + j] / t;
        return p;
    }
}
