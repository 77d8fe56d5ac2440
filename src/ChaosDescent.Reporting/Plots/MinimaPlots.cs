using ChaosDescent.Analyses.ImplicitBias;
using ChaosDescent.Infrastructure;
using ChaosDescent.Reporting.Plots;
using ScottPlot;
using ChaosDescent.Data;

namespace ChaosDescent.Reporting.Plots;

/// <summary>Figures and CSV of the degenerate-minima tool.</summary>
public static class MinimaPlots
{
    public static List<FigureRef> Figures(MinimaResult r, string directory, string prefix)
    {
        AtomicFile.EnsureDirectory(directory);
        var figs = new List<FigureRef>();
        var runs = new[] { r.Main }.Concat(r.Comparisons).Where(m => !m.Diverged).ToList();
        {
            var fig = new PlotFigure($"Hessian spectrum at the minima ({r.Model}, N = {r.Samples})", "eigenvalue index (ascending |λ|)", "|λ|");
            var all = new List<double>();
            int c = 0;
            foreach (var m in runs)
            {
                var abs = m.Eigenvalues.Select(Math.Abs).OrderBy(v => v).ToArray();
                var ly = abs.Select(v => Math.Log10(Math.Max(v, 1e-300))).ToArray();
                var s = fig.Plot.Add.Scatter(Enumerable.Range(1, abs.Length).Select(i => (double)i).ToArray(), ly, PlotFigure.ColorAt(c));
                s.LegendText = $"{m.Method} (η = {m.LearningRate:G3})";
                s.MarkerSize = 5;
                s.LineWidth = 1;
                all.AddRange(ly);
                c++;
            }
            if (runs.Count > 0)
            {
                double tau = runs.Max(m => m.Threshold);
                fig.HLine(Math.Log10(tau), $"near-zero threshold (max over runs) {tau:G2}", Colors.Black);
                fig.VLine(r.Params - r.Samples + 0.5, $"M − N = {r.Params - r.Samples}", Colors.Gray);
            }
            LogAxis.Ticks(fig.Plot.Axes.Left, all);
            fig.Plot.Legend.Alignment = Alignment.UpperLeft;
            fig.Save(directory, prefix + "-spectrum");
            figs.Add(new FigureRef(prefix + "-spectrum", $"Absolute eigenvalues of ∇²L (M = {r.Params} HVPs, symmetric eigensolver) at the polished minima. The first {r.Params - r.Samples} = M − N sit at rounding level, below the threshold ‖H − G‖₂ + 100Mελ_max; the remaining ≤ N are the nonzero eigenvalues of the Gauss–Newton matrix (2/N)JᵀJ."));
        }
        {
            var fig = new PlotFigure("training loss", "epoch", "loss");
            var ax = new List<double>(); var ay = new List<double>();
            int c = 0;
            foreach (var m in new[] { r.Main }.Concat(r.Comparisons))
            {
                var idx = Enumerable.Range(0, m.TraceEpochs.Length).Where(i => m.TraceEpochs[i] > 0 && m.TraceLoss[i] > 0 && double.IsFinite(m.TraceLoss[i])).ToArray();
                var lx = idx.Select(i => Math.Log10(m.TraceEpochs[i])).ToArray();
                var ly = idx.Select(i => Math.Log10(m.TraceLoss[i])).ToArray();
                fig.Line(lx, ly, $"{m.Method} (η = {m.LearningRate:G3})", PlotFigure.ColorAt(c++));
                ax.AddRange(lx); ay.AddRange(ly);
            }
            LogAxis.Ticks(fig.Plot.Axes.Bottom, ax);
            LogAxis.Ticks(fig.Plot.Axes.Left, ay);
            fig.Plot.Legend.Alignment = Alignment.LowerLeft;
            fig.Save(directory, prefix + "-loss");
            figs.Add(new FigureRef(prefix + "-loss", "Training loss along the three runs from the same initialization (log–log); the spectrum is taken after Levenberg–Marquardt polishing to rounding-level loss."));
        }
        {
            var fig = new PlotFigure("sharpness λ_max(∇²L) along training", "epoch", "λ_max");
            var ax = new List<double>();
            int c = 0;
            foreach (var m in new[] { r.Main }.Concat(r.Comparisons))
            {
                var idx = Enumerable.Range(0, m.TraceEpochs.Length).Where(i => m.TraceEpochs[i] > 0 && double.IsFinite(m.TraceSharpness[i])).ToArray();
                var lx = idx.Select(i => Math.Log10(m.TraceEpochs[i])).ToArray();
                fig.Line(lx, idx.Select(i => m.TraceSharpness[i]).ToArray(), $"{m.Method} (η = {m.LearningRate:G3})", PlotFigure.ColorAt(c));
                if (m.Batch == 0) fig.HLine(2 / m.LearningRate, $"2/η = {2 / m.LearningRate:G3}", PlotFigure.ColorAt(c));
                ax.AddRange(lx);
                c++;
            }
            LogAxis.Ticks(fig.Plot.Axes.Bottom, ax);
            fig.Plot.Legend.Alignment = Alignment.UpperLeft;
            fig.Save(directory, prefix + "-sharpness");
            figs.Add(new FigureRef(prefix + "-sharpness", "λ_max of the Hessian along training (Lanczos on exact HVPs), with the GD stability limits 2/η. Large-LR GD is held at 2/η (edge of stability) and ends in a flatter minimum."));
        }
        return figs;
    }

    public static string Csv(MinimaResult r, string path)
    {
        var runs = new[] { r.Main }.Concat(r.Comparisons).ToList();
        int rows = runs.Max(m => m.Eigenvalues.Length);
        return CsvFile.WriteNumericRows(path, ["index", .. runs.Select(m => "eig_" + m.Method.Replace('-', '_'))],
            Enumerable.Range(0, rows).Select(i => new double[] { i + 1 }.Concat(runs.Select(m => i < m.Eigenvalues.Length ? m.Eigenvalues[i] : double.NaN)).ToArray()));
    }
}
