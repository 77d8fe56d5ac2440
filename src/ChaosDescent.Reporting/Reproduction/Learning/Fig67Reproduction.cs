using System.Globalization;
using ChaosDescent.Learning;
using ChaosDescent.Reporting.Plots;
using ChaosDescent.Data;

namespace ChaosDescent.Reporting.Reproduction.Learning;

/// <summary>
/// Figs. 6–7 (Sec. 3.3): the same 5-16-1 leaky-ReLU network and initialization trained on Airfoil by full-batch GD
/// at a large and a small learning rate. Large η: the loss keeps fluctuating and the weights wander over a
/// distribution instead of settling (Fig. 6); small η: GD descends into a local minimum (Fig. 7). Runs both under
/// our preprocessing (inputs and target standardized; large η = 0.2, small η = 0.0005), the paper's η = 0.02 under
/// it, and the paper's pair 0.02/0.0005 with the target kept in dB (only centred).
/// </summary>
public sealed class Fig67Reproduction() : Reproduction("fig6-7", "Large vs small learning rate on a neural network (Airfoil, 5-16-1 leaky ReLU)", "Sec. 3.3, Figs. 6 and 7", order: 500)
{
    /// <summary>Our large learning rate: about 7× above the transition under standardized data (see the sweep).</summary>
    public const double LargeLr = 0.2;

    /// <summary>The paper's small learning rate (Fig. 7).</summary>
    public const double SmallLr = 0.0005;

