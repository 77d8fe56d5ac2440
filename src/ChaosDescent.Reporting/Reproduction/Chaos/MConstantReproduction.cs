using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Objectives;
using ChaosDescent.Reporting.Plots;
using ChaosDescent.Data;
using static ChaosDescent.Reporting.Reproduction.Chaos.LyapunovSweeps;

namespace ChaosDescent.Reporting.Reproduction.Chaos;

/// <summary>
/// The constant m of Cond. 2 for the paper's three micro-scales (D.3.1–D.3.3), against closed forms:
/// periodic ε sin(x/ε): m = (1/2π)∫ ln|sin| = −ln 2;
/// quasi-periodic ε sin(x/ε) + ε sin(√2x/ε): ε f1'' = −sin θ1 − 2 sin θ2 (2 = (√2)²), and by Jensen's formula
/// (1/2π)∫ ln|a + b sin θ| dθ = ln(|b|/2) for |a| ≤ |b| (here a = sin θ1, b = 2) the torus average is exactly 0;
/// Matyas, ‖diag(sin θ1, cos θ2)‖₂ = max(|sin θ1|, |cos θ2|): m = (8/π²)∫_0^{π/2} u ln sin u du = 7ζ(3)/(2π²) − ln 2.
/// </summary>
public sealed class MConstantReproduction() : Reproduction("m-constant", "The constant m of Condition 2", "Cond. 2; D.3.1-D.3.3 (m = -0.6931, -0.0117, -0.2669)", order: 200)
{
    private const double Zeta3 = 1.2020569031595942;
    private const double PaperQuasi = -0.0117;

    public override ReproductionResult Run(ReproductionContext context)
    {
        var res = new ReproductionResult();
        var options = context.Quick ? MConstantOptions.Quick : new MConstantOptions();
        options = options with { Seed = context.Seed };
        var periodic = MConstant.Compute(ObjectiveCatalog.Create("doublewell-sin"), options);
        var quasi = MConstant.Compute(ObjectiveCatalog.Create("quartic-quasiperiodic"), options);
        var matyas = MConstant.Compute(ObjectiveCatalog.Create("matyas-sincos"), options);
        context.Progress?.Report(0.6);
        double matyasExact = 7 * Zeta3 / (2 * Math.PI * Math.PI) - Math.Log(2);

        res.Checks.Add(Check.Near("m-periodic", "m for eps sin(x/eps) (D.3.1) against the closed form -ln 2",
            -Math.Log(2), periodic.M, Math.Max(4 * periodic.ErrorEstimate, 1e-12),
            $"paper: -0.6931; computed {F(periodic.M, "F12")} by {periodic.Method}"));
        // The shifted-lattice estimates are unbiased and their error is one standard error over R = options.Shifts random
        // shifts, itself estimated from R values: (m̂ − m)/SE is Student-t with R − 1 degrees of freedom, whose two-sided
        // tail at the report's budget is far wider than the normal 4 (8.78 at R = 8).
        double tQuantile = MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, options.Shifts - 1, 1 - Check.ReportBudget / 2);
        res.Checks.Add(Check.Near("m-quasiperiodic", "m for eps sin(x/eps) + eps sin(sqrt2 x/eps) (D.3.2) against the torus average 0 (Jensen)",
            0, quasi.M, tQuantile * quasi.ErrorEstimate,
            $"the paper quotes -0.0117; the exact torus average is 0, and ours is {F(quasi.M, "G3")} +- {F(quasi.ErrorEstimate, "G2")} (standard error over {options.Shifts} shifts plus the largest fiber quadrature error; tolerance t({options.Shifts - 1}) = {F(tQuantile, "F2")} of it)")
            .WithFalseAlarmRate(Check.ReportBudget));
        res.Checks.Add(Check.Near("m-matyas", "m for Matyas' eps sin(x/eps) + eps cos(y/eps) (D.3.3) against 7 zeta(3)/(2 pi^2) - ln 2",
            matyasExact, matyas.M, tQuantile * matyas.ErrorEstimate,
            $"paper: -0.2669 (agrees to its 4 digits); closed form {F(matyasExact, "F8")}; tolerance t({options.Shifts - 1}) = {F(tQuantile, "F2")} standard errors over {options.Shifts} shifts")
            .WithFalseAlarmRate(Check.ReportBudget));
        res.Checks.Add(Check.Near("m-matyas-paper", "m for Matyas against the paper's -0.2669 (4 digits)", -0.2669, matyas.M, 5e-5 + 4 * matyas.ErrorEstimate));

