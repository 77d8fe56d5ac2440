using System.Globalization;
using System.Text;
using ChaosDescent.Analyses;
using ChaosDescent.Analyses.Landscapes.Convergence;
using ChaosDescent.Analyses.Landscapes.Escapes;
using ChaosDescent.Analyses.Landscapes.Momentum;
using ChaosDescent.Analyses.Landscapes.Wells;
using ChaosDescent.Infrastructure;
using ChaosDescent.Reporting.Plots;
using ChaosDescent.Analyses.Distributions;
using ChaosDescent.Statistics;

namespace ChaosDescent.Reporting.Plots;

/// <summary>
/// Figures and CSV files for the landscape analyses (wells, escapes, momentum, convergence rate), shared by the CLI
/// commands and the report experiments. Log scales are drawn as log10 of the values (axis labels say so).
/// </summary>
public static class LandscapePlots
{
    /// <summary>f0′ with the band [a, b] of ζ and the components of S marked (Remark 12).</summary>
    public static string Connectivity(WellConnectivity c, string title, string directory, string name)
    {
        var land = c.Landscape;
        var finite = c.Components.SelectMany(k => new[] { k.Lo.Value, k.Hi.Value }).Where(double.IsFinite).ToList();
        finite.AddRange(c.Wells.Minima);
        double lo = finite.Min(), hi = finite.Max(), pad = 0.25 * (hi - lo + 0.1);
        lo -= pad;
        hi += pad;
        var xs = Enumerable.Range(0, 801).Select(i => lo + (hi - lo) * i / 800).ToArray();
        var fig = new PlotFigure(title, "x", "f0'(x)");
        fig.Line(xs, xs.Select(land.D1).ToArray(), "f0'", PlotFigure.ColorAt(0));
        fig.HLine(c.NoiseMin, $"a = min zeta = {c.NoiseMin:G3}", PlotFigure.ColorAt(7));
        fig.HLine(c.NoiseMax, $"b = max zeta = {c.NoiseMax:G3}", PlotFigure.ColorAt(7));
        bool first = true;
        foreach (var comp in c.Components)
        {
            double u = double.IsFinite(comp.Lo.Value) ? comp.Lo.Value : lo, v = double.IsFinite(comp.Hi.Value) ? comp.Hi.Value : hi;
            fig.Line([u, v], [0, 0], first ? "components of S" : null, PlotFigure.ColorAt(2), width: 6);
            first = false;
        }
        foreach (var m in c.Wells.Maxima) fig.VLine(m, null, PlotFigure.ColorAt(1));
        return fig.Save(directory, name);
    }

    /// <summary>Kaplan–Meier survival of the first exits (log axis) with the geometric fit and, when given, Eyring–Kramers.</summary>
    public static string Survival(ExitTimeStatistics stats, double? kramersRate, string title, string directory, string name)
    {
        var fig = new PlotFigure(title, "step", "P(no exit yet)") { LogY = true };
        var km = stats.KaplanMeier().Where(p => p.Survival > 0).ToArray();
        if (km.Length > 0)
        {
            var xs = new List<double> { 0 };
            var ys = new List<double> { 1 };
            double prev = 1;
            foreach (var p in km)
            {
                xs.Add(p.Step); ys.Add(prev);
                xs.Add(p.Step); ys.Add(p.Survival);
                prev = p.Survival;
            }
            int end = stats.ObservedTimes().DefaultIfEmpty(0).Max();
            xs.Add(Math.Max(end, km[^1].Step)); ys.Add(prev);
            fig.Line(xs.ToArray(), ys.ToArray(), $"Kaplan-Meier ({stats.Exits} exits, {stats.Censored} censored)", PlotFigure.ColorAt(0));
            double tmax = xs.Max();
            var grid = Enumerable.Range(0, 101).Select(i => tmax * i / 100).ToArray();
            if (stats.ExitProbabilityPerStep > 0)
            {
                double lp = Math.Log(1 - stats.ExitProbabilityPerStep);
                fig.Line(grid, grid.Select(t => Math.Exp(t * lp)).ToArray(), $"geometric MLE, mean {stats.GeometricMean:G4}", PlotFigure.ColorAt(1), dashed: true);
            }
            if (kramersRate is { } k && k > 0 && k < 1)
            {
                double lk = Math.Log(1 - k);
                fig.Line(grid, grid.Select(t => Math.Exp(t * lk)).ToArray(), $"Eyring-Kramers, mean {1 / k:G4}", PlotFigure.ColorAt(2), dashed: true);
            }
        }
        return fig.Save(directory, name);
    }

    /// <summary>Histogram of positions (density) against the rescaled Gibbs density, with the wells' boundaries.</summary>
    public static string PositionsVsGibbs(ReadOnlySpan<double> positions, RescaledGibbs? gibbs, IReadOnlyList<double> maxima,
        (double Lo, double Hi) range, int bins, string title, string directory, string name, string label = "ensemble")
    {
        var finite = new List<double>();
        foreach (var v in positions) if (double.IsFinite(v)) finite.Add(v);
        var h = Histogram1D.Of(finite.ToArray(), range.Lo, range.Hi, bins);
        return HistogramVsGibbs(h, gibbs, maxima, title, directory, name, label);
    }