    /// <summary>The paper's large learning rate (Fig. 6).</summary>
    public const double PaperLargeLr = 0.02;

    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    public override ReproductionResult Run(ReproductionContext context)
    {
        var res = new ReproductionResult();
        int epochs = context.Quick ? 2000 : 20000;
        ulong seed = context.Seed;
        int threads = AirfoilSetup.Threads(context);
        var std = new AirfoilSetup(Preprocessing.Standardize, seed);
        var db = new AirfoilSetup(Preprocessing.CenterTarget, seed);

        // Standardized: large, small, paper's large. Target in dB: the paper's pair (full mode only).
        var stdRuns = std.RunAll([LargeLr, SmallLr, PaperLargeLr], epochs, seed, threads,
            new Scaled(context.Progress, 0, context.Quick ? 1 : 0.6));
        TrainingResult large = stdRuns[0], small = stdRuns[1], paperLarge = stdRuns[2];
        TrainingResult[] dbRuns = context.Quick ? [] : db.RunAll([PaperLargeLr, SmallLr], epochs, seed, threads, new Scaled(context.Progress, 0.6, 0.4));

        string fig = context.FigureDirectory, dataDir = context.DataDirectory;
        var model = std.Model;
        int wOut = model.WeightOffset(1); // W2[0,0], the first output weight
        int iOut = Array.IndexOf(large.WatchedParameters, wOut);
        string wName = model.ParameterName(wOut);

        // Fig. 6 / Fig. 7: loss curves, weight histograms, weight traces, sharpness.
        res.Figures.Add(LearningPlots.LossCurves(fig, "fig6_loss", $"Fig. 6: training loss at large η = {F(LargeLr)} (standardized data)",
            [(large, $"η = {F(LargeLr)}")]) with
        { Caption = $"Fig. 6 analogue: training loss at η = {F(LargeLr)}; it stops decreasing and keeps fluctuating (log scale; min/max envelope per pixel column)." });
        res.Figures.Add(LearningPlots.LossCurves(fig, "fig7_loss", $"Fig. 7: training loss at small η = {F(SmallLr)} (same initialization)",
            [(small, $"η = {F(SmallLr)}")]) with
        { Caption = $"Fig. 7 analogue: the same initialization at η = {F(SmallLr)}: the loss decreases monotonically towards a local minimum." });
        res.Figures.Add(LearningPlots.WeightHistogramPanels(fig, "fig6_weight_hist", $"η = {F(LargeLr)}", large, model.ParameterName)
            with
        { Caption = $"Fig. 6 analogue: empirical distributions of four weights over the last {large.Late.Length} epochs at η = {F(LargeLr)}: GD keeps sampling a spread of values instead of settling." });
        res.Figures.Add(LearningPlots.WeightHistogramPanels(fig, "fig7_weight_hist", $"η = {F(SmallLr)}", small, model.ParameterName)
            with
        { Caption = $"Fig. 7 analogue: the same weights over the last {small.Late.Length} epochs at η = {F(SmallLr)}: a slow monotone drift into the minimum (a narrow, flat histogram), not a distribution." });
        res.Figures.Add(WeightTrace(fig, "fig6_weight_trace", wName, large, small, iOut));
        res.Figures.Add(LearningPlots.SharpnessCurves(fig, "fig6_sharpness", "Sharpness λ_max along training against 2/η",
            [(large, $"η = {F(LargeLr)}"), (paperLarge, $"η = {F(PaperLargeLr)}"), (small, $"η = {F(SmallLr)}")])
            with
        { Caption = "Sharpness (top Hessian eigenvalue, Lanczos on exact HVPs) against the stability threshold 2/η: at large η it rises to 2/η and stays there (edge of stability); at small η it stays far below." });
        if (dbRuns.Length > 0)
            res.Figures.Add(LearningPlots.LossCurves(fig, "fig6_7_paper_lrs_db", "The paper's learning rates with the target in dB (centred only)",
                [(dbRuns[0], $"η = {F(PaperLargeLr)}"), (dbRuns[1], $"η = {F(SmallLr)}")])
                with
            { Caption = $"With the target only centred (in dB, std {F(db.Data.TargetNames.Count > 0 ? TargetStd(db.Data) : double.NaN)} dB), the paper's own pair behaves as in Figs. 6–7: η = 0.02 oscillates, η = 0.0005 converges." });

        // CSV: loss curves and the late-window weights of the two main runs.
        WriteCsv(res, context, "fig6_7_loss", ("eta_" + F(LargeLr), large), ("eta_" + F(SmallLr), small), ("eta_" + F(PaperLargeLr), paperLarge));
        res.AddCsv(context, "fig6_7_weights_late", ["epoch", $"{wName} eta={F(LargeLr)}", $"{wName} eta={F(SmallLr)}"],
            Enumerable.Range(large.Late.Start, large.Late.Length).Select(e => (double)e).ToArray(), large.WatchedTraces[iOut], small.WatchedTraces[iOut]);
        var rows = stdRuns.Select(r => Row("standardize", r)).Concat(dbRuns.Select(r => Row("center-target", r))).ToList();
        res.AddCsvRows(context, "fig6_7_summary", ["preprocess", "lr", "final_loss", "loss_mean_late", "loss_std_late", "increase_fraction_late",
            "converged", "lyapunov", "lyapunov_se", "sharpness", "two_over_lr", "regime"], rows);

        // Checks with computed numbers.
        double wStdLarge = Std(large.WatchedTraces[iOut]), wStdSmall = Std(small.WatchedTraces[iOut]);
        res.Checks.Add(Check.True("fig7-converges", $"η = {F(SmallLr)}: the late-window loss never rises (GD descends to a local minimum)",
            small.Late.Converged, $"rises in {F(100 * small.Late.IncreaseFraction)}% of late epochs; final loss {F(small.FinalLoss)}"));
        res.Checks.Add(Check.AtMost("fig7-below-edge", $"η = {F(SmallLr)}: η·λ_max/2 at the end (< 1: linearly stable)",
            1, SmallLr * small.FinalSharpness / 2, $"λ_max = {F(small.FinalSharpness)}, 2/η = {F(2 / SmallLr)}"));
        res.Checks.Add(Check.AtLeast("fig6-not-converging", $"η = {F(LargeLr)}: fraction of late epochs in which the loss rises",
            0.25, large.Late.IncreaseFraction, $"late loss {F(large.Late.Mean)} ± {F(large.Late.StandardDeviation)} (mean ± std); a converging run has 0"));
        res.Checks.Add(Check.Near("fig6-edge-of-stability", $"η = {F(LargeLr)}: η·λ_max/2 at the end (1 = the edge of stability)",
            1, LargeLr * large.FinalSharpness / 2, 0.1, $"λ_max = {F(large.FinalSharpness)} against 2/η = {F(2 / LargeLr)}"));
        double turnsLarge = TurnFraction(large.WatchedTraces[iOut]), turnsSmall = TurnFraction(small.WatchedTraces[iOut]);
        res.Checks.Add(Check.AtLeast("fig6-weights-wander", $"η = {F(LargeLr)}: fraction of late epochs in which {wName} reverses direction",
            0.25, turnsLarge, $"late-window std of {wName}: {F(wStdLarge)}; it moves back and forth instead of settling"));
        res.Checks.Add(Check.AtMost("fig7-weights-settle", $"η = {F(SmallLr)}: fraction of late epochs in which {wName} reverses direction",
            0.01, turnsSmall, $"late-window std of {wName}: {F(wStdSmall)} (a slow monotone drift into the minimum)"));
        res.Checks.Add(Check.AtMost("fig6-lyapunov", $"η = {F(LargeLr)}: maximal Lyapunov exponent minus {Check.ZOneSided} SE (per epoch; > 0 would be measurable chaos)",
            0, large.Lyapunov - Check.ZOneSided * large.LyapunovStandardError,
            $"λ = {F(large.Lyapunov)} ± {F(large.LyapunovStandardError)} over {large.LyapunovEpochs} epochs. The paper calls Fig. 6 'stochasticity originated from chaos'; " +
            "under standardized data we measure non-convergence at the edge of stability with λ ≈ 0 (marginal, not measurably chaotic). " +
            $"Design false-alarm rate 5e-5 for a marginal orbit (λ = 0: one-sided normal tail at {Check.ZOneSided} SE); over 32 initializations at this η, 1 is chaotic by λ − 2 SE > 0 " +
            "(see sec3.3-initializations), which the test does not exclude: a rare chaotic initialization is a true failure of this single-run claim.").AtBudget());
        res.Checks.Add(Check.True("paper-large-lr-standardized", $"under standardized data the paper's large η = {F(PaperLargeLr)} still converges within {epochs} epochs",
            paperLarge.Late.Converged, $"λ_max = {F(paperLarge.FinalSharpness)} < 2/η = {F(2 / PaperLargeLr)}: below the transition (see the sweep); our large η is {F(LargeLr)}"));
        if (dbRuns.Length > 0)
        {
            res.Checks.Add(Check.True("paper-lrs-in-db", "target in dB: η = 0.02 does not converge and η = 0.0005 does (the paper's dichotomy)",
                !dbRuns[0].Late.Converged && dbRuns[1].Late.Converged,
                $"η = 0.02: rises in {F(100 * dbRuns[0].Late.IncreaseFraction)}% of late epochs, λ_max = {F(dbRuns[0].FinalSharpness)} vs 2/η = 100; " +
                $"η = 0.0005: rises in {F(100 * dbRuns[1].Late.IncreaseFraction)}%, λ = {F(dbRuns[0].Lyapunov)} ± {F(dbRuns[0].LyapunovStandardError)} at η = 0.02"));
        }

        res.Notes.Add($"Set-up: Airfoil (all {std.Data.Count} samples), 5-16-1 MLP, leaky ReLU (slope 0.01), MSE loss (1/n)Σ(f−y)², full-batch GD, " +
                      $"{epochs} epochs, one initialization (seed {seed}, W ~ N(0, 1/fan-in), b = 0) shared by every run. The late window is the last 25% of the epochs.");
        res.Notes.Add("The paper does not state its preprocessing, and the learning rate at which GD stops converging scales with it: the loss Hessian " +
                      "grows with the target's scale (the output weights must grow to fit it), so the threshold 2/λ_max shrinks. With inputs and target " +
                      $"standardized (ours), the paper's 'large' η = {F(PaperLargeLr)} is below the transition and converges; we use η = {F(LargeLr)} as the large rate. " +
                      "With the target left in dB (only centred), the paper's own pair 0.02/0.0005 reproduces Figs. 6–7.");
        res.Notes.Add("At the large learning rate the sharpness climbs to 2/η and hovers there (the 'edge of stability'); the loss alternates between two " +
                      "levels with irregular drifts and the weights wander over a distribution. The maximal Lyapunov exponent of the training map " +
                      "(tangent propagation with exact Hessian-vector products) is, however, close to 0 under standardized data: non-convergent and " +
                      "stochastic-looking, but not measurably chaotic on these time scales.");

        res.Data["epochs"] = epochs;
        res.Data["large_lr"] = LargeLr;
        res.Data["small_lr"] = SmallLr;
        foreach (var (key, r) in new[] { ("large", large), ("small", small), ("paper_large_standardized", paperLarge) }
                     .Concat(dbRuns.Length > 0 ? new[] { ("paper_large_db", dbRuns[0]), ("paper_small_db", dbRuns[1]) } : []))
        {
            res.Data[key + "_final_loss"] = r.FinalLoss;
            res.Data[key + "_loss_std_late"] = r.Late.StandardDeviation;
            res.Data[key + "_converged"] = r.Late.Converged;
            res.Data[key + "_lyapunov"] = r.Lyapunov;
            res.Data[key + "_lyapunov_se"] = r.LyapunovStandardError;
            res.Data[key + "_sharpness"] = r.FinalSharpness;
        }
        context.Progress?.Report(1);
        return res;
    }

