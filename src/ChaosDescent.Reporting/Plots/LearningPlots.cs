using System.Globalization;
using System.Text;
using ChaosDescent.Analyses;
using ChaosDescent.Infrastructure;
using ChaosDescent.Learning;
using ChaosDescent.Reporting.Plots;
using ChaosDescent.Statistics;
using ChaosDescent.Data;

namespace ChaosDescent.Reporting.Plots;

/// <summary>
/// Figures and CSV files of training runs and learning-rate sweeps, shared by <c>chaosdescent train</c> and the
/// Sec. 3.3 reproductions. Loss axes are log₁₀ (the loss spans decades); long curves are drawn as a min/max
/// envelope per pixel column so oscillations stay visible.
/// </summary>
public static class LearningPlots
{
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    /// <summary>Loss (log₁₀) against epoch for one or more runs; a dashed line marks the start of the late window.</summary>
    public static FigureRef LossCurves(string dir, string name, string title, IReadOnlyList<(TrainingResult Run, string Label)> runs,
        bool withTest = true)
    {
        // Log axis only when the curves span more than a decade (log ticks are whole powers of 10).
        var all = runs.SelectMany(r => r.Run.Losses.Concat(withTest ? r.Run.TestLosses : [])).Where(v => v > 0 && double.IsFinite(v)).ToArray();
        bool log = all.Length > 0 && all.Max() / all.Min() > 20;
        var fig = new PlotFigure(title, "epoch", withTest && runs.Any(r => r.Run.TestEpochs.Length > 0) ? "loss" : "training loss") { LogY = log };
        int i = 0;
        foreach (var (run, label) in runs)
        {
            var (x, y) = Envelope(run.Losses, 2000);
            fig.Line(x, y, label, PlotFigure.ColorAt(i), width: 1.2f);
            if (withTest && run.TestEpochs.Length > 0)
            {
                var (tx, ty) = Finite(run.TestEpochs.Select(e => (double)e), run.TestLosses);
                if (tx.Length > 0) fig.Line(tx, ty, label + " (test)", PlotFigure.ColorAt(i), dashed: true, width: 1);
            }
            i++;
        }
        if (runs.Count > 0 && !runs[0].Run.Diverged)
            fig.VLine(runs[0].Run.Late.Start, "late window", ScottPlot.Colors.Gray);
        fig.LegendAt(ScottPlot.Alignment.UpperRight);
        fig.Save(dir, name);
        return new FigureRef(name, title);
    }

    /// <summary>Sharpness λ_max(∇²L(θ_t)) along training against the stability threshold 2/η of each run.</summary>
    public static FigureRef SharpnessCurves(string dir, string name, string title, IReadOnlyList<(TrainingResult Run, string Label)> runs)
    {
        var values = runs.SelectMany(r => r.Run.SharpnessValues.Append(r.Run.FinalSharpness).Append(r.Run.StabilityThreshold))
            .Where(v => v > 0 && double.IsFinite(v)).ToArray();
        bool log = values.Length > 0 && values.Max() / values.Min() > 20;
        var fig = new PlotFigure(title, "epoch", "sharpness λ_max") { LogY = log };
        int i = 0;
        foreach (var (run, label) in runs)
        {
            var x = run.SharpnessEpochs.Select(e => (double)e).ToList();
            var y = run.SharpnessValues.ToList();
            if (!run.Diverged && double.IsFinite(run.FinalSharpness)) { x.Add(run.EpochsRun); y.Add(run.FinalSharpness); }
            var (fx, fy) = Finite(x, y);
            if (fx.Length > 0)
            {
                fig.Line(fx, fy, $"λ_max, {label}", PlotFigure.ColorAt(i), width: 1.5f);
                fig.Points(fx, fy, null, PlotFigure.ColorAt(i), 4);
            }
            fig.HLine(run.StabilityThreshold, $"{(run.Settings.Momentum > 0 ? "2(1+β)/η" : "2/η")}, {label}", PlotFigure.ColorAt(i));
            i++;
        }
        fig.LegendAt(ScottPlot.Alignment.MiddleRight);
        fig.Save(dir, name);
        return new FigureRef(name, title);
    }

    /// <summary>Histogram (density) of one or more value series over the late window, overlaid.</summary>
    public static FigureRef WeightHistogram(string dir, string name, string title, IReadOnlyList<(double[] Values, string Label)> series, int bins = 60)
    {
        var fig = new PlotFigure(title, "parameter value", "density over late epochs");
        int i = 0;
        foreach (var (values, label) in series) DrawHistogram(fig, values, label, PlotFigure.ColorAt(i++), bins);
        fig.Save(dir, name);
        return new FigureRef(name, title);
    }

