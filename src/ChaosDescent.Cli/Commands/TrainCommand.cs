using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Infrastructure;
using ChaosDescent.Objectives;
using ChaosDescent.Learning;
using ChaosDescent.Reporting.Reproduction;
using ChaosDescent.Reporting.Reproduction.Learning;
using ChaosDescent.Data;
using ChaosDescent.Reporting.Plots;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent train</c>: full-batch GD (or heavy ball) on an MLP, with the diagnostics of the training map
/// (Lyapunov exponent, sharpness against 2/η, late-window loss statistics, weight histograms). One learning rate
/// gives one run; a comma-separated list (<c>--lr 0.01,0.1,0.3</c>) gives a sweep from the same initialization
/// and locates the transition learning rate (Sec. 3.3, Figs. 6–7).
/// </summary>
public sealed class TrainCommand : ICliCommand
{
    public int Order => 50;

    public Command Build()
    {
        var data = new Option<string>("--data") { Description = "'airfoil' (built in, Sec. 3.3) or a CSV file with a header row", DefaultValueFactory = _ => "airfoil" };
        var target = new Option<string?>("--target") { Description = "Target column of a CSV file: header name, unique prefix or 1-based number (default: last column)" };
        var hidden = new Option<string>("--hidden") { Description = "Hidden widths, e.g. 16 or 32,32 (Sec. 3.3: 16)", DefaultValueFactory = _ => "16" };
        var activation = new Option<string>("--activation") { Description = "leakyrelu | relu | tanh | sine (SIREN)", DefaultValueFactory = _ => "leakyrelu" };
        var activationParam = new Option<double?>("--activation-param") { Description = "Leaky-ReLU slope (default 0.01) or sine frequency ω0 (default 30)" };
        var lr = new Option<string>("--lr") { Description = "Learning rate η, or a comma-separated list for a sweep", Required = true };
        var epochs = new Option<int>("--epochs") { Description = "Full-batch epochs", DefaultValueFactory = _ => 20000 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the initialization (and of the split)", DefaultValueFactory = _ => 1 };
        var momentum = new Option<double>("--momentum") { Description = "Heavy-ball momentum β in [0, 1) (0 = plain GD)", DefaultValueFactory = _ => 0 };
        var testFraction = new Option<double>("--test-fraction") { Description = "Held-out fraction (seeded split; 0 = train on all, as in Sec. 3.3)", DefaultValueFactory = _ => 0 };
        var preprocess = new Option<string>("--preprocess") { Description = "standardize | center-target | none (fitted on the training part)", DefaultValueFactory = _ => "standardize" };
        var late = new Option<double>("--late-fraction") { Description = "Fraction of epochs forming the late window", DefaultValueFactory = _ => 0.25 };
        var noLyap = new Option<bool>("--no-lyapunov") { Description = "Skip the Lyapunov exponent (saves one HVP per late epoch)" };
        var sharpPoints = new Option<int>("--sharpness-points") { Description = "Sharpness measurements along training", DefaultValueFactory = _ => 40 };
        var watch = new Option<string?>("--watch") { Description = "Parameter indices to histogram over late epochs (default: W1[0,0], b1[0], output W and b)" };
        var threads = new Option<int>("--threads") { Description = "Threads (sweep: runs in parallel; single run: data blocks)", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout" };
        var outDir = new Option<string>("--out") { Description = "Output folder for figures and CSV", DefaultValueFactory = _ => Path.Combine("out", "train") };
        var noPlots = new Option<bool>("--no-plots") { Description = "Write CSV and summary.json only" };

        var cmd = new Command("train", "Train an MLP by full-batch GD and measure the training map: Lyapunov exponent, sharpness vs 2/η, loss statistics (Sec. 3.3)");
        foreach (var o in new Option[] { data, target, hidden, activation, activationParam, lr, epochs, seed, momentum, testFraction, preprocess, late, noLyap, sharpPoints, watch, threads, json, outDir, noPlots })
            cmd.Options.Add(o);

        cmd.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            var lrs = ParseList(parse.GetValue(lr)!, "--lr");
            int nThreads = parse.GetValue(threads);
            if (nThreads < 1) throw new UserInputException($"--threads must be at least 1, got {nThreads}");
            var setup = Setup.Create(parse.GetValue(data)!, parse.GetValue(target), parse.GetValue(hidden)!, parse.GetValue(activation)!,
                parse.GetValue(activationParam), parse.GetValue(preprocess)!, parse.GetValue(testFraction), parse.GetValue(seed));
            var watched = parse.GetValue(watch) is { } w ? ParseIndices(w, setup.Model.ParameterCount) : setup.Model.DefaultWatchedParameters();
            var settings = new TrainingSettings
            {
                LearningRate = lrs[0],
                Epochs = parse.GetValue(epochs),
                Momentum = parse.GetValue(momentum),
                LateFraction = parse.GetValue(late),
                Lyapunov = !parse.GetValue(noLyap),
                SharpnessPoints = parse.GetValue(sharpPoints),
                WatchedParameters = watched,
                Seed = parse.GetValue(seed),
            };
            var dir = parse.GetValue(outDir)!;
            AtomicFile.EnsureWritableDirectory(dir);
            bool plots = !parse.GetValue(noPlots);
            bool asJson = parse.GetValue(json);

            if (lrs.Length == 1)
            {
                var result = ConsoleProgress.Run(stderr, $"training {setup.Model.Describe()} at η = {Fmt(lrs[0])}", progress =>
                {
                    var loss = new MlpLoss(setup.Model, setup.Data.Train, nThreads);
                    IScalarField? test = setup.Data.Test is { } t ? new MlpLoss(setup.Model, t) : null;
                    return Trainer.Run(loss, setup.Theta0, settings, progress, test);
                });
                var files = WriteSingle(dir, setup, result, plots);
                var summary = RunSummary.From(result);
                var node = SetupNode(setup, settings, dir);
                foreach (var kv in (JsonObject)JsonSerializer.SerializeToNode(summary, Json.Options)!) node[kv.Key] = kv.Value?.DeepClone();
                node["files"] = new JsonArray(files.Select(f => (JsonNode)JsonValue.Create(f)!).ToArray());
                AtomicFile.WriteAllText(Path.Combine(dir, "summary.json"), Json.Serialize(node));
                if (asJson) stdout.WriteLine(Json.Serialize(node));
                else PrintSingle(stdout, setup, summary, result, dir);
            }
            else
            {
                var sweep = ConsoleProgress.Run(stderr, $"sweeping {lrs.Length} learning rates on {setup.Model.Describe()}", progress =>
                    LearningRateSweep.Run(() => new MlpLoss(setup.Model, setup.Data.Train),
                        () => setup.Data.Test is { } t ? new MlpLoss(setup.Model, t) : null,
                        setup.Theta0, settings, lrs, nThreads, progress));
                var files = WriteSweep(dir, setup, sweep, plots);
                var node = SetupNode(setup, settings, dir);
                node.Remove("lr");
                node["runs"] = JsonSerializer.SerializeToNode(sweep.Runs.Select(RunSummary.From).ToArray(), Json.Options);
                node["transition_lr"] = sweep.TransitionLr is { } tr ? JsonValue.Create(tr) : null;
                node["last_converged_lr"] = sweep.LastConvergedLr is { } lc ? JsonValue.Create(lc) : null;
                node["transition_definition"] = "smallest swept lr whose run did not converge (late-window loss rose at least once, or diverged)";
                node["files"] = new JsonArray(files.Select(f => (JsonNode)JsonValue.Create(f)!).ToArray());
                AtomicFile.WriteAllText(Path.Combine(dir, "summary.json"), Json.Serialize(node));
                if (asJson) stdout.WriteLine(Json.Serialize(node));
                else PrintSweep(stdout, setup, sweep, dir);
            }
            return ExitCodes.Success;
        });
        return cmd;
    }