    public static string HistogramVsGibbs(Histogram1D h, RescaledGibbs? gibbs, IReadOnlyList<double> maxima,
        string title, string directory, string name, string label = "ensemble")
    {
        var fig = new PlotFigure(title, "x", "density");
        fig.Steps(h.Edges(), h.Density(), label, PlotFigure.ColorAt(0));
        if (gibbs is not null)
        {
            var g = gibbs.Marginal(0);
            var xs = Enumerable.Range(0, 600).Select(i => h.Lo + (h.Hi - h.Lo) * i / 599).ToArray();
            fig.Line(xs, xs.Select(g.Density).ToArray(), "rescaled Gibbs exp(-2 f0/(eta sigma^2))/Z", PlotFigure.ColorAt(1));
        }
        foreach (var m in maxima) fig.VLine(m, null, PlotFigure.ColorAt(7));
        return fig.Save(directory, name);
    }

    /// <summary>Position against step for a few particles.</summary>
    public static string Traces(double[][] traces, IReadOnlyList<double> maxima, string title, string directory, string name)
    {
        var fig = new PlotFigure(title, "step", "x");
        for (int p = 0; p < traces.Length; p++)
        {
            var t = traces[p];
            fig.Line(Enumerable.Range(0, t.Length).Select(i => (double)i).ToArray(), t, traces.Length > 1 ? $"particle {p}" : "x_n", PlotFigure.ColorAt(p), width: 1);
        }
        foreach (var m in maxima) fig.HLine(m, "local max of f0", PlotFigure.ColorAt(7));
        return fig.Save(directory, name);
    }

    /// <summary>Escape probability from a micro well against η/ε with its Wilson intervals and thresholds.</summary>
    public static string MicroEscapeCurve(IReadOnlyList<MicroEscapeResult> results, string title, string directory, string name)
    {
        var fig = new PlotFigure(title, "eta / eps", "P(escape within K steps)");
        var x = results.Select(r => r.EtaOverEps).ToArray();
        fig.Line(x, results.Select(r => r.EscapeProbability).ToArray(), "escape probability", PlotFigure.ColorAt(0));
        fig.Points(x, results.Select(r => r.ProbabilityLo).ToArray(), "95% Wilson interval", PlotFigure.ColorAt(0), 4);
        fig.Points(x, results.Select(r => r.ProbabilityHi).ToArray(), null, PlotFigure.ColorAt(0), 4);
        if (results.Count > 0)
        {
            var w = results[0].Well;
            fig.VLine(w.StabilityThreshold / results[0].Epsilon, "fixed point loses stability: eta f''(x*) = 2", PlotFigure.ColorAt(1));
        }
        return fig.Save(directory, name);
    }

    /// <summary>Momentum: histogram of the ensemble and of the orbit against the linearized Gaussian.</summary>
    public static string MomentumHistogram(MomentumAnalysis m, string title, string directory, string name)
    {
        var fig = new PlotFigure(title, "x", "density");
        fig.Steps(m.EnsembleHistogram.Edges(), m.EnsembleHistogram.Density(), "ensemble (last step)", PlotFigure.ColorAt(0));
        var oh = m.Orbit.Histograms[0];
        fig.Steps(oh.Edges(), oh.Density(), "one orbit (time average)", PlotFigure.ColorAt(2));
        var xs = Enumerable.Range(0, 600).Select(i => m.EnsembleHistogram.Lo + (m.EnsembleHistogram.Hi - m.EnsembleHistogram.Lo) * i / 599).ToArray();
        fig.Line(xs, xs.Select(m.Gaussian.Density).ToArray(), $"linear theory N(x*, {m.Theory.PositionVariance:G4})", PlotFigure.ColorAt(1));
        return fig.Save(directory, name);
    }

    /// <summary>Running estimate of λ1 with the rank-one prediction.</summary>
    public static string LyapunovRunning(IReadOnlyList<(string Label, IReadOnlyList<(long Step, double Value)> Running, double Predicted)> runs, string title, string directory, string name)
    {
        var fig = new PlotFigure(title, "step", "running estimate of lambda_1");
        int i = 0;
        foreach (var (label, running, pred) in runs)
        {
            fig.Line(running.Select(p => (double)p.Step).ToArray(), running.Select(p => p.Value).ToArray(), label, PlotFigure.ColorAt(i));
            fig.HLine(pred, $"{label}: rank-one estimate {pred:F3}", PlotFigure.ColorAt(i));
            i++;
        }
        return fig.Save(directory, name);
    }

    /// <summary>W2(ρ_k, ρ∞) against k (log axis) with the predicted C r^k and the sampling floor.</summary>
    public static string Convergence(IReadOnlyList<(string Label, ConvergenceRate Rate)> runs, string title, string directory, string name)
    {
        var fig = new PlotFigure(title, "step k", "W2(rho_k, rho_inf)") { LogY = true };
        int i = 0;
        foreach (var (label, c) in runs)
        {
            var color = PlotFigure.ColorAt(i++);
            var ks = c.Steps.Select(s => (double)s).ToArray();
            fig.Points(ks, c.W2, $"{label}: measured", color, 5);
            if (c.PredictedRate is { } r)
                fig.Line(ks, ks.Select(k => c.W2[0] * Math.Pow(r, k)).ToArray(), $"{label}: W2(rho_0) * {r:G4}^k", color, dashed: true);
            fig.Line([ks[0], ks[^1]], [c.Floor, c.Floor], null, color, width: 1);
        }
        fig.LegendAt(ScottPlot.Alignment.UpperRight);
        return fig.Save(directory, name);
    }

}
