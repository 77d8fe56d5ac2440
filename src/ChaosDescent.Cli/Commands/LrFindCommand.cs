using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChaosDescent.Analyses.Training;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Infrastructure;
using ChaosDescent.Maps;
using ChaosDescent.Reporting.Plots;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent lr-find</c>: binds <see cref="LrFindSettings"/> and renders <see cref="LearningRateFinder"/> — the
/// fractions of initializations that converge, sit at the edge of stability, turn chaotic or diverge against η, the
/// bands, and the recommended η; figure and CSV in <c>--out</c>.
/// </summary>
public sealed class LrFindCommand : ICliCommand
{
    public int Order => 51;

    public Command Build()
    {
        var d = new LrFindSettings();
        var data = new Option<string>("--data") { Description = "'airfoil' (built in, Sec. 3.3) or a CSV file with a header row", DefaultValueFactory = _ => d.Data };
        var target = new Option<string?>("--target") { Description = "Target column of a CSV file: header name, unique prefix or 1-based number (default: last column)" };
        var hidden = new Option<string>("--hidden") { Description = "Hidden widths, e.g. 16 or 32,32", DefaultValueFactory = _ => d.Hidden };
        var activation = new Option<string>("--activation") { Description = string.Join(" | ", ChaosDescent.Learning.Activation.Names), DefaultValueFactory = _ => d.Activation };
        var activationParam = new Option<double?>("--activation-param") { Description = "Leaky-ReLU slope or sine frequency (default: the activation's own)" };
        var preprocess = new Option<string>("--preprocess") { Description = "standardize | center-target | none", DefaultValueFactory = _ => d.Preprocess };
        var lrMin = new Option<double>("--lr-min") { Description = "Smallest learning rate of the log grid", DefaultValueFactory = _ => d.LrMin };
        var lrMax = new Option<double>("--lr-max") { Description = "Largest learning rate of the log grid", DefaultValueFactory = _ => d.LrMax };
        var points = new Option<int>("--points") { Description = "Learning rates on the log grid", DefaultValueFactory = _ => d.Points };
        var seeds = new Option<int>("--seeds") { Description = "Independent initializations per learning rate", DefaultValueFactory = _ => d.Seeds };
        var epochs = new Option<int>("--epochs") { Description = "Full-batch epochs per run", DefaultValueFactory = _ => d.Epochs };
        var band = new Option<double>("--sharpness-band") { Description = "Edge of stability: eta*sharpness/2 >= 1 - band", DefaultValueFactory = _ => d.SharpnessBand };
        var rate = new Option<double>("--target-rate") { Description = "Recommended lr: the largest converging for at least this fraction", DefaultValueFactory = _ => d.TargetRate };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the initializations", DefaultValueFactory = _ => d.Seed };
        var threads = new Option<int>("--threads") { Description = "Parallel trainings (0 = all cores); results do not depend on it", DefaultValueFactory = _ => d.Threads };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout" };
        var outDir = new Option<string>("--out") { Description = "Output folder for the figure and CSV", DefaultValueFactory = _ => Path.Combine("out", "lr-find") };
        var noPlots = new Option<bool>("--no-plots") { Description = "Write CSV and summary.json only" };

        var cmd = new Command("lr-find", "Sweep the learning rate over many initializations: fractions converging / edge of stability / chaotic / diverged, bands and the recommended lr");
        foreach (var o in new Option[] { data, target, hidden, activation, activationParam, preprocess, lrMin, lrMax, points, seeds, epochs, band, rate, seed, threads, json, outDir, noPlots })
            cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            var settings = new LrFindSettings
            {
                Data = parse.GetValue(data)!,
                Target = parse.GetValue(target),
                Hidden = parse.GetValue(hidden)!,
                Activation = parse.GetValue(activation)!,
                ActivationParam = parse.GetValue(activationParam),
                Preprocess = parse.GetValue(preprocess)!,
                LrMin = parse.GetValue(lrMin),
                LrMax = parse.GetValue(lrMax),
                Points = parse.GetValue(points),
                Seeds = parse.GetValue(seeds),
                Epochs = parse.GetValue(epochs),
                SharpnessBand = parse.GetValue(band),
                TargetRate = parse.GetValue(rate),
                Seed = parse.GetValue(seed),
                Threads = parse.GetValue(threads),
            };
            var dir = parse.GetValue(outDir)!;
            AtomicFile.EnsureWritableDirectory(dir);
            var report = ConsoleProgress.Run(stderr, $"lr-find: {settings.Points} learning rates × {settings.Seeds} initializations",
                p => LearningRateFinder.Run(new DescentSystem(), settings, p));
            var files = LrFindPlots.WriteCsv(dir, report);
            if (!parse.GetValue(noPlots))
            {
                var fig = LrFindPlots.Figure(dir, "lr_find", report);
                files.AddRange([Path.Combine(dir, fig.Name + ".png"), Path.Combine(dir, fig.Name + ".svg")]);
            }
            var node = JsonSerializer.SerializeToNode(report, Json.Options)!.AsObject();
            node["out_dir"] = dir;
            node["files"] = new JsonArray(files.Select(f => (JsonNode)JsonValue.Create(f)!).ToArray());
            AtomicFile.WriteAllText(Path.Combine(dir, "summary.json"), Json.Serialize(node));
            if (parse.GetValue(json)) stdout.WriteLine(Json.Serialize(node));
            else Print(stdout, report, dir);
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"lr-find: {report.Runs.Count} trainings in {report.Seconds:F1} s"));
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static void Print(TextWriter o, LrFindReport r, string dir)
    {
        o.WriteLine($"network {r.Network} {r.Activation} ({r.Parameters} parameters), data {r.Data} ({r.TrainSamples} samples, target '{r.Target}', {r.Preprocess}), {r.Epochs} epochs, {r.Seeds} initializations per lr");
        o.WriteLine($"{"lr",10} {"converging",11} {"edge",6} {"chaotic",8} {"diverged",9}  {"med. loss",10} {"med. ηS/2",10} {"med. λ",10}  majority");
        foreach (var p in r.Points)
            o.WriteLine($"{F(p.Lr),10} {F(p.Converging),11} {F(p.EdgeOfStability),6} {F(p.Chaotic),8} {F(p.Diverged),9}  {F(p.MedianFinalLoss),10} {F(p.MedianSharpnessRatio),10} {F(p.MedianLyapunov),10}  {p.Majority}");
        o.WriteLine("bands:");
        foreach (var b in r.Bands) o.WriteLine($"  {F(b.LrLo),10} … {F(b.LrHi),-10} {b.Regime}");
        o.WriteLine(r.RecommendedLr is { } rec
            ? $"recommended lr    {F(rec)}: converges for {Math.Round(r.RecommendedConverging!.Value * r.Seeds)}/{r.Seeds} initializations (95% Wilson [{F(r.RecommendedWilsonLo!.Value)}, {F(r.RecommendedWilsonHi!.Value)}]), as does every smaller grid lr"
            : $"recommended lr    none: fewer than {F(r.TargetRate)} of the initializations converge even at lr = {F(r.Points[0].Lr)}; try a lower --lr-min");
        o.WriteLine(r.RecommendedLrConfident is { } c
            ? $"confident lr      {F(c)} (Wilson lower bound ≥ {F(r.TargetRate)})"
            : $"confident lr      none: with {r.Seeds} initializations the Wilson lower bound cannot reach {F(r.TargetRate)} (use more --seeds)");
        o.WriteLine(r.EdgeOfStabilityLrLo is { } lo ? $"edge of stability {F(lo)} … {F(r.EdgeOfStabilityLrHi!.Value)}" : "edge of stability no band where most initializations sit at the edge");
        o.WriteLine($"output            {dir}");
    }

    private static string F(double v) =>
        double.IsNaN(v) ? "n/a" : Math.Abs(v) is >= 1e-3 and < 1e5 or 0 ? v.ToString("G4", CultureInfo.InvariantCulture) : v.ToString("0.###e+0", CultureInfo.InvariantCulture);
}