    /// <summary>One panel per watched parameter of <paramref name="run"/>: its histogram over the late window.</summary>
    public static FigureRef WeightHistogramPanels(string dir, string name, string title, TrainingResult run, Func<int, string> parameterName, int bins = 60)
    {
        int k = Math.Max(1, run.WatchedParameters.Length);
        int cols = Math.Min(2, k), rows = (k + cols - 1) / cols;
        var panels = new PanelFigure(rows, cols);
        for (int i = 0; i < run.WatchedParameters.Length; i++)
        {
            var pname = parameterName(run.WatchedParameters[i]);
            var fig = panels.Panel(i / cols, i % cols, $"{pname}, {title}", pname, "density over late epochs");
            DrawHistogram(fig, run.WatchedTraces[i], null, PlotFigure.ColorAt(0), bins);
        }
        panels.Save(dir, name);
        return new FigureRef(name, title);
    }

    private static void DrawHistogram(PlotFigure fig, double[] values, string? label, ScottPlot.Color color, int bins)
    {
        if (values.Length == 0) return;
        double lo = values.Min(), hi = values.Max();
        if (hi - lo < 1e-12 * Math.Max(1, Math.Abs(lo)))
        {
            // A point mass (a converged run): draw it as a vertical line.
            fig.VLine(lo, $"{(label is null ? "" : label + ": ")}all at {lo.ToString("G6", Ci)}", color, dashed: false);
            return;
        }
        var h = Histogram1D.Of(values, lo, hi, bins); // [lo, hi] is the sample's range: every value lands in a bin
        fig.Bars(h.Edges(), h.Density(), label, color);
    }

    /// <summary>Late-window loss mean (± one std) against log₁₀ η, with the transition marked.</summary>
    public static FigureRef SweepLoss(string dir, string name, SweepResult sweep)
    {
        var fig = new PlotFigure("Late-window training loss against the learning rate", "learning rate η", "loss over the late window") { LogX = true };
        var ok = sweep.Runs.Where(r => !r.Diverged).ToArray();
        var x = ok.Select(r => r.Settings.LearningRate).ToArray();
        fig.Band(x, ok.Select(r => r.Late.Mean - r.Late.StandardDeviation).ToArray(), ok.Select(r => r.Late.Mean + r.Late.StandardDeviation).ToArray(),
            "mean ± std", PlotFigure.ColorAt(0));
        fig.LinePoints(x, ok.Select(r => r.Late.Mean).ToArray(), "mean", PlotFigure.ColorAt(0));
        fig.LinePoints(x, ok.Select(r => r.Late.StandardDeviation).ToArray(), "std", PlotFigure.ColorAt(1));
        MarkTransition(fig, sweep);
        fig.Save(dir, name);
        return new FigureRef(name, "Late-window training loss (mean ± std) against η; dashed red: the transition learning rate");
    }

    /// <summary>Lyapunov exponent (± 2 SE) against log₁₀ η.</summary>
    public static FigureRef SweepLyapunov(string dir, string name, SweepResult sweep)
    {
        var fig = new PlotFigure("Maximal Lyapunov exponent of the training map", "learning rate η", "λ per epoch") { LogX = true };
        var ok = sweep.Runs.Where(r => !r.Diverged && double.IsFinite(r.Lyapunov)).ToArray();
        var x = ok.Select(r => r.Settings.LearningRate).ToArray();
        fig.Band(x, ok.Select(r => r.Lyapunov - 2 * Nz(r.LyapunovStandardError)).ToArray(),
            ok.Select(r => r.Lyapunov + 2 * Nz(r.LyapunovStandardError)).ToArray(), "λ ± 2 SE", PlotFigure.ColorAt(0));
        fig.LinePoints(x, ok.Select(r => r.Lyapunov).ToArray(), "λ", PlotFigure.ColorAt(0));
        fig.HLine(0, null, ScottPlot.Colors.Black);
        MarkTransition(fig, sweep);
        fig.Save(dir, name);
        return new FigureRef(name, "Maximal Lyapunov exponent (tangent propagation with exact HVPs) ± 2 standard errors against η");
    }

    /// <summary>Final sharpness against 2/η, both against log₁₀ η.</summary>
    public static FigureRef SweepSharpness(string dir, string name, SweepResult sweep)
    {
        var fig = new PlotFigure("Sharpness at the end of training against 2/η", "learning rate η", "λ_max") { LogX = true, LogY = true };
        var all = sweep.Runs.ToArray();
        var x = all.Select(r => r.Settings.LearningRate).ToArray();
        fig.Line(x, all.Select(r => r.StabilityThreshold).ToArray(), "2/η", ScottPlot.Colors.Gray, dashed: true);
        var conv = all.Where(r => r.Late.Converged && !r.Diverged).ToArray();
        var non = all.Where(r => !r.Late.Converged && !r.Diverged).ToArray();
        var (cx, cy) = Finite(conv.Select(r => r.Settings.LearningRate), conv.Select(r => r.FinalSharpness));
        if (cx.Length > 0) fig.Points(cx, cy, "λ_max, converging runs", PlotFigure.ColorAt(2), 7);
        var (nx, ny) = Finite(non.Select(r => r.Settings.LearningRate), non.Select(r => r.FinalSharpness));
        if (nx.Length > 0) fig.Points(nx, ny, "λ_max, non-converging runs", PlotFigure.ColorAt(1), 7);
        MarkTransition(fig, sweep);
        fig.Save(dir, name);
        return new FigureRef(name, "Sharpness at the last epoch against the stability threshold 2/η: converging runs stay below it, non-converging ones sit on it (edge of stability)");
    }

