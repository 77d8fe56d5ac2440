using ChaosDescent.Analyses.Training;
using ChaosDescent.Data;

namespace ChaosDescent.Reporting.Plots;

/// <summary>Figure and CSV of <c>chaosdescent lr-find</c> (<see cref="LearningRateFinder"/>).</summary>
public static class LrFindPlots
{
    private static readonly string[] Names = ["converging", "edge_of_stability", "chaotic", "diverged"];

    /// <summary>Writes lr_find_points.csv, lr_find_bands.csv and lr_find_runs.csv into <paramref name="dir"/>; returns the paths.</summary>
    public static List<string> WriteCsv(string dir, LrFindReport r) =>
    [
        CsvFile.WriteRows(Path.Combine(dir, "lr_find_points.csv"),
            ["lr", "runs", .. Names.SelectMany(n => new[] { n, n + "_wilson95_lo", n + "_wilson95_hi" }), "majority", "median_final_loss", "median_sharpness_ratio", "median_lyapunov"],
            r.Points.Select(p => (IReadOnlyList<object?>)[p.Lr, p.Runs, p.Converging, p.ConvergingLo, p.ConvergingHi, p.EdgeOfStability, p.EdgeOfStabilityLo,
                p.EdgeOfStabilityHi, p.Chaotic, p.ChaoticLo, p.ChaoticHi, p.Diverged, p.DivergedLo, p.DivergedHi, p.Majority, p.MedianFinalLoss,
                p.MedianSharpnessRatio, p.MedianLyapunov])),
        CsvFile.WriteRows(Path.Combine(dir, "lr_find_bands.csv"), ["lr_lo", "lr_hi", "regime", "points"],
            r.Bands.Select(b => (IReadOnlyList<object?>)[b.LrLo, b.LrHi, b.Regime, b.Points])),
        CsvFile.WriteRows(Path.Combine(dir, "lr_find_runs.csv"),
            ["lr", "initialization", "init_seed", "regime", "final_loss", "loss_mean_late", "increase_fraction_late", "sharpness", "eta_sharpness_over_2", "lyapunov", "lyapunov_se", "diverged_at_epoch"],
            r.Runs.Select(x => (IReadOnlyList<object?>)[x.Lr, x.Initialization, x.InitSeed, x.Regime, x.FinalLoss, x.LossMeanLate, x.IncreaseFractionLate,
                x.Sharpness, x.SharpnessRatio, x.Lyapunov, x.LyapunovSe, x.DivergedAtEpoch])),
    ];

    /// <summary>
    /// Four panels against η (log axis): (a) the fractions of initializations in each regime with 95% Wilson bands and the
    /// recommended η; (b) the final loss of every run that did not diverge, with the median; (c) η·λ_max/2 with the
    /// stability limit 1 and the band's lower edge; (d) the Lyapunov exponent λ with 0. Returns the figure's name.
    /// </summary>
    public static FigureRef Figure(string dir, string name, LrFindReport r)
    {
        var lrs = r.Points.Select(p => p.Lr).ToArray();
        var panels = new PanelFigure(2, 2) { CellWidth = 640, CellHeight = 430 };
        var a = panels.Panel(0, 0, $"Regimes over {r.Seeds} initializations", "learning rate η", "fraction of initializations", logX: true);
        var fr = new (double[] F, double[] Lo, double[] Hi)[]
        {
            (r.Points.Select(p => p.Converging).ToArray(), r.Points.Select(p => p.ConvergingLo).ToArray(), r.Points.Select(p => p.ConvergingHi).ToArray()),
            (r.Points.Select(p => p.EdgeOfStability).ToArray(), r.Points.Select(p => p.EdgeOfStabilityLo).ToArray(), r.Points.Select(p => p.EdgeOfStabilityHi).ToArray()),
            (r.Points.Select(p => p.Chaotic).ToArray(), r.Points.Select(p => p.ChaoticLo).ToArray(), r.Points.Select(p => p.ChaoticHi).ToArray()),
            (r.Points.Select(p => p.Diverged).ToArray(), r.Points.Select(p => p.DivergedLo).ToArray(), r.Points.Select(p => p.DivergedHi).ToArray()),
        };
        string[] labels = ["converging", "edge of stability", "chaotic (λ − 2 SE > 0)", "diverged"];
        for (int g = 0; g < 4; g++)
        {
            var color = PlotFigure.ColorAt(g);
            a.Band(lrs, fr[g].Lo, fr[g].Hi, null, color, 0.15);
            a.LinePoints(lrs, fr[g].F, labels[g], color);
        }
        if (r.RecommendedLr is { } rec) a.VLine(rec, "recommended η", PlotFigure.ColorAt(5));
        a.Limits(yMin: -0.02, yMax: 1.02);
        a.LegendAt(ScottPlot.Alignment.MiddleLeft);

        var alive = r.Runs.Where(x => x.Regime != "diverged").ToArray();
        var b = panels.Panel(0, 1, "Final training loss (runs that did not diverge)", "learning rate η", "loss", logX: true);
        Scatter(b, alive.Select(x => (x.Lr, x.FinalLoss)).Where(t => double.IsFinite(t.FinalLoss)), r.Points.Select(p => (p.Lr, p.MedianFinalLoss)));

        var c = panels.Panel(1, 0, "Sharpness against the stability limit", "learning rate η", "η·λ_max/2", logX: true);
        Scatter(c, alive.Select(x => (x.Lr, x.SharpnessRatio)), r.Points.Select(p => (p.Lr, p.MedianSharpnessRatio)));
        c.HLine(1, "η·λ_max/2 = 1 (λ_max = 2/η)", PlotFigure.ColorAt(3));
        c.HLine(1 - r.SharpnessBand, $"band edge {1 - r.SharpnessBand:0.##}", PlotFigure.ColorAt(4));
        c.LegendAt(ScottPlot.Alignment.UpperLeft);

        var d = panels.Panel(1, 1, "Lyapunov exponent of the training map", "learning rate η", "λ per epoch", logX: true);
        Scatter(d, alive.Select(x => (x.Lr, x.Lyapunov)), r.Points.Select(p => (p.Lr, p.MedianLyapunov)));
        d.HLine(0, "λ = 0", PlotFigure.ColorAt(3));
        d.LegendAt(ScottPlot.Alignment.UpperLeft);

        panels.Save(dir, name);
        return new FigureRef(name, $"lr-find on {r.Data} ({r.Network} {r.Activation}, {r.Preprocess}, {r.Epochs} epochs): regime fractions with 95% Wilson intervals, final loss, η·λ_max/2 and λ against η");
    }

    private static void Scatter(PlotFigure f, IEnumerable<(double X, double Y)> runs, IEnumerable<(double X, double Y)> median)
    {
        var pts = runs.Where(t => double.IsFinite(t.Y)).ToArray();
        if (pts.Length > 0) f.Points(pts.Select(t => t.X).ToArray(), pts.Select(t => t.Y).ToArray(), "runs", PlotFigure.ColorAt(0).WithAlpha(0.45), 4);
        var m = median.Where(t => double.IsFinite(t.Y)).ToArray();
        if (m.Length > 0) f.LinePoints(m.Select(t => t.X).ToArray(), m.Select(t => t.Y).ToArray(), "median", PlotFigure.ColorAt(1));
    }
}
