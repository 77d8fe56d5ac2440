using ChaosDescent.Analyses;
using ChaosDescent.Infrastructure;
using System.Globalization;
using System.Text;
using ChaosDescent.Analyses.Distributions;
using ChaosDescent.Data;

namespace ChaosDescent.Reporting.Plots;

/// <summary>Figures and CSV for a <see cref="DistributionComparison"/>: histogram against the rescaled Gibbs density.</summary>
public static class DistributionPlots
{
    /// <summary>One figure per coordinate: empirical density (steps) and Gibbs density (line). Returns the PNG paths.</summary>
    public static IReadOnlyList<string> HistogramVsGibbs(DistributionComparison c, string directory, string baseName, string title)
    {
        var paths = new List<string>();
        foreach (var m in c.Marginals)
        {
            string coord = c.Marginals.Count == 1 ? "x" : m.Coordinate == 0 ? "x" : m.Coordinate == 1 ? "y" : $"x{m.Coordinate + 1}";
            var fig = new PlotFigure(c.Marginals.Count == 1 ? title : $"{title} — marginal of {coord}", coord, "density");
            fig.Steps(m.Histogram.Edges(), m.Histogram.Density(), c.Request.Orbit ? "orbit (time average)" : "ensemble", PlotFigure.ColorAt(0));
            if (m.Gibbs is { } g)
            {
                var xs = Enumerable.Range(0, 400).Select(i => m.Histogram.Lo + (m.Histogram.Hi - m.Histogram.Lo) * i / 399.0).ToArray();
                fig.Line(xs, xs.Select(g.Density).ToArray(), "rescaled Gibbs exp(-2 f0/(eta sigma^2))/Z", PlotFigure.ColorAt(1));
            }
            paths.Add(fig.Save(directory, c.Marginals.Count == 1 ? baseName : $"{baseName}-{coord}"));
        }
        return paths;
    }

    /// <summary>CSV: bin centre, empirical density and Gibbs density, per coordinate.</summary>
    public static string WriteCsv(DistributionComparison c, string path)
    {
        var rows = new List<double[]>();
        foreach (var m in c.Marginals)
        {
            var centers = m.Histogram.Centers();
            var dens = m.Histogram.Density();
            var edges = m.Histogram.Edges();
            for (int i = 0; i < centers.Length; i++)
                rows.Add([m.Coordinate, centers[i], dens[i], m.Gibbs is { } g ? g.Mass(edges[i], edges[i + 1]) / m.Histogram.Width : double.NaN]);
        }
        return CsvFile.WriteNumericRows(path, ["coordinate", "bin_center", "empirical_density", "gibbs_density"], rows);
    }
}