    /// <summary>Data, network and initialization of a run.</summary>
    internal sealed record Setup(string DataName, PreparedData Data, Mlp Model, double[] Theta0, ulong Seed)
    {
        public static Setup Create(string data, string? target, string hidden, string activation, double? activationParam,
            string preprocess, double testFraction, ulong seed)
        {
            RegressionData raw;
            if (string.Equals(data.Trim(), AirfoilData.Name, StringComparison.OrdinalIgnoreCase))
            {
                raw = AirfoilData.Load();
                if (target is not null && CsvTable.ResolveColumn(AirfoilData.ColumnNames, target, "airfoil") != AirfoilData.ColumnNames.Length - 1)
                    throw new UserInputException($"the built-in airfoil data have the fixed target '{AirfoilData.ColumnNames[^1]}'; --target selects a column of a CSV file");
            }
            else raw = CsvDataLoader.Load(data, target);
            var prepared = DataPreparation.Prepare(raw, DataPreparation.ParsePreprocessing(preprocess), testFraction, seed);
            var act = Activation.Parse(activation, activationParam);
            var model = Mlp.FromHidden(raw.InputCount, hidden, raw.TargetCount, act);
            return new Setup(raw.Name, prepared, model, model.CreateParameters(seed), seed);
        }
    }

    private static JsonObject SetupNode(Setup s, TrainingSettings settings, string dir) => new()
    {
        ["data"] = s.DataName,
        ["target"] = s.Data.Train.TargetNames[0],
        ["network"] = string.Join("-", s.Model.Widths),
        ["activation"] = s.Model.Activation.ToString(),
        ["parameters"] = s.Model.ParameterCount,
        ["train_samples"] = s.Data.Train.Count,
        ["test_samples"] = s.Data.Test?.Count ?? 0,
        ["preprocess"] = DataPreparation.Name(s.Data.Preprocessing),
        ["seed"] = s.Seed,
        ["lr"] = settings.LearningRate,
        ["epochs"] = settings.Epochs,
        ["momentum"] = settings.Momentum,
        ["late_fraction"] = settings.LateFraction,
        ["out_dir"] = dir,
    };

