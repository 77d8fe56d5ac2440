using ChaosDescent.Analyses.ImplicitBias;
using ChaosDescent.Data;
using ChaosDescent.Reporting.Plots;

namespace ChaosDescent.Reporting.Reproduction.ImplicitBias;

/// <summary>
/// Normalized margin of a bias-free 2-layer ReLU network f(x) = W2 σ(W1 x) (Lyu & Li 2020) trained by GD on the
/// logistic loss over XOR-like data, which no linear classifier separates.
/// </summary>
public sealed class ReluMarginReproduction() : Reproduction("implicit-bias-relu-margin", "Implicit bias II: normalized margin of a 2-layer ReLU network", "Lyu & Li 2020 (normalized margin of homogeneous networks under GD on the logistic loss)", order: 610)
{
    public override ReproductionResult Run(ReproductionContext context)
    {
        var res = new ReproductionResult();
        var data = DataSources.BuiltinClassification("xor");
        bool linSep = HardMarginSvm.Solve(data).Separable || HardMarginSvm.Solve(data.WithBias()).Separable;
        var settings = new ReluMarginSettings
        {
            Hidden = 10,
            LearningRate = 1,
            Steps = context.Quick ? 100_000 : 1_000_000,
            Seed = context.Seed,
            CheckpointsPerDecade = 20,
        };
        // Lyu & Li's theorem assumes the network has separated the data. From some initializations (about 1 in 10 here:
        // 2 of 20 report seeds at 20,000 steps) GD on XOR never does (units die or align), so the margin claims are made
        // for the first of up to MaxInitializations initializations that reaches full accuracy, and the report says
        // how many were tried.
        const int MaxInitializations = 8;
        var tr = ReluMargin.Run(data, settings, context.Progress);
        int tried = 1;
        while (!(tr.FirstFullAccuracyStep >= 0 && tr.Accuracy[^1] == 1) && tried < MaxInitializations)
        {
            settings = new ReluMarginSettings
            {
                Hidden = settings.Hidden,
                LearningRate = settings.LearningRate,
                Steps = settings.Steps,
                Seed = ReportDriver.ReplicateSeed(context.Seed, 1000 + tried),
                CheckpointsPerDecade = settings.CheckpointsPerDecade,
            };
            tr = ReluMargin.Run(data, settings, null);
            tried++;
        }
        var s = ReluMarginSummary.From(tr);
        res.Figures.AddRange(ImplicitBiasPlots.ReluMargin(tr, data, context.FigureDirectory, "implicit-bias-relu"));
        res.DataFiles.Add(MaxMarginReproduction.Rel(context, ImplicitBiasPlots.ReluMarginCsv(tr, Path.Combine(context.DataDirectory, "implicit-bias-relu-xor.csv"))));

        res.Checks.Add(Check.True("xor-not-linearly-separable", "the XOR data admit no linear separator, with or without bias (NNLS certificate)", !linSep));
        res.Checks.Add(Check.True("full-accuracy", $"GD reaches 100% training accuracy and keeps it from one of the first {MaxInitializations} initializations", tr.FirstFullAccuracyStep >= 0 && tr.Accuracy[^1] == 1,
            $"from step {tr.FirstFullAccuracyStep}; initializations tried: {tried}. Design false-alarm rate: if a fraction p of initializations fails, all {MaxInitializations} fail with " +
            $"probability p^{MaxInitializations}; with p at the upper 95% Wilson bound of 2 failures in 20 (0.30) that is 6.6e-5, about the report budget").WithFalseAlarmRate(6.6e-5));
        double gamma = tr.NormalizedMargin[^1];
        res.Checks.Add(Check.AtLeast("margin-non-decreasing", "change of the normalized margin over the last decade (Lyu & Li: a smoothed normalized margin is non-decreasing after full accuracy)", -1e-3, s.MarginChangeLastDecade,
            $"γ̄(T) = {gamma:G4}"));
        res.Checks.Add(Check.AtMost("margin-stabilizes", "relative change of the normalized margin over the last decade", 0.05, Math.Abs(s.MarginChangeLastDecade) / gamma));
        res.Checks.Add(Check.Near("product-slope", "slope of ‖W1‖‖W2‖ against ln t over the last decade, against 1/γ̄ (min y f ≈ ln t once the loss decays like 1/t)", 1 / gamma, s.ProductSlope, 0.1 / gamma,
            "tolerance 10% of 1/γ̄; not derived from a sampling distribution: the finite-time correction is O(1/ln t) (Lyu & Li 2020) with no explicit constant. " +
            "Over 20 report seeds at 20,000 steps the slope fell 7.6% short of 1/γ̄ on average; at 100,000 steps (quick) 0.5–6.4% over the seeds tried"));
        res.Notes.Add($"Initializations tried until one separated the data: {tried} (seeds derived from the report seed). Network: q = {settings.Hidden} hidden ReLU units, no biases ({settings.Hidden * 3} parameters), W1 ~ N(0, 1/d), W2 ~ N(0, 1/q), full-batch GD on the mean logistic loss with η = {settings.LearningRate}, T = {settings.Steps:N0}. 100% accuracy from step {tr.FirstFullAccuracyStep}; final loss {tr.Loss[^1]:G3}.");
        res.Notes.Add($"At T: ‖W1‖_F = {tr.NormW1[^1]:G4}, ‖W2‖ = {tr.NormW2[^1]:G4}, normalized margin γ̄ = {gamma:G4} (with the spectral norm of W1: {tr.SpectralNormalizedMargin[^1]:G4}). Slope of ‖W1‖‖W2‖ vs ln t: {s.ProductSlope:G4} against 1/γ̄ = {1 / gamma:G4}.");
        res.Notes.Add($"Growth rates: the slides (002) say ‖W1‖ and ‖W2‖ grow like log t. Measured: it is their product that grows like ln t; each squared norm grows linearly in ln t (slopes {s.W1SquaredSlope:G4} and {s.W2SquaredSlope:G4}), i.e. each norm like (ln t)^½, as Lyu & Li (2020) prove for 2-homogeneous networks (‖θ‖ ~ (log t)^(1/L), L = 2). Gradient flow conserves ‖W1‖² − ‖W2‖² for ReLU networks; GD changed it by {s.BalanceDrift:G3} over the whole run.");
        res.Data["first_full_accuracy_step"] = tr.FirstFullAccuracyStep;
        res.Data["normalized_margin"] = gamma;
        res.Data["norm_product_slope"] = s.ProductSlope;
        res.Data["norm_w1"] = tr.NormW1[^1];
        res.Data["norm_w2"] = tr.NormW2[^1];
        res.Data["norm_w1_squared_slope"] = s.W1SquaredSlope;
        res.Data["norm_w2_squared_slope"] = s.W2SquaredSlope;
        return res;
    }
}
