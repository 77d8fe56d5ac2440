using System.CommandLine;
using ChaosDescent.Analyses.ImplicitBias;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Infrastructure;
using ChaosDescent.Reporting.Reproduction.ImplicitBias;
using ChaosDescent.Data;
using ChaosDescent.Reporting.Plots;
using static ChaosDescent.Cli.Infrastructure.CommonOptions;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent margin</c>: GD on the logistic loss of a bias-free 2-layer ReLU network f(x) = W2 σ(W1 x) on data
/// that are not linearly separable; tracks ‖W1‖, ‖W2‖ against ln t and the normalized margin (lecture notes 002).
/// </summary>
public sealed class MarginCommand : ICliCommand
{
    public int Order => 610;

    public Command Build()
    {
        var data = new Option<string>("--data") { Description = $"CSV file or built-in data set ({DataSources.BuiltinList})", DefaultValueFactory = _ => "xor" };
        var target = new Option<string?>("--target") { Description = "label column (name or number from 1; default last)" };
        var hidden = new Option<int>("--hidden") { Description = "hidden units q", DefaultValueFactory = _ => 10 };
        var loss = new Option<string>("--loss") { Description = "logistic | exp", DefaultValueFactory = _ => "logistic" };
        var lr = new Option<double>("--lr") { Description = "learning rate of full-batch GD on the mean loss", DefaultValueFactory = _ => 1.0 };
        var steps = new Option<long>("--steps") { Description = "GD steps T", DefaultValueFactory = _ => 100_000 };
        var init = new Option<double>("--init-scale") { Description = "initial weights W1 ~ N(0, s²/d), W2 ~ N(0, s²/q)", DefaultValueFactory = _ => 1.0 };
        var seed = Seed();
        var dataSeed = new Option<ulong>("--data-seed") { Description = "seed of a built-in data set", DefaultValueFactory = _ => DataSources.DefaultSeed };
        var json = Json();
        var outDir = Out("out/margin");
        var cmd = new Command("margin", "normalized margin of a 2-layer ReLU network trained by GD on the logistic loss");
        foreach (var o in new Option[] { data, target, hidden, loss, lr, steps, init, seed, dataSeed, json, outDir }) cmd.Options.Add(o);
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var stderr = r.InvocationConfiguration.Error;
            var set = DataSources.LoadClassification(r.GetValue(data)!, r.GetValue(target), r.GetValue(dataSeed));
            string dir = r.GetValue(outDir) ?? "out/margin";
            AtomicFile.EnsureWritableDirectory(dir);
            var settings = new ReluMarginSettings
            {
                Hidden = r.GetValue(hidden),
                LearningRate = Positive(r.GetValue(lr), "--lr"),
                Steps = r.GetValue(steps),
                Loss = MarginLosses.Parse(r.GetValue(loss)!),
                InitScale = Positive(r.GetValue(init), "--init-scale"),
                Seed = r.GetValue(seed),
            };
            bool linSep = HardMarginSvm.Solve(set).Separable || HardMarginSvm.Solve(set.WithBias()).Separable;
            var tr = ConsoleProgress.Run(stderr, "gradient descent", p => ReluMargin.Run(set, settings, p));
            var summary = ReluMarginSummary.From(tr);
            string prefix = ImplicitBiasCommand.Sanitize(set.Name) + $"-relu{settings.Hidden}";
            var figures = ImplicitBiasPlots.ReluMargin(tr, set, dir, prefix).Select(f => Path.Combine(dir, f.Name + ".png")).ToList();
            var csv = ImplicitBiasPlots.ReluMarginCsv(tr, Path.Combine(dir, prefix + ".csv"));
            var report = new
            {
                data = set.Name,
                samples = set.Count,
                features = set.Dimension,
                linearly_separable = linSep,
                hidden = settings.Hidden,
                @params = settings.Hidden * (set.Dimension + 1),
                loss = MarginLosses.Name(settings.Loss),
                lr = settings.LearningRate,
                steps = settings.Steps,
                first_full_accuracy_step = tr.FirstFullAccuracyStep >= 0 ? tr.FirstFullAccuracyStep : (long?)null,
                final_accuracy = tr.Accuracy[^1],
                final_loss = tr.Loss[^1],
                norm_w1 = tr.NormW1[^1],
                norm_w2 = tr.NormW2[^1],
                min_margin = tr.MinMargin[^1],
                normalized_margin = tr.NormalizedMargin[^1],
                spectral_normalized_margin = tr.SpectralNormalizedMargin[^1],
                normalized_margin_change_last_decade = summary.MarginChangeLastDecade,
                norm_product_slope = summary.ProductSlope,
                inverse_normalized_margin = 1 / tr.NormalizedMargin[^1],
                norm_w1_squared_slope = summary.W1SquaredSlope,
                norm_w2_squared_slope = summary.W2SquaredSlope,
                balance_drift = summary.BalanceDrift,
                figures,
                csv,
            };
            if (r.GetValue(json))
            {
                WriteJson(stdout, report);
                return 0;
            }
            stdout.WriteLine($"data {set.Name}: N = {set.Count}, d = {set.Dimension}, linearly separable (with or without bias): {(linSep ? "yes" : "no")}");
            stdout.WriteLine($"network f(x) = W2 relu(W1 x), q = {settings.Hidden} hidden units, {settings.Hidden * (set.Dimension + 1)} parameters; GD, {MarginLosses.Name(settings.Loss)} loss, eta = {F(settings.LearningRate)}, T = {settings.Steps:N0}");
            stdout.WriteLine(tr.FirstFullAccuracyStep >= 0
                ? $"100% training accuracy from step {tr.FirstFullAccuracyStep:N0} on"
                : $"training accuracy at the end: {F(100 * tr.Accuracy[^1], "F1")}% (not all points fitted: more --hidden or another --seed)");
            stdout.WriteLine($"final: loss {F(tr.Loss[^1], "G4")}, ||W1||_F = {F(tr.NormW1[^1], "G5")}, ||W2|| = {F(tr.NormW2[^1], "G5")}, min margin {F(tr.MinMargin[^1], "G5")}");
            stdout.WriteLine($"normalized margin min y f / (||W1|| ||W2||) = {F(tr.NormalizedMargin[^1], "G5")} (change over the last decade {F(summary.MarginChangeLastDecade, "G3")})");
            stdout.WriteLine($"slope of ||W1|| ||W2|| vs ln t (last decade) = {F(summary.ProductSlope, "G5")}; 1/normalized margin = {F(1 / tr.NormalizedMargin[^1], "G5")}");
            stdout.WriteLine($"slopes of ||W1||^2, ||W2||^2 vs ln t = {F(summary.W1SquaredSlope, "G4")}, {F(summary.W2SquaredSlope, "G4")} (each norm grows like sqrt(ln t)); ||W1||^2 - ||W2||^2 drifted by {F(summary.BalanceDrift, "G3")}");
            foreach (var f in figures) stdout.WriteLine($"figure: {f}");
            stdout.WriteLine($"csv: {csv}");
            return 0;
        });
        return cmd;
    }
}