    private static List<string> WriteSingle(string dir, Setup setup, TrainingResult r, bool plots)
    {
        var files = LearningPlots.WriteRunCsv(dir, "", r, setup.Model.ParameterName);
        if (!plots) return files;
        string label = $"η = {Fmt(r.Settings.LearningRate)}";
        var figs = new List<FigureRef>
        {
            LearningPlots.LossCurves(dir, "loss", $"Training loss, {setup.Model.Describe()}, {label}", [(r, label)]),
            LearningPlots.SharpnessCurves(dir, "sharpness", "Sharpness λ_max along training against 2/η", [(r, label)]),
        };
        if (!r.Diverged && r.WatchedParameters.Length > 0)
            figs.Add(LearningPlots.WeightHistogramPanels(dir, "weights", label, r, setup.Model.ParameterName));
        files.AddRange(figs.SelectMany(f => new[] { Path.Combine(dir, f.Name + ".png"), Path.Combine(dir, f.Name + ".svg") }));
        return files;
    }

    private static List<string> WriteSweep(string dir, Setup setup, SweepResult sweep, bool plots)
    {
        var files = new List<string> { LearningPlots.WriteSweepCsv(dir, "sweep.csv", sweep) };
        foreach (var r in sweep.Runs)
            files.AddRange(LearningPlots.WriteRunCsv(dir, $"lr_{Fmt(r.Settings.LearningRate)}_", r, setup.Model.ParameterName));
        if (!plots) return files;
        var figs = new List<FigureRef>
        {
            LearningPlots.LossCurves(dir, "sweep_loss_curves", $"Training loss, {setup.Model.Describe()}",
                sweep.Runs.Select(r => (r, $"η = {Fmt(r.Settings.LearningRate)}")).ToList(), withTest: false),
            LearningPlots.SweepLoss(dir, "sweep_loss", sweep),
            LearningPlots.SweepLyapunov(dir, "sweep_lyapunov", sweep),
            LearningPlots.SweepSharpness(dir, "sweep_sharpness", sweep),
        };
        files.AddRange(figs.SelectMany(f => new[] { Path.Combine(dir, f.Name + ".png"), Path.Combine(dir, f.Name + ".svg") }));
        return files;
    }

