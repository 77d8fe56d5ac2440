using System.CommandLine;
using ChaosDescent.Analyses.ImplicitBias;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Reporting.Reproduction.ImplicitBias;
using ChaosDescent.Data;
using ChaosDescent.Reporting.Plots;
using static ChaosDescent.Cli.Infrastructure.CommonOptions;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent minima</c>: fit an over-parametrized MLP (M parameters, N &lt; M samples) to zero loss, polish with
/// Levenberg–Marquardt, and count the near-zero Hessian eigenvalues (≥ M − N); compare the sharpness of the minima
/// reached by small-LR GD, large-LR GD and SGD from the same initialization (Cooper 2018; Keskar et al. 2017).
/// </summary>
public sealed class MinimaCommand : ICliCommand
{
    public int Order => 630;

    public Command Build()
    {
        var d = new MinimaAnalysisSettings();
        var data = new DataOptions($"CSV file or built-in regression data ({string.Join(", ", DataSources.Builtins.Where(b => b.Kind == "regression").Select(b => b.Name))})",
            d.Data, "target column (name or number from 1; default last)");
        var samples = new Option<int?>("--samples") { Description = "use only the first n rows (to make N < M)" };
        var preprocessing = new Option<string>("--preprocessing") { Description = "standardize | center-target | none | auto (standardize a CSV, leave built-ins)", DefaultValueFactory = _ => d.Preprocessing };
        var hidden = new Option<string>("--hidden") { Description = "hidden widths, e.g. 32 or 16,16", DefaultValueFactory = _ => d.Hidden };
        var activation = new Option<string>("--activation") { Description = "tanh | leakyrelu | relu | sine", DefaultValueFactory = _ => d.Activation };
        var lr = new Option<double>("--lr") { Description = "learning rate of the (small-LR) GD run", DefaultValueFactory = _ => d.Lr };
        var epochs = new Option<long>("--epochs") { Description = "epochs of every run", DefaultValueFactory = _ => d.Epochs };
        var largeLr = new Option<double?>("--large-lr") { Description = "large-LR GD rate (default 2.5/λ_max at the end of the small-LR run, i.e. 2/η = 0.8 of that sharpness)" };
        var sgdLr = new Option<double?>("--sgd-lr") { Description = "SGD rate (default --lr)" };
        var batch = new Option<int>("--batch") { Description = "SGD batch size", DefaultValueFactory = _ => d.Batch };
        var noCompare = new Option<bool>("--no-compare") { Description = "only the small-LR GD run" };
        var noPolish = new Option<bool>("--no-polish") { Description = "take the spectrum where training stopped (not at a true minimizer)" };
        var run = new RunOptions("out/minima", threads: false);
        var cmd = new Command("minima", "Hessian spectrum at the degenerate global minima of an over-parametrized network; sharpness after small-LR GD, large-LR GD and SGD");
        data.AddTo(cmd);
        foreach (var o in new Option[] { samples, preprocessing, hidden, activation, lr, epochs, largeLr, sgdLr, batch, noCompare, noPolish }) cmd.Options.Add(o);
        run.AddTo(cmd);
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var stderr = r.InvocationConfiguration.Error;
            var settings = new MinimaAnalysisSettings
            {
                Data = r.GetValue(data.Data)!,
                Target = r.GetValue(data.Target),
                DataSeed = r.GetValue(data.DataSeed),
                Samples = r.GetValue(samples),
                Preprocessing = r.GetValue(preprocessing)!,
                Hidden = r.GetValue(hidden)!,
                Activation = r.GetValue(activation)!,
                Lr = Positive(r.GetValue(lr), "--lr"),
                Epochs = r.GetValue(epochs),
                LargeLr = r.GetValue(largeLr) is { } l ? Positive(l, "--large-lr") : null,
                SgdLr = r.GetValue(sgdLr) is { } sl ? Positive(sl, "--sgd-lr") : null,
                Batch = AtLeast(r.GetValue(batch), 1, "--batch"),
                Compare = !r.GetValue(noCompare),
                Polish = !r.GetValue(noPolish),
                Seed = run.SeedValue(r),
            };
            string dir = run.OutDir(r);
            var rep = ConsoleProgress.Run(stderr, "training and spectra", p => MinimaAnalysis.Run(new(), settings, p));
            var res = rep.Result!;
            var main = res.Main;
            foreach (var w in rep.Warnings) stderr.WriteLine("warning: " + w);
            string prefix = ImplicitBiasCommand.Sanitize(rep.Data) + "-" + res.Model.Split(' ')[0];
            var figures = MinimaPlots.Figures(res, dir, prefix).Select(f => Path.Combine(dir, f.Name + ".png")).ToList();
            var csv = MinimaPlots.Csv(res, Path.Combine(dir, prefix + "-spectrum.csv"));
            if (run.AsJson(r))
            {
                Render.Json(stdout, rep, ("figures", figures), ("csv", csv));
                return 0;
            }
            stdout.WriteLine($"{res.Model} on {rep.Data}: M = {res.Params} parameters, N = {res.Samples} samples (M − N = {res.Params - res.Samples})");
            stdout.WriteLine($"GD (lr {F(main.LearningRate)}, {main.Epochs:N0} epochs): loss {F(main.TrainedLoss, "G3")}; after Levenberg–Marquardt ({main.PolishIterations} iterations, moved {F(main.PolishDistance, "G3")}): {F(main.PolishedLoss, "G3")}");
            stdout.WriteLine($"Hessian ({res.Params} HVPs): {main.NearZero} eigenvalues with |λ| ≤ {F(main.Threshold, "G3")} (= ||H - G||_2 + 100 M eps lambda_max); expected ≥ {res.Params - res.Samples}; spectral gap {F(main.GapRatio, "G3")}");
            stdout.WriteLine($"nonzero eigenvalues: {string.Join(", ", main.Eigenvalues.Where(v => Math.Abs(v) > main.Threshold).Select(v => F(v, "G4")))}");
            stdout.WriteLine();
            stdout.WriteLine($"{"run",-10} {"lr",9} {"2/lr",9} {"trained loss",13} {"polished",10} {"moved",9} {"sharp. (end)",13} {"sharpness",10} {"near 0",7}");
            foreach (var m in new[] { main }.Concat(res.Comparisons))
            {
                if (m.Diverged) { stdout.WriteLine($"{m.Method,-10} {F(m.LearningRate, "G3"),9}  diverged"); continue; }
                stdout.WriteLine($"{m.Method,-10} {F(m.LearningRate, "G3"),9} {(m.Batch == 0 ? F(2 / m.LearningRate, "G4") : "-"),9} {F(m.TrainedLoss, "G3"),13} {F(m.PolishedLoss, "G3"),10} {F(m.PolishDistance, "G2"),9} {F(m.TraceSharpness[^1], "G5"),13} {F(m.Sharpness, "G5"),10} {m.NearZero,7}");
            }
            foreach (var f in figures) stdout.WriteLine($"figure: {f}");
            stdout.WriteLine($"csv: {csv}");
            return 0;
        });
        return cmd;
    }
}