    /// <summary>Writes loss.csv, sharpness.csv, test.csv (if any) and weights.csv for one run.</summary>
    public static List<string> WriteRunCsv(string dir, string prefix, TrainingResult r, Func<int, string> parameterName)
    {
        var files = new List<string>
        {
            CsvFile.WriteNumericRows(Path.Combine(dir, prefix + "loss.csv"), ["epoch", "loss"],
                r.Losses.Select((loss, t) => new double[] { t, loss })),
        };
        var sharpness = r.SharpnessEpochs.Select((e, i) => new double[] { e, r.SharpnessValues[i], r.StabilityThreshold }).ToList();
        if (!r.Diverged) sharpness.Add([r.EpochsRun, r.FinalSharpness, r.StabilityThreshold]);
        files.Add(CsvFile.WriteNumericRows(Path.Combine(dir, prefix + "sharpness.csv"), ["epoch", "sharpness", "stability_threshold"], sharpness));
        if (r.TestEpochs.Length > 0)
            files.Add(CsvFile.WriteNumericRows(Path.Combine(dir, prefix + "test.csv"), ["epoch", "test_loss"],
                r.TestEpochs.Select((e, i) => new double[] { e, r.TestLosses[i] })));
        if (r.WatchedParameters.Length > 0 && !r.Diverged)
            files.Add(CsvFile.WriteNumericRows(Path.Combine(dir, prefix + "weights.csv"), ["epoch", .. r.WatchedParameters.Select(parameterName)],
                Enumerable.Range(0, r.Late.Length).Select(t => r.WatchedTraces.Select(tr => tr[t]).Prepend(r.Late.Start + t))));
        return files;
    }

    /// <summary>One row per swept learning rate.</summary>
    public static string WriteSweepCsv(string dir, string name, SweepResult sweep)
    {
        string[] headers = ["lr", "final_loss", "loss_mean_late", "loss_std_late", "increase_fraction_late", "converged", "diverged", "lyapunov",
            "lyapunov_se", "sharpness", "stability_threshold", "regime", "seconds"];
        return CsvFile.WriteRows(Path.Combine(dir, name), headers, sweep.Runs.Select(RunSummary.From).Select(s => (IReadOnlyList<object?>)
            [s.Lr, s.FinalLoss, s.LossMeanLate, s.LossStdLate, s.IncreaseFractionLate, s.Converged, s.Diverged, s.Lyapunov, s.LyapunovSe,
             s.Sharpness, s.StabilityThreshold, s.Regime, s.Seconds]));
    }

    private static void MarkTransition(PlotFigure fig, SweepResult sweep)
    {
        if (sweep.TransitionLr is { } t) fig.VLine(t, $"transition η = {t.ToString("G3", Ci)}", ScottPlot.Colors.Red);
    }

    /// <summary>
    /// Downsamples a long series to about <paramref name="columns"/> buckets, keeping each bucket's minimum and
    /// maximum in time order (so period-2 oscillations show as a band instead of aliasing). Non-finite values are dropped.
    /// </summary>
    internal static (double[] X, double[] Y) Envelope(double[] y, int columns)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        int n = y.Length;
        if (n <= 2 * columns)
        {
            for (int i = 0; i < n; i++) if (double.IsFinite(y[i])) { xs.Add(i); ys.Add(y[i]); }
            return (xs.ToArray(), ys.ToArray());
        }
        for (int b = 0; b < columns; b++)
        {
            int lo = (int)((long)b * n / columns), hi = (int)((long)(b + 1) * n / columns);
            int iMin = -1, iMax = -1;
            for (int i = lo; i < hi; i++)
            {
                if (!double.IsFinite(y[i])) continue;
                if (iMin < 0 || y[i] < y[iMin]) iMin = i;
                if (iMax < 0 || y[i] > y[iMax]) iMax = i;
            }
            if (iMin < 0) continue;
            foreach (var i in iMin <= iMax ? new[] { iMin, iMax } : new[] { iMax, iMin }) { xs.Add(i); ys.Add(y[i]); }
        }
        return (xs.ToArray(), ys.ToArray());
    }

    /// <summary>Pairs with a finite y only.</summary>
    private static (double[] X, double[] Y) Finite(IEnumerable<double> x, IEnumerable<double> y)
    {
        var pairs = x.Zip(y).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second)).ToArray();
        return (pairs.Select(p => p.First).ToArray(), pairs.Select(p => p.Second).ToArray());
    }

    private static double Nz(double v) => double.IsFinite(v) ? v : 0;
    internal static string F(double v) => double.IsFinite(v) ? v.ToString("R", Ci) : "";

}
