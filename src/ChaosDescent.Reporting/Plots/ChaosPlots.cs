using System.Globalization;
using System.Text;
using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Infrastructure;
using ChaosDescent.Reporting.Plots;
using ScottPlot;
using ChaosDescent.Data;

namespace ChaosDescent.Reporting.Plots;

/// <summary>Figures and CSV files of the chaos diagnostics, shared by the CLI commands and the report.</summary>
public static class ChaosPlots
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Fig. 9: the attractor's positions (in units of ε) against η/ε, the microscopic well's boundaries as
    /// red dashed lines, the located doublings (grey) and the onset of chaos (green).</summary>
    public static PlotFigure BifurcationDiagram(BifurcationDiagram d, double eps, string title, int maxDoublingLines = 6)
    {
        var fig = new PlotFigure(title, "eta / eps", "x / eps") { Width = 1000, Height = 600 };
        var xs = new List<double>();
        var ys = new List<double>();
        var (yLo, yHi) = d.Points.SelectMany(p => p.Orbit).DefaultIfEmpty(0).Aggregate((Lo: double.PositiveInfinity, Hi: double.NegativeInfinity),
            (acc, v) => (Math.Min(acc.Lo, v), Math.Max(acc.Hi, v)));
        double res = Math.Max(1e-300, (yHi - yLo) / 2000); // one marker per ~1/3 pixel row and eta: cycles collapse to p markers
        foreach (var p in d.Points)
            foreach (var y in p.Orbit.Select(x => Math.Round(x / res)).Distinct())
            {
                xs.Add(p.Eta / eps);
                ys.Add(y * res / eps);
            }
        var m = fig.Plot.Add.Markers(xs.ToArray(), ys.ToArray(), MarkerShape.FilledCircle, 1.5f, new Color(20, 20, 20));
        m.LegendText = "orbit after the transient";
        if (d.Well is { } w)
        {
            // solid lines: SkiaSharp's SVG backend warns on stderr about dashed lines next to markers
            if (double.IsFinite(w.Lo)) fig.HLine(w.Lo / eps, "microscopic well boundary", Colors.Red, dashed: false);
            if (double.IsFinite(w.Hi)) fig.HLine(w.Hi / eps, null, Colors.Red, dashed: false);
        }
        int shown = 0;
        foreach (var dbl in d.Doublings.Where(x => x.Refined))
        {
            if (shown++ >= maxDoublingLines) break;
            fig.VLine(dbl.Eta / eps, shown == 1 ? "period doublings" : null, new Color(120, 120, 120), dashed: false);
        }
        if (d.OnsetEta is { } on) fig.VLine(on / eps, $"onset of chaos (eta = {on / eps:F3} eps)", new Color(44, 160, 44), dashed: false);
        return fig;
    }

    /// <summary>λ against η/ε with the detected period, the theory line m + ln(η/ε) (Thm. 9) and 0.</summary>
    public static PlotFigure BifurcationLambda(BifurcationDiagram d, double eps, double? m, string title)
    {
        var fig = new PlotFigure(title, "eta / eps", "maximal Lyapunov exponent") { Width = 1000, Height = 450 };
        var pts = d.Points.Where(p => !p.Diverged && double.IsFinite(p.Lambda)).ToArray();
        var x = pts.Select(p => p.Eta / eps).ToArray();
        var y = pts.Select(p => Math.Max(p.Lambda, -3)).ToArray();
        fig.Line(x, y, "lambda (clipped at -3: superstable points)", PlotFigure.ColorAt(0), width: 1.5f);
        if (m is { } mm)
        {
            var tx = x.Where(v => v > Math.Exp(-mm) * 0.5).ToArray();
            fig.Line(tx, tx.Select(v => mm + Math.Log(v)).ToArray(), "m + ln(eta/eps) (Thm. 9)", PlotFigure.ColorAt(1), dashed: true);
        }
        fig.HLine(0, null, Colors.Gray);
        if (d.OnsetEta is { } on) fig.VLine(on / eps, "onset of chaos", new Color(44, 160, 44));
        return fig;
    }

    /// <summary>λ (with ±2 SE bars) against log10 of the swept parameter, and the theory line.</summary>
    public static PlotFigure LyapunovSweep(string title, string parameter, double[] values, double[] lambda, double[] stderr,
        double[] theory, string theoryLabel, double[]? second = null, string? secondLabel = null, double[]? secondTheory = null,
        string? secondTheoryLabel = null, string lambdaLabel = "measured lambda (+-2 SE)")
    {
        var fig = new PlotFigure(title, parameter + " (log scale)", "Lyapunov exponent");
        var lx = values.Select(Math.Log10).ToArray();
        fig.Line(lx, theory, theoryLabel, PlotFigure.ColorAt(1));
        fig.Points(lx, lambda, lambdaLabel, PlotFigure.ColorAt(0), 7);
        var eb = new ScottPlot.Plottables.ErrorBar(lx, lambda, null, null, stderr.Select(s => 2 * s).ToArray(), stderr.Select(s => 2 * s).ToArray())
        {
            Color = PlotFigure.ColorAt(0),
        };
        fig.Plot.Add.Plottable(eb);
        if (second is not null)
        {
            fig.Points(lx, second, secondLabel, PlotFigure.ColorAt(2), 7);
            if (secondTheory is not null) fig.Line(lx, secondTheory, secondTheoryLabel, PlotFigure.ColorAt(3));
        }
        LogAxis.Ticks(fig.Plot.Axes.Bottom, lx.Min(), lx.Max());
        // keep the legend off the data: a falling line leaves the upper right free, a rising one the lower right
        fig.Plot.Legend.Alignment = theory[^1] < theory[0] ? Alignment.UpperRight : Alignment.LowerRight;
        return fig;
    }

    /// <summary>Fig. 2 made quantitative: one coloured cell per (ε, η), both axes logarithmic, with the chaos threshold
    /// η = e^(−m) ε (Rmk. 9) and f0's stability bound η = 2/L0.</summary>
    public static PlotFigure RegimeDiagram(RegimeMapResult r, string title)
    {
        var fig = new PlotFigure(title, "eps (log scale)", "eta (log scale)") { Width = 900, Height = 700 };
        var le = r.EpsValues.Select(Math.Log10).ToArray();
        var lh = r.EtaValues.Select(Math.Log10).ToArray();
        double de = (le[^1] - le[0]) / (le.Length - 1), dh = (lh[^1] - lh[0]) / (lh.Length - 1);
        var colors = new Dictionary<Regime, Color>
        {
            [Regime.Converges] = new Color(198, 219, 239),
            [Regime.Periodic] = new Color(253, 174, 107),
            [Regime.LocalChaos] = new Color(230, 85, 13),
            [Regime.GlobalChaos] = new Color(117, 17, 17),
            [Regime.Diverges] = new Color(150, 150, 150),
        };
        var labelled = new HashSet<Regime>();
        for (int i = 0; i < lh.Length; i++)
            for (int j = 0; j < le.Length; j++)
            {
                var cell = r.Cells[i * le.Length + j];
                var rect = fig.Plot.Add.Rectangle(le[j] - de / 2, le[j] + de / 2, lh[i] - dh / 2, lh[i] + dh / 2);
                rect.FillColor = colors[cell.Regime];
                rect.LineWidth = 0;
                if (labelled.Add(cell.Regime)) rect.LegendText = RegimeName(cell.Regime);
            }
        double x0 = le[0] - de / 2, x1 = le[^1] + de / 2, y0 = lh[0] - dh / 2, y1 = lh[^1] + dh / 2;
        if (r.M is { } m)
        {
            double off = -m / Math.Log(10);
            fig.Line([x0, x1], [x0 + off, x1 + off], $"eta = exp(-m) eps = {Math.Exp(-m):F3} eps (Rmk. 9)", new Color(0, 90, 200), dashed: true, width: 2.5f);
        }
        if (double.IsFinite(r.StabilityEta) && r.StabilityEta > 0)
        {
            double ls = Math.Log10(r.StabilityEta);
            fig.Line([x0, x1], [ls, ls], $"eta = {r.StabilityEta:G3} (stability on f0)", new Color(0, 150, 0), dashed: true, width: 2.5f);
        }
        fig.Plot.Axes.SetLimits(x0, x1, y0, y1);
        fig.Plot.HideGrid();
        LogAxis.Ticks(fig.Plot.Axes.Bottom, x0, x1);
        LogAxis.Ticks(fig.Plot.Axes.Left, y0, y1);
        return fig;
    }

    public static string RegimeName(Regime r) => r switch
    {
        Regime.Converges => "converges (local min)",
        Regime.Periodic => "periodic",
        Regime.LocalChaos => "local chaos (one well)",
        Regime.GlobalChaos => "global chaos",
        Regime.Diverges => "diverges",
        _ => r.ToString(),
    };

    // ---- CSV -----------------------------------------------------------------------------------------------

    /// <summary>eta, period, lambda, lambda_stderr, diverged, newton; then the doublings as comment-free rows in a second file.</summary>
    public static string WriteBifurcationCsv(BifurcationDiagram d, string path)
    {
        CsvFile.WriteRows(path, ["eta", "period", "lambda", "lambda_stderr", "diverged", "cycle_by_newton"],
            d.Points.Select(p => (IReadOnlyList<object?>)[p.Eta, p.Period, p.Lambda, p.LambdaStdErr, p.Diverged, p.CycleByNewton]));
        CsvFile.WriteRows(Path.ChangeExtension(path, null) + "-doublings.csv", ["eta", "from_period", "to_period", "bracket_lo", "bracket_hi", "refined"],
            d.Doublings.Select(x => (IReadOnlyList<object?>)[x.Eta, x.FromPeriod, x.ToPeriod, x.BracketLo, x.BracketHi, x.Refined]));
        return path;
    }

    public static string WriteRegimeCsv(RegimeMapResult r, string path) =>
        CsvFile.WriteRows(path, ["eta", "eps", "regime", "period", "lambda", "lambda_stderr", "extent_over_eps", "diverged_at_step"],
            r.Cells.Select(c => (IReadOnlyList<object?>)[c.Eta, c.Eps, RegimeMap.Key(c.Regime), c.Period, c.Lambda, c.LambdaStdErr, c.ExtentOverEps, c.DivergedAtStep]));
}