    private static void PrintSingle(TextWriter o, Setup setup, RunSummary s, TrainingResult r, string dir)
    {
        o.WriteLine($"network           {setup.Model.Describe()}  ({setup.Model.ParameterCount} parameters)");
        o.WriteLine($"data              {setup.DataName}: {setup.Data.Train.Count} training samples, {setup.Data.Test?.Count ?? 0} test, target '{setup.Data.Train.TargetNames[0]}', {DataPreparation.Name(setup.Data.Preprocessing)}");
        o.WriteLine($"optimizer         {(s.Momentum > 0 ? $"heavy ball β = {Fmt(s.Momentum)}" : "GD")}, η = {Fmt(s.Lr)}, {s.Epochs} epochs, seed {setup.Seed}");
        if (s.Diverged) o.WriteLine($"DIVERGED          at epoch {s.DivergedAtEpoch}");
        o.WriteLine($"final loss        {Fmt(s.FinalLoss)}");
        o.WriteLine($"late window       epochs {r.Late.Start}–{r.Settings.Epochs - 1}: mean {Fmt(s.LossMeanLate)}, std {Fmt(s.LossStdLate)}, rises in {Fmt(100 * s.IncreaseFractionLate)}% of epochs");
        o.WriteLine($"converged         {(s.Converged ? "yes" : "no")}  (regime: {s.Regime})");
        o.WriteLine($"Lyapunov          {Fmt(s.Lyapunov)} ± {Fmt(s.LyapunovSe)} per epoch (over {r.LyapunovEpochs} epochs)");
        o.WriteLine(s.Momentum > 0
            ? $"sharpness         λ_max = {Fmt(s.Sharpness)}   vs 2(1+β)/η = {Fmt(s.StabilityThreshold)} (heavy-ball stability threshold)"
            : $"sharpness         λ_max = {Fmt(s.Sharpness)}   vs 2/η = {Fmt(s.TwoOverLr)}");
        if (double.IsFinite(s.TestLoss)) o.WriteLine($"test loss         {Fmt(s.TestLoss)}");
        o.WriteLine($"time              {s.Seconds.ToString("F2", CultureInfo.InvariantCulture)} s");
        o.WriteLine($"output            {dir}");
    }

    private static void PrintSweep(TextWriter o, Setup setup, SweepResult sweep, string dir)
    {
        o.WriteLine($"network {setup.Model.Describe()}, data {setup.DataName} ({setup.Data.Train.Count} training samples, {DataPreparation.Name(setup.Data.Preprocessing)}), {sweep.Runs[0].Settings.Epochs} epochs, seed {setup.Seed}");
        o.WriteLine($"{"lr",10} {"final loss",12} {"late mean",12} {"late std",10} {"rises",6} {"conv",5} {"Lyapunov",11} {"± SE",9} {"λ_max",9} {"threshold",9}  regime");
        foreach (var r in sweep.Runs)
        {
            var s = RunSummary.From(r);
            o.WriteLine($"{Fmt(s.Lr),10} {Fmt(s.FinalLoss),12} {Fmt(s.LossMeanLate),12} {Fmt(s.LossStdLate),10} {Fmt(s.IncreaseFractionLate),6} {(s.Converged ? "yes" : "no"),5} {Fmt(s.Lyapunov),11} {Fmt(s.LyapunovSe),9} {Fmt(s.Sharpness),9} {Fmt(s.StabilityThreshold),9}  {s.Regime}");
        }
        o.WriteLine(sweep.TransitionLr is { } t
            ? $"transition lr     {Fmt(t)} (smallest swept η that did not converge; the last converging one was {(sweep.LastConvergedLr is { } l ? Fmt(l) : "none")})"
            : "transition lr     none: every swept η converged");
        o.WriteLine($"output            {dir}");
    }

    internal static double[] ParseList(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) throw new UserInputException($"{option} needs at least one number");
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !(values[i] > 0) || !double.IsFinite(values[i]))
                throw new UserInputException($"{option}: '{parts[i]}' is not a positive number");
        return values;
    }

    private static int[] ParseIndices(string text, int parameters)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i]) || values[i] < 0 || values[i] >= parameters)
                throw new UserInputException($"--watch: '{parts[i]}' is not a parameter index in 0…{parameters - 1}");
        return values;
    }

    private static string Fmt(double v) =>
        double.IsNaN(v) ? "n/a" : Math.Abs(v) is >= 1e-3 and < 1e5 or 0 ? v.ToString("G4", CultureInfo.InvariantCulture) : v.ToString("0.###e+0", CultureInfo.InvariantCulture);
}
