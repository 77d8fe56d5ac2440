using System.Globalization;
using System.Text;
using ChaosDescent.Analyses.ImplicitBias;
using ChaosDescent.Infrastructure;
using ChaosDescent.Reporting.Plots;
using ScottPlot;
using ChaosDescent.Data;
using ChaosDescent.Numerics.LinearAlgebra;

namespace ChaosDescent.Reporting.Plots;

/// <summary>Figures and CSV files of the implicit-bias tools, shared by the CLI commands and the report.</summary>
public static class ImplicitBiasPlots
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The plot corner with the fewest of the given points (for the legend).</summary>
    public static Alignment EmptiestCorner(double[] xs, double[] ys, double lo0, double hi0, double lo1, double hi1)
    {
        double mx = 0.5 * (lo0 + hi0), my = 0.5 * (lo1 + hi1);
        var counts = new (Alignment A, int N)[]
        {
            (Alignment.UpperLeft, 0), (Alignment.UpperRight, 0), (Alignment.LowerLeft, 0), (Alignment.LowerRight, 0),
        };
        for (int i = 0; i < xs.Length; i++)
        {
            int q = (ys[i] >= my ? 0 : 2) + (xs[i] >= mx ? 1 : 0);
            counts[q].N++;
        }
        return counts.OrderBy(c => c.N).First().A;
    }

    private static string F(double v, string f = "G4") => v.ToString(f, Inv);

    // ---------------------------------------------------------------- max margin (Soudry et al., Thm. 3)

    /// <summary>The data with the SVM and GD boundaries (2 features, or 2 features + bias), angle vs t, ‖w‖ vs ln t, ‖ρ(t)‖ vs t.</summary>
    public static List<FigureRef> MaxMargin(MaxMarginResult r, string directory, string prefix)
    {
        AtomicFile.EnsureDirectory(directory);
        var figs = new List<FigureRef>();
        var data = r.Data;
        int plain = data.HasBias ? data.Dimension - 1 : data.Dimension;
        if (plain == 2)
        {
            var fig = new PlotFigure($"{data.Name}: data, max-margin and GD boundaries", data.FeatureNames[0], data.FeatureNames[1]) { Width = 700, Height = 620 };
            var pos = Enumerable.Range(0, data.Count).Where(n => data.Y[n] > 0).ToArray();
            var neg = Enumerable.Range(0, data.Count).Where(n => data.Y[n] < 0).ToArray();
            fig.Points(pos.Select(n => data.X[n * data.Dimension]).ToArray(), pos.Select(n => data.X[n * data.Dimension + 1]).ToArray(), $"y = {data.PositiveLabel}", PlotFigure.ColorAt(0), 6);
            fig.Points(neg.Select(n => data.X[n * data.Dimension]).ToArray(), neg.Select(n => data.X[n * data.Dimension + 1]).ToArray(), $"y = {data.NegativeLabel}", PlotFigure.ColorAt(1), 6);
            var (lo0, hi0, lo1, hi1) = Box(data);
            if (r.Svm.W is { } ws)
            {
                var sv = r.Svm.SupportVectors;
                var svp = fig.Plot.Add.ScatterPoints(sv.Select(n => data.X[n * data.Dimension]).ToArray(), sv.Select(n => data.X[n * data.Dimension + 1]).ToArray());
                svp.MarkerShape = MarkerShape.OpenCircle;
                svp.MarkerSize = 14;
                svp.Color = Colors.Black;
                svp.LegendText = "support vectors";
                Boundary(fig, ws, data.HasBias, 0, lo0, hi0, lo1, hi1, "max-margin ŵᵀx = 0", Colors.Black, false);
                Boundary(fig, ws, data.HasBias, 1, lo0, hi0, lo1, hi1, "ŵᵀx = ±1", Colors.Gray, true);
                Boundary(fig, ws, data.HasBias, -1, lo0, hi0, lo1, hi1, null, Colors.Gray, true);
            }
            Boundary(fig, r.Trace.Final, data.HasBias, 0, lo0, hi0, lo1, hi1, $"GD w(T)ᵀx = 0, T = {r.Trace.Steps[^1]:N0}", PlotFigure.ColorAt(2), true);
            fig.Plot.Axes.SetLimits(lo0, hi0, lo1, hi1);
            fig.Plot.Legend.Alignment = EmptiestCorner(Enumerable.Range(0, data.Count).Select(n => data.X[n * data.Dimension]).ToArray(),
                Enumerable.Range(0, data.Count).Select(n => data.X[n * data.Dimension + 1]).ToArray(), lo0, hi0, lo1, hi1);
            fig.Save(directory, prefix + "-data");
            figs.Add(new FigureRef(prefix + "-data", $"{data.Name}: the two classes, the hard-margin SVM boundary ŵᵀx = 0 with its margins ŵᵀx = ±1 (support vectors circled), and the boundary of GD after T = {r.Trace.Steps[^1]:N0} steps ({MarginLosses.Name(r.Trace.LossKind)} loss, η = {F(r.Trace.LearningRate)})."));
        }
        var idx = Enumerable.Range(0, r.Trace.Steps.Length).Where(i => r.Trace.Steps[i] > 0 && double.IsFinite(r.Angle[i]) && r.Angle[i] > 0).ToArray();
        if (idx.Length > 1)
        {
            var fig = new PlotFigure($"{data.Name}: angle between w(t) and ŵ", "t (iterations)", "angle (rad)");
            var lx = idx.Select(i => Math.Log10(r.Trace.Steps[i])).ToArray();
            var ly = idx.Select(i => Math.Log10(r.Angle[i])).ToArray();
            fig.Line(lx, ly, "∠(w(t), ŵ)");
            LogAxis.Ticks(fig.Plot.Axes.Bottom, lx);
            LogAxis.Ticks(fig.Plot.Axes.Left, ly);
            fig.Save(directory, prefix + "-angle");
            figs.Add(new FigureRef(prefix + "-angle", $"Angle between the GD iterate w(t) and the max-margin direction ŵ, log–log axes. Thm. 3 of Soudry et al.: it tends to 0, slowly (like log log t / log t when ρ(t) drifts, 1/log t when ρ(t) converges). At T = {r.Trace.Steps[^1]:N0}: {F(r.FinalAngle)} rad."));
        }
        {
            var t = Enumerable.Range(0, r.Trace.Steps.Length).Where(i => r.Trace.Steps[i] > 0).ToArray();
            var lnt = t.Select(i => Math.Log(r.Trace.Steps[i])).ToArray();
            var fig = new PlotFigure($"{data.Name}: ‖w(t)‖ against ln t", "ln t", "‖w(t)‖");
            fig.Line(lnt, t.Select(i => r.Norm[i]).ToArray(), "GD ‖w(t)‖");
            if (r.Svm.W is not null)
            {
                // Reference line of slope ‖ŵ‖ through the last point (the asymptotic slope of Thm. 3).
                double x1 = lnt[^1], y1 = r.Norm[t[^1]], s = r.Svm.Norm;
                fig.Line([lnt[0], x1], [y1 - s * (x1 - lnt[0]), y1], $"slope ‖ŵ‖ = {F(s)}", Colors.Black, dashed: true, width: 1.5f);
            }
            fig.Plot.Legend.Alignment = Alignment.UpperLeft;
            fig.Save(directory, prefix + "-norm");
            figs.Add(new FigureRef(prefix + "-norm", $"‖w(t)‖ against ln t with a line of slope ‖ŵ‖ = {F(r.Svm.Norm)} through the last point; the slope fitted over the last decade of t is {F(r.NormGrowthSlope)}."));
        }
        if (r.Svm.W is not null)
        {
            var t = Enumerable.Range(0, r.Trace.Steps.Length).Where(i => r.Trace.Steps[i] > 0).ToArray();
            var fig = new PlotFigure($"{data.Name}: residual ρ(t) = w(t) − ŵ ln t", "t (iterations)", "residual");
            var lx = t.Select(i => Math.Log10(r.Trace.Steps[i])).ToArray();
            var wh = r.Svm.W;
            double wn = r.Svm.Norm;
            fig.Line(lx, t.Select(i => r.ResidualNorm[i]).ToArray(), "‖ρ(t)‖");
            fig.Line(lx, t.Select(i =>
            {
                double lt = Math.Log(r.Trace.Steps[i]), dot = 0;
                for (int k = 0; k < wh.Length; k++) dot += (r.Trace.W[i][k] - wh[k] * lt) * wh[k];
                return dot / wn;
            }).ToArray(), "ŵᵀρ(t)/‖ŵ‖");
            double c = MaxMarginAnalysis.AsymptoticOffset(r.Svm, r.Trace.LearningRate, r.Data.Count);
            fig.HLine(c, $"predicted limit c = Σα ln(η/(Nα))/‖ŵ‖ = {F(c)}", Colors.Black);
            LogAxis.Ticks(fig.Plot.Axes.Bottom, lx);
            fig.Plot.Legend.Alignment = Alignment.UpperLeft;
            fig.Save(directory, prefix + "-residual");
            figs.Add(new FigureRef(prefix + "-residual", $"The residual ρ(t) = w(t) − ŵ ln t (Thm. 3: bounded for almost every data set) and its component along ŵ, which tends to c = ŵᵀw̃/‖ŵ‖ = {F(c)} fixed by the SVM dual variables (support-vector condition (η/N) exp(−y_n x_nᵀw̃) = α_n)."));
        }
        return figs;
    }

    private static (double, double, double, double) Box(ClassificationData data)
    {
        double lo0 = double.PositiveInfinity, hi0 = double.NegativeInfinity, lo1 = double.PositiveInfinity, hi1 = double.NegativeInfinity;
        for (int n = 0; n < data.Count; n++)
        {
            double a = data.X[n * data.Dimension], b = data.X[n * data.Dimension + 1];
            lo0 = Math.Min(lo0, a); hi0 = Math.Max(hi0, a); lo1 = Math.Min(lo1, b); hi1 = Math.Max(hi1, b);
        }
        // Keep the origin in view (the homogeneous boundaries pass through it) and pad.
        lo0 = Math.Min(lo0, 0); hi0 = Math.Max(hi0, 0); lo1 = Math.Min(lo1, 0); hi1 = Math.Max(hi1, 0);
        double p0 = 0.08 * (hi0 - lo0), p1 = 0.08 * (hi1 - lo1);
        return (lo0 - p0, hi0 + p0, lo1 - p1, hi1 + p1);
    }

    /// <summary>The line w0 x + w1 y (+ w2) = level, clipped to the box.</summary>
    private static void Boundary(PlotFigure fig, double[] w, bool bias, double level, double lo0, double hi0, double lo1, double hi1, string? label, Color color, bool dashed)
    {
        double a = w[0], b = w[1], c = bias ? w[2] : 0;
        double rhs = level - c;
        var xs = new List<double>();
        var ys = new List<double>();
        if (Math.Abs(b) >= Math.Abs(a))
        {
            foreach (var x in new[] { lo0, hi0 }) { xs.Add(x); ys.Add((rhs - a * x) / b); }
        }
        else
        {
            foreach (var y in new[] { lo1, hi1 }) { ys.Add(y); xs.Add((rhs - b * y) / a); }
        }
        fig.Line(xs.ToArray(), ys.ToArray(), label, color, dashed, dashed ? 1.5f : 2.5f);
    }

    public static string MaxMarginCsv(MaxMarginResult r, string path)
    {
        int d = r.Data.Dimension;
        var header = new List<string> { "t", "loss", "norm_w", "angle_rad", "residual_norm", "normalized_margin" };
        header.AddRange(Enumerable.Range(0, d).Select(k => $"w{k + 1}"));
        return CsvFile.WriteNumericRows(path, header.ToArray(), Enumerable.Range(0, r.Trace.Steps.Length).Select(i =>
            new double[] { r.Trace.Steps[i], r.Trace.Loss[i], r.Norm[i], r.Angle[i], r.ResidualNorm[i], r.Trace.NormalizedMargin[i] }
                .Concat(r.Trace.W[i]).ToArray()));
    }

    // ---------------------------------------------------------------- normalized margin of a ReLU network

    public static List<FigureRef> ReluMargin(ReluMarginTrace tr, ClassificationData data, string directory, string prefix)
    {
        AtomicFile.EnsureDirectory(directory);
        var figs = new List<FigureRef>();
        var idx = Enumerable.Range(0, tr.Steps.Length).Where(i => tr.Steps[i] > 0).ToArray();
        var lnt = idx.Select(i => Math.Log(tr.Steps[i])).ToArray();
        {
            var fig = new PlotFigure($"{data.Name}: weight norms against ln t", "ln t", "norm");
            fig.Line(lnt, idx.Select(i => tr.NormW1[i]).ToArray(), "‖W1‖_F");
            fig.Line(lnt, idx.Select(i => tr.NormW2[i]).ToArray(), "‖W2‖");
            fig.Line(lnt, idx.Select(i => tr.NormW1[i] * tr.NormW2[i] / 10).ToArray(), "‖W1‖‖W2‖ / 10", dashed: true);
            if (tr.FirstFullAccuracyStep > 0) fig.VLine(Math.Log(tr.FirstFullAccuracyStep), "100% training accuracy from here");
            fig.Plot.Legend.Alignment = Alignment.UpperLeft;
            fig.Save(directory, prefix + "-norms");
            figs.Add(new FigureRef(prefix + "-norms", "Frobenius norms of the two layers and their product against ln t. Both norms grow without bound once the data are fitted; for this 2-homogeneous network the product grows like ln t (each factor like (ln t)^½)."));
        }
        {
            var fig = new PlotFigure($"{data.Name}: normalized margin along training", "t (iterations)", "margin");
            var lx = idx.Select(i => Math.Log10(tr.Steps[i])).ToArray();
            fig.Line(lx, idx.Select(i => tr.NormalizedMargin[i]).ToArray(), "min_n y_n f(x_n) / (‖W1‖_F ‖W2‖)");
            fig.Line(lx, idx.Select(i => tr.SpectralNormalizedMargin[i]).ToArray(), "… / (‖W1‖₂ ‖W2‖)", dashed: true);
            fig.HLine(0);
            if (tr.FirstFullAccuracyStep > 0) fig.VLine(Math.Log10(tr.FirstFullAccuracyStep), "100% accuracy");
            LogAxis.Ticks(fig.Plot.Axes.Bottom, lx);
            fig.Plot.Legend.Alignment = Alignment.LowerRight;
            fig.Save(directory, prefix + "-margin");
            figs.Add(new FigureRef(prefix + "-margin", $"Normalized margin min_n y_n f(x_n)/(‖W1‖‖W2‖) along training (log t axis): negative while points are misclassified, then it rises and settles (final {F(tr.NormalizedMargin[^1])}) while the unnormalized margin keeps growing like ln t."));
        }
        if (data.Dimension == 2)
        {
            var fig = new PlotFigure($"{data.Name}: decision regions of the trained network", data.FeatureNames[0], data.FeatureNames[1]) { Width = 680, Height = 620 };
            var (lo0, hi0, lo1, hi1) = Box(data);
            var gp = new List<double>(); var gq = new List<double>(); var gn = new List<double>(); var gm = new List<double>();
            const int m = 60;
            for (int i = 0; i < m; i++)
                for (int j = 0; j < m; j++)
                {
                    double a = lo0 + (hi0 - lo0) * (i + 0.5) / m, b = lo1 + (hi1 - lo1) * (j + 0.5) / m;
                    double f = Analyses.ImplicitBias.ReluMargin.Evaluate(tr, [a, b]);
                    if (f > 0) { gp.Add(a); gq.Add(b); } else { gn.Add(a); gm.Add(b); }
                }
            foreach (var (xs, ys, ci) in new[] { (gp, gq, 0), (gn, gm, 1) })
            {
                var sp = fig.Plot.Add.ScatterPoints(xs.ToArray(), ys.ToArray(), PlotFigure.ColorAt(ci).WithAlpha(0.22));
                sp.MarkerShape = MarkerShape.FilledSquare;
                sp.MarkerSize = 9;
            }
            var pos = Enumerable.Range(0, data.Count).Where(n => data.Y[n] > 0).ToArray();
            var neg = Enumerable.Range(0, data.Count).Where(n => data.Y[n] < 0).ToArray();
            fig.Points(pos.Select(n => data.X[2 * n]).ToArray(), pos.Select(n => data.X[2 * n + 1]).ToArray(), $"y = {data.PositiveLabel}", PlotFigure.ColorAt(0), 7);
            fig.Points(neg.Select(n => data.X[2 * n]).ToArray(), neg.Select(n => data.X[2 * n + 1]).ToArray(), $"y = {data.NegativeLabel}", PlotFigure.ColorAt(1), 7);
            fig.Plot.Axes.SetLimits(lo0, hi0, lo1, hi1);
            fig.Save(directory, prefix + "-regions");
            figs.Add(new FigureRef(prefix + "-regions", $"Data (not linearly separable) and the sign of f(x) = W2 σ(W1 x) after T = {tr.Steps[^1]:N0} steps (shaded)."));
        }
        return figs;
    }

    public static string ReluMarginCsv(ReluMarginTrace tr, string path) =>
        CsvFile.WriteNumericRows(path, ["t", "loss", "accuracy", "norm_w1", "norm_w2", "min_margin", "normalized_margin", "spectral_normalized_margin"],
            Enumerable.Range(0, tr.Steps.Length).Select(i => new double[]
                { tr.Steps[i], tr.Loss[i], tr.Accuracy[i], tr.NormW1[i], tr.NormW2[i], tr.MinMargin[i], tr.NormalizedMargin[i], tr.SpectralNormalizedMargin[i] }));

    // ---------------------------------------------------------------- SGD versus Langevin

    /// <summary>2-D scatter of the chains' final states with 2σ ellipses of each law and of exp(−V/T)/Z; and directional temperatures.</summary>
    public static List<FigureRef> Langevin(LangevinComparisonResult r, string directory, string prefix)
    {
        AtomicFile.EnsureDirectory(directory);
        var figs = new List<FigureRef>();
        int d = r.Dimension;
        if (d == 2)
        {
            var fig = new PlotFigure($"stationary laws: {r.Objective}", "w1", "w2") { Width = 720, Height = 640 };
            int c = 0;
            foreach (var m in r.Methods)
            {
                if (m.Samples is null) continue;
                var s = m.Samples;
                int take = Math.Min(s.Chains, 1500);
                var xs = Enumerable.Range(0, take).Select(i => s.Samples[(i * s.Snapshots + s.Snapshots - 1) * 2]).ToArray();
                var ys = Enumerable.Range(0, take).Select(i => s.Samples[(i * s.Snapshots + s.Snapshots - 1) * 2 + 1]).ToArray();
                fig.Points(xs, ys, null, PlotFigure.ColorAt(c).WithAlpha(0.35), 2.5f);
                Ellipse(fig, m.Mean, m.Covariance, $"{m.Method} (2σ of samples)", PlotFigure.ColorAt(c), false);
                c++;
            }
            Ellipse(fig, r.Gibbs.Mean, r.Gibbs.Covariance, $"exp(−V/T)/Z, T = {F(r.Temperature)} (2σ)", Colors.Black, true);
            fig.Plot.Axes.SquareUnits();
            fig.Plot.Legend.Alignment = Alignment.UpperRight;
            fig.Save(directory, prefix + "-laws");
            figs.Add(new FigureRef(prefix + "-laws", $"Long-run samples (final states of independent chains) of SGD (b = {r.Batch}), GD with isotropic Gaussian noise at the matched temperature T = {F(r.Temperature)} (discretized Langevin), and GD with SGD's noise covariance, with 2σ ellipses; black dashed: the Gibbs law exp(−V/T)/Z ({r.Gibbs.Method})."));
        }
        {
            var fig = new PlotFigure("temperature seen along each eigenvector of H", "eigenvector v_i of H", "λ_i · Var(v_iᵀw)");
            int c = 0;
            foreach (var m in r.Methods)
            {
                var xs = Enumerable.Range(0, d).Select(i => i + 1 + 0.08 * (c - 1)).ToArray();
                var l = fig.Plot.Add.Scatter(xs, m.DirectionalTemperature, PlotFigure.ColorAt(c));
                l.LegendText = m.Method;
                l.MarkerSize = 10;
                l.LineWidth = 0;
                c++;
            }
            var ticks = new ScottPlot.TickGenerators.NumericManual();
            for (int i = 0; i < d; i++) ticks.AddMajor(i + 1, $"v{i + 1} (λ = {F(r.HessianEigenvalues[i], "G3")})");
            fig.Plot.Axes.Bottom.TickGenerator = ticks;
            fig.Plot.Axes.SetLimitsX(0.5, d + 0.5);
            fig.HLine(r.Temperature, $"T = {F(r.Temperature)}", Colors.Black);
            fig.Plot.Axes.SetLimitsY(0, 1.25 * Math.Max(r.Temperature, r.Methods.Max(m => m.DirectionalTemperature.Max())));
            fig.Plot.Legend.Alignment = Alignment.UpperLeft;
            fig.Save(directory, prefix + "-temperatures");
            figs.Add(new FigureRef(prefix + "-temperatures", $"λ_i·Var(v_iᵀw) along the eigenvectors v_i of H (λ = {string.Join(", ", r.HessianEigenvalues.Select(v => F(v)))}). A Gibbs law exp(−V/T)/Z of a quadratic V has this equal to T in every direction; isotropic Langevin noise gives that, while SGD's noise (shaped like H) gives a direction-dependent temperature."));
        }
        return figs;
    }

    private static void Ellipse(PlotFigure fig, double[] mean, double[] cov, string label, Color color, bool dashed)
    {
        var (vals, vecs) = GaussianTools.SymmetricEigen(cov, 2);
        const int m = 200;
        var xs = new double[m + 1];
        var ys = new double[m + 1];
        for (int i = 0; i <= m; i++)
        {
            double th = 2 * Math.PI * i / m;
            double a = 2 * Math.Sqrt(Math.Max(vals[0], 0)) * Math.Cos(th), b = 2 * Math.Sqrt(Math.Max(vals[1], 0)) * Math.Sin(th);
            xs[i] = mean[0] + vecs[0, 0] * a + vecs[0, 1] * b;
            ys[i] = mean[1] + vecs[1, 0] * a + vecs[1, 1] * b;
        }
        fig.Line(xs, ys, label, color, dashed, 2);
    }
}
