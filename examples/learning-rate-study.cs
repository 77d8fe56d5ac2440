// A learning-rate study of your own CSV file: full-batch GD on a small MLP at several learning rates, with the
// late-window loss, the Lyapunov exponent of the training map and the sharpness (top Hessian eigenvalue) against
// the stability threshold 2/eta (Kong & Tao 2020, Sec. 3.3; Cohen et al. 2021, "edge of stability").
//
//   dotnet run examples/learning-rate-study.cs [-- OUT_DIR [FILE.csv [TARGET_COLUMN]]]
//
// Default: examples/data/sine-regression.csv, target "y" (the last column when none is named). The Airfoil data of
// the paper work too: dotnet run examples/learning-rate-study.cs -- out/examples path/to/airfoil_self_noise.csv
#:project ../src/ChaosDescent/ChaosDescent.csproj
#:project ../src/ChaosDescent.Reporting/ChaosDescent.Reporting.csproj
#:property PublishAot=false

using ChaosDescent.Data;
using ChaosDescent.Learning;
using ChaosDescent.Reporting.Plots;

var outDir = args.Length > 0 ? args[0] : "out/examples";
var csv = args.Length > 1 ? args[1] : Path.Combine(AppContext.GetData("EntryPointFileDirectoryPath") as string ?? "examples", "data", "sine-regression.csv");
var target = args.Length > 2 ? args[2] : null;
Directory.CreateDirectory(outDir);

var raw = CsvDataLoader.Load(csv, target);
var data = DataPreparation.Prepare(raw, Preprocessing.Standardize, testFraction: 0, seed: 1);
var model = Mlp.FromHidden(raw.InputCount, "16", raw.TargetCount, Activation.Parse("tanh"));
var theta0 = model.CreateParameters(seed: 1);
double[] learningRates = [0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.45];

var sweep = LearningRateSweep.Run(() => new MlpLoss(model, data.Train), () => null, theta0,
    new TrainingSettings { LearningRate = learningRates[0], Epochs = 2000, Seed = 1 }, learningRates, threads: Environment.ProcessorCount);

Console.WriteLine($"{raw.Name}: {raw.Count} rows, {raw.InputCount} inputs -> {string.Join(",", raw.TargetNames)}; network {model.Describe()}");
Console.WriteLine("     lr   final loss   late std   lyapunov   sharpness      2/lr   regime");
var runs = sweep.Runs.Select(RunSummary.From).ToArray();
foreach (var r in runs)
    Console.WriteLine($"{r.Lr,7:G3} {r.FinalLoss,12:G4} {r.LossStdLate,10:G3} {r.Lyapunov,10:F4} {r.Sharpness,11:G4} {r.TwoOverLr,9:G4}   {r.Regime}");
Console.WriteLine(sweep.TransitionLr is { } t
    ? $"first learning rate that does not converge: {t:G3} (last converging: {sweep.LastConvergedLr:G3})"
    : "every learning rate converged");

// Diverged runs have no late-window loss and no meaningful sharpness: the figure shows the others.
var shown = runs.Where(r => !r.Diverged).ToArray();
var lrs = shown.Select(r => r.Lr).ToArray();
var panels = new PanelFigure(1, 2) { CellWidth = 560, CellHeight = 400 };
var left = panels.Panel(0, 0, "late-window loss", "learning rate", "loss", logX: true, logY: true);
left.LinePoints(lrs, shown.Select(r => r.LossMeanLate).ToArray(), "mean");
left.LinePoints(lrs, shown.Select(r => r.LossStdLate).ToArray(), "standard deviation");
var right = panels.Panel(0, 1, "sharpness and 2/lr", "learning rate", "top Hessian eigenvalue", logX: true, logY: true);
right.LinePoints(lrs, shown.Select(r => r.Sharpness).ToArray(), "sharpness");
right.Line(lrs, shown.Select(r => r.TwoOverLr).ToArray(), "2/lr", dashed: true);
Console.WriteLine($"figure: {panels.Save(outDir, "learning-rate-study")}");
