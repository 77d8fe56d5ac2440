using System.CommandLine;
using System.Globalization;
using ChaosDescent.Analyses.Training;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Infrastructure;
using ChaosDescent.Reporting.Plots;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent eos</c>: the edge of stability (Cohen et al. 2021) — full-batch GD's sharpness against 2/η, top-k
/// Hessian eigenvalues every <c>--eig-freq</c> steps, per-layer sharpness, and gradient flow at the same time.
/// </summary>
public sealed class EosCommand : ICliCommand
{
    public int Order => 55;

    public Command Build()
    {
        var d = new EdgeOfStabilitySettings();
        var data = new Option<string>("--data") { Description = "'airfoil', 'synthetic' or a CSV file with a header row", DefaultValueFactory = _ => d.Data };
        var target = new Option<string?>("--target") { Description = "Target column of a CSV file (default: last column)" };
        var hidden = new Option<string>("--hidden") { Description = "Hidden widths, e.g. 16 or 32,32", DefaultValueFactory = _ => d.Hidden };
        var activation = new Option<string>("--activation") { Description = "leakyrelu | relu | tanh | sine", DefaultValueFactory = _ => d.Activation };
        var lr = new Option<double>("--lr") { Description = "Learning rate η (the edge is λ_max = 2/η)", DefaultValueFactory = _ => d.Lr };
        var steps = new Option<int>("--steps") { Description = "GD steps", DefaultValueFactory = _ => d.Steps };
        var neigs = new Option<int>("--neigs") { Description = "Top Hessian eigenvalues per measurement", DefaultValueFactory = _ => d.Neigs };
        var eigFreq = new Option<int>("--eig-freq") { Description = "Steps between eigenvalue measurements", DefaultValueFactory = _ => d.EigFreq };
        var substeps = new Option<int>("--flow-substeps") { Description = "RK4 steps of gradient flow per GD step", DefaultValueFactory = _ => d.FlowSubsteps };
        var noFlow = new Option<bool>("--no-flow") { Description = "Skip the gradient-flow comparison" };
        var noLayers = new Option<bool>("--no-layers") { Description = "Skip per-layer sharpness" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the initialization", DefaultValueFactory = _ => d.Seed };
        var threads = new Option<int>("--threads") { Description = "Threads over data blocks (results do not depend on it)", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout" };
        var outDir = new Option<string>("--out") { Description = "Output folder", DefaultValueFactory = _ => Path.Combine("out", "eos") };
        var noPlots = new Option<bool>("--no-plots") { Description = "Write summary.json only" };
        var cmd = new Command("eos", "Edge of stability: sharpness rises to 2/η and hovers while the loss falls; top-k eigenvalues, per-layer sharpness, gradient flow (Cohen et al. 2021)");
        foreach (var o in new Option[] { data, target, hidden, activation, lr, steps, neigs, eigFreq, substeps, noFlow, noLayers, seed, threads, json, outDir, noPlots })
            cmd.Options.Add(o);
        cmd.SetAction(r =>
        {
            var settings = new EdgeOfStabilitySettings
            {
                Data = r.GetValue(data)!,
                Target = r.GetValue(target),
                Hidden = r.GetValue(hidden)!,
                Activation = r.GetValue(activation)!,
                Lr = r.GetValue(lr),
                Steps = r.GetValue(steps),
                Neigs = r.GetValue(neigs),
                EigFreq = r.GetValue(eigFreq),
                FlowSubsteps = r.GetValue(substeps),
                GradientFlow = !r.GetValue(noFlow),
                LayerSharpness = !r.GetValue(noLayers),
                Seed = r.GetValue(seed),
                Threads = r.GetValue(threads),
            };
            EdgeOfStability.Validate(settings);
            string dir = r.GetValue(outDir)!;
            AtomicFile.EnsureWritableDirectory(dir);
            var rep = ConsoleProgress.Run(r.InvocationConfiguration.Error, "edge of stability", p => EdgeOfStability.Run(new(), settings, p));
            AtomicFile.WriteAllText(Path.Combine(dir, "summary.json"), Json.Serialize(rep));
            if (!r.GetValue(noPlots)) EdgeOfStabilityPlots.Save(rep, dir, "eos");
            var o = r.InvocationConfiguration.Output;
            if (r.GetValue(json)) { o.WriteLine(Json.Serialize(rep)); return ExitCodes.Success; }
            o.WriteLine($"network     {rep.Network} {rep.Activation} on {rep.Data} ({rep.Samples} samples), η = {F(rep.Lr)}, 2/η = {F(rep.TwoOverLr)}, {rep.Steps} steps");
            if (rep.Diverged) o.WriteLine($"DIVERGED    at step {rep.DivergedAtStep}");
            o.WriteLine($"sharpness   initial {F(rep.InitialSharpness)}, final {F(rep.FinalSharpness)}");
            o.WriteLine(rep.EdgeStep >= 0
                ? $"edge        reached at step {rep.EdgeStep} (t = {F(rep.EdgeTime)}); after it λ_max·η/2 = {F(rep.RatioMean)} ± {F(rep.RatioStd)} (median {F(rep.RatioMedian)})"
                : "edge        not reached");
            o.WriteLine($"loss        final {F(rep.FinalLoss)}; rises in {F(100 * rep.NonMonotoneFraction)}% of steps after the edge ({F(100 * rep.NonMonotoneFractionBefore)}% before); L(edge)/L(end) = {F(rep.LossDropAfterEdge)}");
            if (rep.FlowSubsteps > 0)
                o.WriteLine($"flow        ‖θ_GD − θ_GF‖/‖θ_GF − θ0‖ = {F(rep.FlowDistanceAtEdge)} at the edge, {F(rep.FlowDistanceFinal)} at the end; flow λ_max·η/2 = {F(rep.FlowSharpnessFinalRatio)}");
            o.WriteLine($"output      {dir}");
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("G4", CultureInfo.InvariantCulture);
}
