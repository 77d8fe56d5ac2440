using System.CommandLine;
using ChaosDescent.Analyses.ImplicitBias;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Infrastructure;
using ChaosDescent.Learning;
using ChaosDescent.Reporting.Reproduction.ImplicitBias;
using ChaosDescent.Data;
using ChaosDescent.Reporting.Plots;
using static ChaosDescent.Cli.Infrastructure.CommonOptions;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent minima</c>: fit an over-parametrized MLP (M parameters, N &lt; M samples) to zero loss, polish with
/// Levenberg–Marquardt, and count the near-zero Hessian eigenvalues (≥ M − N); compare the sharpness of the minima
/// reached by small-LR GD, large-LR GD and SGD from the same initialization (lecture notes 003).
/// </summary>
public sealed class MinimaCommand : ICliCommand
{
    public int Order => 630;

    public Command Build()
    {
        var data = new Option<string>("--data") { Description = $"CSV file or built-in regression data ({string.Join(", ", DataSources.Builtins.Where(b => b.Kind == "regression").Select(b => b.Name))})", DefaultValueFactory = _ => "sine6" };
        var target = new Option<string?>("--target") { Description = "target column (name or number from 1; default last)" };
        var samples = new Option<int?>("--samples") { Description = "use only the first n rows (to make N < M)" };
        var preprocessing = new Option<string>("--preprocessing") { Description = "standardize | center-target | none | auto (standardize a CSV, leave built-ins)", DefaultValueFactory = _ => "auto" };
        var hidden = new Option<string>("--hidden") { Description = "hidden widths, e.g. 32 or 16,16", DefaultValueFactory = _ => "32" };
        var activation = new Option<string>("--activation") { Description = "tanh | leakyrelu | relu | sine", DefaultValueFactory = _ => "tanh" };
        var lr = new Option<double>("--lr") { Description = "learning rate of the (small-LR) GD run", DefaultValueFactory = _ => 0.05 };
        var epochs = new Option<long>("--epochs") { Description = "epochs of every run", DefaultValueFactory = _ => 20_000 };
        var largeLr = new Option<double?>("--large-lr") { Description = "large-LR GD rate (default 2.5/λ_max at the end of the small-LR run, i.e. 2/η = 0.8 of that sharpness)" };
        var sgdLr = new Option<double?>("--sgd-lr") { Description = "SGD rate (default --lr)" };
        var batch = new Option<int>("--batch") { Description = "SGD batch size", DefaultValueFactory = _ => 1 };
        var noCompare = new Option<bool>("--no-compare") { Description = "only the small-LR GD run" };
        var noPolish = new Option<bool>("--no-polish") { Description = "take the spectrum where training stopped (not at a true minimizer)" };
        var seed = Seed();
        var dataSeed = new Option<ulong>("--data-seed") { Description = "seed of a built-in data set", DefaultValueFactory = _ => DataSources.DefaultSeed };
        var json = Json();
        var outDir = Out("out/minima");
        var cmd = new Command("minima", "Hessian spectrum at the degenerate global minima of an over-parametrized network; sharpness after small-LR GD, large-LR GD and SGD");
        foreach (var o in new Option[] { data, target, samples, preprocessing, hidden, activation, lr, epochs, largeLr, sgdLr, batch, noCompare, noPolish, seed, dataSeed, json, outDir })
            cmd.Options.Add(o);
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var stderr = r.InvocationConfiguration.Error;
            string name = r.GetValue(data)!;
            bool builtin = DataSources.IsBuiltin(name);
            var raw = builtin
                ? DataSources.LoadRegression(name, r.GetValue(target), r.GetValue(dataSeed))
                : CsvDataLoader.Load(name, r.GetValue(target));
            if (r.GetValue(samples) is { } ns)
            {
                if (ns < 1 || ns > raw.Count) throw new UserInputException($"--samples must be in 1..{raw.Count}, got {ns}");
                raw = raw.Subset(Enumerable.Range(0, ns).ToArray());
            }
            string pre = r.GetValue(preprocessing)!.Trim().ToLowerInvariant();
            var prep = pre == "auto" ? (builtin ? Preprocessing.None : Preprocessing.Standardize) : DataPreparation.ParsePreprocessing(pre);
            var set = DataPreparation.Prepare(raw, prep, 0, r.GetValue(seed)).Train;
            var settings = new MinimaSettings
            {
                Hidden = r.GetValue(hidden)!,
                Activation = Activation.Parse(r.GetValue(activation)!),
                LearningRate = Positive(r.GetValue(lr), "--lr"),
                Epochs = r.GetValue(epochs),
                Compare = !r.GetValue(noCompare),
                LargeLearningRate = r.GetValue(largeLr) is { } l ? Positive(l, "--large-lr") : null,
                SgdLearningRate = r.GetValue(sgdLr) is { } sl ? Positive(sl, "--sgd-lr") : null,
                Batch = AtLeast(r.GetValue(batch), 1, "--batch"),
                Seed = r.GetValue(seed),
                Polish = !r.GetValue(noPolish),
            };
            string dir = r.GetValue(outDir) ?? "out/minima";
            AtomicFile.EnsureWritableDirectory(dir);
            var res = ConsoleProgress.Run(stderr, "training and spectra", p => DegenerateMinima.Run(set, settings, p));
            var main = res.Main;
            if (res.Samples >= res.Params)
                stderr.WriteLine($"warning: N = {res.Samples} ≥ M = {res.Params}: the model is not over-parametrized, zero loss and M − N null directions are not expected (use --samples or a wider --hidden)");
            if (settings.Polish && main.PolishedLoss > 1e-20)
                stderr.WriteLine($"warning: polishing stopped at loss {main.PolishedLoss:G3}, not at rounding level: the point may not be a zero-loss minimizer");
            if (settings.Polish && main.PolishDistance > 0.01 * Math.Max(main.DistanceFromInit, 1e-12))
                stderr.WriteLine($"warning: polishing moved θ by {main.PolishDistance:G3} (GD had moved {main.DistanceFromInit:G3} from the start): GD was far from converged, so the polished minimizer is not GD's limit; compare 'sharpness_end_of_training'");
            string prefix = ImplicitBiasCommand.Sanitize(set.Name) + "-" + res.Model.Split(' ')[0];
            var figures = MinimaPlots.Figures(res, dir, prefix).Select(f => Path.Combine(dir, f.Name + ".png")).ToList();
            var csv = MinimaPlots.Csv(res, Path.Combine(dir, prefix + "-spectrum.csv"));
            object Run(MinimumReport m) => new
            {
                method = m.Method,
                lr = m.LearningRate,
                batch = m.Batch,
                epochs = m.Epochs,
                diverged = m.Diverged,
                gd_loss = m.TrainedLoss,
                polished_loss = m.PolishedLoss,
                polish_iterations = m.PolishIterations,
                polish_distance = m.PolishDistance,
                sharpness = m.Diverged ? (double?)null : m.Sharpness,
                sharpness_end_of_training = m.TraceSharpness.Length > 0 ? m.TraceSharpness[^1] : double.NaN,
                stability_bound = m.Batch == 0 ? 2 / m.LearningRate : (double?)null,
                near_zero_eigenvalues = m.NearZero,
                near_zero_threshold = m.Threshold,
            };
            var report = new
            {
                data = set.Name,
                model = res.Model,
                @params = res.Params,
                samples = res.Samples,
                expected_near_zero_at_least = Math.Max(0, res.Params - res.Samples),
                final_loss = main.PolishedLoss,
                gd_loss = main.TrainedLoss,
                polished_loss = main.PolishedLoss,
                polish_iterations = main.PolishIterations,
                polish_distance = main.PolishDistance,
                hessian_eigenvalues = main.Eigenvalues,
                near_zero_eigenvalues = main.NearZero,
                near_zero_threshold = main.Threshold,
                residual_term_norm = main.ResidualTermNorm,
                gap_ratio = main.GapRatio,
                sharpness = main.Sharpness,
                sharpness_end_of_training = main.TraceSharpness[^1],
                initial_sharpness = res.InitialSharpness,
                lr = main.LearningRate,
                epochs = main.Epochs,
                comparison = new[] { main }.Concat(res.Comparisons).Select(Run).ToArray(),
                figures,
                csv,
            };
            if (r.GetValue(json))
            {
                WriteJson(stdout, report);
                return 0;
            }
            stdout.WriteLine($"{res.Model} on {set.Name}: M = {res.Params} parameters, N = {res.Samples} samples (M − N = {res.Params - res.Samples})");
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
