using ChaosDescent.Infrastructure;
using ScottPlot;

namespace ChaosDescent.Reporting.Plots;

/// <summary>
/// A thin convenience layer over ScottPlot 5: consistent styling, and saving every figure as PNG and SVG
/// atomically (temporary file, then rename). For anything not covered here use <see cref="Plot"/> directly.
/// Logarithmic axes: set <see cref="LogX"/> / <see cref="LogY"/> in the initializer; the methods of this class then
/// plot log10 of the data (non-positive values are dropped) and label the ticks as powers of ten. Multi-panel
/// figures: <see cref="PanelFigure"/>.
/// </summary>
public sealed class PlotFigure
{
    public Plot Plot { get; } = new();
    public int Width { get; init; } = 800;
    public int Height { get; init; } = 500;

    /// <summary>Logarithmic x axis (set before adding data).</summary>
    public bool LogX
    {
        get => _logX;
        init { _logX = value; if (value) UseLogTicks(Plot.Axes.Bottom); }
    }

    /// <summary>Logarithmic y axis (set before adding data).</summary>
    public bool LogY
    {
        get => _logY;
        init { _logY = value; if (value) UseLogTicks(Plot.Axes.Left); }
    }

    private readonly bool _logX, _logY;

    private static readonly Color[] Palette =
    [
        new Color(31, 119, 180), new Color(214, 39, 40), new Color(44, 160, 44), new Color(255, 127, 14),
        new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194), new Color(127, 127, 127),
    ];

    private int _next;

    public PlotFigure(string title, string xLabel, string yLabel)
    {
        Plot.Title(title);
        Plot.XLabel(xLabel);
        Plot.YLabel(yLabel);
    }

    /// <summary>The i-th colour of the figure palette.</summary>
    public static Color ColorAt(int i) => Palette[((i % Palette.Length) + Palette.Length) % Palette.Length];

    private Color NextColor() => ColorAt(_next++);

    private static void UseLogTicks(IAxis axis)
    {
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = LogLabel,
        };
    }

    /// <summary>Tick label for log10 coordinate <paramref name="k"/>: 10^k written compactly.</summary>
    internal static string LogLabel(double k)
    {
        var v = Math.Pow(10, k);
        return k is >= -3 and <= 4 ? v.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : $"1e{k:0}";
    }

    /// <summary>Maps data to plot coordinates (log10 on log axes) and drops points a log axis cannot show.</summary>
    private (double[] X, double[] Y) Transform(double[] x, double[] y)
    {
        if (x.Length != y.Length) throw new ArgumentException($"x has {x.Length} points but y has {y.Length}");
        if (!_logX && !_logY) return (x, y);
        var xs = new List<double>(x.Length);
        var ys = new List<double>(y.Length);
        for (int i = 0; i < x.Length; i++)
        {
            if ((_logX && !(x[i] > 0)) || (_logY && !(y[i] > 0))) continue;
            xs.Add(_logX ? Math.Log10(x[i]) : x[i]);
            ys.Add(_logY ? Math.Log10(y[i]) : y[i]);
        }
        return (xs.ToArray(), ys.ToArray());
    }

    private double TX(double x) => _logX ? Math.Log10(x) : x;
    private double TY(double y) => _logY ? Math.Log10(y) : y;

    /// <summary>A polyline through (x, y).</summary>
    public PlotFigure Line(double[] x, double[] y, string? label = null, Color? color = null, bool dashed = false, float width = 2)
    {
        var (tx, ty) = Transform(x, y);
        var s = Plot.Add.ScatterLine(tx, ty, color ?? NextColor());
        s.LineWidth = width;
        if (dashed) s.LinePattern = LinePattern.Dashed;
        if (label is not null) s.LegendText = label;
        return this;
    }

    /// <summary>Markers at (x, y), no line.</summary>
    public PlotFigure Points(double[] x, double[] y, string? label = null, Color? color = null, float size = 3)
    {
        var (tx, ty) = Transform(x, y);
        var s = Plot.Add.ScatterPoints(tx, ty, color ?? NextColor());
        s.MarkerSize = size;
        if (label is not null) s.LegendText = label;
        return this;
    }

    /// <summary>Markers and a connecting line.</summary>
    public PlotFigure LinePoints(double[] x, double[] y, string? label = null, Color? color = null, float size = 5, float width = 1.5f)
    {
        var (tx, ty) = Transform(x, y);
        var s = Plot.Add.Scatter(tx, ty, color ?? NextColor());
        s.MarkerSize = size;
        s.LineWidth = width;
        if (label is not null) s.LegendText = label;
        return this;
    }

    /// <summary>A histogram drawn as a step line over bin edges (length bins+1) with the given heights (length bins).</summary>
    public PlotFigure Steps(double[] edges, double[] heights, string? label = null, Color? color = null, float width = 1.5f)
    {
        if (edges.Length != heights.Length + 1) throw new ArgumentException($"{heights.Length} bins need {heights.Length + 1} edges, got {edges.Length}");
        var xs = new double[2 * heights.Length];
        var ys = new double[2 * heights.Length];
        for (int i = 0; i < heights.Length; i++)
        {
            xs[2 * i] = edges[i];
            xs[2 * i + 1] = edges[i + 1];
            ys[2 * i] = ys[2 * i + 1] = heights[i];
        }
        return Line(xs, ys, label, color, false, width);
    }

    /// <summary>A histogram drawn as filled bars over bin edges (length bins+1); linear axes only.</summary>
    public PlotFigure Bars(double[] edges, double[] heights, string? label = null, Color? color = null, double alpha = 0.45)
    {
        if (edges.Length != heights.Length + 1) throw new ArgumentException($"{heights.Length} bins need {heights.Length + 1} edges, got {edges.Length}");
        if (_logX || _logY) throw new InvalidOperationException("Bars needs linear axes; use Steps on a log axis");
        var c = color ?? NextColor();
        var bars = new List<Bar>(heights.Length);
        for (int i = 0; i < heights.Length; i++)
        {
            if (!double.IsFinite(heights[i])) continue;
            bars.Add(new Bar
            {
                Position = 0.5 * (edges[i] + edges[i + 1]),
                Size = edges[i + 1] - edges[i],
                Value = heights[i],
                FillColor = c.WithAlpha(alpha),
                LineWidth = 0,
            });
        }
        var b = Plot.Add.Bars(bars);
        if (label is not null) b.LegendText = label;
        return this;
    }

    /// <summary>The band between <paramref name="lower"/> and <paramref name="upper"/> over x (linear y axis).</summary>
    public PlotFigure Band(double[] x, double[] lower, double[] upper, string? label = null, Color? color = null, double alpha = 0.25)
    {
        if (x.Length != lower.Length || x.Length != upper.Length) throw new ArgumentException("band arrays differ in length");
        var tx = x.Select(TX).ToArray();
        var f = Plot.Add.FillY(tx, upper.Select(TY).ToArray(), lower.Select(TY).ToArray());
        f.FillColor = (color ?? NextColor()).WithAlpha(alpha);
        f.LineWidth = 0;
        if (label is not null) f.LegendText = label;
        return this;
    }

    /// <summary>
    /// A colour map of <paramref name="z"/>[iy, ix] over the rectangle [xMin, xMax] × [yMin, yMax], row iy = 0 at the
    /// bottom (the natural orientation of a 2-D histogram). NaN cells are transparent. Adds a colour bar when
    /// <paramref name="colorbarLabel"/> is given.
    /// </summary>
    public PlotFigure Heatmap(double[,] z, double xMin, double xMax, double yMin, double yMax, string? colorbarLabel = null, IColormap? colormap = null)
    {
        // ScottPlot draws row 0 at the top; flip so that row 0 is at the bottom.
        int ny = z.GetLength(0), nx = z.GetLength(1);
        var flipped = new double[ny, nx];
        for (int i = 0; i < ny; i++)
            for (int j = 0; j < nx; j++)
                flipped[ny - 1 - i, j] = z[i, j];
        var h = Plot.Add.Heatmap(flipped);
        h.Extent = new CoordinateRect(TX(xMin), TX(xMax), TY(yMin), TY(yMax));
        h.Colormap = colormap ?? new ScottPlot.Colormaps.Viridis();
        h.NaNCellColor = Colors.Transparent;
        if (colorbarLabel is not null)
        {
            var bar = Plot.Add.ColorBar(h);
            bar.Label = colorbarLabel;
        }
        return this;
    }

    /// <summary>
    /// Contour lines of <paramref name="z"/>[iy, ix] sampled on the grid x = <paramref name="xs"/>, y = <paramref name="ys"/>
    /// (same orientation as <see cref="Heatmap"/>), at <paramref name="levels"/> automatically chosen levels.
    /// </summary>
    public PlotFigure Contours(double[] xs, double[] ys, double[,] z, int levels = 8, Color? color = null, string? label = null)
    {
        if (z.GetLength(0) != ys.Length || z.GetLength(1) != xs.Length) throw new ArgumentException("contour grid does not match z");
        var pts = new Coordinates3d[ys.Length, xs.Length];
        for (int i = 0; i < ys.Length; i++)
            for (int j = 0; j < xs.Length; j++)
                pts[i, j] = new Coordinates3d(TX(xs[j]), TY(ys[i]), z[i, j]);
        var c = Plot.Add.ContourLines(pts, levels);
        c.LineColor = color ?? Colors.White;
        c.LineWidth = 1.5f;
        c.LabelStyle.IsVisible = false;
        if (label is not null)
        {
            // ContourLines has no legend entry of its own; a zero-length line carries the label.
            var proxy = Plot.Add.ScatterLine(Array.Empty<double>(), Array.Empty<double>(), c.LineColor);
            proxy.LegendText = label;
        }
        return this;
    }

    public PlotFigure VLine(double x, string? label = null, Color? color = null, bool dashed = true)
    {
        var l = Plot.Add.VerticalLine(TX(x));
        l.Color = color ?? Colors.Red;
        if (dashed) l.LinePattern = LinePattern.Dashed;
        if (label is not null) l.LegendText = label;
        return this;
    }

    public PlotFigure HLine(double y, string? label = null, Color? color = null, bool dashed = true)
    {
        var l = Plot.Add.HorizontalLine(TY(y));
        l.Color = color ?? Colors.Gray;
        if (dashed) l.LinePattern = LinePattern.Dashed;
        if (label is not null) l.LegendText = label;
        return this;
    }

    /// <summary>An outlined rectangle (e.g. the zoom window of an inset panel).</summary>
    public PlotFigure Box(double x0, double x1, double y0, double y1, Color? color = null)
    {
        var r = Plot.Add.Rectangle(TX(x0), TX(x1), TY(y0), TY(y1));
        r.FillStyle.Color = Colors.Transparent;
        r.LineStyle.Color = color ?? Colors.Black;
        r.LineStyle.Width = 1.5f;
        return this;
    }

    /// <summary>A text label at data coordinates (x, y).</summary>
    public PlotFigure Text(string text, double x, double y, float size = 12, Color? color = null)
    {
        var t = Plot.Add.Text(text, TX(x), TY(y));
        t.LabelFontSize = size;
        t.LabelFontColor = color ?? Colors.Black;
        return this;
    }

    /// <summary>Fixes the visible data range (in data units; log axes are handled).</summary>
    public PlotFigure Limits(double? xMin = null, double? xMax = null, double? yMin = null, double? yMax = null)
    {
        Plot.Axes.AutoScale();
        var lim = Plot.Axes.GetLimits();
        Plot.Axes.SetLimits(
            xMin is { } a ? TX(a) : lim.Left, xMax is { } b ? TX(b) : lim.Right,
            yMin is { } c ? TY(c) : lim.Bottom, yMax is { } d ? TY(d) : lim.Top);
        return this;
    }

    /// <summary>Where the legend goes (default upper right).</summary>
    public PlotFigure LegendAt(Alignment alignment)
    {
        _legendAlignment = alignment;
        return this;
    }

    private Alignment? _legendAlignment;

    /// <summary>Shows the legend when any plottable has a label (called by the save methods).</summary>
    internal void Finish()
    {
        if (Plot.GetPlottables().Any(p => p is IHasLegendText t && !string.IsNullOrEmpty(t.LegendText)))
        {
            if (_legendAlignment is { } a) Plot.ShowLegend(a);
            else Plot.ShowLegend();
        }
    }

    /// <summary>SVG text of the figure (dashed lines as SVG dashes: <see cref="SvgDashes"/>).</summary>
    public string GetSvgXml()
    {
        Finish();
        return SvgDashes.Render([Plot], () => Plot.GetSvgXml(Width, Height));
    }

    /// <summary>Writes <c>{name}.png</c> and <c>{name}.svg</c> into <paramref name="directory"/>; returns the PNG path.</summary>
    public string Save(string directory, string name)
    {
        Finish();
        var png = Path.Combine(directory, name + ".png");
        AtomicFile.WriteAllBytes(png, Plot.GetImageBytes(Width, Height, ImageFormat.Png));
        AtomicFile.WriteAllText(Path.Combine(directory, name + ".svg"), GetSvgXml());
        return png;
    }
}
