using ChaosDescent.Infrastructure;
using SkiaSharp;

namespace ChaosDescent.Reporting.Plots;

/// <summary>
/// A multi-panel figure: a grid of <see cref="PlotFigure"/>s (rows × columns), each drawn into its own cell of one
/// image, saved as PNG and SVG like a single figure. Panels are labelled (a), (b), … in their titles when
/// <see cref="LabelPanels"/> is on. Cells may be left empty (null).
/// </summary>
public sealed class PanelFigure
{
    private readonly PlotFigure?[,] _panels;

    public int Rows { get; }
    public int Columns { get; }

    /// <summary>Size of one cell in pixels.</summary>
    public int CellWidth { get; init; } = 520;
    public int CellHeight { get; init; } = 380;

    /// <summary>Prefix panel titles with (a), (b), … in reading order.</summary>
    public bool LabelPanels { get; init; } = true;

    public int Width => Columns * CellWidth;
    public int Height => Rows * CellHeight;

    public PanelFigure(int rows, int columns)
    {
        if (rows < 1 || columns < 1) throw new ArgumentOutOfRangeException(nameof(rows), "a panel figure needs at least one cell");
        Rows = rows;
        Columns = columns;
        _panels = new PlotFigure?[rows, columns];
    }

    /// <summary>Creates (or replaces) the panel in cell (row, column) and returns it for drawing.</summary>
    public PlotFigure Panel(int row, int column, string title, string xLabel, string yLabel, bool logX = false, bool logY = false)
    {
        var label = LabelPanels ? $"({(char)('a' + row * Columns + column)}) " : "";
        var p = new PlotFigure(label + title, xLabel, yLabel) { Width = CellWidth, Height = CellHeight, LogX = logX, LogY = logY };
        p.Plot.Axes.Title.Label.FontSize = 15;
        _panels[row, column] = p;
        return p;
    }

    /// <summary>The panel in cell (row, column), or null.</summary>
    public PlotFigure? this[int row, int column] => _panels[row, column];

    private void Draw(SKCanvas canvas)
    {
        canvas.Clear(SKColors.White);
        for (int r = 0; r < Rows; r++)
            for (int c = 0; c < Columns; c++)
            {
                var p = _panels[r, c];
                if (p is null) continue;
                p.Finish();
                var rect = new ScottPlot.PixelRect(c * CellWidth, (c + 1) * CellWidth, (r + 1) * CellHeight, r * CellHeight);
                canvas.Save();
                canvas.ClipRect(new SKRect(rect.Left, rect.Top, rect.Right, rect.Bottom));
                p.Plot.Render(canvas, rect);
                canvas.Restore();
            }
    }

    /// <summary>PNG bytes of the whole figure.</summary>
    public byte[] GetPngBytes()
    {
        var info = new SKImageInfo(Width, Height);
        using var surface = SKSurface.Create(info) ?? throw new InvalidOperationException("cannot create a drawing surface");
        Draw(surface.Canvas);
        surface.Canvas.Flush();
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>SVG text of the whole figure.</summary>
    public string GetSvgXml()
    {
        var plots = new List<ScottPlot.Plot>();
        foreach (var p in _panels)
            if (p is not null) plots.Add(p.Plot);
        return SvgDashes.Render(plots, () =>
        {
            using var stream = new MemoryStream();
            using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, Width, Height), stream))
            {
                Draw(canvas);
            }
            return System.Text.Encoding.UTF8.GetString(stream.ToArray());
        });
    }

    /// <summary>Writes <c>{name}.png</c> and <c>{name}.svg</c> into <paramref name="directory"/>; returns the PNG path.</summary>
    public string Save(string directory, string name)
    {
        var png = Path.Combine(directory, name + ".png");
        AtomicFile.WriteAllBytes(png, GetPngBytes());
        AtomicFile.WriteAllText(Path.Combine(directory, name + ".svg"), GetSvgXml());
        return png;
    }
}
