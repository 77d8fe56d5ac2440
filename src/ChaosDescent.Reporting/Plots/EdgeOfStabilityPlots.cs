using ChaosDescent.Analyses.Training;

namespace ChaosDescent.Reporting.Plots;

/// <summary>Figures of the edge of stability (Cohen et al. 2021, Fig. 1 layout): loss, sharpness against 2/η with
/// gradient flow at the same time t = η·k, and per-layer sharpness.</summary>
public static class EdgeOfStabilityPlots
{
    /// <summary>Three panels (loss; λ_1…λ_k and gradient flow's λ_max against 2/η; per-layer sharpness) for one run.</summary>
    public static PanelFigure Figure(EdgeOfStabilityReport r)
    {
        var panels = new PanelFigure(1, 3) { CellWidth = 560, CellHeight = 400 };
        var t = r.Series.Select(p => p.Time).ToArray();
        var lossFig = panels.Panel(0, 0, $"Loss, {r.Data} {r.Network} {r.Activation}, η = {r.Lr:G3}", "time t = η·step", "training loss", logY: true);
        lossFig.Line(r.Losses.Select((_, k) => r.Lr * k).ToArray(), r.Losses, "GD", PlotFigure.ColorAt(0), width: 1);
        if (r.FlowSubsteps > 0) lossFig.Line(t, r.Series.Select(p => p.FlowLoss).ToArray(), "gradient flow (RK4)", PlotFigure.ColorAt(1), dashed: true);
        var sharp = panels.Panel(0, 1, "Top Hessian eigenvalues (Lanczos)", "time t = η·step", "eigenvalue");
        for (int i = 0; i < r.Neigs; i++)
            sharp.Line(t, r.Series.Select(p => i < p.Eigenvalues.Length ? p.Eigenvalues[i] : double.NaN).ToArray(), $"GD λ{i + 1}", PlotFigure.ColorAt(i * 2));
        if (r.FlowSubsteps > 0) sharp.Line(t, r.Series.Select(p => p.FlowSharpness).ToArray(), "gradient flow λ1", PlotFigure.ColorAt(1), dashed: true);
        sharp.HLine(r.TwoOverLr, "2/η", PlotFigure.ColorAt(3));
        sharp.LegendAt(ScottPlot.Alignment.LowerRight);
        var layers = panels.Panel(0, 2, "Per-layer sharpness (diagonal Hessian blocks)", "time t = η·step", "top eigenvalue of H_ll");
        int nl = r.Series.Length > 0 ? r.Series[0].LayerSharpness.Length : 0;
        for (int l = 0; l < nl; l++)
            layers.Line(t, r.Series.Select(p => p.LayerSharpness[l]).ToArray(), $"layer {l + 1}", PlotFigure.ColorAt(l + 4));
        layers.HLine(r.TwoOverLr, "2/η", PlotFigure.ColorAt(3));
        layers.LegendAt(ScottPlot.Alignment.LowerRight);
        return panels;
    }

    /// <summary>Writes <see cref="Figure"/> as <c>{name}.png</c> and <c>{name}.svg</c>; returns the PNG path.</summary>
    public static string Save(EdgeOfStabilityReport r, string directory, string name) => Figure(r).Save(directory, name);
}