    private static FigureRef WeightTrace(string dir, string name, string wName, TrainingResult large, TrainingResult small, int index)
    {
        var panels = new PanelFigure(1, 2);
        int n = Math.Min(large.Late.Length, 300);
        var x = Enumerable.Range(large.Late.Start + large.Late.Length - n, n).Select(e => (double)e).ToArray();
        panels.Panel(0, 0, $"{wName} at η = {F(LargeLr)}", "epoch", wName)
            .LinePoints(x, large.WatchedTraces[index][^n..], null, PlotFigure.ColorAt(0), 2, 0.8f);
        panels.Panel(0, 1, $"{wName} at η = {F(SmallLr)}", "epoch", wName)
            .LinePoints(x, small.WatchedTraces[index][^n..], null, PlotFigure.ColorAt(1), 2, 0.8f);
        panels.Save(dir, name);
        return new FigureRef(name, $"The output weight {wName} over the last {n} epochs: at large η it jumps across a valley every epoch (period-2 pattern) " +
                                   "with an irregular envelope; at small η it creeps monotonically.");
    }

    private static void WriteCsv(ReproductionResult res, ReproductionContext context, string name, params (string Label, TrainingResult Run)[] runs)
    {
        int n = runs.Max(r => r.Run.Losses.Length);
        var epochs = Enumerable.Range(0, n).Select(e => (double)e).ToArray();
        var cols = runs.Select(r => (IReadOnlyList<double>)Enumerable.Range(0, n).Select(i => i < r.Run.Losses.Length ? r.Run.Losses[i] : double.NaN).ToArray());
        res.AddCsv(context, name, ["epoch", .. runs.Select(r => "loss_" + r.Label)], [epochs, .. cols]);
    }

