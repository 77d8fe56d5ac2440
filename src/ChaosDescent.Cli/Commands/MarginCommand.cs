using System.CommandLine;
using ChaosDescent.Analyses.ImplicitBias;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Reporting.Reproduction.ImplicitBias;
using ChaosDescent.Data;
using ChaosDescent.Reporting.Plots;
using static ChaosDescent.Cli.Infrastructure.CommonOptions;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent margin</c>: GD on the logistic loss of a bias-free 2-layer ReLU network f(x) = W2 σ(W1 x) on data
/// that are not linearly separable; tracks ‖W1‖, ‖W2‖ against ln t and the normalized margin (Lyu & Li 2020).
/// </summary>
public sealed class MarginCommand : ICliCommand
{
    public int Order => 610;

    public Command Build()
    {
        var d = new MarginSettings();
        var data = new DataOptions($"CSV file or built-in data set ({DataSources.BuiltinList})", d.Data, "label column (name or number from 1; default last)");
        var hidden = new Option<int>("--hidden") { Description = "hidden units q", DefaultValueFactory = _ => d.Hidden };
        var loss = new Option<string>("--loss") { Description = "logistic | exp", DefaultValueFactory = _ => d.Loss };
        var lr = new Option<double>("--lr") { Description = "learning rate of full-batch GD on the mean loss", DefaultValueFactory = _ => d.Lr };
        var steps = new Option<long>("--steps") { Description = "GD steps T", DefaultValueFactory = _ => d.Steps };
        var init = new Option<double>("--init-scale") { Description = "initial weights W1 ~ N(0, s²/d), W2 ~ N(0, s²/q)", DefaultValueFactory = _ => d.InitScale };
        var run = new RunOptions("out/margin", threads: false);
        var cmd = new Command("margin", "normalized margin of a 2-layer ReLU network trained by GD on the logistic loss");
        data.AddTo(cmd);
        foreach (var o in new Option[] { hidden, loss, lr, steps, init }) cmd.Options.Add(o);
        run.AddTo(cmd);
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var stderr = r.InvocationConfiguration.Error;
            var settings = new MarginSettings
            {
                Data = r.GetValue(data.Data)!,
                Target = r.GetValue(data.Target),
                DataSeed = r.GetValue(data.DataSeed),
                Hidden = r.GetValue(hidden),
                Lr = Positive(r.GetValue(lr), "--lr"),
                Steps = r.GetValue(steps),
                Loss = r.GetValue(loss)!,
                InitScale = Positive(r.GetValue(init), "--init-scale"),
                Seed = run.SeedValue(r),
            };
            string dir = run.OutDir(r);
            var rep = ConsoleProgress.Run(stderr, "gradient descent", p => MarginAnalysis.Run(new(), settings, p));
            var tr = rep.Trace!;
            var set = rep.Set!;
            string prefix = ImplicitBiasCommand.Sanitize(set.Name) + $"-relu{settings.Hidden}";
            var figures = ImplicitBiasPlots.ReluMargin(tr, set, dir, prefix).Select(f => Path.Combine(dir, f.Name + ".png")).ToList();
            var csv = ImplicitBiasPlots.ReluMarginCsv(tr, Path.Combine(dir, prefix + ".csv"));
            if (run.AsJson(r))
            {
                Render.Json(stdout, rep, ("figures", figures), ("csv", csv));
                return 0;
            }
            stdout.WriteLine($"data {set.Name}: N = {set.Count}, d = {set.Dimension}, linearly separable (with or without bias): {(rep.LinearlySeparable ? "yes" : "no")}");
            stdout.WriteLine($"network f(x) = W2 relu(W1 x), q = {rep.Hidden} hidden units, {rep.Params} parameters; GD, {rep.Loss} loss, eta = {F(rep.Lr)}, T = {rep.Steps:N0}");
            stdout.WriteLine(rep.FirstFullAccuracyStep is { } full
                ? $"100% training accuracy from step {full:N0} on"
                : $"training accuracy at the end: {F(100 * rep.FinalAccuracy, "F1")}% (not all points fitted: more --hidden or another --seed)");
            stdout.WriteLine($"final: loss {F(rep.FinalLoss, "G4")}, ||W1||_F = {F(rep.NormW1, "G5")}, ||W2|| = {F(rep.NormW2, "G5")}, min margin {F(rep.MinMargin, "G5")}");
            stdout.WriteLine($"normalized margin min y f / (||W1|| ||W2||) = {F(rep.NormalizedMargin, "G5")} (change over the last decade {F(rep.NormalizedMarginChangeLastDecade, "G3")})");
            stdout.WriteLine($"slope of ||W1|| ||W2|| vs ln t (last decade) = {F(rep.NormProductSlope, "G5")}; 1/normalized margin = {F(rep.InverseNormalizedMargin, "G5")}");
            stdout.WriteLine($"slopes of ||W1||^2, ||W2||^2 vs ln t = {F(rep.NormW1SquaredSlope, "G4")}, {F(rep.NormW2SquaredSlope, "G4")} (each norm grows like sqrt(ln t)); ||W1||^2 - ||W2||^2 drifted by {F(rep.BalanceDrift, "G3")}");
            foreach (var f in figures) stdout.WriteLine($"figure: {f}");
            stdout.WriteLine($"csv: {csv}");
            return 0;
        });
        return cmd;
    }
}
