using ChaosDescent.Reporting.Plots;
using ChaosDescent.Tests.Cli;
using ScottPlot;

namespace ChaosDescent.Tests.Reporting.Plots;

/// <summary>
/// Dashed lines reach SVG as SVG dashes, not through SkiaSharp's path effects (which its SVG canvas does not support:
/// it prints "Unsupported path effect in addPaint." on native stderr and draws them solid).
/// </summary>
public class SvgDashesTests
{
    [Fact]
    public void DashedLinesBecomeSvgDashArraysInTheirOwnColour()
    {
        var fig = new PlotFigure("t", "x", "y")
            .Line([0.0, 1, 2], [0.0, 1, 0], "dashed", new Color(10, 20, 30), dashed: true)
            .Line([0.0, 1, 2], [1.0, 0, 1], "solid", new Color(200, 100, 50))
            .VLine(1.5, "threshold", new Color(0, 90, 200, 128));
        var svg = fig.GetSvgXml();
        Assert.Contains("stroke=\"#0A141E\" stroke-dasharray=\"10 10\"", svg);
        Assert.Contains("stroke=\"#005AC8\" stroke-dasharray=\"10 10\" stroke-opacity=\"0.502\"", svg);
        Assert.DoesNotContain("#FE01", svg, StringComparison.OrdinalIgnoreCase); // no placeholder left
        // The solid line stays solid, and the figure's own styles are restored for the PNG.
        Assert.DoesNotContain("stroke=\"#C86432\" stroke-dasharray", svg);
        var dashed = fig.Plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().First();
        Assert.Equal(LinePattern.Dashed.Intervals, dashed.LineStyle.Pattern.Intervals);
        Assert.Equal(new Color(10, 20, 30), dashed.LineStyle.Color);
    }

    [Fact]
    public void PanelFiguresGetSvgDashesToo()
    {
        var panels = new PanelFigure(1, 2);
        panels.Panel(0, 0, "a", "x", "y").Line([0.0, 1], [0.0, 1], color: new Color(1, 2, 3), dashed: true);
        panels.Panel(0, 1, "b", "x", "y").HLine(0.5, color: new Color(4, 5, 6));
        var svg = panels.GetSvgXml();
        Assert.Contains("stroke=\"#010203\" stroke-dasharray=\"10 10\"", svg);
        Assert.Contains("stroke=\"#040506\" stroke-dasharray=\"10 10\"", svg);
    }

    /// <summary>A plotting command with dashed lines (the regime map's chaos threshold) prints nothing native.</summary>
    [Fact]
    public async Task PlottingCommandLeavesStderrClean()
    {
        var dir = Path.Combine(Path.GetTempPath(), "cd-svg-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var (code, stdout, stderr) = await ReadmeCommandsTests.RunChild(
                ["regime", "--objective", "quadratic-sin", "--grid", "6", "--json", "--out", dir]);
            Assert.True(code == 0, stderr);
            using var doc = System.Text.Json.JsonDocument.Parse(stdout);
            ReadmeCommandsTests.AssertCleanStderr("regime", stderr);
            var svg = Assert.Single(Directory.GetFiles(dir, "*.svg"));
            Assert.Contains("stroke-dasharray", File.ReadAllText(svg));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
