using ChaosDescent.Reporting.Plots;

namespace ChaosDescent.Tests.Reporting.Plots;

/// <summary>Figures render headless to PNG and SVG, including log axes, heat maps and panel grids.</summary>
public sealed class PlotFigureTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "cd-plot-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static void AssertPng(string path)
    {
        var b = File.ReadAllBytes(path);
        Assert.True(b.Length > 1000, $"{path} is only {b.Length} bytes");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, b[..4]);
        Assert.Contains("<svg", File.ReadAllText(Path.ChangeExtension(path, ".svg")));
    }

    [Fact]
    public void Log_axes_drop_nonpositive_points_and_label_powers_of_ten()
    {
        var f = new PlotFigure("log", "n", "TV") { LogX = true, LogY = true, Width = 300, Height = 200 };
        f.LinePoints([0, 10, 100, 1000], [1, 0.1, -1, 0.01]);
        var s = Assert.Single(f.Plot.GetPlottables<ScottPlot.Plottables.Scatter>());
        var pts = s.Data.GetScatterPoints();
        Assert.Equal([(1.0, -1.0), (3.0, -2.0)], pts.Select(p => (p.X, p.Y)));
        Assert.Equal("100", PlotFigure.LogLabel(2));
        Assert.Equal("0.001", PlotFigure.LogLabel(-3));
        Assert.Equal("1e-7", PlotFigure.LogLabel(-7));
        AssertPng(f.Save(_dir, "log"));
    }

    [Fact]
    public void Heatmap_contours_bars_and_panels_render()
    {
        int n = 20;
        var xs = Enumerable.Range(0, n).Select(i => -1 + 2.0 * (i + 0.5) / n).ToArray();
        var z = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                z[i, j] = Math.Exp(-(xs[j] * xs[j] + 2 * xs[i] * xs[i]));
        z[0, 0] = double.NaN;

        var panels = new PanelFigure(2, 2) { CellWidth = 260, CellHeight = 200 };
        panels.Panel(0, 0, "heat", "x", "y").Heatmap(z, -1, 1, -1, 1, "density").Contours(xs, xs, z, 5, label: "levels");
        panels.Panel(0, 1, "bars", "x", "p").Bars([0, 1, 2, 3], [0.2, 0.5, 0.3], "hist").Steps([0, 1, 2, 3], [0.25, 0.45, 0.3], "ref");
        panels.Panel(1, 0, "band", "x", "y").Band([0, 1, 2], [0, 0.5, 1], [1, 1.5, 2]).Line([0, 1, 2], [0.5, 1, 1.5]).Box(0.5, 1.5, 0.5, 1.5).Text("zoom", 1, 1.6);
        Assert.Null(panels[1, 1]);
        Assert.Equal(520, panels.Width);
        Assert.Equal(400, panels.Height);
        AssertPng(panels.Save(_dir, "panels"));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void Mismatched_inputs_are_rejected()
    {
        var f = new PlotFigure("t", "x", "y");
        Assert.Throws<ArgumentException>(() => f.Steps([0, 1], [1, 2]));
        Assert.Throws<ArgumentException>(() => f.Line([0, 1], [1]));
        var log = new PlotFigure("t", "x", "y") { LogY = true };
        Assert.Throws<InvalidOperationException>(() => log.Bars([0, 1], [1]));
    }
}
