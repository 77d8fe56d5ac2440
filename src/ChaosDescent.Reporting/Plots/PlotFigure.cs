using ChaosDescent.Infrastructure;
using ScottPlot;

namespace ChaosDescent.Reporting.Plots;

/// <summary>
/// A thin convenience layer over ScottPlot 5: consistent styling, and saving every figure as PNG and SVG
/// atomically (temporary file, then rename). For anything not covered here use <see cref="Plot"/> directly.
/// </summary>
public sealed class PlotFigure
{
    public Plot Plot { get; } = new();
    public int Width { get; init; } = 800;
    public int Height { get; init; } = 500;

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

    /// <summary>A polyline through (x, y).</summary>
    public PlotFigure Line(double[] x, double[] y, string? label = null, Color? color = null, bool dashed = false, float width = 2)
    {
        var s = Plot.Add.ScatterLine(x, y, color ?? NextColor());
        s.LineWidth = width;
        if (dashed) s.LinePattern = LinePattern.Dashed;
        if (label is not null) s.LegendText = label;
        return this;
    }

    /// <summary>Markers at (x, y), no line.</summary>
    public PlotFigure Points(double[] x, double[] y, string? label = null, Color? color = null, float size = 3)
    {
        var s = Plot.Add.ScatterPoints(x, y, color ?? NextColor());
        s.MarkerSize = size;
        if (label is not null) s.LegendText = label;
        return this;
    }

    /// <summary>A histogram drawn as a step line over bin edges (length bins+1) with the given heights (length bins).</summary>
    public PlotFigure Steps(double[] edges, double[] heights, string? label = null, Color? color = null, float width = 1.5f)
    {
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

    public PlotFigure VLine(double x, string? label = null, Color? color = null, bool dashed = true)
    {
        var l = Plot.Add.VerticalLine(x);
        l.Color = color ?? Colors.Red;
        if (dashed) l.LinePattern = LinePattern.Dashed;
        if (label is not null) l.LegendText = label;
        return this;
    }

    public PlotFigure HLine(double y, string? label = null, Color? color = null, bool dashed = true)
    {
        var l = Plot.Add.HorizontalLine(y);
        l.Color = color ?? Colors.Gray;
        if (dashed) l.LinePattern = LinePattern.Dashed;
        if (label is not null) l.LegendText = label;
        return this;
    }

    /// <summary>Writes <c>{name}.png</c> and <c>{name}.svg</c> into <paramref name="directory"/>; returns the PNG path.</summary>
    public string Save(string directory, string name)
    {
        if (Plot.GetPlottables().Any(p => p is IHasLegendText t && !string.IsNullOrEmpty(t.LegendText)))
            Plot.ShowLegend();
        var png = Path.Combine(directory, name + ".png");
        AtomicFile.WriteAllBytes(png, Plot.GetImageBytes(Width, Height, ImageFormat.Png));
        AtomicFile.WriteAllText(Path.Combine(directory, name + ".svg"), Plot.GetSvgXml(Width, Height));
        return png;
    }
}