        // where -0.0117 comes from: the average of ln|sin x + 2 sin(sqrt2 x)| over a finite window [0, L]
        var micro = ObjectiveCatalog.Create("quartic-quasiperiodic").Micro!;
        double[] lengths = context.Quick ? [10, 30, 100, 300, 1000] : [10, 20, 30, 50, 100, 200, 300, 500, 1000, 3000, 10000];
        var windows = lengths.Select(L => MConstant.WindowAverage(micro, L).Value).ToArray();
        double w100 = windows[Array.IndexOf(lengths, 100.0)];
        res.Checks.Add(Check.Near("m-quasiperiodic-window", "(1/100) int_0^100 ln|sin x + 2 sin(sqrt2 x)| dx reproduces the paper's -0.0117 (4 digits)",
            PaperQuasi, w100, 5e-5,
            "the paper's value is this finite-window average; it tends to the torus average 0 as the window grows (Weyl), slowly"));
        context.Progress?.Report(0.9);

        var fig = new PlotFigure("Where -0.0117 comes from: window averages of ln|sin x + 2 sin(sqrt2 x)|", "window length L (log scale)", "(1/L) int_0^L ln|eps f1''|");
        var lx = lengths.Select(Math.Log10).ToArray();
        fig.Line(lx, windows, "window average over [0, L]", PlotFigure.ColorAt(0));
        fig.Points(lx, windows, null, PlotFigure.ColorAt(0), 6);
        fig.HLine(0, "torus average m = 0 (exact)", PlotFigure.ColorAt(2), dashed: false);
        fig.HLine(PaperQuasi, "paper's m = -0.0117", PlotFigure.ColorAt(1), dashed: false);
        fig.Plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            lx, lengths.Select(v => F(v, "G6")).ToArray());
        fig.Save(context.FigureDirectory, "m-quasiperiodic-window");
        res.Figures.Add(new FigureRef("m-quasiperiodic-window",
            "The average of ln|eps f1''| for the quasi-periodic micro-scale over a window [0, L] of x/eps: the paper's -0.0117 is the value at L = 100; the torus average (Cond. 2's m) is exactly 0."));
        var csv = CsvFile.WriteNumericRows(Path.Combine(context.DataDirectory, "m-quasiperiodic-window.csv"), ["window_length", "average"], lengths.Select((L, i) => new[] { L, windows[i] }));
        res.DataFiles.Add(Path.GetRelativePath(context.OutputDirectory, csv));
        var table = CsvFile.WriteNumericRows(Path.Combine(context.DataDirectory, "m-constants.csv"), ["case", "m", "error_estimate", "closed_form", "paper"],
            [[1, periodic.M, periodic.ErrorEstimate, -Math.Log(2), -0.6931], [2, quasi.M, quasi.ErrorEstimate, 0, PaperQuasi], [3, matyas.M, matyas.ErrorEstimate, matyasExact, -0.2669]]);
        res.DataFiles.Add(Path.GetRelativePath(context.OutputDirectory, table));

        res.Notes.Add($"Periodic (D.3.1): m = {F(periodic.M, "F12")} (error estimate {F(periodic.ErrorEstimate, "G2")}), closed form -ln 2 = {F(-Math.Log(2), "F12")}; the paper's -0.6931 agrees.");
        res.Notes.Add($"Quasi-periodic (D.3.2): the paper writes ln|sin(x) + 2 sin(sqrt2 x)|; the Hessian of eps sin(x/eps) + eps sin(sqrt2 x/eps) is indeed -(sin + 2 sin)/eps, coefficient 2 = (sqrt2)^2, so the integrand is right. " +
            $"But its torus average is exactly 0 (Jensen's formula: averaging over theta2 first, (1/2pi) int ln|u + 2 sin theta2| = ln(2/2) = 0 for every |u| <= 1), and we compute m = {F(quasi.M, "G3")} +- {F(quasi.ErrorEstimate, "G2")}. " +
            $"The quoted -0.0117 is the average over the finite window [0, 100] (we get {F(w100, "F6")}); windows of length {F(lengths[^1], "G6")} give {F(windows[^1], "G3")}. " +
            "The Lyapunov exponents of Fig. 15 (fig15 below) measure m = 0, not -0.0117, with standard errors small enough to tell them apart.");
        res.Notes.Add($"Matyas (D.3.3): m = E ln max(|sin theta1|, |cos theta2|) = {F(matyas.M, "F7")} +- {F(matyas.ErrorEstimate, "G2")}; closed form 7 zeta(3)/(2 pi^2) - ln 2 = {F(matyasExact, "F7")} (from int_0^(pi/2) u ln sin u du = 7 zeta(3)/16 - (pi^2/8) ln 2); the paper's -0.2669 agrees. " +
            $"Per coordinate (separable micro-scale) m_k = {string.Join(", ", matyas.PerCoordinate!.Select(v => F(v, "F6")))}: these, not m, set the true Lyapunov spectrum (see fig16-17).");
        res.Data["m_periodic"] = periodic.M;
        res.Data["m_quasiperiodic"] = quasi.M;
        res.Data["m_quasiperiodic_error"] = quasi.ErrorEstimate;
        res.Data["m_matyas"] = matyas.M;
        res.Data["m_matyas_closed_form"] = matyasExact;
        res.Data["window_average_100"] = w100;
        context.Progress?.Report(1);
        return res;
    }
}