    private static IReadOnlyList<object?> Row(string pre, TrainingResult r) =>
        [pre, r.Settings.LearningRate, r.FinalLoss, r.Late.Mean, r.Late.StandardDeviation, r.Late.IncreaseFraction, r.Late.Converged ? 1 : 0,
         r.Lyapunov, r.LyapunovStandardError, r.FinalSharpness, r.StabilityThreshold, RunSummary.Classify(r).ToString().ToLowerInvariant()];

    /// <summary>Fraction of interior points where the increments change sign (x_{t+1} − x_t and x_t − x_{t−1} of opposite signs).</summary>
    internal static double TurnFraction(double[] x)
    {
        if (x.Length < 3) return double.NaN;
        int turns = 0;
        for (int t = 1; t + 1 < x.Length; t++)
            if ((x[t + 1] - x[t]) * (x[t] - x[t - 1]) < 0) turns++;
        return (double)turns / (x.Length - 2);
    }

    internal static double Std(double[] x)
    {
        if (x.Length < 2) return double.NaN;
        double m = x.Average(), v = 0;
        foreach (var e in x) v += (e - m) * (e - m);
        return Math.Sqrt(v / (x.Length - 1));
    }

    private static double TargetStd(RegressionData d)
    {
        var y = d.Targets.ToArray();
        return Std(y);
    }

    internal static string F(double v) => Check.Fmt(v);

    /// <summary>Maps a sub-task's progress 0..1 onto [offset, offset + width] of the experiment's bar.</summary>
    internal sealed class Scaled(IProgress<double>? inner, double offset, double width) : IProgress<double>
    {
        public void Report(double value) => inner?.Report(offset + width * value);
    }
}
